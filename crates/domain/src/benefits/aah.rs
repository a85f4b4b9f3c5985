//! Allocation aux adultes handicapés (L821-1 to L821-3, R821-4, D821-1 to D821-10), as OpenFisca-France
//! computes it, plus the ESAT rules of `esat`.

use super::esat;
use super::explain::{AahExplanation, Assessment};
use super::money::{Cents, Exact, Rate};
use super::month::Month;
use super::parameters::*;
use super::situation::{MonthEarnings, Situation};

/// The AAH of one month, with why.
#[derive(Debug, Clone)]
pub struct AahDecision {
    pub amount: Cents,
    /// Majoration pour la vie autonome, paid with the AAH.
    pub mva: Cents,
    pub explanation: AahExplanation,
}

/// Gross SMIC for a full-time month (151.67 h).
pub fn monthly_smic(hourly: Cents) -> Exact {
    hourly.exact().times_n(MONTHLY_HOURS_HUNDREDTHS).div_n(100)
}

pub fn assess(s: &Situation, month: Month) -> Result<AahDecision, NoRuleBefore> {
    let day = month.first_day();
    let full_rate = AAH_FULL_RATE.at(day)?;
    let age = s.age_on(day);
    let mut explanation = AahExplanation::new(full_rate);
    if let Some((code, reason)) = ineligibility(s, age, day)? {
        explanation.refuse(code, reason);
        return Ok(AahDecision {
            amount: Cents::ZERO,
            mva: Cents::ZERO,
            explanation,
        });
    }
    if age < AAH_MIN_AGE {
        explanation.note(format!(
            "Entre {AAH_MIN_AGE_NOT_DEPENDENT} et {AAH_MIN_AGE} ans, l'AAH suppose que la personne n'ouvre plus droit \
             aux prestations familiales pour ses parents (R821-1) : le simulateur le suppose."
        ));
    }
    let yearly_smic = monthly_smic(SMIC_HOURLY.at(day)?).times_n(12);
    let now = s.earnings(month);
    let yearly_resources = if now.ordinary_taxable > Cents::ZERO {
        // R821-4-1: earnings in ordinary employment this month: the last quarter, annualised.
        let quarter = month.previous_quarter();
        let sum = s.sum_of(&quarter);
        let (mut ordinary, esat) = (sum.ordinary_net, sum.esat_net);
        explanation.assessment = Assessment::Quarterly;
        explanation.note(format!(
            "Évaluation trimestrielle (activité en milieu ordinaire ce mois) : revenus nets de {} à {} = {}, \
             multipliés par 4.",
            quarter[0],
            quarter[2],
            ordinary + esat
        ));
        if let Some(start) = s.new_activity_start(month) {
            // D821-9 1°: the earnings of an activity that starts are left out for six months.
            ordinary = Cents::ZERO;
            explanation.note(format!(
                "Début d'activité en {} après un mois sans revenu d'activité : les revenus d'activité ne sont pas \
                 pris en compte pour l'AAH pendant six mois, jusqu'en {} (D821-9, 1°).",
                french_month(start),
                french_month(start.offset(5))
            ));
        }
        disregarded(ordinary.exact().times_n(4), yearly_smic, day, &mut explanation)?
            + esat_pay(esat.exact().times_n(4), &sum, day, &mut explanation)?
    } else {
        // R821-4: otherwise the taxable earnings of year N-2.
        let year = month.year() - 2;
        let earned = s.year_earnings(year);
        explanation.assessment = Assessment::Annual;
        explanation.note(format!(
            "Évaluation annuelle : revenus imposables de {year} = {}.",
            earned.ordinary_taxable + earned.esat_taxable
        ));
        let mut ordinary = disregarded(earned.ordinary_taxable.exact(), yearly_smic, day, &mut explanation)?;
        if now.ordinary_taxable + now.esat_taxable == Cents::ZERO && earned.ordinary_taxable > Cents::ZERO {
            let stopped = AAH_STOPPED_WORK_DISREGARD.at(day)?;
            ordinary = ordinary.times(stopped.complement());
            explanation.note(format!(
                "Pas d'activité ce mois : abattement supplémentaire de {stopped} (R821-4)."
            ));
        }
        ordinary + esat_pay(earned.esat_taxable.exact(), &earned, day, &mut explanation)?
    };
    let resources = yearly_resources.div_n(12);
    let ceiling = full_rate.exact().times(ceiling_rate(s, day)?);
    explanation.resources = resources.round();
    explanation.ceiling = ceiling.round();
    let mut amount = (ceiling - resources).at_least_zero().min(full_rate.exact());
    if now.esat_net > Cents::ZERO {
        let dependants = s.children + s.ascendants;
        let cap = esat::cap(now.esat_gross, yearly_smic.div_n(12), s.couple, dependants, day)?;
        explanation.esat_cap = Some(cap.round());
        if cap < amount {
            amount = cap;
            let gross = if now.esat_gross_estimated {
                format!("{} brut, estimé à partir du net de {}", now.esat_gross, now.esat_net)
            } else {
                format!("{} brut", now.esat_gross)
            };
            let majoration = if dependants > 0 {
                format!(", majoré de 15 % par personne à charge ({dependants})")
            } else {
                String::new()
            };
            explanation.note(format!(
                "Le cumul de l'AAH et de la rémunération garantie ({gross}) est limité par le SMIC brut{majoration} \
                 (D821-5) : AAH ramenée à {}.",
                cap.round()
            ));
        }
    }
    let amount = amount.round();
    explanation.conclude(amount, full_rate);
    let mva = if amount > Cents::ZERO {
        majoration_vie_autonome(s, month, &mut explanation)?
    } else {
        Cents::ZERO
    };
    Ok(AahDecision {
        amount,
        mva,
        explanation,
    })
}

