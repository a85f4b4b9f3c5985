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
    let worked = quarter.iter().any(|m| s.earnings(*m).net() > Cents::ZERO);
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
    Ok(PpaDecision {
        amount,
        explanation: PpaExplanation {
            code,
            quarter: details,
            average,
            reasons: vec![reason],
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
    let earned = if aah_is_earned { net + aah } else { net };
    let resources = net + aah + mva;
    let size = s.household_size();
    let montant_forfaitaire = base.exact().times(size_rate(size, s.couple));
    let bonus = bonus(earned, base, smic, day)?;
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
