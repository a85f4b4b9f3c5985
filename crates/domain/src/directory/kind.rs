//! Kinds of organisations in the inclusive-employment field.

use crate::invalid::Invalid;
use serde::{Deserialize, Serialize};

macro_rules! kinds {
    ($($variant:ident => $code:literal, $label:literal;)*) => {
        /// What an organisation is; the code is stable (API, database), the label is what users read.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum OrganisationKind { $($variant),* }

        impl OrganisationKind {
            pub const ALL: &'static [OrganisationKind] = &[$(OrganisationKind::$variant),*];

            pub fn code(self) -> &'static str {
                match self { $(OrganisationKind::$variant => $code),* }
            }

            /// French label shown to users.
            pub fn label(self) -> &'static str {
                match self { $(OrganisationKind::$variant => $label),* }
            }
        }
    };
}

kinds! {
    Aci => "aci", "Atelier et chantier d'insertion (ACI)";
    Ei => "ei", "Entreprise d'insertion (EI)";
    Etti => "etti", "Entreprise de travail temporaire d'insertion (ETTI)";
    Ai => "ai", "Association intermédiaire (AI)";
    Eiti => "eiti", "Entreprise d'insertion par le travail indépendant (EITI)";
    Geiq => "geiq", "Groupement d'employeurs pour l'insertion et la qualification (GEIQ)";
    AdaptedCompany => "adapted_company", "Entreprise adaptée (EA)";
    Esat => "esat", "Établissement et service d'accompagnement par le travail (ESAT)";
    SupportedEmployment => "supported_employment", "Dispositif d'emploi accompagné";
    FranceTravailAgency => "france_travail_agency", "Agence France Travail";
    FranceTravailTerritorial => "france_travail_territorial", "Direction territoriale France Travail";
    FranceTravailRegional => "france_travail_regional", "Direction régionale France Travail";
    CapEmploi => "cap_emploi", "Cap emploi";
    MissionLocale => "mission_locale", "Mission locale";
    AuthorisedPrescriber => "authorised_prescriber", "Autre prescripteur habilité";
    Ddets => "ddets", "Direction départementale de l'emploi, du travail et des solidarités (DDETS)";
    Dreets => "dreets", "Direction régionale de l'économie, de l'emploi, du travail et des solidarités (DREETS)";
    IaeNetwork => "iae_network", "Réseau de l'IAE";
    Mdph => "mdph", "Maison départementale des personnes handicapées (MDPH)";
    DepartmentalCouncil => "departmental_council", "Conseil départemental";
    Employer => "employer", "Employeur";
    Other => "other", "Autre";
    // Seed 000, question 4: France Travail and Cap emploi counsellors together in one place for disabled job
    // seekers.
    ThTeam => "th_team", "Équipe TH / lieu unique d'accompagnement";
    // Seed 003 (supported employment): the medico-social services and the care partners of the scheme.
    Savs => "savs", "Service d'accompagnement à la vie sociale (SAVS)";
    Samsah => "samsah", "Service d'accompagnement médico-social pour adultes handicapés (SAMSAH)";
    PsychiatricRehabilitation => "psychiatric_rehabilitation", "Centre de réhabilitation psychosociale";
}

