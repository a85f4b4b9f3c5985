//! The schema's vocabulary as Passerelle reads it: typologies and networks that name one of its kinds.

use super::Structure;
use crate::directory::OrganisationKind;

/// data·inclusion typologies that name one of Passerelle's kinds; every other typology imports as `other`.
/// `PE` is the code France Travail had while it was Pôle emploi.
const TYPOLOGIES: &[(&str, OrganisationKind)] = &[
    ("ACI", OrganisationKind::Aci),
    ("ACIPHC", OrganisationKind::Aci),
    ("EI", OrganisationKind::Ei),
    ("ETTI", OrganisationKind::Etti),
    ("AI", OrganisationKind::Ai),
    ("EITI", OrganisationKind::Eiti),
    ("GEIQ", OrganisationKind::Geiq),
    ("EA", OrganisationKind::AdaptedCompany),
    ("EATT", OrganisationKind::AdaptedCompany),
    ("FT", OrganisationKind::FranceTravailAgency),
    ("PE", OrganisationKind::FranceTravailAgency),
    ("CAP_EMPLOI", OrganisationKind::CapEmploi),
    ("ML", OrganisationKind::MissionLocale),
    ("DEETS", OrganisationKind::Ddets),
    ("FAIS", OrganisationKind::IaeNetwork),
    ("MDPH", OrganisationKind::Mdph),
    ("CD", OrganisationKind::DepartmentalCouncil),
    ("DEPT", OrganisationKind::DepartmentalCouncil),
];

/// Networks (`reseaux_porteurs`, schema 1.0 `extra/reseaux-porteurs.json`) that tell a kind without doubt, used
/// when a row has no typologie. `departements` (council, UDAF, CDAS...), `regions` (region, prefecture, DREETS...)
/// and `siae`, the value of schema 0.x for the five kinds of SIAE, do not.
const NETWORKS: &[(&str, OrganisationKind)] = &[
    ("aci", OrganisationKind::Aci),
    ("ei", OrganisationKind::Ei),
    ("etti", OrganisationKind::Etti),
    ("ai", OrganisationKind::Ai),
    ("eiti", OrganisationKind::Eiti),
    ("geiq", OrganisationKind::Geiq),
    ("ea", OrganisationKind::AdaptedCompany),
    ("eatt", OrganisationKind::AdaptedCompany),
    ("esat", OrganisationKind::Esat),
    ("france-travail", OrganisationKind::FranceTravailAgency),
    ("cap-emploi-reseau-cheops", OrganisationKind::CapEmploi),
    ("mission-locale", OrganisationKind::MissionLocale),
    ("mdph", OrganisationKind::Mdph),
];

/// The kind a data·inclusion typology names, if it names one of Passerelle's (case-insensitive).
pub fn kind_of_typologie(typologie: &str) -> Option<OrganisationKind> {
    let code = typologie.trim();
    TYPOLOGIES
        .iter()
        .find(|(t, _)| t.eq_ignore_ascii_case(code))
        .map(|&(_, kind)| kind)
}

/// The data·inclusion typology written for a kind: the closest code, `Autre` when the référentiel has none.
pub fn typologie_of_kind(kind: OrganisationKind) -> &'static str {
    use OrganisationKind as K;
    match kind {
        K::Aci => "ACI",
        K::Ei => "EI",
        K::Etti => "ETTI",
        K::Ai => "AI",
        K::Eiti => "EITI",
        K::Geiq => "GEIQ",
        K::AdaptedCompany => "EA",
        // A Team TH works inside the France Travail agency, the lieu unique d'accompagnement (seed 000, question 4).
        K::FranceTravailAgency | K::FranceTravailTerritorial | K::FranceTravailRegional | K::ThTeam => "FT",
        K::CapEmploi => "CAP_EMPLOI",
        K::MissionLocale => "ML",
        K::Ddets | K::Dreets => "DEETS",
        K::IaeNetwork => "FAIS",
        K::Mdph => "MDPH",
        K::DepartmentalCouncil => "CD",
        // The référentiel has no typology for SAVS, SAMSAH or psychosocial rehabilitation centres.
        K::Esat
        | K::SupportedEmployment
        | K::AuthorisedPrescriber
        | K::Employer
        | K::Other
        | K::Savs
        | K::Samsah
        | K::PsychiatricRehabilitation => "Autre",
    }
}

/// The networks (`reseaux_porteurs`) written for a kind: values of schema 1.0 (`extra/reseaux-porteurs.json`),
/// which names each kind of SIAE (`aci`, `ei`, `etti`, `ai`, `eiti`) where schema 0.x had one `siae`.
pub(super) fn networks_of_kind(kind: OrganisationKind) -> &'static [&'static str] {
    use OrganisationKind as K;
    match kind {
        K::Aci => &["aci"],
        K::Ei => &["ei"],
        K::Etti => &["etti"],
        K::Ai => &["ai"],
        K::Eiti => &["eiti"],
        K::Geiq => &["geiq"],
        K::AdaptedCompany => &["ea"],
        K::Esat => &["esat"],
        K::FranceTravailAgency | K::FranceTravailTerritorial | K::FranceTravailRegional => &["france-travail"],
        K::CapEmploi => &["cap-emploi-reseau-cheops"],
        K::MissionLocale => &["mission-locale"],
        // France Travail and Cap emploi counsellors together (seed 000, question 4).
        K::ThTeam => &["france-travail", "cap-emploi-reseau-cheops"],
        K::Mdph => &["mdph"],
        K::DepartmentalCouncil => &["departements"],
        // « Régions, préfectures et services régionaux », DREETS named in the value's description.
        K::Dreets => &["regions"],
        // The list has no value for supported employment, prescribers, a departmental State service or an IAE
        // network in general (`coorace`, `chantier-ecole`... name one each).
        K::SupportedEmployment
        | K::AuthorisedPrescriber
        | K::Ddets
        | K::IaeNetwork
        | K::Employer
        | K::Other
        // Nor for SAVS, SAMSAH or psychosocial rehabilitation centres (`cmp`, the centres
        // médico-psychologiques, is another thing).
        | K::Savs
        | K::Samsah
        | K::PsychiatricRehabilitation => &[],
    }
}

impl Structure {
    /// The organisation's kind: `passerelle_kind` while `typologie` still agrees with it (so that a typology
    /// corrected by hand wins), else the typology's kind, else the first network that tells one, else `other`.
    pub fn kind(&self) -> OrganisationKind {
        let typologie = self.typologie.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let own = self
            .passerelle_kind
            .filter(|k| typologie.is_none_or(|t| typologie_of_kind(*k).eq_ignore_ascii_case(t)));
        own.or_else(|| typologie.and_then(kind_of_typologie))
            .or_else(|| {
                self.reseaux_porteurs.iter().find_map(|r| {
                    NETWORKS
                        .iter()
                        .find(|(n, _)| n.eq_ignore_ascii_case(r.trim()))
                        .map(|&(_, k)| k)
                })
            })
            .unwrap_or(OrganisationKind::Other)
    }
}
