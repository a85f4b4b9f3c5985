//! Every figure the law changes over time, keyed by the date it applies from, with its source.
//!
//! Values are those of OpenFisca-France 176.1.8 (`parameters/...` named on each table), checked against
//! RULES.md section 6. The last value of a table holds until a new one is published.

use super::money::{Cents, Rate};
pub use crate::dated::{Dated, NoRuleBefore};
use time::Date;
use time::macros::date;

/// Gross hourly SMIC, in cents (décrets de revalorisation; OpenFisca `marche_travail/salaire_minimum/smic/smic_b_horaire`).
pub const SMIC_HOURLY: Dated<Cents> = Dated::new(
    "SMIC horaire brut, décrets annuels de revalorisation",
    &[
        (date!(2017 - 01 - 01), Cents(976)),
        (date!(2018 - 01 - 01), Cents(988)),
        (date!(2019 - 01 - 01), Cents(1003)),
        (date!(2020 - 01 - 01), Cents(1015)),
        (date!(2021 - 01 - 01), Cents(1025)),
        (date!(2021 - 10 - 01), Cents(1048)),
        (date!(2022 - 01 - 01), Cents(1057)),
        (date!(2022 - 05 - 01), Cents(1085)),
        (date!(2022 - 08 - 01), Cents(1107)),
        (date!(2023 - 01 - 01), Cents(1127)),
        (date!(2023 - 05 - 01), Cents(1152)),
        (date!(2024 - 01 - 01), Cents(1165)),
        (date!(2024 - 11 - 01), Cents(1188)),
        (date!(2026 - 01 - 01), Cents(1202)),
        (date!(2026 - 06 - 01), Cents(1231)),
    ],
);

/// Legal monthly hours of a full-time job: 151.67 h, in hundredths of an hour (Code du travail, L3121-27).
pub const MONTHLY_HOURS_HUNDREDTHS: i64 = 15_167;

/// Share of the gross pay left after the employee's contributions of an ordinary job at the SMIC level, for the
/// simulator's estimate of the pay of a number of hours (URSSAF rates since 2019-01-01: old-age insurance
/// 6,90 % + 0,40 %, AGIRC-ARRCO 3,15 % + CEG 0,86 %, CSG 9,20 % and CRDS 0,50 % on 98,25 % of the gross pay:
/// 79,159 75 % left, the published net SMIC of 1 426,30 € for 1 801,80 € gross in 2025).
pub const NET_SHARE_OF_GROSS_PAY: Dated<Rate> = Dated::new(
    "Cotisations salariales de droit commun au niveau du SMIC (taux URSSAF) : estimation du salaire net",
    &[(date!(2019 - 01 - 01), Rate(791_598))],
);

/// Weeks in a year over months in a year: weekly hours times 52 / 12 give the monthly hours (35 h: 151,67 h).
pub const WEEKS_PER_YEAR: i64 = 52;

/// AAH full monthly rate (décrets de revalorisation; OpenFisca `aah/montant.yaml`).
pub const AAH_FULL_RATE: Dated<Cents> = Dated::new(
    "Montant de l'AAH à taux plein, article D821-3 du code de la sécurité sociale et décrets de revalorisation",
    &[
        (date!(2019 - 11 - 01), Cents(90_000)),
        (date!(2020 - 04 - 01), Cents(90_270)),
        (date!(2021 - 04 - 01), Cents(90_360)),
        (date!(2022 - 04 - 01), Cents(91_986)),
        (date!(2022 - 07 - 01), Cents(95_665)),
        (date!(2023 - 04 - 01), Cents(97_137)),
        (date!(2024 - 04 - 01), Cents(101_605)),
        (date!(2025 - 04 - 01), Cents(103_332)),
        (date!(2026 - 04 - 01), Cents(104_159)),
    ],
);

/// Increase of the AAH ceiling for a couple, under the joint calculation that ended on 2023-09-30
/// (D821-2; OpenFisca `aah/majoration_plafond/majoration_plafond_couple`).
pub const AAH_COUPLE_CEILING: Dated<Rate> = Dated::new(
    "Majoration du plafond pour un couple, article D821-2 du code de la sécurité sociale",
    &[(date!(2019 - 11 - 01), Rate(810_000))],
);

