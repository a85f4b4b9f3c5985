//! Eligibility to an IAE pathway: the criteria of the arrêté of 1 September 2021, counted per SIAE kind,
//! and how long a diagnosis stays valid (RULES.md 1.6).

use super::SiaeKind;
use crate::calendar::{add_days, add_months, check_year, french_date};
use crate::explanation::Explanation;
use crate::invalid::Invalid;
use serde::{Deserialize, Serialize};
use time::Date;

const CRITERIA_SOURCE: &str = "arrêté du 1er septembre 2021 relatif aux critères d'éligibilité";
const VALIDITY_SOURCE: &str = "plateforme Les emplois de l'inclusion";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    One,
    Two,
}

macro_rules! criteria {
    ($($variant:ident => $code:literal, $level:ident, $label:literal;)*) => {
        /// An eligibility criterion; the code is stable (API, CLI), the label is what users read.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum Criterion { $(#[serde(rename = $code)] $variant),* }

        impl Criterion {
            pub const ALL: &'static [Criterion] = &[$(Criterion::$variant),*];

            pub fn code(self) -> &'static str {
                match self { $(Criterion::$variant => $code),* }
            }

            pub fn level(self) -> Level {
                match self { $(Criterion::$variant => Level::$level),* }
            }

            /// French label shown to users.
            pub fn label(self) -> &'static str {
                match self { $(Criterion::$variant => $label),* }
            }
        }
    };
}

criteria! {
    Rsa => "rsa", One, "bénéficiaire du RSA";
    Ass => "ass", One, "allocataire de l'ASS";
    Aah => "aah", One, "bénéficiaire de l'AAH";
    Detld => "detld", One, "demandeur d'emploi de très longue durée (24 mois et plus)";
    EducationLevel3 => "education_level_3", Two, "niveau de formation 3 (CAP, BEP) ou infra";
    Senior50 => "senior_50", Two, "senior (50 ans et plus)";
    Young26 => "young_26", Two, "jeune de moins de 26 ans";
    Ase => "ase", Two, "sortant de l'aide sociale à l'enfance";
    Deld => "deld", Two, "demandeur d'emploi de longue durée (12 à 24 mois)";
    Th => "th", Two, "travailleur handicapé";
    SingleParent => "single_parent", Two, "parent isolé";
    Homeless => "homeless", Two, "personne sans hébergement ou hébergée, ou ayant un parcours de rue";
    Refugee => "refugee", Two, "réfugié, bénéficiaire de la protection subsidiaire ou demandeur d'asile";
    Zrr => "zrr", Two, "résident en ZRR (zone de revitalisation rurale)";
    Qpv => "qpv", Two, "résident en QPV (quartier prioritaire de la politique de la ville)";
    Justice => "justice", Two, "sortant de détention ou personne placée sous main de justice";
    FrenchA1 => "french_a1", Two, "maîtrise de la langue française inférieure au niveau A1";
    Mobility => "mobility", Two, "problème de mobilité";
}

/// Pairs that cannot describe the same person at once.
const EXCLUSIVE_PAIRS: [(Criterion, Criterion); 2] = [
    (Criterion::Senior50, Criterion::Young26),
    (Criterion::Deld, Criterion::Detld),
];

