//! ESAT rules OpenFisca does not model, implemented from the texts: the part of the rémunération garantie the
//! ESAT finances (R243-5 and R243-6 CASF), the reduction of the rémunération garantie counted in the AAH
//! resources (D821-10 CSS) and the cap of AAH + rémunération garantie (D821-5 CSS).
//!
//! Amounts: the rémunération garantie of R243-5 and the cap of D821-5 are gross amounts (shares of the gross
//! SMIC); the resources of the AAH are the taxable pay (R821-4). The D821-10 tranche is looked up on the part
//! the ESAT finances itself, as a share of the gross SMIC.

use super::money::{Cents, Exact, Rate};
use super::parameters::{
    ESAT_AIDE_AU_POSTE, ESAT_AIDE_REDUCTION_FROM, ESAT_AIDE_REDUCTION_SLOPE, ESAT_CAP, ESAT_CAP_COUPLE,
    ESAT_CAP_DEPENDANT, ESAT_MIN_PART, ESAT_REDUCTION, NoRuleBefore,
};
use time::Date;

/// R243-5 and R243-6 CASF: the part of a month's gross rémunération garantie the ESAT finances itself, the rest
/// being the State's aide au poste, when the ESAT's part is not given. For a full-time worker the aide is 50,7 %
/// of the SMIC (50 % before 2018) while the ESAT's part is at most 20 % of it, then falls by 0,5 point per point
/// of the ESAT's part, so pay = part + aide gives the part back. A pay under the full-time minimum (aide + 5 %)
/// is read as part-time work at that minimum: aide and part both in proportion to the time worked (the ESAT's
/// real part, when known, is better: it is an input).
pub fn esat_part(gross: Cents, monthly_smic: Exact, day: Date) -> Result<Exact, NoRuleBefore> {
    let pay = gross.exact();
    let aide = monthly_smic.times(ESAT_AIDE_AU_POSTE.at(day)?);
    let minimum = monthly_smic.times(ESAT_MIN_PART);
    let knee = monthly_smic.times(ESAT_AIDE_REDUCTION_FROM);
    let part = if pay < aide + minimum {
        minimum.scale(pay, aide + minimum)
    } else if pay <= aide + knee {
        pay - aide
    } else {
        // part + aide - slope x (part - knee) = pay, so part = (pay - aide - slope x knee) / (1 - slope).
        let slope = ESAT_AIDE_REDUCTION_SLOPE;
        (pay - aide - knee.times(slope)).scale(Cents(1).exact(), Cents(1).exact().times(slope.complement()))
    };
    Ok(part.min(pay).at_least_zero())
}

/// D821-10: the rémunération garantie counted in the resources, after its reduction, and the rate applied. The
/// tranche is the share of the SMIC the ESAT finances: `part` over `smic`, both summed over the same months.
pub fn counted_pay(pay: Exact, part: Exact, smic: Exact, day: Date) -> Result<(Exact, Rate), NoRuleBefore> {
    let tranches = ESAT_REDUCTION.at(day)?;
    // The share part / SMIC is compared without a division: part >= SMIC x lower bound of the tranche.
    let reduction = tranches
        .iter()
        .rev()
        .find(|(from, _)| part >= smic.times(*from))
        .map_or(Rate::ZERO, |(_, reduction)| *reduction);
    Ok((pay.times(reduction.complement()), reduction))
}

/// D821-5: the highest AAH compatible with this month's gross rémunération garantie (the cap is a share of the
/// gross SMIC, so the pay it is compared with is gross too).
pub fn cap(
    monthly_gross_pay: Cents,
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
    Ok((monthly_smic.times(share) - monthly_gross_pay.exact()).at_least_zero())
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
    fn d821_10_reduction_by_the_part_the_esat_finances() {
        // D821-10 (décret 2006-1752): on the part financed by the ESAT, 3.5 % from 5 % of the SMIC, 4 % from
        // 10 %, 4.5 % from 15 %, 5 % from 20 %. The tranche is read on that part, not on the whole pay: a pay of
        // 70 % of the SMIC of which the ESAT pays 8 % is reduced by 3.5 %, not 5 %.
        let day = date!(2025 - 06 - 01);
        let pay = yearly(Cents(126_126)); // 70 % of the SMIC
        for (part, rate) in [
            (Cents(5_000), Rate::ZERO),     // 2.8 % of the SMIC: below the first tranche
            (Cents(9_009), Rate(35_000)),   // 5 %
            (Cents(14_414), Rate(35_000)),  // 8 %
            (Cents(18_018), Rate(40_000)),  // 10 %
            (Cents(30_000), Rate(45_000)),  // 16.7 %
            (Cents(36_036), Rate(50_000)),  // 20 %
            (Cents(120_000), Rate(50_000)), // 66.6 %: kept at the last tranche
        ] {
            let (counted, applied) = counted_pay(pay, yearly(part), yearly(SMIC_2025), day).unwrap();
            assert_eq!(applied, rate, "{part}");
            assert_eq!(counted, pay.times(rate.complement()));
        }
    }

    #[test]
    fn r243_6_the_esat_part_is_the_pay_less_the_aide_au_poste() {
        // R243-5 / R243-6 CASF: full time, aide au poste 50.7 % of the SMIC (from 2018) up to an ESAT part of
        // 20 %, then 0.5 point less per point; under the full-time minimum (55.7 %), part-time in proportion.
        let smic = SMIC_2025.exact();
        let day = date!(2025 - 06 - 01);
        let part = |pay: Cents| esat_part(pay, smic, day).unwrap().round();
        assert_eq!(part(Cents(100_360)), Cents(9_009)); // 55.7 %: the minimum part, 5 %
        assert_eq!(part(Cents(108_108)), Cents(16_757)); // 60 %: 60 - 50.7 = 9.3 %
        assert_eq!(part(Cents(127_387)), Cents(36_036)); // 70.7 %: 20 %, the aide still whole
        // 90 %: part p with p + 50.7 - 0.5 (p - 20) = 90, p = 58.6 % (aide 31.4 %).
        assert_eq!(part(Cents(162_162)), Cents(105_585));
        // 110.7 % (1 994,59 €), the most: the ESAT pays 100 % (to the cent of the pay), the aide is 10.7 %.
        assert_eq!(part(Cents(199_459)), Cents(180_179));
        // Half time at the minimum: 27.85 % of the SMIC, of which 2.5 % from the ESAT.
        assert_eq!(part(Cents(50_180)), Cents(4_504));
        // Before 2018 the aide was 50 %: 60 % of the SMIC leaves 10 %.
        let smic_2017 = Cents(148_030).exact(); // 9.76 € x 151.67 h
        assert_eq!(
            esat_part(Cents(88_818), smic_2017, date!(2017 - 06 - 01))
                .unwrap()
                .round(),
            Cents(14_803)
        );
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