/// Increase of the AAH ceiling per dependent child (D821-2; OpenFisca `majoration_par_enfant_supplementaire`).
pub const AAH_CHILD_CEILING: Dated<Rate> = Dated::new(
    "Majoration du plafond par enfant à charge, article D821-2 du code de la sécurité sociale",
    &[(date!(2000 - 01 - 01), Rate(500_000))],
);

/// From this day the partner's income no longer counts (loi 2022-1158 art. 10, décret 2023-360).
pub const DECONJUGALISATION: Date = date!(2023 - 10 - 01);

/// Share of the yearly gross SMIC below which earnings are disregarded at 80 %, 40 % above (R821-4-1, D821-9;
/// OpenFisca `aah/travail_ordinaire/tranche_smic`, `abattement_30`, `abattement_sup`).
pub const AAH_EARNINGS_TRANCHE: Dated<Rate> = Dated::new(
    "Abattement sur les revenus d'activité, article D821-9 du code de la sécurité sociale",
    &[(date!(2011 - 01 - 01), Rate(300_000))],
);
pub const AAH_DISREGARD_LOW: Dated<Rate> = Dated::new(
    "Abattement de 80 % jusqu'à 30 % du SMIC brut, article D821-9 du code de la sécurité sociale",
    &[(date!(2011 - 01 - 01), Rate(800_000))],
);
pub const AAH_DISREGARD_HIGH: Dated<Rate> = Dated::new(
    "Abattement de 40 % au-delà de 30 % du SMIC brut, article D821-9 du code de la sécurité sociale",
    &[(date!(2011 - 01 - 01), Rate(400_000))],
);

/// Reduction of the reference-year earnings when work has stopped (R532-? via R821-4; OpenFisca
/// `aah/abattement_cessation_activite`, applied by OpenFisca whenever there are no earnings in the month).
pub const AAH_STOPPED_WORK_DISREGARD: Dated<Rate> = Dated::new(
    "Abattement de 30 % sur les revenus de l'année de référence en cas de cessation d'activité, article R821-4 du code de la sécurité sociale",
    &[(date!(2004 - 01 - 01), Rate(300_000))],
);

/// D821-9 1° CSS (décret 2010-1403 du 12 novembre 2010, from 2011-01-01): a person with no earnings in the
/// previous calendar month who starts or resumes work has those earnings left out of the AAH for at most six
/// months from the month of the start, six months at most in any twelve consecutive months. OpenFisca-France does
/// not model it (a TODO in `aah.py`).
pub const AAH_NEW_ACTIVITY_MONTHS: Dated<i32> = Dated::new(
    "Neutralisation des revenus d'une activité qui débute ou reprend, article D821-9 (1°) du code de la sécurité sociale",
    &[(date!(2011 - 01 - 01), 6)],
);
/// D821-9 1°: the rolling period over which the months left out are counted.
pub const AAH_NEW_ACTIVITY_WINDOW: i32 = 12;

/// AAH minimum age (L821-1, R821-1: 20, or 16 for a person who no longer opens the right to family benefits).
pub const AAH_MIN_AGE: i32 = 20;
pub const AAH_MIN_AGE_NOT_DEPENDENT: i32 = 16;

/// Age up to which a rate of 50-79 % opens the AAH (L821-2; OpenFisca `aah/age_legal_retraite`, which keeps
/// 64 from 2023-09-01 rather than the progressive legal age of the 2023 reform).
pub const AAH_RETIREMENT_AGE: Dated<i32> = Dated::new(
    "Âge légal de départ à la retraite, article L821-2 du code de la sécurité sociale",
    &[(date!(2017 - 01 - 01), 62), (date!(2023 - 09 - 01), 64)],
);

/// Majoration pour la vie autonome (L821-1-2, D821-3; OpenFisca `caah/majoration_vie_autonome`).
pub const MVA_AMOUNT: Dated<Cents> = Dated::new(
    "Majoration pour la vie autonome, articles L821-1-2 et D821-3 du code de la sécurité sociale",
    &[(date!(2008 - 01 - 01), Cents(10_477))],
);

/// Incapacity rates (D821-1).
pub const AAH_FULL_INCAPACITY: Rate = Rate(800_000);
pub const AAH_RSDAE_INCAPACITY: Rate = Rate(500_000);