impl OrganisationKind {
    pub fn parse(code: &str) -> Result<Self, Invalid> {
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.code() == code.trim())
            .ok_or_else(|| {
                Invalid::new(
                    "organisation_kind_unknown",
                    format!("« {} » n'est pas un type de structure connu.", code.trim()),
                )
                .on("kind")
            })
    }

    /// The five kinds of SIAE (RULES.md 1.7).
    pub fn is_siae(self) -> bool {
        matches!(self, Self::Aci | Self::Ei | Self::Etti | Self::Ai | Self::Eiti)
    }

    /// The public employment service (SPE): France Travail, Cap emploi, Missions locales.
    pub fn is_spe(self) -> bool {
        matches!(
            self,
            Self::FranceTravailAgency
                | Self::FranceTravailTerritorial
                | Self::FranceTravailRegional
                | Self::CapEmploi
                | Self::MissionLocale
        )
    }

    /// Who may hold names: whether organisations of this kind may record persons and follow them, and so read
    /// their file, diagnosis and pathway. This one table decides it for the store, the API, the pages and the
    /// route matrix test; docs/architecture.md prints it. `Err` is the refusal users read.
    pub fn holds_names(self) -> Result<(), NoNames> {
        use OrganisationKind::*;
        match self {
            // They employ or accompany people on a pathway (IAE, ESAT, adapted company, supported employment).
            Aci | Ei | Etti | Ai | Eiti | Geiq | AdaptedCompany | Esat | SupportedEmployment => Ok(()),
            // They accompany disabled people in their life, care and employment (seed 003).
            Savs | Samsah | PsychiatricRehabilitation => Ok(()),
            // They prescribe, orient or refer people (SPE, prescribers, the MDPH through the CDAPH).
            FranceTravailAgency
            | FranceTravailTerritorial
            | FranceTravailRegional
            | CapEmploi
            | MissionLocale
            | ThTeam
            | AuthorisedPrescriber
            | DepartmentalCouncil
            | Mdph => Ok(()),
            // State services and networks steer with indicators (ARCHITECTURE.md, "Access is a type").
            Ddets | Dreets | IaeNetwork => Err(NoNames::INDICATORS_ONLY),
            // An employer learns of its employees by hiring them, not from the pathway's file.
            Employer => Err(NoNames::EMPLOYER),
            // The directory cannot tell what an "other" structure does; recorded under its kind, it may.
            Other => Err(NoNames::UNCLASSIFIED),
        }
    }

    /// Prescribers authorised by right, with no authorisation decision needed (L5132-3; arrêté of 1 Sept 2021):
    /// France Travail, Cap emploi, Missions locales and departmental councils.
    pub fn is_prescriber_by_right(self) -> bool {
        self.is_spe() || self == Self::DepartmentalCouncil
    }
}

/// Why organisations of a kind hold no names: a stable code and the French sentence users read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoNames {
    pub code: &'static str,
    pub message: &'static str,
}

impl NoNames {
    const INDICATORS_ONLY: Self = Self {
        code: "indicators_only",
        message: "Les services de l'État et les réseaux suivent des indicateurs : ils ne détiennent pas de dossiers \
                  de personnes.",
    };
    const EMPLOYER: Self = Self {
        code: "employer_holds_no_names",
        message: "Un employeur ne détient pas de dossiers de personnes : la structure qui accompagne la personne \
                  les tient.",
    };
    const UNCLASSIFIED: Self = Self {
        code: "kind_holds_no_names",
        message: "Une structure de type « Autre » ne détient pas de dossiers de personnes : enregistrez-la sous \
                  le type qui dit ce qu'elle fait.",
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        for k in OrganisationKind::ALL {
            assert_eq!(OrganisationKind::parse(k.code()).unwrap(), *k);
            let json = serde_json::to_string(k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.code()));
        }
        let mut codes: Vec<_> = OrganisationKind::ALL.iter().map(|k| k.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 26);
        assert_eq!(
            OrganisationKind::parse("siae").unwrap_err().code,
            "organisation_kind_unknown"
        );
    }

    #[test]
    fn groups() {
        let siae: Vec<_> = OrganisationKind::ALL.iter().filter(|k| k.is_siae()).collect();
        assert_eq!(siae.len(), 5);
        assert!(OrganisationKind::CapEmploi.is_prescriber_by_right());
        assert!(!OrganisationKind::Esat.is_prescriber_by_right());
        let refused = |k: OrganisationKind| k.holds_names().err().map(|n| n.code);
        assert_eq!(refused(OrganisationKind::Ddets), Some("indicators_only"));
        assert_eq!(refused(OrganisationKind::IaeNetwork), Some("indicators_only"));
        assert_eq!(refused(OrganisationKind::Employer), Some("employer_holds_no_names"));
        assert_eq!(refused(OrganisationKind::Esat), None);
        assert_eq!(refused(OrganisationKind::MissionLocale), None);
        // The Team TH and the supported-employment partners of seed 003 accompany people by name.
        for k in [
            OrganisationKind::ThTeam,
            OrganisationKind::Savs,
            OrganisationKind::Samsah,
            OrganisationKind::PsychiatricRehabilitation,
        ] {
            assert_eq!(refused(k), None, "{k:?}");
            assert!(!k.is_spe() && !k.is_siae(), "{k:?}");
        }
        assert_eq!(
            OrganisationKind::ThTeam.label(),
            "Équipe TH / lieu unique d'accompagnement"
        );
        assert_eq!(
            OrganisationKind::PsychiatricRehabilitation.label(),
            "Centre de réhabilitation psychosociale"
        );
    }
}
