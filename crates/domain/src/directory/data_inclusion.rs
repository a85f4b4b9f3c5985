//! The data·inclusion "structures" format (schema v1, `gip-inclusion/data-inclusion-schema`): how the directory
//! imports and exports organisations.
//!
//! A file is either a JSON array of structure objects or a CSV file whose header names the schema's fields; list
//! fields (`reseaux_porteurs`) are comma-separated in a CSV cell. Reading is lenient where the schema evolves
//! (unknown fields are ignored, the v0 fields `typologie`, `presentation_resume`, `presentation_detail`,
//! `horaires_ouverture` and `accessibilite` are understood) and strict where Passerelle must be: every row needs a
//! `source` and an `id`, the key of an idempotent re-import, and must pass [`OrganisationInput::validate`].
//! `docs/data-inclusion.md` explains the mapping for users.

mod reading;
#[cfg(test)]
mod tests;
mod vocabulary;
mod writing;

pub use vocabulary::{kind_of_typologie, typologie_of_kind};
pub use writing::{exported_name, kept_on_import};

use super::{OrganisationInput, OrganisationKind};
use crate::invalid::Invalid;
use crate::text;
use reading::{Fields, csv_rows, import_row, json_rows, structure, utf8};
use serde::{Serialize, Serializer};
use std::collections::HashMap;
use time::Date;
use writing::csv_record;

/// Longest `source` or `id` accepted.
const MAX_KEY: usize = 200;
/// Longest free text accepted in fields Passerelle keeps without checking them further.
const MAX_TEXT: usize = 5000;

/// The two encodings of a structures file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A JSON array of structure objects.
    Json,
    /// A CSV file (comma or semicolon separated, UTF-8) whose header names the schema's fields.
    Csv,
}

impl Format {
    /// The format announced by a file name's extension (`.json`, `.csv`, any case).
    pub fn from_file_name(name: &str) -> Option<Self> {
        let (_, extension) = name.rsplit_once('.')?;
        match extension.to_ascii_lowercase().as_str() {
            "json" => Some(Self::Json),
            "csv" => Some(Self::Csv),
            _ => None,
        }
    }
}

/// One structure of the data·inclusion schema v1, as read from or written to a file.
///
/// Field names and order are the schema's; `typologie` is the v0 field that many producers still publish, and
/// `passerelle_kind` is Passerelle's own extension, which keeps the exact kind when no typologie names it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Structure {
    /// Who produced the data (`dora`, `emplois-de-linclusion`, `passerelle`...).
    pub source: String,
    /// The structure's identifier at its source; `(source, id)` is the key of a re-import.
    pub id: String,
    pub nom: String,
    pub description: Option<String>,
    #[serde(serialize_with = "serialize_date")]
    pub date_maj: Option<Date>,
    pub siret: Option<String>,
    pub commune: Option<String>,
    pub code_postal: Option<String>,
    pub code_insee: Option<String>,
    pub adresse: Option<String>,
    pub complement_adresse: Option<String>,
    pub longitude: Option<f64>,
    pub latitude: Option<f64>,
    pub telephone: Option<String>,
    pub courriel: Option<String>,
    pub site_web: Option<String>,
    /// Opening hours in the OpenStreetMap `opening_hours` syntax.
    pub horaires_accueil: Option<String>,
    /// Link to the structure's Acceslibre page.
    pub accessibilite_lieu: Option<String>,
    /// Networks carrying the structure (référentiel « réseaux porteurs »); unknown values are kept.
    pub reseaux_porteurs: Vec<String>,
    /// v0 typology code (référentiel « typologies de structures »: `ACI`, `ML`, `CAP_EMPLOI`...).
    pub typologie: Option<String>,
    /// Passerelle's kind, written by Passerelle's export.
    pub passerelle_kind: Option<OrganisationKind>,
    /// FINESS number of an ESAT or a supported-employment service: schema 1.0 has no field for it, so it travels
    /// as an extra field, which the schema allows and data·inclusion ignores.
    pub finess: Option<String>,
}

fn serialize_date<S: Serializer>(date: &Option<Date>, serializer: S) -> Result<S::Ok, S::Error> {
    match date {
        Some(d) => serializer.collect_str(d),
        None => serializer.serialize_none(),
    }
}

/// The columns of a CSV export, in the order of [`Structure`]'s fields.
const COLUMNS: [&str; 22] = [
    "source",
    "id",
    "nom",
    "description",
    "date_maj",
    "siret",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "longitude",
    "latitude",
    "telephone",
    "courriel",
    "site_web",
    "horaires_accueil",
    "accessibilite_lieu",
    "reseaux_porteurs",
    "typologie",
    "passerelle_kind",
    "finess",
];

