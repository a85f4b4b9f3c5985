//! ESAT rules OpenFisca does not model, implemented from the texts: the reduction of the rémunération garantie
//! counted in the AAH resources (D821-10) and the cap of AAH + rémunération garantie (D821-5).
//!
//! Reading to confirm with the CAF: the input carries the whole rémunération garantie, not the part the ESAT
//! finances itself, so the D821-10 tranche is looked up on the whole amount's share of the gross SMIC, and
//! shares above 50 % keep the 5 % reduction of the last tranche.

use super::money::{Cents, Exact, Rate};
use super::parameters::{ESAT_CAP, ESAT_CAP_COUPLE, ESAT_CAP_DEPENDANT, ESAT_REDUCTION, NoRuleBefore};
use time::Date;

/// D821-10: the rémunération garantie counted in the resources, after its reduction, and the rate applied.
pub fn counted_pay(yearly_pay: Exact, yearly_smic: Exact, day: Date) -> Result<(Exact, Rate), NoRuleBefore> {
    let tranches = ESAT_REDUCTION.at(day)?;
    // The share pay / SMIC is compared without a division: pay >= SMIC x lower bound of the tranche.
    let reduction = tranches
        .iter()
        .rev()
        .find(|(from, _)| yearly_pay >= yearly_smic.times(*from))
        .map_or(Rate::ZERO, |(_, reduction)| *reduction);
    Ok((yearly_pay.times(reduction.complement()), reduction))
}

/// D821-5: the highest AAH compatible with this month's rémunération garantie.
pub fn cap(
    monthly_pay: Cents,
    monthly_smic: Exact,
    couple: bool,
    dependants: i64,
    day: Date,
) -> Result<Exact, NoRuleBefore> {
    // « Lorsque l'allocataire a un enfant à sa charge [...] ou un ascendant à sa charge [...], ce pourcentage
    // est majoré de 15 % »: read as 15 % for each dependent child or ascendant (RULES.md section 6; the
    // ambiguity is named in docs/benefits.md).
    let mut share = ESAT_CAP.at(day)?.plus(ESAT_CAP_DEPENDANT.at(day)?.times(dependants));
    if couple {
        share = share.plus(ESAT_CAP_COUPLE.at(day)?);
    }
    Ok((monthly_smic.times(share) - monthly_pay.exact()).at_least_zero())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const SMIC_2025: Cents = Cents(180_180); // about the gross monthly SMIC of 2025 (11.88 € x 151.67 h)

    fn yearly(c: Cents) -> Exact {
        c.exact().times_n(12)
    }

    #[test]
    fn d821_10_reduction_by_share_of_smic() {
        // D821-10 (décret 2006-1752): 3.5 % from 5 % of the SMIC, 4 % from 10 %, 4.5 % from 15 %, 5 % from 20 %.
        let day = date!(2025 - 06 - 01);
        for (pay, rate) in [
            (Cents(5_000), Rate::ZERO),     // 2.8 % of the SMIC: below the first tranche
            (Cents(10_000), Rate(35_000)),  // 5.5 %
            (Cents(20_000), Rate(40_000)),  // 11.1 %
            (Cents(30_000), Rate(45_000)),  // 16.7 %
            (Cents(70_000), Rate(50_000)),  // 38.9 %
            (Cents(120_000), Rate(50_000)), // 66.6 %: kept at the last tranche
        ] {
            let (counted, applied) = counted_pay(yearly(pay), yearly(SMIC_2025), day).unwrap();
            assert_eq!(applied, rate, "{pay}");
            assert_eq!(counted, yearly(pay).times(rate.complement()));
        }
    }

    #[test]
    fn d821_5_cap_of_aah_and_pay() {
        // D821-5: AAH + rémunération garantie <= 100 % of the gross SMIC, +15 % for each dependent child or
        // ascendant, +30 % for a couple until 2023-09-30 (décret 2023-360). The earlier reading (+15 % once,
        // whatever the number of dependants) was wrong: two dependants give 130 %.
        let smic = SMIC_2025.exact();
        let after = date!(2025 - 06 - 01);
        let before = date!(2023 - 09 - 01);
        assert_eq!(
            cap(Cents(90_000), smic, false, 0, after).unwrap().round(),
            Cents(90_180)
        );
        assert_eq!(
            cap(Cents(90_000), smic, false, 1, after).unwrap().round(),
            Cents(117_207)
        );
        assert_eq!(cap(Cents(90_000), smic, true, 0, after).unwrap().round(), Cents(90_180));
        assert_eq!(
            cap(Cents(90_000), smic, true, 0, before).unwrap().round(),
            Cents(144_234)
        );
        assert_eq!(cap(Cents(200_000), smic, false, 0, after).unwrap(), Exact::ZERO);
        // Per dependant, children and ascendants alike: 2 dependants 130 % (2 342,34 €), 3 dependants 145 %.
        for (dependants, expected) in [(2, Cents(144_234)), (3, Cents(171_261))] {
            assert_eq!(
                cap(Cents(90_000), smic, false, dependants, after).unwrap().round(),
                expected,
                "{dependants} dependants"
            );
        }
        // A couple with one child before 2023-10-01: 100 + 30 + 15 = 145 %.
        assert_eq!(
            cap(Cents(90_000), smic, true, 1, before).unwrap().round(),
            Cents(171_261)
        );
    }
}