/// D821-5: AAH + rémunération garantie capped at this share of the monthly gross SMIC.
pub const ESAT_CAP: Dated<Rate> = Dated::new(
    "Plafond du cumul AAH et rémunération garantie, article D821-5 du code de la sécurité sociale",
    &[(date!(2007 - 01 - 01), Rate(1_000_000))],
);
/// D821-5: increase of the cap for a dependent child or ascendant.
pub const ESAT_CAP_DEPENDANT: Dated<Rate> = Dated::new(
    "Majoration de 15 % pour un enfant ou un ascendant à charge, article D821-5 du code de la sécurité sociale",
    &[(date!(2007 - 01 - 01), Rate(150_000))],
);
/// D821-5: increase of the cap for a couple, removed by décret 2023-360 from 2023-10-01.
pub const ESAT_CAP_COUPLE: Dated<Rate> = Dated::new(
    "Majoration de 30 % pour un couple, article D821-5 du code de la sécurité sociale (supprimée le 1er octobre 2023)",
    &[(date!(2007 - 01 - 01), Rate(300_000)), (DECONJUGALISATION, Rate(0))],
);

/// R243-5 CASF (décret 2006-703, from 2007-01-01): the part of the rémunération garantie the ESAT finances
/// itself is at least 5 % of the SMIC, for a full-time worker.
pub const ESAT_MIN_PART: Rate = Rate(50_000);

/// R243-6 CASF: the aide au poste the State pays for a full-time worker, as a share of the SMIC, while the ESAT's
/// part is at most `ESAT_AIDE_REDUCTION_FROM`: 50 % (décret 2006-703, from 2007-01-01), 50,7 % from 2018-01-01
/// (décret 2018-194 du 21 mars 2018, compensating the CSG rise). Proportional to the working time.
pub const ESAT_AIDE_AU_POSTE: Dated<Rate> = Dated::new(
    "Aide au poste, article R243-6 du code de l'action sociale et des familles",
    &[
        (date!(2007 - 01 - 01), Rate(500_000)),
        (date!(2018 - 01 - 01), Rate(507_000)),
    ],
);
/// R243-6 CASF: above 20 % of the SMIC financed by the ESAT, the aide au poste falls by 0,5 point for each point
/// of the ESAT's part.
pub const ESAT_AIDE_REDUCTION_FROM: Rate = Rate(200_000);
pub const ESAT_AIDE_REDUCTION_SLOPE: Rate = Rate(500_000);

/// D821-10 (version of décret 2006-1752): reduction of the rémunération garantie counted in the resources, by
/// the share of the SMIC the ESAT itself finances (« la part de la rémunération garantie financée par
/// l'établissement », the rest being the State's aide au poste; OpenFisca `aah/travail_esat/abattement_esat`):
/// (share from, reduction), ascending.
pub const ESAT_REDUCTION: Dated<[(Rate, Rate); 4]> = Dated::new(
    "Abattement sur la rémunération garantie, article D821-10 du code de la sécurité sociale",
    &[(
        date!(2007 - 01 - 01),
        [
            (Rate(50_000), Rate(35_000)),
            (Rate(100_000), Rate(40_000)),
            (Rate(150_000), Rate(45_000)),
            (Rate(200_000), Rate(50_000)),
        ],
    )],
);

/// Prime d'activité montant forfaitaire for one person (D842-1; OpenFisca `ppa/pa_m/montant_de_base`).
pub const PPA_BASE: Dated<Cents> = Dated::new(
    "Montant forfaitaire de la prime d'activité, article D842-1 du code de la sécurité sociale",
    &[
        (date!(2018 - 08 - 01), Cents(55_151)),
        (date!(2020 - 04 - 01), Cents(55_316)),
        (date!(2021 - 04 - 01), Cents(55_371)),
        (date!(2022 - 04 - 01), Cents(56_368)),
        (date!(2022 - 07 - 01), Cents(58_623)),
        (date!(2023 - 04 - 01), Cents(59_525)),
        (date!(2024 - 04 - 01), Cents(62_263)),
        (date!(2025 - 04 - 01), Cents(63_321)),
        (date!(2026 - 04 - 01), Cents(63_828)),
    ],
);

/// Share of earned income added to the montant forfaitaire (D843-2; OpenFisca `majoration_ressources_revenus_activite`).
pub const PPA_SLOPE: Dated<Rate> = Dated::new(
    "Part des revenus professionnels prise en compte, article D843-2 du code de la sécurité sociale",
    &[
        (date!(2018 - 08 - 01), Rate(610_000)),
        (date!(2025 - 04 - 01), Rate(598_500)),
    ],
);