/// Columns a CSV file must have.
const REQUIRED_COLUMNS: [&str; 3] = ["source", "id", "nom"];

/// What the directory holds of an organisation, as the store reads it back to export it.
#[derive(Debug, Clone, Copy)]
pub struct ExportedOrganisation<'a> {
    /// `source` and `id` of the import the organisation came from, or `passerelle` and its own identifier.
    pub source: &'a str,
    pub id: &'a str,
    pub name: &'a str,
    pub kind: OrganisationKind,
    pub siret: Option<&'a str>,
    pub finess: Option<&'a str>,
    pub address_line: Option<&'a str>,
    pub postal_code: Option<&'a str>,
    pub commune: &'a str,
    pub commune_code: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub website: Option<&'a str>,
    pub description: Option<&'a str>,
    /// Day of the organisation's last change (`date_maj`).
    pub updated_on: Date,
}

/// A row of a structures file, ready to be upserted by `(source, external_id)`.
#[derive(Debug, Clone)]
pub struct ImportRow {
    /// 1-based position of the structure in the file: index in the JSON array, or data record in the CSV file
    /// (the header is not counted).
    pub row: usize,
    pub source: String,
    /// The structure's `id` at its source.
    pub external_id: String,
    /// Passes [`OrganisationInput::validate`].
    pub organisation: OrganisationInput,
}

/// Why one row of a structures file cannot be imported; the other rows are not concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Same numbering as [`ImportRow::row`].
    pub row: usize,
    /// The schema's field concerned (`siret`, `code_postal`...), when there is one.
    pub field: Option<String>,
    pub code: &'static str,
    /// What is wrong and what to do, in French.
    pub message: String,
}

impl RowError {
    fn new(row: usize, invalid: Invalid) -> Self {
        Self {
            row,
            field: invalid.field,
            code: invalid.code,
            message: invalid.message,
        }
    }
}

/// Reads a structures file: `Err` (`file_malformed`) when the file as a whole cannot be read, else one result per
/// structure, in the file's order.
pub fn read(bytes: &[u8], format: Format) -> Result<Vec<Result<Structure, RowError>>, Invalid> {
    let text = utf8(bytes)?;
    let rows = match format {
        Format::Json => json_rows(text)?,
        Format::Csv => csv_rows(text)?,
    };
    Ok(rows
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            row.and_then(|fields| structure(&Fields { map: &fields, format }))
                .map_err(|e| RowError::new(i + 1, e))
        })
        .collect())
}

/// Reads a structures file into organisations to upsert: `Err` (`file_malformed`) when the file as a whole
/// cannot be read (then nothing must be written), else one result per structure; a row is refused when it breaks
/// the schema, fails [`OrganisationInput::validate`] or repeats the `(source, id)` of an earlier row.
pub fn parse(bytes: &[u8], format: Format) -> Result<Vec<Result<ImportRow, RowError>>, Invalid> {
    let mut first_rows: HashMap<(String, String), usize> = HashMap::new();
    Ok(read(bytes, format)?
        .into_iter()
        .enumerate()
        .map(|(i, structure)| {
            let row = i + 1;
            let structure = structure?;
            let key = (structure.source.clone(), structure.id.clone());
            if let Some(first) = first_rows.get(&key) {
                return Err(RowError::new(
                    row,
                    Invalid::new(
                        "structure_duplicate",
                        format!(
                            "La structure « {} » de la source « {} » figure déjà à l'entrée n° {first} du fichier.",
                            key.1, key.0
                        ),
                    )
                    .on("id"),
                ));
            }
            first_rows.insert(key, row);
            import_row(row, structure).map_err(|e| RowError::new(row, e))
        })
        .collect())
}

/// Writes structures in a format that [`read`] and [`parse`] read back unchanged.
pub fn write(structures: &[Structure], format: Format) -> Vec<u8> {
    match format {
        Format::Json => {
            let mut out = serde_json::to_vec_pretty(structures).expect("strings, numbers and arrays always serialise");
            out.push(b'\n');
            out
        }
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(Vec::new());
            let records = std::iter::once(COLUMNS.map(str::to_owned)).chain(structures.iter().map(csv_record));
            for record in records {
                writer
                    .write_record(record.iter().map(|cell| text::spreadsheet_text(cell).into_owned()))
                    .expect("writing to memory cannot fail");
            }
            writer.into_inner().expect("flushing to memory cannot fail")
        }
    }
}
