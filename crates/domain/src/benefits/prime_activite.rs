//! Prime d'activité (L841-1 to L845-?, R843 to D845), as OpenFisca-France computes it: each month of the
//! reference quarter gives a "fictive" prime; the prime of a month is their average, not paid under 15 €.

use super::explain::{PpaExplanation, PpaMonth};
use super::input::Housing;
use super::money::{Cents, Exact, Rate};
use super::month::Month;
use super::parameters::*;
use super::situation::Situation;

#[derive(Debug, Clone)]
pub struct PpaDecision {
    pub amount: Cents,
    pub explanation: PpaExplanation,
}

/// The prime of `month`, from the AAH and the majoration pour la vie autonome of each month of its reference
/// quarter (oldest first).
pub fn assess(s: &Situation, month: Month, quarter_aah: [(Cents, Cents); 3]) -> Result<PpaDecision, NoRuleBefore> {
    let quarter = month.previous_quarter();
    let mut details = Vec::with_capacity(3);
    let mut total = Exact::ZERO;
    for (m, (aah, mva)) in quarter.into_iter().zip(quarter_aah) {
        let (amount, detail) = month_alone(s, m, aah, mva)?;
        total = total + amount;
        details.push(detail);
    }
    let average = total.div_n(3).round();
    let minimum = PPA_MINIMUM_PAID.at(month.first_day())?;
    let worked = s.partner_earnings > Cents::ZERO || quarter.iter().any(|m| s.earnings(*m).net() > Cents::ZERO);
    let adult = s.age_on(month.first_day()) >= PPA_MIN_AGE || s.couple;
    let (code, amount, reason) = if !worked {
        (
            "no_earnings_in_quarter",
            Cents::ZERO,
            format!(
                "Pas de revenu d'activité de {} à {} : pas de prime d'activité.",
                quarter[0], quarter[2]
            ),
        )
    } else if !adult && average == Cents::ZERO {
        (
            "too_young",
            Cents::ZERO,
            format!("La prime d'activité est ouverte à partir de {PPA_MIN_AGE} ans."),
        )
    } else if average == Cents::ZERO {
        (
            "nil",
            Cents::ZERO,
            "Les ressources du trimestre dépassent le montant de la prime : pas de prime d'activité.".to_owned(),
        )
    } else if average < minimum {
        (
            "below_minimum",
            Cents::ZERO,
            format!("Moyenne du trimestre {average} : sous le minimum de {minimum}, la prime n'est pas versée."),
        )
    } else {
        (
            "paid",
            average,
            format!(
                "Prime d'activité : moyenne des montants de {} à {} = {average}.",
                quarter[0], quarter[2]
            ),
        )
    };
    let mut reasons = Vec::with_capacity(2);
    if s.partner_earnings > Cents::ZERO {
        reasons.push(format!(
            "Revenus d'activité du conjoint : {} par mois, comptés dans les revenus professionnels et les ressources \
             du foyer, avec sa propre bonification (D843-2).",
            s.partner_earnings
        ));
    }
    reasons.push(reason);
    Ok(PpaDecision {
        amount,
        explanation: PpaExplanation {
            code,
            quarter: details,
            average,
            reasons,
        },
    })
}

/// D843-1 and D843-2: montant forfaitaire + bonus + 61 % (59.85 % from 2025-04) of earned income − resources
/// (at least the montant forfaitaire) − housing flat rate, for one month.
fn month_alone(s: &Situation, month: Month, aah: Cents, mva: Cents) -> Result<(Exact, PpaMonth), NoRuleBefore> {
    let day = month.first_day();
    let base = PPA_BASE.at(day)?;
    let smic = SMIC_HOURLY.at(day)?;
    let net = s.earnings(month).net();
    let aah_is_earned = net.0 >= smic.0 * PPA_AAH_THRESHOLD_HOURS.at(day)?;
    // The person's earned income (with the AAH past the threshold), then the household's: the partner's
    // earnings count in the earned income and the resources, and give the partner's own bonus (D843-2).
    let own = if aah_is_earned { net + aah } else { net };
    let partner = s.partner_earnings;
    let earned = own + partner;
    let resources = net + aah + mva + partner;
    let size = s.household_size();
    let montant_forfaitaire = base.exact().times(size_rate(size, s.couple));
    let bonus = bonus(own, base, smic, day)? + bonus(partner, base, smic, day)?;
    let housing = housing_flat_rate(s, base, size);
    let amount = if s.age_on(day) >= PPA_MIN_AGE || s.couple {
        let income = montant_forfaitaire + bonus + earned.exact().times(PPA_SLOPE.at(day)?);
        (income - (resources.exact() + housing).max(montant_forfaitaire)).at_least_zero()
    } else {
        Exact::ZERO
    };
    let detail = PpaMonth {
        month,
        montant_forfaitaire: montant_forfaitaire.round(),
        bonus: bonus.round(),
        earned_income: earned,
        resources,
        housing_flat_rate: housing.round(),
        amount: amount.round(),
    };
    Ok((amount, detail))
}