/// Individual bonus: maximum as a share of the montant forfaitaire, reached at `PPA_BONUS_TOP` hours of SMIC
/// and starting at `PPA_BONUS_FLOOR` hours (D843-2; OpenFisca `ppa/pa_m/bonification`).
pub const PPA_BONUS_MAX: Dated<Rate> = Dated::new(
    "Bonification individuelle maximale, article D843-2 du code de la sécurité sociale",
    &[
        (date!(2018 - 10 - 01), Rate(291_010)),
        (date!(2026 - 04 - 01), Rate(377_000)),
    ],
);
pub const PPA_BONUS_FLOOR: Dated<i64> = Dated::new(
    "Seuil de la bonification (59 fois le SMIC horaire), article D843-2 du code de la sécurité sociale",
    &[(date!(2016 - 01 - 01), 59)],
);
pub const PPA_BONUS_TOP: Dated<i64> = Dated::new(
    "Plafond de la bonification en heures de SMIC, article D843-2 du code de la sécurité sociale",
    &[(date!(2018 - 10 - 01), 120), (date!(2026 - 04 - 01), 138)],
);

/// AAH counts as earned income only when earnings reach this many hourly SMIC (L842-8, D842-?; OpenFisca
/// `ppa/pa_cond/seuil_aah_activite`).
pub const PPA_AAH_THRESHOLD_HOURS: Dated<i64> = Dated::new(
    "AAH prise en compte comme revenu professionnel au-delà de 29 fois le SMIC horaire, article R844-3 du code de la sécurité sociale",
    &[(date!(2015 - 10 - 01), 29)],
);

/// Not paid below this amount (D843-3; OpenFisca `ppa/pa_m/montant_minimum_verse`).
pub const PPA_MINIMUM_PAID: Dated<Cents> = Dated::new(
    "Montant minimal versé, article D843-3 du code de la sécurité sociale",
    &[(date!(2015 - 10 - 01), Cents(1500))],
);

/// Minimum age (L842-1; OpenFisca `ppa/pa_cond/age_min`).
pub const PPA_MIN_AGE: i32 = 18;

/// Increases of the montant forfaitaire by household size (D842-1; OpenFisca `majoration_montant_maximal`):
/// second person, third person, each further person (a fourth person in a couple counts as a third).
pub const PPA_SECOND_PERSON: Rate = Rate(500_000);
pub const PPA_THIRD_PERSON: Rate = Rate(300_000);
pub const PPA_FURTHER_PERSON: Rate = Rate(400_000);

/// Housing flat rate by household size: 1, 2, 3 or more (R843-2; OpenFisca `ppa/pa_fl/taux_forfait_logement`).
pub const PPA_HOUSING_FLAT_RATE: [Rate; 3] = [Rate(120_000), Rate(160_000), Rate(165_000)];

#[cfg(test)]
mod tests {
    use super::*;

    fn ordered<T: Copy>(table: &Dated<T>) -> bool {
        table.is_in_date_order()
    }

    #[test]
    fn tables_are_in_date_order() {
        assert!(ordered(&SMIC_HOURLY) && ordered(&AAH_FULL_RATE) && ordered(&PPA_BASE) && ordered(&PPA_SLOPE));
        assert!(ordered(&PPA_BONUS_MAX) && ordered(&PPA_BONUS_TOP) && ordered(&AAH_RETIREMENT_AGE));
        assert!(ordered(&ESAT_CAP_COUPLE) && ordered(&ESAT_AIDE_AU_POSTE));
    }

    #[test]
    fn values_of_rules_md() {
        // RULES.md section 6.
        assert_eq!(AAH_FULL_RATE.at(date!(2024 - 04 - 01)), Ok(Cents(101_605)));
        assert_eq!(AAH_FULL_RATE.at(date!(2024 - 03 - 31)), Ok(Cents(97_137)));
        assert_eq!(PPA_BASE.at(date!(2026 - 04 - 01)), Ok(Cents(63_828)));
        assert_eq!(SMIC_HOURLY.at(date!(2026 - 06 - 01)), Ok(Cents(1231)));
        assert_eq!(PPA_SLOPE.at(date!(2025 - 04 - 01)), Ok(Rate(598_500)));
        assert!(AAH_FULL_RATE.at(date!(2019 - 10 - 31)).is_err());
    }
}
