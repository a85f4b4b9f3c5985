//! Kinds and levels of agreements, which kind may decline which, and the legal references ("Vu ...")
//! proposed for each kind.

use crate::directory::OrganisationKind;
use crate::invalid::Invalid;
use serde::{Deserialize, Serialize};

/// Where an agreement sits in the chain national framework -> regional agreement -> local convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = AgreementLevel))]
pub enum Level {
    National,
    Regional,
    Local,
}

macro_rules! kinds {
    ($($variant:ident => $code:literal, $label:literal, $level:ident;)*) => {
        /// What an agreement is; the code is stable (API, database), the label is what users read.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum AgreementKind { $($variant),* }

        impl AgreementKind {
            pub const ALL: &'static [AgreementKind] = &[$(AgreementKind::$variant),*];

            pub fn code(self) -> &'static str {
                match self { $(AgreementKind::$variant => $code),* }
            }

            /// French label shown to users and printed on documents.
            pub fn label(self) -> &'static str {
                match self { $(AgreementKind::$variant => $label),* }
            }

            pub fn level(self) -> Level {
                match self { $(AgreementKind::$variant => Level::$level),* }
            }
        }
    };
}

kinds! {
    NationalFramework => "national_framework", "Accord-cadre national", National;
    Regional => "regional", "Accord régional de coopération", Regional;
    LocalCooperation => "local_cooperation", "Convention de coopération locale (CCL)", Local;
    EsatSpe => "esat_spe", "Convention ESAT – service public de l'emploi", Local;
    SupportedEmploymentManagement => "supported_employment_management", "Convention de gestion du dispositif d'emploi accompagné", Local;
    SupportedEmploymentPartnership => "supported_employment_partnership", "Convention de partenariat d'emploi accompagné", Local;
    Partnership => "partnership", "Convention de partenariat", Local;
}