/// D842-1: +50 % for the second person, +30 % for the third, +40 % for each further one (the fourth person of
/// a couple counts +30 %).
fn size_rate(size: i64, couple: bool) -> Rate {
    let mut rate = Rate::ONE;
    if size >= 2 {
        rate = rate.plus(PPA_SECOND_PERSON);
    }
    if size >= 3 {
        rate = rate.plus(PPA_THIRD_PERSON);
    }
    if size >= 4 {
        rate = rate.plus(if couple { PPA_THIRD_PERSON } else { PPA_FURTHER_PERSON });
    }
    rate.plus(PPA_FURTHER_PERSON.times((size - 4).max(0)))
}

/// D843-2: the individual bonus grows linearly from 59 to 120 hours of SMIC (138 from 2026-04) of earned income;
/// its maximum is rounded to the cent as published.
fn bonus(earned: Cents, base: Cents, smic: Cents, day: time::Date) -> Result<Exact, NoRuleBefore> {
    let maximum = base.exact().times(PPA_BONUS_MAX.at(day)?).round().exact();
    let floor = smic.exact().times_n(PPA_BONUS_FLOOR.at(day)?);
    let top = smic.exact().times_n(PPA_BONUS_TOP.at(day)?);
    Ok(maximum
        .scale((earned.exact() - floor).at_least_zero(), top - floor)
        .min(maximum))
}

/// R843-2: owners and people housed free count a flat rate; tenants count their housing benefit up to it.
fn housing_flat_rate(s: &Situation, base: Cents, size: i64) -> Exact {
    let people = size.min(3);
    let rate = PPA_HOUSING_FLAT_RATE[(people - 1) as usize];
    let flat = base.exact().times(size_rate(people, s.couple)).times(rate);
    match s.housing {
        Housing::Owner | Housing::Free => flat,
        Housing::Tenant => s.housing_benefit.exact().min(flat),
    }
}

#[cfg(test)]
mod tests {
    use crate::benefits::{CaseInput, Cents, simulate};
    use serde_json::json;

    fn prime(partner: f64) -> (Cents, Vec<String>) {
        let earnings: Vec<_> = (3..=5)
            .map(|m| json!({"month": format!("2025-{m:02}"), "net": 1000}))
            .collect();
        let case: CaseInput = serde_json::from_value(json!({
            "person": {"birth_date": "1990-03-10", "incapacity_rate": 0.0},
            "household": {"couple": true, "partner_earnings": partner},
            "earnings": earnings,
            "months": ["2025-06"]
        }))
        .unwrap();
        let r = simulate(&case).unwrap().results.remove(0);
        (r.prime_activite, r.explain.prime_activite.reasons)
    }

    #[test]
    fn d843_2_the_partners_earnings_count_for_the_household() {
        // D843-1 and D843-2 CSS: the prime of a couple is the household's: montant forfaitaire for two + a bonus
        // for each worker + 61 % (59.85 % from April 2025) of the household's earnings - its resources. June
        // 2025, 1 000 € a month for the person and 1 200 € for the partner, March to May:
        // March: 933.945 (622.63 x 1.5) + bonuses 74.78 + 124.78 + 61 % of 2 200 - 2 200 = 275.51 €;
        // April and May: 949.815 + 76.05 + 126.91 + 59.85 % of 2 200 - 2 200 = 269.47 €; average 271.48 €.
        let (amount, reasons) = prime(1200.0);
        assert_eq!(amount, Cents(27_148), "{reasons:?}");
        assert!(reasons[0].contains("conjoint"), "{reasons:?}");
        // Without the partner's earnings (the former reading: the couple amount on the person's pay alone).
        assert_eq!(prime(0.0).0, Cents(62_248)); // (618.72 + 2 x 624.36) / 3
    }

    #[test]
    fn partner_earnings_need_a_couple() {
        let case: CaseInput = serde_json::from_value(json!({
            "person": {"birth_date": "1990-03-10", "incapacity_rate": 0.8},
            "household": {"partner_earnings": 500},
            "months": ["2025-06"]
        }))
        .unwrap();
        let e = simulate(&case).unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            ("partner_earnings_without_couple", Some("household.partner_earnings"))
        );
    }
}