/// L821-1-2: the majoration pour la vie autonome, for an incapacity of 80 % or more, housing benefit and no
/// professional income (OpenFisca: no taxable earnings in the twelve previous months).
fn majoration_vie_autonome(
    s: &Situation,
    month: Month,
    explanation: &mut AahExplanation,
) -> Result<Cents, NoRuleBefore> {
    let worked = (1..=12).any(|back| {
        let e = s.earnings(month.offset(-back));
        e.ordinary_taxable + e.esat_taxable > Cents::ZERO
    });
    if s.incapacity < AAH_FULL_INCAPACITY || s.housing_benefit == Cents::ZERO || worked {
        return Ok(Cents::ZERO);
    }
    let amount = MVA_AMOUNT.at(month.first_day())?;
    explanation.note(format!(
        "Majoration pour la vie autonome de {amount} : incapacité d'au moins 80 %, aide au logement et pas de \
         revenu d'activité dans les douze derniers mois."
    ));
    Ok(amount)
}

/// Why the person has no right to the AAH this month, if so (L821-1, L821-2, R821-1).
fn ineligibility(s: &Situation, age: i32, day: time::Date) -> Result<Option<(&'static str, String)>, NoRuleBefore> {
    if age < AAH_MIN_AGE_NOT_DEPENDENT {
        return Ok(Some((
            "aah_too_young",
            format!("L'AAH est ouverte à partir de {AAH_MIN_AGE_NOT_DEPENDENT} ans ; la personne a {age} ans."),
        )));
    }
    if s.incapacity >= AAH_FULL_INCAPACITY {
        return Ok(None);
    }
    if s.incapacity < AAH_RSDAE_INCAPACITY {
        return Ok(Some((
            "aah_incapacity_too_low",
            format!(
                "Un taux d'incapacité de {} n'ouvre pas droit à l'AAH (50 % au moins).",
                s.incapacity
            ),
        )));
    }
    if !s.rsdae {
        return Ok(Some((
            "aah_rsdae_missing",
            format!(
                "Avec un taux d'incapacité de {} (entre 50 et 79 %), l'AAH suppose une restriction substantielle \
                 et durable pour l'accès à l'emploi (RSDAE) reconnue par la CDAPH.",
                s.incapacity
            ),
        )));
    }
    let retirement = AAH_RETIREMENT_AGE.at(day)?;
    if age > retirement {
        return Ok(Some((
            "aah_retirement_age",
            format!(
                "Avec un taux d'incapacité entre 50 et 79 %, l'AAH s'arrête à l'âge légal de la retraite \
                 ({retirement} ans) ; la personne a {age} ans."
            ),
        )));
    }
    Ok(None)
}

/// R821-4-1 and D821-9: earnings count for 20 % up to 30 % of the yearly gross SMIC and 60 % above.
fn disregarded(
    yearly: Exact,
    yearly_smic: Exact,
    day: time::Date,
    explanation: &mut AahExplanation,
) -> Result<Exact, NoRuleBefore> {
    if yearly == Exact::ZERO {
        return Ok(Exact::ZERO);
    }
    let tranche = yearly_smic.times(AAH_EARNINGS_TRANCHE.at(day)?);
    let (low, high) = (AAH_DISREGARD_LOW.at(day)?, AAH_DISREGARD_HIGH.at(day)?);
    let counted =
        yearly.min(tranche).times(low.complement()) + (yearly - tranche).at_least_zero().times(high.complement());
    explanation.note(format!(
        "Abattement de {low} sur les revenus d'activité jusqu'à {} par an (30 % du SMIC brut annuel) et de {high} \
         au-delà : {} retenus par an sur {}.",
        tranche.round(),
        counted.round(),
        yearly.round()
    ));
    Ok(counted)
}

fn esat_pay(
    pay: Exact,
    months: &MonthEarnings,
    day: time::Date,
    explanation: &mut AahExplanation,
) -> Result<Exact, NoRuleBefore> {
    if pay == Exact::ZERO {
        return Ok(Exact::ZERO);
    }
    let (part, smic) = (months.esat_part, months.esat_smic);
    let (counted, reduction) = esat::counted_pay(pay, part.exact(), smic.exact(), day)?;
    let share = crate::french::percentage(if smic > Cents::ZERO {
        (1000.0 * part.0 as f64 / smic.0 as f64).round() / 10.0
    } else {
        0.0
    });
    explanation.note(format!(
        "Rémunération garantie de l'ESAT : {} par an, dont une part financée par l'ESAT de {share} du SMIC brut \
         (le reste est l'aide au poste de l'État, R243-6 du code de l'action sociale et des familles) : \
         abattement de {reduction} (D821-10), {} retenus.",
        pay.round(),
        counted.round()
    ));
    Ok(counted)
}

/// `juin 2025`.
fn french_month(m: Month) -> String {
    format!(
        "{} {}",
        crate::calendar::MONTH_NAMES[usize::from(m.number() - 1)],
        m.year()
    )
}

/// D821-2: the ceiling as a multiple of the full rate: +50 % per child, and for a couple +81 % under the
/// joint calculation that ended on 2023-09-30 (the partner's income, absent from the input, counted as nil).
fn ceiling_rate(s: &Situation, day: time::Date) -> Result<Rate, NoRuleBefore> {
    let mut rate = Rate::ONE.plus(AAH_CHILD_CEILING.at(day)?.times(s.children));
    if s.couple && day < DECONJUGALISATION {
        rate = rate.plus(AAH_COUPLE_CEILING.at(day)?);
    }
    Ok(rate)
}
