//! Mapping out: an organisation of the directory as a structure, and a structure as a CSV record.

use super::vocabulary::{networks_of_kind, typologie_of_kind};
use super::{ExportedOrganisation, Structure};

/// Shortest description of schema 1.0 (`structure.json`, `description.minLength`).
const MIN_DESCRIPTION: usize = 5;

impl Structure {
    /// The structure written for an organisation of the directory.
    pub fn from_organisation(org: &ExportedOrganisation<'_>) -> Self {
        let owned = |v: Option<&str>| v.map(str::to_owned);
        Self {
            source: org.source.to_owned(),
            id: org.id.to_owned(),
            nom: org.name.to_owned(),
            // Schema 1.0 asks 5 characters at least of a description: a shorter one says nothing.
            description: org
                .description
                .filter(|d| d.chars().count() >= MIN_DESCRIPTION)
                .map(str::to_owned),
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
