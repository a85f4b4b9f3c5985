//! Mapping out: an organisation of the directory as a structure, and a structure as a CSV record.

use super::vocabulary::{networks_of_kind, typologie_of_kind};
use super::{ExportedOrganisation, Structure};
use crate::directory::OrganisationInput;

/// Shortest description of schema 1.0 (`structure.json`, `description.minLength`).
const MIN_DESCRIPTION: usize = 5;
/// Bounds of a name in schema 1.0 (`structure.json`, `nom`: `minLength` 3, `maxLength` 150); the directory takes
/// names up to 200 characters.
const MIN_NAME: usize = 3;
const MAX_NAME: usize = 150;

/// The name as the schema takes it: a name too short is followed by its commune (« AB (Dijon) »), one too long
/// is cut after a word and ends with « … ». Both are rare; an import of the export keeps the whole name
/// ([`kept_on_import`]).
pub fn exported_name(name: &str, commune: &str) -> String {
    let name = if name.chars().count() < MIN_NAME {
        format!("{name} ({commune})")
    } else {
        name.to_owned()
    };
    if name.chars().count() <= MAX_NAME {
        return name;
    }
    let head: String = name.chars().take(MAX_NAME - 1).collect();
    let cut = head.rfind(' ').filter(|i| *i > head.len() / 2).unwrap_or(head.len());
    format!("{}…", head[..cut].trim_end_matches([' ', ',', ';', '-']))
}

/// The description as the schema takes it: one under 5 characters says nothing and is left out.
fn exported_description(description: Option<&str>) -> Option<String> {
    description
        .filter(|d| d.chars().count() >= MIN_DESCRIPTION)
        .map(str::to_owned)
}

/// What an import of a structure changes of the organisation it finds by its source and id: the fields the
/// format does not hold (the departments covered) and those the export shortened or left out (a name over 150
/// characters, a description under 5) stay as the directory has them, so that importing an export changes
/// nothing.
pub fn kept_on_import(existing: &OrganisationInput, mut imported: OrganisationInput) -> OrganisationInput {
    imported.territories = existing.territories.clone();
    if imported.name == exported_name(&existing.name, &existing.commune) {
        imported.name = existing.name.clone();
    }
    if imported.description == exported_description(existing.description.as_deref()) {
        imported.description = existing.description.clone();
    }
    imported
}

impl Structure {
    /// The structure written for an organisation of the directory.
    pub fn from_organisation(org: &ExportedOrganisation<'_>) -> Self {
        let owned = |v: Option<&str>| v.map(str::to_owned);
        Self {
            source: org.source.to_owned(),
            id: org.id.to_owned(),
            nom: exported_name(org.name, org.commune),
            description: exported_description(org.description),
            date_maj: Some(org.updated_on),
            siret: owned(org.siret),
            commune: Some(org.commune.to_owned()),
            code_postal: owned(org.postal_code),
            code_insee: owned(org.commune_code),
            adresse: owned(org.address_line),
            complement_adresse: None,
            longitude: None,
            latitude: None,
            telephone: owned(org.phone),
            courriel: owned(org.email),
            site_web: owned(org.website),
            horaires_accueil: None,
            accessibilite_lieu: None,
            reseaux_porteurs: networks_of_kind(org.kind).iter().map(|n| (*n).to_owned()).collect(),
            typologie: Some(typologie_of_kind(org.kind).to_owned()),
            passerelle_kind: Some(org.kind),
            finess: owned(org.finess),
        }
    }
}

pub(super) fn csv_record(s: &Structure) -> [String; 22] {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let number = |v: Option<f64>| v.map(|n| n.to_string()).unwrap_or_default();
    [
        s.source.clone(),
        s.id.clone(),
        s.nom.clone(),
        text(&s.description),
        s.date_maj.map(|d| d.to_string()).unwrap_or_default(),
        text(&s.siret),
        text(&s.commune),
        text(&s.code_postal),
        text(&s.code_insee),
        text(&s.adresse),
        text(&s.complement_adresse),
        number(s.longitude),
        number(s.latitude),
        text(&s.telephone),
        text(&s.courriel),
        text(&s.site_web),
        text(&s.horaires_accueil),
        text(&s.accessibilite_lieu),
        s.reseaux_porteurs.join(","),
        text(&s.typologie),
        s.passerelle_kind.map(|k| k.code().to_owned()).unwrap_or_default(),
        text(&s.finess),
    ]
}
