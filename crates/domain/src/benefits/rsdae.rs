//! The restriction substantielle et durable pour l'accès à l'emploi (RSDAE) and work in ordinary employment: a
//! warning, not a computation (the CDAPH decides).
//!
//! D821-1-2 CSS (décret 2011-974 du 16 août 2011, from 2011-09-01): the RSDAE, which opens the AAH to a person
//! whose incapacity is 50 to 79 %, is compatible with work in an ESAT, with a training, and with work in ordinary
//! employment « pour une durée de travail inférieure à un mi-temps » when the limit comes from the handicap.
//! « Journées nationales de l'emploi accompagné (CFEA, mars 2020) », atelier 1: above 17 h 30 a week, the RSDAE,
//! and so the AAH, may be lost.

use super::input::EarningKind;
use super::money::Rate;
use super::month::Month;
use super::parameters::{AAH_FULL_INCAPACITY, AAH_RSDAE_INCAPACITY};
use super::scenario::{Activity, Hours, Pay, smic_pay};
use crate::invalid::Invalid;
use time::Date;
use time::macros::date;

/// Half of the legal 35 hours a week, in hundredths of an hour: the « mi-temps » of D821-1-2.
pub const HALF_TIME_HUNDREDTHS: i64 = 1750;
/// D821-1-2 applies from this day (décret 2011-974).
pub const RSDAE_FROM: Date = date!(2011 - 09 - 01);

/// The warning for a person with an incapacity of `incapacity` who takes up `activity` from `month`, if any:
/// an activity in ordinary employment of at least half-time, or paid more than a half-time at the SMIC when
/// only its pay is known.
pub fn half_time_warning(incapacity: Rate, activity: &Activity, month: Month) -> Result<Option<String>, Invalid> {
    let applies = (AAH_RSDAE_INCAPACITY..AAH_FULL_INCAPACITY).contains(&incapacity)
        && activity.kind == EarningKind::Ordinary
        && month.first_day() >= RSDAE_FROM;
    if !applies {
        return Ok(None);
    }
    let consequence = format!(
        "Avec un taux d'incapacité de {incapacity} (entre 50 et 79 %), l'AAH suppose une restriction substantielle \
         et durable pour l'accès à l'emploi (RSDAE). Un emploi en milieu ordinaire d'au moins un mi-temps \
         ({}) n'est plus compatible avec elle (article D821-1-2 du code de la sécurité sociale) : la CDAPH peut \
         la retirer, et l'AAH s'arrêter. Le simulateur compte l'AAH comme si la RSDAE était maintenue.",
        Hours(HALF_TIME_HUNDREDTHS)
    );
    Ok(match activity.pay {
        Pay::SmicHours(hours) if hours >= HALF_TIME_HUNDREDTHS => {
            Some(format!("Attention : {} par semaine. {consequence}", Hours(hours)))
        }
        Pay::SmicHours(_) => None,
        Pay::Net(net) => {
            let half_time = smic_pay(HALF_TIME_HUNDREDTHS, month)?.net;
            (net >= half_time).then(|| {
                format!(
                    "Attention : {net} net par mois, au moins le salaire d'un mi-temps au SMIC ({half_time}) : si \
                     l'emploi compte au moins {} par semaine, la RSDAE est en jeu. {consequence}",
                    Hours(HALF_TIME_HUNDREDTHS)
                )
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::benefits::money::Cents;

    #[test]
    fn d821_1_2_half_time_or_more_puts_the_rsdae_at_stake() {
        // D821-1-2 CSS: compatible with the RSDAE, work in ordinary employment « inférieure à un mi-temps », and
        // work in an ESAT; the RSDAE only matters between 50 and 79 %. Half-time at the SMIC in June 2025:
        // 17,5 h x 52 / 12 x 11,88 € = 900,90 € gross, 713,15 € net.
        let june: Month = "2025-06".parse().unwrap();
        let ordinary = |pay| Activity {
            kind: EarningKind::Ordinary,
            pay,
        };
        let esat = Activity {
            kind: EarningKind::Esat,
            pay: Pay::Net(Cents(120_000)),
        };
        for (incapacity, activity, warned) in [
            (Rate(600_000), ordinary(Pay::SmicHours(2400)), true), // 24 h, 60 %
            (Rate(600_000), ordinary(Pay::SmicHours(1750)), true), // exactly half-time: not « inférieure »
            (Rate(600_000), ordinary(Pay::SmicHours(1725)), false), // under half-time
            (Rate(790_000), ordinary(Pay::SmicHours(3500)), true), // 79 %
            (Rate(800_000), ordinary(Pay::SmicHours(3500)), false), // 80 %: no RSDAE needed
            (Rate(400_000), ordinary(Pay::SmicHours(3500)), false), // 40 %: no AAH anyway
            (Rate(600_000), esat, false),                          // ESAT work is compatible
            (Rate(600_000), ordinary(Pay::Net(Cents(71_315))), true), // the net pay of a half-time
            (Rate(600_000), ordinary(Pay::Net(Cents(71_314))), false),
        ] {
            let warning = half_time_warning(incapacity, &activity, june).unwrap();
            assert_eq!(warning.is_some(), warned, "{incapacity} {activity:?}: {warning:?}");
            if let Some(w) = warning {
                assert!(w.contains("D821-1-2") && w.contains("17,5 h"), "{w}");
            }
        }
    }
}