impl AgreementKind {
    pub fn parse(code: &str) -> Result<Self, Invalid> {
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.code() == code.trim())
            .ok_or_else(|| {
                Invalid::new(
                    "agreement_kind_unknown",
                    format!("« {} » n'est pas un type de convention connu.", code.trim()),
                )
                .on("kind")
            })
    }

    /// The kinds this kind may decline (Accord régional BFC 2016: the regional agreement declines the national framework;
    /// Guide de la CCL Pôle emploi – SIAE: the CCL declines the regional agreement; Questions incontournables ESAT – SPE question 7: an ESAT-SPE convention declines
    /// a framework convention). A generic partnership may decline any agreement.
    pub fn parent_kinds(self) -> &'static [AgreementKind] {
        use AgreementKind::*;
        match self {
            NationalFramework => &[],
            Regional => &[NationalFramework],
            LocalCooperation => &[Regional],
            EsatSpe => &[Regional, Partnership],
            SupportedEmploymentManagement => &[Regional],
            SupportedEmploymentPartnership => &[SupportedEmploymentManagement, Regional],
            Partnership => &[NationalFramework, Regional, Partnership],
        }
    }

    /// Checks that an agreement of this kind may decline one of kind `parent`.
    pub fn check_parent(self, parent: AgreementKind) -> Result<(), Invalid> {
        if self.parent_kinds().contains(&parent) {
            return Ok(());
        }
        let allowed: Vec<&str> = self.parent_kinds().iter().map(|k| k.label()).collect();
        let message = if allowed.is_empty() {
            format!("Un(e) {} ne décline aucune autre convention.", self.label())
        } else {
            format!(
                "Un(e) {} décline : {} ; pas un(e) {}.",
                self.label(),
                allowed.join(", "),
                parent.label()
            )
        };
        Err(Invalid::new("agreement_parent_kind", message).on("parent_id"))
    }

    /// Whether an organisation of kind `party` may be a party to an agreement of this kind.
    ///
    /// Sources: the national framework and the regional agreement are concluded between the State, the SPE
    /// and the IAE networks (Accord régional BFC 2016, its parties and visas; the 2016 Bourgogne-Franche-Comté agreement also
    /// lists the Régie des quartiers de Belfort, as the regional correspondent of its network, not as an SIAE
    /// in its own right). A CCL is between an SPE agency and an SIAE (Guide de la CCL Pôle emploi – SIAE; see
    /// [`AgreementKind::check_parties`]); a convention between another prescriber and an SIAE (R5132-1-11,
    /// RULES.md 1.7) is a partnership. An ESAT-SPE convention is between ESAT and the SPE (Questions incontournables ESAT – SPE),
    /// the Teams TH of the lieu unique d'accompagnement included (same text, question 4). The
    /// management convention of supported employment binds the managing body (a scheme, or the ESAT that
    /// manages it, Journées nationales de l'emploi accompagné 2020) with Cap emploi, France Travail or a Mission locale (L5213-2-1, RULES.md 4), and
    /// the MDPH signs some (Journées nationales de l'emploi accompagné 2020). The partnership conventions of supported employment take "any partner
    /// the steering committee wishes to associate" (Journées nationales de l'emploi accompagné 2020), and the texts are silent on the generic
    /// partnership: both take any kind.
    pub fn allows_party(self, party: OrganisationKind) -> bool {
        use AgreementKind::*;
        use OrganisationKind as O;
        let state_or_network = matches!(party, O::Ddets | O::Dreets | O::IaeNetwork);
        match self {
            NationalFramework | Regional => state_or_network || party.is_spe(),
            LocalCooperation => party.is_siae() || party.is_spe(),
            EsatSpe => party == O::Esat || party.is_spe() || party == O::ThTeam,
            // The managing body may be an ESAT or a medico-social service: seed 003 describes schemes carried
            // by SAVS (« un portage par 3 SAVS sur chaque département »).
            SupportedEmploymentManagement => {
                matches!(party, O::SupportedEmployment | O::Esat | O::Mdph | O::Savs | O::Samsah) || party.is_spe()
            }
            SupportedEmploymentPartnership | Partnership => true,
        }
    }

    /// Checks that `party` (named `name`) may be a party to an agreement of this kind.
    pub fn check_party(self, party: OrganisationKind, name: &str) -> Result<(), Invalid> {
        if self.allows_party(party) {
            return Ok(());
        }
        let allowed: Vec<&str> = OrganisationKind::ALL
            .iter()
            .filter(|k| self.allows_party(**k))
            .map(|k| k.label())
            .collect();
        Err(Invalid::new(
            "party_kind_not_allowed",
            format!(
                "{name} ({}) ne peut pas être partie à un(e) {} ; les parties possibles sont : {}.",
                party.label(),
                self.label(),
                allowed.join(", ")
            ),
        )
        .on("parties"))
    }

    /// Checks every party (`kind`, name) of an agreement of this kind, then how they stand together: a
    /// `complete` agreement (created, or submitted to the signatures) has all its parties; a draft being
    /// written may lack one (a party is replaced by removing it, then adding the other), never hold one too
    /// many.
    ///
    /// A CCL binds exactly one SPE organisation and one SIAE. Source: Guide de la CCL Pôle emploi – SIAE,
    /// its introduction: « Ces accords régionaux appuieront les négociations des conventions de coopération
    /// locales entre Pôle Emploi et les SIAE », and its model: « le Pôle emploi local de XXXXXXXX et la SIAE
    /// XXXXX s'engagent » (decrees 99-106 to 99-109 of 18 February 1999: « entre l'Agence Locale pour
    /// l'Emploi et chaque structure d'insertion »). The SPE is France Travail since 1 January 2024 (loi
    /// 2023-1196), with Cap emploi and the Missions locales ([`OrganisationKind::is_spe`]).
    pub fn check_parties(self, parties: &[(OrganisationKind, &str)], complete: bool) -> Result<(), Invalid> {
        for (kind, name) in parties {
            self.check_party(*kind, name)?;
        }
        if self != AgreementKind::LocalCooperation {
            return Ok(());
        }
        let count = |f: fn(OrganisationKind) -> bool| parties.iter().filter(|(k, _)| f(*k)).count();
        let (spe, siae) = (count(OrganisationKind::is_spe), count(OrganisationKind::is_siae));
        let fits = if complete {
            spe == 1 && siae == 1
        } else {
            spe <= 1 && siae <= 1
        };
        if fits {
            return Ok(());
        }
        let named: Vec<String> = parties
            .iter()
            .map(|(k, name)| format!("{name} ({})", k.label()))
            .collect();
        let named = if named.is_empty() {
            "aucune".to_owned()
        } else {
            named.join(", ")
        };
        Err(Invalid::new(
            "ccl_parties_invalid",
            format!(
                "Une convention de coopération locale lie deux parties : une structure du service public de \
                 l'emploi (agence France Travail, Cap emploi ou Mission locale) et une SIAE ; parties indiquées : \
                 {named}. Gardez-en une de chaque, ou choisissez une convention de partenariat."
            ),
        )
        .on("parties"))
    }

    /// The "Vu ..." lines proposed when a draft of this kind is started; the parties edit the list.
    /// Sources: Guide de la CCL Pôle emploi – SIAE (visas of a CCL, updated for the PASS IAE of 2021 and France Travail of 2024),
    /// Accord régional BFC 2016 (regional agreement), RULES.md 3 and 4 (ESAT, supported employment).
    pub fn legal_reference_presets(self) -> &'static [&'static str] {
        use AgreementKind::*;
        match self {
            NationalFramework => &[
                "Vu le code du travail, notamment ses articles L5132-1 et suivants relatifs à l'insertion par l'activité économique",
                "Vu la loi n° 2008-126 du 13 février 2008 relative à la réforme du service public de l'emploi",
            ],
            Regional => &[
                "Vu le code du travail, notamment ses articles L5132-1 et suivants relatifs à l'insertion par l'activité économique",
                "Vu l'accord-cadre national conclu entre l'État, France Travail et les réseaux de l'IAE",
                "Vu les travaux conduits dans la région par le comité technique régional et ses groupes de travail",
            ],
            LocalCooperation => &[
                "Vu la loi n° 2008-126 du 13 février 2008 relative à la réforme du service public de l'emploi",
                "Vu la loi d'orientation n° 98-657 du 29 juillet 1998 relative à la lutte contre les exclusions",
                "Vu la loi n° 2020-1577 du 14 décembre 2020 relative au renforcement de l'inclusion dans l'emploi par l'activité économique",
                "Vu le code du travail, notamment son article R5132-1-11 relatif aux conventions de coopération entre prescripteurs et SIAE",
                "Vu la loi n° 2023-1196 du 18 décembre 2023 pour le plein emploi, instituant France Travail",
                "Vu l'accord régional de coopération entre l'État, France Travail et les réseaux de l'IAE",
            ],
            EsatSpe => &[
                "Vu le code de l'action sociale et des familles, notamment ses articles L344-2 et suivants",
                "Vu le décret n° 2022-1561 du 13 décembre 2022 relatif au parcours renforcé en emploi et aux droits des travailleurs d'ESAT",
                "Vu la loi n° 2023-1196 du 18 décembre 2023 pour le plein emploi",
            ],
            SupportedEmploymentManagement | SupportedEmploymentPartnership => &[
                "Vu le code du travail, notamment ses articles L5213-2-1 et D5213-88 et suivants relatifs à l'emploi accompagné",
                "Vu l'arrêté du 23 novembre 2017 fixant le modèle de convention de gestion du dispositif d'emploi accompagné",
                "Vu le cahier des charges national du dispositif d'emploi accompagné",
            ],
            Partnership => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AgreementKind::*;
    use super::*;

    #[test]
    fn codes_round_trip() {
        for k in AgreementKind::ALL {
            assert_eq!(AgreementKind::parse(k.code()).unwrap(), *k);
        }
        assert_eq!(
            AgreementKind::parse("contrat").unwrap_err().code,
            "agreement_kind_unknown"
        );
    }

    // Accord régional BFC 2016 and Guide de la CCL Pôle emploi – SIAE: national -> regional -> local.
    #[test]
    fn a_child_declines_its_parent() {
        let cases = [
            (Regional, NationalFramework, true),
            (LocalCooperation, Regional, true),
            (LocalCooperation, NationalFramework, false),
            (NationalFramework, Regional, false),
            (EsatSpe, Regional, true),
            (SupportedEmploymentPartnership, SupportedEmploymentManagement, true),
            (Partnership, Partnership, true),
        ];
        for (child, parent, ok) in cases {
            assert_eq!(child.check_parent(parent).is_ok(), ok, "{child:?} -> {parent:?}");
        }
    }

    // Questions incontournables ESAT – SPE, 001, 003 and 004: who signs what.
    #[test]
    fn parties_of_each_kind() {
        use OrganisationKind as O;
        let cases = [
            (LocalCooperation, O::FranceTravailAgency, true),
            (LocalCooperation, O::Aci, true),
            (LocalCooperation, O::AuthorisedPrescriber, false),
            (LocalCooperation, O::DepartmentalCouncil, false),
            (LocalCooperation, O::MissionLocale, true),
            (LocalCooperation, O::Employer, false),
            (LocalCooperation, O::Ddets, false),
            (LocalCooperation, O::Esat, false),
            (Regional, O::Dreets, true),
            (Regional, O::FranceTravailRegional, true),
            (Regional, O::IaeNetwork, true),
            (Regional, O::Aci, false),
            (NationalFramework, O::Employer, false),
            (EsatSpe, O::Esat, true),
            (EsatSpe, O::CapEmploi, true),
            (EsatSpe, O::Aci, false),
            (EsatSpe, O::ThTeam, true),
            (EsatSpe, O::Savs, false),
            (SupportedEmploymentManagement, O::SupportedEmployment, true),
            (SupportedEmploymentManagement, O::Mdph, true),
            (SupportedEmploymentManagement, O::Employer, false),
            // Seed 003: schemes carried by SAVS; the rehabilitation centres the scheme must sign a partnership with.
            (SupportedEmploymentManagement, O::Savs, true),
            (SupportedEmploymentManagement, O::Samsah, true),
            (SupportedEmploymentManagement, O::PsychiatricRehabilitation, false),
            (SupportedEmploymentPartnership, O::PsychiatricRehabilitation, true),
            (SupportedEmploymentPartnership, O::Employer, true),
            (Partnership, O::Other, true),
        ];
        for (kind, party, ok) in cases {
            assert_eq!(kind.allows_party(party), ok, "{kind:?} <- {party:?}");
        }
        let refusal = LocalCooperation.check_party(O::Employer, "Boulangerie").unwrap_err();
        assert_eq!(refusal.code, "party_kind_not_allowed");
        assert!(
            refusal.message.contains("Boulangerie (Employeur)"),
            "{}",
            refusal.message
        );
    }

    // Guide de la CCL Pôle emploi – SIAE: « le Pôle emploi local de XXXXXXXX et la SIAE XXXXX ».
    #[test]
    fn a_ccl_binds_one_spe_organisation_and_one_siae() {
        use OrganisationKind as O;
        let cases: &[(&[O], Option<&str>)] = &[
            (&[O::FranceTravailAgency, O::Aci], None),
            (&[O::Ei, O::CapEmploi], None),
            (&[O::MissionLocale, O::Etti], None),
            (&[O::FranceTravailAgency, O::Aci, O::Ei], Some("ccl_parties_invalid")),
            (&[O::FranceTravailAgency, O::CapEmploi], Some("ccl_parties_invalid")),
            (&[O::Aci, O::Ei], Some("ccl_parties_invalid")),
            (&[O::FranceTravailAgency], Some("ccl_parties_invalid")),
            (&[], Some("ccl_parties_invalid")),
            (&[O::AuthorisedPrescriber, O::Aci], Some("party_kind_not_allowed")),
            (&[O::DepartmentalCouncil, O::Aci], Some("party_kind_not_allowed")),
        ];
        let parties = |kinds: &[O]| kinds.iter().map(|k| (*k, "Partie")).collect::<Vec<_>>();
        for (kinds, refused) in cases {
            let result = LocalCooperation.check_parties(&parties(kinds), true);
            assert_eq!(result.err().map(|e| e.code), *refused, "{kinds:?}");
        }
        // A draft being written may lack a party, never hold one too many.
        for (kinds, ok) in [
            (&[O::FranceTravailAgency][..], true),
            (&[O::Aci][..], true),
            (&[][..], true),
            (&[O::Aci, O::Ei][..], false),
            (&[O::FranceTravailAgency, O::MissionLocale][..], false),
        ] {
            assert_eq!(
                LocalCooperation.check_parties(&parties(kinds), false).is_ok(),
                ok,
                "{kinds:?}"
            );
        }
        let e = LocalCooperation
            .check_parties(&[(O::Aci, "Les Jardins"), (O::Ei, "Recyclage")], true)
            .unwrap_err();
        assert!(e.message.contains("Les Jardins (Atelier"), "{}", e.message);
        assert!(e.message.contains("convention de partenariat"), "{}", e.message);
        // The other kinds keep their parties' own checks only.
        assert!(
            Partnership
                .check_parties(&[(O::Aci, "A"), (O::Ei, "B"), (O::Other, "C")], true)
                .is_ok()
        );
        assert!(
            Regional
                .check_parties(&[(O::Dreets, "A"), (O::FranceTravailRegional, "B")], true)
                .is_ok()
        );
    }

    #[test]
    fn a_ccl_is_proposed_its_visas() {
        assert!(
            LocalCooperation
                .legal_reference_presets()
                .iter()
                .any(|v| v.contains("R5132-1-11"))
        );
        assert_eq!(LocalCooperation.level(), Level::Local);
    }
}