/// Who made the socio-professional diagnosis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DiagnosisAuthor {
    AuthorizedPrescriber,
    /// The SIAE itself ("auto-prescription"), checked a posteriori by the DDETS.
    Employer,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Diagnosis {
    pub date: Date,
    pub siae_kind: SiaeKind,
    pub author: DiagnosisAuthor,
    pub criteria: Vec<Criterion>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Eligibility {
    pub eligible: bool,
    /// First day the diagnosis is no longer valid.
    pub expires_on: Date,
    pub reasons: Vec<Explanation>,
}

/// Level-2 criteria needed without a level-1 one (arrêté of 1 Sept 2021): 3 for ACI, EI and EITI; 2 for
/// AI and ETTI.
pub fn level_2_needed(kind: SiaeKind) -> usize {
    match kind {
        SiaeKind::Aci | SiaeKind::Ei | SiaeKind::Eiti => 3,
        SiaeKind::Ai | SiaeKind::Etti => 2,
    }
}

fn labels(criteria: &[Criterion]) -> String {
    criteria.iter().map(|c| c.label()).collect::<Vec<_>>().join(", ")
}

impl Diagnosis {
    /// Decides eligibility; exclusive criteria together are invalid input, not a refusal.
    pub fn assess(&self) -> Result<Eligibility, Invalid> {
        check_year(self.date).map_err(|e| e.on("date"))?;
        let mut criteria = self.criteria.clone();
        criteria.sort();
        criteria.dedup();
        if let Some((a, b)) = EXCLUSIVE_PAIRS
            .iter()
            .find(|(a, b)| criteria.contains(a) && criteria.contains(b))
        {
            return Err(Invalid::new(
                "exclusive_criteria",
                format!(
                    "Les critères « {} » et « {} » s'excluent : n'en gardez qu'un ({CRITERIA_SOURCE}).",
                    a.code(),
                    b.code()
                ),
            )
            .on("criteria"));
        }
        let (level_1, level_2): (Vec<Criterion>, Vec<Criterion>) =
            criteria.iter().partition(|c| c.level() == Level::One);
        let needed = level_2_needed(self.siae_kind);
        let (eligible, decision) = match self.author {
            DiagnosisAuthor::AuthorizedPrescriber => (
                true,
                Explanation::new(
                    "prescriber_diagnosis",
                    "Diagnostic d'un prescripteur habilité : aucun nombre minimal de critères n'est exigé",
                    "Code du travail, art. L5132-3",
                ),
            ),
            DiagnosisAuthor::Employer if !level_1.is_empty() => (
                true,
                Explanation::new(
                    "level_1_criterion",
                    format!("Critère de niveau 1 ({}) : un seul suffit", labels(&level_1)),
                    CRITERIA_SOURCE,
                ),
            ),
            DiagnosisAuthor::Employer if level_2.len() >= needed => (
                true,
                Explanation::new(
                    "level_2_criteria",
                    format!(
                        "{} critères de niveau 2 ({}) pour {needed} exigés en {}",
                        level_2.len(),
                        labels(&level_2),
                        self.siae_kind.acronym()
                    ),
                    CRITERIA_SOURCE,
                ),
            ),
            DiagnosisAuthor::Employer => (
                false,
                Explanation::new(
                    "not_enough_criteria",
                    format!(
                        "Non éligible : sans critère de niveau 1, il faut {needed} critères de niveau 2 en {} et {} sont \
                         justifiés",
                        self.siae_kind.acronym(),
                        level_2.len()
                    ),
                    CRITERIA_SOURCE,
                ),
            ),
        };
        let (expires_on, validity) = match self.author {
            DiagnosisAuthor::AuthorizedPrescriber => (add_months(self.date, 6), "6 mois pour un prescripteur habilité"),
            DiagnosisAuthor::Employer => (add_days(self.date, 92), "92 jours pour un employeur"),
        };
        let validity = Explanation::new(
            "diagnosis_validity",
            format!(
                "Diagnostic valable jusqu'au {} inclus ({validity}), et tant qu'un PASS IAE est en cours",
                french_date(add_days(expires_on, -1))
            ),
            VALIDITY_SOURCE,
        );
        Ok(Eligibility {
            eligible,
            expires_on,
            reasons: vec![decision, validity],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Criterion::*;
    use DiagnosisAuthor::*;
    use rstest::rstest;
    use time::macros::date;

    fn assess(kind: SiaeKind, author: DiagnosisAuthor, criteria: &[Criterion]) -> Result<Eligibility, Invalid> {
        Diagnosis {
            date: date!(2025 - 03 - 10),
            siae_kind: kind,
            author,
            criteria: criteria.to_vec(),
        }
        .assess()
    }

    // Arrêté of 1 Sept 2021: one level-1 criterion is enough; otherwise 3 level-2 criteria for ACI, EI, EITI
    // and 2 for AI, ETTI. A diagnosis by an authorised prescriber needs no minimum.
    #[rstest]
    #[case::rsa_alone(SiaeKind::Aci, Employer, &[Rsa], true, "level_1_criterion")]
    #[case::detld_alone(SiaeKind::Ei, Employer, &[Detld], true, "level_1_criterion")]
    #[case::three_level_2_aci(SiaeKind::Aci, Employer, &[Senior50, Th, Qpv], true, "level_2_criteria")]
    #[case::two_level_2_aci(SiaeKind::Aci, Employer, &[Senior50, Th], false, "not_enough_criteria")]
    #[case::two_level_2_eiti(SiaeKind::Eiti, Employer, &[Zrr, Mobility], false, "not_enough_criteria")]
    #[case::two_level_2_ai(SiaeKind::Ai, Employer, &[Senior50, Th], true, "level_2_criteria")]
    #[case::two_level_2_etti(SiaeKind::Etti, Employer, &[Young26, Ase], true, "level_2_criteria")]
    #[case::one_level_2_etti(SiaeKind::Etti, Employer, &[Young26], false, "not_enough_criteria")]
    #[case::duplicates_count_once(SiaeKind::Ai, Employer, &[Th, Th], false, "not_enough_criteria")]
    #[case::none_employer(SiaeKind::Ai, Employer, &[], false, "not_enough_criteria")]
    #[case::none_prescriber(SiaeKind::Aci, AuthorizedPrescriber, &[], true, "prescriber_diagnosis")]
    fn criteria_count(
        #[case] kind: SiaeKind,
        #[case] author: DiagnosisAuthor,
        #[case] criteria: &[Criterion],
        #[case] eligible: bool,
        #[case] code: &str,
    ) {
        let result = assess(kind, author, criteria).unwrap();
        assert_eq!(result.eligible, eligible);
        assert_eq!(result.reasons[0].code, code);
        assert!(result.reasons[0].message.ends_with(").")); // cites its source
    }

    // Platform: a diagnosis lasts 6 months by a prescriber, 92 days by an employer; the CLI contract gives
    // the first day it is no longer valid, months clamped to the month's end.
    #[rstest]
    #[case::prescriber(date!(2025-03-10), AuthorizedPrescriber, date!(2025-09-10))]
    #[case::prescriber_clamped(date!(2025-08-31), AuthorizedPrescriber, date!(2026-02-28))]
    #[case::employer(date!(2025-03-10), Employer, date!(2025-06-10))]
    fn expiry(#[case] day: Date, #[case] author: DiagnosisAuthor, #[case] expires_on: Date) {
        let diagnosis = Diagnosis {
            date: day,
            siae_kind: SiaeKind::Aci,
            author,
            criteria: vec![Rsa],
        };
        assert_eq!(diagnosis.assess().unwrap().expires_on, expires_on);
    }

    #[test]
    fn dates_outside_the_calendar_are_invalid() {
        let diagnosis = Diagnosis {
            date: date!(9999 - 12 - 31),
            siae_kind: SiaeKind::Aci,
            author: AuthorizedPrescriber,
            criteria: vec![],
        };
        assert_eq!(diagnosis.assess().unwrap_err().code, "date_out_of_range");
    }

    #[rstest]
    #[case::senior_and_young(&[Senior50, Young26])]
    #[case::deld_and_detld(&[Detld, Th, Deld])]
    fn exclusive_pairs(#[case] criteria: &[Criterion]) {
        let error = assess(SiaeKind::Aci, AuthorizedPrescriber, criteria).unwrap_err();
        assert_eq!(error.code, "exclusive_criteria");
    }

    #[test]
    fn codes_are_the_contract() {
        assert_eq!(Criterion::ALL.len(), 18);
        assert_eq!(Criterion::ALL.iter().filter(|c| c.level() == Level::One).count(), 4);
        for c in Criterion::ALL {
            assert_eq!(serde_json::to_string(c).unwrap(), format!("\"{}\"", c.code()));
        }
        let parsed: Diagnosis = serde_json::from_str(
            r#"{"date":"2025-03-10","siae_kind":"ETTI","author":"employer","criteria":["education_level_3"]}"#,
        )
        .unwrap();
        assert_eq!(parsed.criteria, [EducationLevel3]);
        assert!(
            serde_json::from_str::<Diagnosis>(
                r#"{"date":"2025-03-10","siae_kind":"ETTI","author":"employer","criteria":[],"x":1}"#
            )
            .is_err()
        );
    }
}
