//! The data·inclusion "structures" format (schema v1, `gip-inclusion/data-inclusion-schema`): how the directory
//! imports and exports organisations.
//!
//! A file is either a JSON array of structure objects or a CSV file whose header names the schema's fields; list
//! fields (`reseaux_porteurs`) are comma-separated in a CSV cell. Reading is lenient where the schema evolves
//! (unknown fields are ignored, the v0 fields `typologie`, `presentation_resume`, `presentation_detail`,
//! `horaires_ouverture` and `accessibilite` are understood) and strict where Passerelle must be: every row needs a
//! `source` and an `id`, the key of an idempotent re-import, and must pass [`OrganisationInput::validate`].
//! `docs/data-inclusion.md` explains the mapping for users.

use super::{OrganisationInput, OrganisationKind, department_of_postal_code};
use crate::invalid::Invalid;
use crate::text;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};
use std::collections::HashMap;
use time::Date;
use time::macros::format_description;

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
}

fn serialize_date<S: Serializer>(date: &Option<Date>, serializer: S) -> Result<S::Ok, S::Error> {
    match date {
        Some(d) => serializer.collect_str(d),
        None => serializer.serialize_none(),
    }
}

/// The columns of a CSV export, in the order of [`Structure`]'s fields.
const COLUMNS: [&str; 21] = [
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
];

/// Columns a CSV file must have.
const REQUIRED_COLUMNS: [&str; 3] = ["source", "id", "nom"];

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

/// Networks (v1 `reseaux_porteurs`) that tell a kind without doubt, used when a row has no typologie.
/// `siae` (five kinds) and `departements` (council, MDPH, UDAF...) do not.
const NETWORKS: &[(&str, OrganisationKind)] = &[
    ("france-travail", OrganisationKind::FranceTravailAgency),
    ("cap-emploi-reseau-cheops", OrganisationKind::CapEmploi),
    ("mission-locale", OrganisationKind::MissionLocale),
    ("geiq", OrganisationKind::Geiq),
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
        K::FranceTravailAgency | K::FranceTravailTerritorial | K::FranceTravailRegional => "FT",
        K::CapEmploi => "CAP_EMPLOI",
        K::MissionLocale => "ML",
        K::Ddets | K::Dreets => "DEETS",
        K::IaeNetwork => "FAIS",
        K::Mdph => "MDPH",
        K::DepartmentalCouncil => "CD",
        K::Esat | K::SupportedEmployment | K::AuthorisedPrescriber | K::Employer | K::Other => "Autre",
    }
}

/// The networks (`reseaux_porteurs`) written for a kind.
fn networks_of_kind(kind: OrganisationKind) -> &'static [&'static str] {
    use OrganisationKind as K;
    match kind {
        K::Aci | K::Ei | K::Etti | K::Ai | K::Eiti => &["siae"],
        K::Geiq => &["geiq"],
        K::FranceTravailAgency | K::FranceTravailTerritorial | K::FranceTravailRegional => &["france-travail"],
        K::CapEmploi => &["cap-emploi-reseau-cheops"],
        K::MissionLocale => &["mission-locale"],
        K::Mdph | K::DepartmentalCouncil => &["departements"],
        K::Dreets => &["regions"],
        K::AdaptedCompany
        | K::Esat
        | K::SupportedEmployment
        | K::AuthorisedPrescriber
        | K::Ddets
        | K::IaeNetwork
        | K::Employer
        | K::Other => &[],
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

    /// The structure written for an organisation of the directory.
    pub fn from_organisation(org: &ExportedOrganisation<'_>) -> Self {
        let owned = |v: Option<&str>| v.map(str::to_owned);
        Self {
            source: org.source.to_owned(),
            id: org.id.to_owned(),
            nom: org.name.to_owned(),
            description: owned(org.description),
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
        }
    }
}

/// What the directory holds of an organisation, as the store reads it back to export it.
#[derive(Debug, Clone, Copy)]
pub struct ExportedOrganisation<'a> {
    /// `source` and `id` of the import the organisation came from, or `passerelle` and its own identifier.
    pub source: &'a str,
    pub id: &'a str,
    pub name: &'a str,
    pub kind: OrganisationKind,
    pub siret: Option<&'a str>,
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

fn csv_record(s: &Structure) -> [String; 21] {
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
    ]
}

fn malformed(message: String) -> Invalid {
    Invalid::new("file_malformed", message)
}

/// The file as text, without the byte-order mark that spreadsheets add.
fn utf8(bytes: &[u8]) -> Result<&str, Invalid> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.strip_prefix('\u{feff}').unwrap_or(text)),
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            Err(malformed(format!(
                "Le fichier n'est pas encodé en UTF-8 (ligne {line}) : enregistrez-le en UTF-8 puis recommencez."
            )))
        }
    }
}

type RawRow = Result<Map<String, Value>, Invalid>;

fn json_rows(text: &str) -> Result<Vec<RawRow>, Invalid> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        malformed(format!(
            "Le fichier JSON est mal formé ligne {}, colonne {} : vérifiez les virgules, guillemets et crochets.",
            e.line(),
            e.column()
        ))
    })?;
    let Value::Array(items) = value else {
        return Err(malformed(
            "Le fichier JSON doit contenir une liste de structures entre crochets : [ {...}, {...} ].".to_owned(),
        ));
    };
    Ok(items
        .into_iter()
        .map(|item| match item {
            Value::Object(map) => Ok(map),
            _ => Err(Invalid::new(
                "structure_not_object",
                "Chaque élément de la liste doit être un objet JSON { ... } décrivant une structure.",
            )),
        })
        .collect())
}

/// Semicolons when the header has more of them than commas (French spreadsheets), else commas.
fn csv_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    if header.matches(';').count() > header.matches(',').count() {
        b';'
    } else {
        b','
    }
}

fn csv_rows(text: &str) -> Result<Vec<RawRow>, Invalid> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(csv_delimiter(text))
        .trim(csv::Trim::Headers)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(csv_malformed)?.clone();
    for (i, name) in headers.iter().enumerate() {
        if headers.iter().take(i).any(|h| h == name) {
            return Err(malformed(format!(
                "La colonne « {name} » apparaît deux fois dans l'en-tête du fichier CSV."
            )));
        }
    }
    if let Some(missing) = REQUIRED_COLUMNS.iter().find(|c| !headers.iter().any(|h| h == **c)) {
        return Err(malformed(format!(
            "La colonne « {missing} » manque dans l'en-tête du fichier CSV (colonnes obligatoires : {}).",
            REQUIRED_COLUMNS.join(", ")
        )));
    }
    reader
        .records()
        .map(|record| {
            let record = record.map_err(csv_malformed)?;
            Ok(Ok(headers
                .iter()
                .zip(record.iter())
                .map(|(h, v)| (h.to_owned(), Value::String(text::spreadsheet_unquoted(v).to_owned())))
                .collect()))
        })
        .collect()
}

fn csv_malformed(error: csv::Error) -> Invalid {
    let place = error
        .position()
        .map(|p| format!(" à l'enregistrement n° {} (ligne {})", p.record(), p.line()))
        .unwrap_or_default();
    let what = match error.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("{len} colonnes au lieu des {expected_len} de l'en-tête")
        }
        _ => "contenu illisible".to_owned(),
    };
    malformed(format!(
        "Le fichier CSV est mal formé{place} : {what}. Vérifiez les séparateurs et les guillemets."
    ))
}

/// One row's fields; in CSV every value is text.
struct Fields<'a> {
    map: &'a Map<String, Value>,
    format: Format,
}

fn wrong_type(field: &str, expected: &str) -> Invalid {
    Invalid::new("field_type", format!("Le champ « {field} » doit être {expected}.")).on(field)
}

impl Fields<'_> {
    /// A text value, trimmed; absent, `null` and empty all give `None`.
    fn text(&self, field: &str, max: usize) -> Result<Option<String>, Invalid> {
        match self.map.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => text::optional(field, Some(s), max),
            Some(_) => Err(wrong_type(field, "une chaîne de caractères")),
        }
    }

    fn required(&self, field: &str, max: usize, why: &str) -> Result<String, Invalid> {
        self.text(field, max)?.ok_or_else(|| {
            Invalid::new(
                "field_required",
                format!("Le champ « {field} » est obligatoire : {why}."),
            )
            .on(field)
        })
    }

    fn number(&self, field: &str) -> Result<Option<f64>, Invalid> {
        let expected = "un nombre (ex. 5.0415)";
        let n = match (self.map.get(field), self.format) {
            (None | Some(Value::Null), _) => return Ok(None),
            (Some(Value::Number(n)), Format::Json) => n.as_f64(),
            (Some(Value::String(s)), Format::Csv) if s.trim().is_empty() => return Ok(None),
            (Some(Value::String(s)), Format::Csv) => s.trim().replace(',', ".").parse::<f64>().ok(),
            (Some(_), _) => None,
        };
        match n {
            Some(n) if n.is_finite() => Ok(Some(n)),
            _ => Err(wrong_type(field, expected)),
        }
    }

    fn coordinate(&self, field: &str, limit: f64) -> Result<Option<f64>, Invalid> {
        match self.number(field)? {
            Some(n) if n.abs() > limit => Err(Invalid::new(
                "coordinates_invalid",
                format!("Le champ « {field} » vaut {n} : il doit être compris entre -{limit} et {limit}."),
            )
            .on(field)),
            n => Ok(n),
        }
    }

    /// A list: a JSON array of strings, or a comma-separated CSV cell.
    fn list(&self, field: &str) -> Result<Vec<String>, Invalid> {
        let expected = "une liste de chaînes de caractères";
        let items: Vec<&str> = match (self.map.get(field), self.format) {
            (None | Some(Value::Null), _) => Vec::new(),
            (Some(Value::String(s)), Format::Csv) => s.split(',').collect(),
            (Some(Value::Array(items)), Format::Json) => items
                .iter()
                .map(|v| v.as_str().ok_or_else(|| wrong_type(field, expected)))
                .collect::<Result<_, _>>()?,
            (Some(_), _) => return Err(wrong_type(field, expected)),
        };
        let mut list: Vec<String> = Vec::new();
        for item in items {
            if let Some(item) = text::optional(field, Some(item), MAX_KEY)?
                && !list.contains(&item)
            {
                list.push(item);
            }
        }
        Ok(list)
    }

    /// A date `AAAA-MM-JJ`; the date-time form that schema v0 allowed keeps its date.
    fn date(&self, field: &str) -> Result<Option<Date>, Invalid> {
        let Some(value) = self.text(field, 40)? else {
            return Ok(None);
        };
        let (day, rest) = match value.get(..10) {
            Some(day) => (day, &value[10..]),
            None => (value.as_str(), ""),
        };
        let time_follows = rest.is_empty() || rest.starts_with(['T', 't', ' ']);
        match Date::parse(day, format_description!("[year]-[month]-[day]")) {
            Ok(date) if time_follows => Ok(Some(date)),
            _ => Err(Invalid::new(
                "date_invalid",
                format!("Le champ « {field} » vaut « {value} » : une date AAAA-MM-JJ est attendue (ex. 2025-02-14)."),
            )
            .on(field)),
        }
    }
}

/// Checks a row against the schema and gathers its fields.
fn structure(f: &Fields<'_>) -> Result<Structure, Invalid> {
    let description = match f.text("description", MAX_TEXT)? {
        Some(d) => Some(d),
        None => {
            let parts = [
                f.text("presentation_resume", MAX_TEXT)?,
                f.text("presentation_detail", MAX_TEXT)?,
            ];
            let parts: Vec<String> = parts.into_iter().flatten().collect();
            (!parts.is_empty()).then(|| parts.join("\n\n"))
        }
    };
    let kind = f.text("passerelle_kind", MAX_KEY)?;
    Ok(Structure {
        source: f.required("source", MAX_KEY, "il nomme le producteur de la donnée (ex. dora)")?,
        id: f.required(
            "id",
            MAX_KEY,
            "il identifie la structure chez son producteur, pour la reconnaître lors d'un nouvel import",
        )?,
        nom: f.required("nom", MAX_TEXT, "il donne le nom de la structure")?,
        description,
        date_maj: f.date("date_maj")?,
        siret: f.text("siret", MAX_KEY)?,
        commune: f.text("commune", MAX_TEXT)?,
        code_postal: f.text("code_postal", MAX_KEY)?,
        code_insee: f.text("code_insee", MAX_KEY)?,
        adresse: f.text("adresse", MAX_TEXT)?,
        complement_adresse: f.text("complement_adresse", MAX_TEXT)?,
        longitude: f.coordinate("longitude", 180.0)?,
        latitude: f.coordinate("latitude", 90.0)?,
        telephone: f.text("telephone", MAX_KEY)?,
        courriel: f.text("courriel", MAX_KEY)?,
        site_web: f.text("site_web", MAX_TEXT)?,
        horaires_accueil: match f.text("horaires_accueil", MAX_TEXT)? {
            Some(h) => Some(h),
            None => f.text("horaires_ouverture", MAX_TEXT)?,
        },
        accessibilite_lieu: match f.text("accessibilite_lieu", MAX_TEXT)? {
            Some(a) => Some(a),
            None => f.text("accessibilite", MAX_TEXT)?,
        },
        reseaux_porteurs: f.list("reseaux_porteurs")?,
        typologie: f.text("typologie", MAX_KEY)?,
        // A kind this version does not know falls back on the typology.
        passerelle_kind: kind.and_then(|k| OrganisationKind::parse(&k).ok()),
    })
}

/// The department's code: from the INSEE code when there is one (it is exact, postal codes may cross
/// department borders), else from the postal code.
fn department_code(s: &Structure) -> Result<String, Invalid> {
    if let Some(insee) = &s.code_insee {
        let length = if insee.starts_with("97") { 3 } else { 2 };
        return Ok(insee.chars().take(length).collect());
    }
    if let Some(postal_code) = &s.code_postal {
        return department_of_postal_code(postal_code)
            .map(|d| d.code.to_owned())
            .map_err(|e| e.on("code_postal"));
    }
    Err(Invalid::new(
        "location_missing",
        "Le code postal ou le code INSEE de la commune est nécessaire pour situer la structure dans un département.",
    )
    .on("code_postal"))
}

fn import_row(row: usize, s: Structure) -> Result<ImportRow, Invalid> {
    let department = department_code(&s)?;
    let department_field = if s.code_insee.is_some() {
        "code_insee"
    } else {
        "code_postal"
    };
    let kind = s.kind();
    let address_line = match (s.adresse, s.complement_adresse) {
        (Some(a), Some(c)) => Some(format!("{a}, {c}")),
        (a, c) => a.or(c),
    };
    let organisation = OrganisationInput {
        name: s.nom,
        kind: kind.code().to_owned(),
        siret: s.siret,
        address_line,
        postal_code: s.code_postal,
        commune: s.commune.unwrap_or_default(),
        commune_code: s.code_insee,
        department,
        territories: Vec::new(),
        email: s.courriel,
        phone: s.telephone,
        website: s.site_web,
        description: s.description,
    };
    organisation.validate().map_err(|mut e| {
        // Name the schema's field, the one the user sees in the file.
        e.field = e.field.map(|field| {
            match field.as_str() {
                "name" => "nom",
                "address_line" => "adresse",
                "postal_code" => "code_postal",
                "commune_code" => "code_insee",
                "department" => department_field,
                "email" => "courriel",
                "phone" => "telephone",
                "website" => "site_web",
                other => other,
            }
            .to_owned()
        });
        e
    })?;
    Ok(ImportRow {
        row,
        source: s.source,
        external_id: s.id,
        organisation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::OrganisationFields;
    use serde_json::json;
    use time::macros::date;

    const EXAMPLE_JSON: &str = include_str!("../../../../docs/examples/structures.json");
    const EXAMPLE_CSV: &str = include_str!("../../../../docs/examples/structures.csv");

    /// What an import row amounts to, comparable.
    fn imported(row: &ImportRow) -> (usize, String, String, OrganisationFields) {
        let fields = row.organisation.validate().unwrap();
        (row.row, row.source.clone(), row.external_id.clone(), fields)
    }

    fn all_ok(bytes: &[u8], format: Format) -> Vec<ImportRow> {
        parse(bytes, format)
            .unwrap()
            .into_iter()
            .map(|r| r.unwrap_or_else(|e| panic!("{e:?}")))
            .collect()
    }

    fn structures(bytes: &[u8], format: Format) -> Vec<Structure> {
        read(bytes, format).unwrap().into_iter().map(Result::unwrap).collect()
    }

    /// A valid v1 structure, changed by `changes` (a `null` removes a field).
    fn one(changes: Value) -> Value {
        let mut s = json!({
            "source": "dora",
            "id": "s-1",
            "nom": "Les Jardins de l'Ouche",
            "description": "Atelier et chantier d'insertion en maraîchage biologique, à Dijon.",
            "date_maj": "2025-02-14",
            "siret": "13000548100010",
            "commune": "Dijon",
            "code_postal": "21000",
            "typologie": "ACI",
        });
        if let (Value::Object(s), Value::Object(changes)) = (&mut s, changes) {
            for (k, v) in changes {
                if v.is_null() {
                    s.remove(&k);
                } else {
                    s.insert(k, v);
                }
            }
        }
        s
    }

    fn json_file(rows: &[Value]) -> Vec<u8> {
        serde_json::to_vec(rows).unwrap()
    }

    /// The error of the only row of a one-structure JSON file.
    fn row_error(changes: Value) -> RowError {
        let mut rows = parse(&json_file(&[one(changes)]), Format::Json).unwrap();
        rows.pop().unwrap().unwrap_err()
    }

    #[test]
    fn the_example_files_import_whole_and_alike() {
        let from_json = all_ok(EXAMPLE_JSON.as_bytes(), Format::Json);
        let from_csv = all_ok(EXAMPLE_CSV.as_bytes(), Format::Csv);
        assert_eq!(from_json.len(), 17);
        let json: Vec<_> = from_json.iter().map(imported).collect();
        let csv: Vec<_> = from_csv.iter().map(imported).collect();
        assert_eq!(json, csv);
        assert!(json.iter().all(|(_, _, _, org)| org.department == "21"));
        let kinds: Vec<_> = json.iter().map(|(_, _, _, org)| org.kind).collect();
        for kind in [
            OrganisationKind::Aci,
            OrganisationKind::Ei,
            OrganisationKind::Ai,
            OrganisationKind::Etti,
            OrganisationKind::Geiq,
            OrganisationKind::AdaptedCompany,
            OrganisationKind::Esat,
            OrganisationKind::SupportedEmployment,
            OrganisationKind::FranceTravailAgency,
            OrganisationKind::CapEmploi,
            OrganisationKind::MissionLocale,
            OrganisationKind::Mdph,
            OrganisationKind::DepartmentalCouncil,
            OrganisationKind::Ddets,
            OrganisationKind::IaeNetwork,
            OrganisationKind::Employer,
        ] {
            assert!(kinds.contains(&kind), "{kind:?}");
        }
        let (row, source, id, ei) = &json[1];
        assert_eq!(
            (*row, source.as_str(), id.as_str()),
            (2, "exemple-cote-dor", "ei-batir-ensemble")
        );
        assert_eq!(ei.address_line.as_deref(), Some("4 avenue Roland Carraz, Bâtiment B"));
        assert_eq!(ei.commune_code.as_deref(), Some("21166"));
    }

    #[test]
    fn the_example_files_are_what_the_export_writes() {
        let from_json = structures(EXAMPLE_JSON.as_bytes(), Format::Json);
        assert_eq!(from_json, structures(EXAMPLE_CSV.as_bytes(), Format::Csv));
        assert_eq!(
            String::from_utf8(write(&from_json, Format::Json)).unwrap(),
            EXAMPLE_JSON
        );
        assert_eq!(String::from_utf8(write(&from_json, Format::Csv)).unwrap(), EXAMPLE_CSV);
    }

    fn exported(kind: OrganisationKind) -> Structure {
        Structure::from_organisation(&ExportedOrganisation {
            source: "passerelle",
            id: kind.code(),
            name: "Atelier « La Navette », Dijon",
            kind,
            siret: Some("13000548100010"),
            address_line: Some("2 rue de l'Île, bâtiment A"),
            postal_code: Some("21000"),
            commune: "Dijon",
            commune_code: Some("21231"),
            phone: Some("03 53 48 10 01"),
            email: Some("accueil@navette.example"),
            website: Some("https://navette.example/?a=1,b=2"),
            description: Some("Première ligne, avec des virgules ; des \"guillemets\"\net une seconde ligne."),
            updated_on: date!(2025 - 03 - 14),
        })
    }

    #[test]
    fn every_kind_survives_an_export_and_a_reimport() {
        for format in [Format::Json, Format::Csv] {
            let written: Vec<Structure> = OrganisationKind::ALL.iter().map(|k| exported(*k)).collect();
            let bytes = write(&written, format);
            assert_eq!(structures(&bytes, format), written, "{format:?}");
            let rows = all_ok(&bytes, format);
            for (row, kind) in rows.iter().zip(OrganisationKind::ALL) {
                let org = row.organisation.validate().unwrap();
                assert_eq!(org.kind, *kind, "{format:?}");
                assert_eq!(org.name, "Atelier « La Navette », Dijon");
                assert_eq!(org.address_line.as_deref(), Some("2 rue de l'Île, bâtiment A"));
                assert_eq!(org.website.as_deref(), Some("https://navette.example/?a=1,b=2"));
                assert_eq!(
                    org.description.as_deref(),
                    Some("Première ligne, avec des virgules ; des \"guillemets\"\net une seconde ligne.")
                );
                assert_eq!((org.department, row.source.as_str()), ("21", "passerelle"));
            }
        }
    }

    #[test]
    fn typologies_map_to_kinds() {
        let cases: &[(Value, OrganisationKind)] = &[
            (json!({}), OrganisationKind::Aci),
            (json!({"typologie": "aci"}), OrganisationKind::Aci),
            (json!({"typologie": "ACIPHC"}), OrganisationKind::Aci),
            (json!({"typologie": "PE"}), OrganisationKind::FranceTravailAgency),
            (json!({"typologie": "FT"}), OrganisationKind::FranceTravailAgency),
            (json!({"typologie": "ML"}), OrganisationKind::MissionLocale),
            (json!({"typologie": "CCAS"}), OrganisationKind::Other),
            (json!({"typologie": "INCONNUE"}), OrganisationKind::Other),
            (json!({"typologie": null}), OrganisationKind::Other),
            (json!({"typologie": ""}), OrganisationKind::Other),
            // v1 has networks instead of a typology: only the unambiguous ones tell a kind.
            (
                json!({"typologie": null, "reseaux_porteurs": ["siae"]}),
                OrganisationKind::Other,
            ),
            (
                json!({"typologie": null, "reseaux_porteurs": ["ccas-cias", "mission-locale"]}),
                OrganisationKind::MissionLocale,
            ),
            (json!({"reseaux_porteurs": ["mission-locale"]}), OrganisationKind::Aci),
            // Passerelle's own kind, while the typology agrees with it.
            (
                json!({"typologie": "Autre", "passerelle_kind": "esat"}),
                OrganisationKind::Esat,
            ),
            (
                json!({"typologie": null, "passerelle_kind": "esat"}),
                OrganisationKind::Esat,
            ),
            (
                json!({"typologie": "FT", "passerelle_kind": "france_travail_regional"}),
                OrganisationKind::FranceTravailRegional,
            ),
            // A typology corrected by hand wins over a stale Passerelle kind.
            (
                json!({"typologie": "EI", "passerelle_kind": "aci"}),
                OrganisationKind::Ei,
            ),
            // A kind this version does not know falls back on the typology.
            (json!({"passerelle_kind": "kind_of_the_future"}), OrganisationKind::Aci),
        ];
        for (changes, kind) in cases {
            let rows = all_ok(&json_file(&[one(changes.clone())]), Format::Json);
            assert_eq!(rows[0].organisation.kind, kind.code(), "{changes}");
        }
        for kind in OrganisationKind::ALL {
            let typologie = typologie_of_kind(*kind);
            match kind_of_typologie(typologie) {
                Some(back) => assert_eq!(typologie_of_kind(back), typologie),
                None => assert_eq!(typologie, "Autre", "{kind:?}"),
            }
        }
    }

    #[test]
    fn a_file_that_cannot_be_read_is_refused_whole() {
        let cases: &[(&[u8], Format, &str)] = &[
            (
                b"[\n  {\"id\": \"1\",\n   \"source\" \"dora\"}\n]",
                Format::Json,
                "ligne 3, colonne 13",
            ),
            (
                b"{\"id\": \"1\", \"source\": \"dora\", \"nom\": \"ACI\"}",
                Format::Json,
                "liste de structures",
            ),
            (b"", Format::Json, "ligne 1"),
            (b"[{\"nom\": \"Caf\xe9 solidaire\"}]", Format::Json, "UTF-8 (ligne 1)"),
            (b"source,id,nom\ndora,1,Caf\xe9\n", Format::Csv, "UTF-8 (ligne 2)"),
            (b"source,nom,commune\ndora,ACI,Dijon\n", Format::Csv, "« id » manque"),
            (b"", Format::Csv, "« source » manque"),
            (
                b"source,id,nom,id\ndora,1,ACI,2\n",
                Format::Csv,
                "« id » apparaît deux fois",
            ),
            (
                b"source,id,nom\ndora,1,ACI\ndora,2,EI,en trop\n",
                Format::Csv,
                "enregistrement n° 2 (ligne 3) : 4 colonnes au lieu des 3",
            ),
        ];
        for (bytes, format, place) in cases {
            let e = parse(bytes, *format).unwrap_err();
            assert_eq!(e.code, "file_malformed");
            assert!(e.message.contains(place), "{}", e.message);
        }
    }

    #[test]
    fn a_bad_row_is_refused_alone() {
        let cases: &[(Value, &str, Option<&str>)] = &[
            (json!({"id": null}), "field_required", Some("id")),
            (json!({"id": "  "}), "field_required", Some("id")),
            (json!({"source": null}), "field_required", Some("source")),
            (json!({"nom": null}), "field_required", Some("nom")),
            (json!({"nom": 12}), "field_type", Some("nom")),
            (json!({"id": 17}), "field_type", Some("id")),
            (json!({"latitude": "47.3"}), "field_type", Some("latitude")),
            (json!({"latitude": 147.3}), "coordinates_invalid", Some("latitude")),
            (
                json!({"reseaux_porteurs": "siae"}),
                "field_type",
                Some("reseaux_porteurs"),
            ),
            (json!({"reseaux_porteurs": [1]}), "field_type", Some("reseaux_porteurs")),
            (json!({"date_maj": "14/02/2025"}), "date_invalid", Some("date_maj")),
            (json!({"date_maj": "2025-02-30"}), "date_invalid", Some("date_maj")),
            (json!({"date_maj": "2025"}), "date_invalid", Some("date_maj")),
            (json!({"siret": "13000548100011"}), "siret_invalid", Some("siret")),
            (
                json!({"code_postal": "99000"}),
                "postal_code_invalid",
                Some("code_postal"),
            ),
            (
                json!({"code_postal": "2100"}),
                "postal_code_invalid",
                Some("code_postal"),
            ),
            (json!({"code_postal": null}), "location_missing", Some("code_postal")),
            (json!({"code_insee": "99134"}), "department_unknown", Some("code_insee")),
            (
                json!({"code_insee": "2C004"}),
                "commune_code_invalid",
                Some("code_insee"),
            ),
            (json!({"commune": null}), "field_required", Some("commune")),
            (json!({"nom": "x".repeat(201)}), "field_too_long", Some("nom")),
            (
                json!({"courriel": "accueil-at-example"}),
                "email_invalid",
                Some("courriel"),
            ),
            (json!({"telephone": "12"}), "phone_invalid", Some("telephone")),
            (
                json!({"site_web": "javascript:alert(1)"}),
                "website_invalid",
                Some("site_web"),
            ),
        ];
        for (changes, code, field) in cases {
            let good = one(json!({"id": "good"}));
            let rows = parse(&json_file(&[good.clone(), one(changes.clone()), good]), Format::Json).unwrap();
            assert!(rows[0].is_ok());
            let e = rows[1].as_ref().unwrap_err();
            assert_eq!((e.row, e.code, e.field.as_deref()), (2, *code, *field), "{changes}");
            assert!(!e.message.is_empty());
            // The third row repeats the first: only it is refused as a duplicate.
            assert_eq!(rows[2].as_ref().unwrap_err().code, "structure_duplicate");
        }
        let e = row_error(json!({"siret": "123"}));
        assert_eq!(e.message, "Le SIRET « 123 » doit comporter 14 chiffres.");
        let rows = parse(b"[{\"id\": \"1\"}, 42, []]", Format::Json).unwrap();
        assert_eq!(rows[1].as_ref().unwrap_err().code, "structure_not_object");
        assert_eq!(rows[2].as_ref().unwrap_err().row, 3);
    }

    #[test]
    fn csv_rows_number_data_records() {
        let csv = "source,id,nom,commune,code_postal,siret\n\
                   dora,1,ACI Dijon,Dijon,21000,\n\
                   dora,2,\"EI, Beaune\",Beaune,21200,13000548100011\n\
                   dora,,Sans identifiant,Dijon,21000,\n";
        let rows = parse(csv.as_bytes(), Format::Csv).unwrap();
        assert_eq!(rows[0].as_ref().unwrap().row, 1);
        let e = rows[1].as_ref().unwrap_err();
        assert_eq!((e.row, e.code, e.field.as_deref()), (2, "siret_invalid", Some("siret")));
        let e = rows[2].as_ref().unwrap_err();
        assert_eq!((e.row, e.code, e.field.as_deref()), (3, "field_required", Some("id")));
    }

    #[test]
    fn spreadsheet_csv_is_understood() {
        // Excel in French: byte-order mark, semicolons, decimal commas, CRLF, accents.
        let csv = "\u{feff}source;id;nom;commune;code_postal;longitude;latitude;reseaux_porteurs;typologie\r\n\
                   cd21;7;Mission locale de Chenôve;Chenôve;21300;5,0049;47,2923;mission-locale, siae;\r\n";
        let s = structures(csv.as_bytes(), Format::Csv).remove(0);
        assert_eq!((s.longitude, s.latitude), (Some(5.0049), Some(47.2923)));
        assert_eq!(s.reseaux_porteurs, ["mission-locale", "siae"]);
        assert_eq!(s.typologie, None);
        assert_eq!(s.kind(), OrganisationKind::MissionLocale);
        assert_eq!(s.nom, "Mission locale de Chenôve");
    }

    #[test]
    fn older_and_newer_producers_are_understood() {
        let row = one(json!({
            // v0 fields
            "description": null,
            "presentation_resume": "Chantier d'insertion.",
            "presentation_detail": "Maraîchage et vente de paniers.",
            "horaires_ouverture": "Mo-Fr 09:00-17:00",
            "date_maj": "2025-02-14T09:30:00+01:00",
            "antenne": false,
            "labels_nationaux": ["coorace"],
            // fields this version does not know
            "original_id": "1",
            "score_qualite": 0.8,
            "extension": {"a": [1, 2]},
            // Corsica and overseas: the INSEE code gives the department.
            "code_postal": "20000",
            "code_insee": "2A004",
            "complement_adresse": "Bâtiment B",
            "adresse": "1 cours Napoléon",
        }));
        let s = structures(&json_file(std::slice::from_ref(&row)), Format::Json).remove(0);
        assert_eq!(
            s.description.as_deref(),
            Some("Chantier d'insertion.\n\nMaraîchage et vente de paniers.")
        );
        assert_eq!(s.horaires_accueil.as_deref(), Some("Mo-Fr 09:00-17:00"));
        assert_eq!(s.date_maj, Some(date!(2025 - 02 - 14)));
        let org = all_ok(&json_file(&[row]), Format::Json)[0]
            .organisation
            .validate()
            .unwrap();
        assert_eq!(org.department, "2A");
        assert_eq!(org.address_line.as_deref(), Some("1 cours Napoléon, Bâtiment B"));
        let reunion = one(json!({"code_postal": "97400", "code_insee": "97411", "commune": "Saint-Denis"}));
        let org = all_ok(&json_file(&[reunion]), Format::Json)[0]
            .organisation
            .validate()
            .unwrap();
        assert_eq!(org.department, "974");
    }

    #[test]
    fn truncated_or_damaged_files_never_panic() {
        for (text, format) in [(EXAMPLE_JSON, Format::Json), (EXAMPLE_CSV, Format::Csv)] {
            let bytes = text.as_bytes();
            for end in (0..bytes.len()).step_by(97) {
                let _ = parse(&bytes[..end], format);
                let mut damaged = bytes.to_vec();
                damaged[end] = [b'"', b',', b';', b'\n', 0xc3, b'0'][end % 6];
                let _ = parse(&damaged, format);
            }
        }
    }

    #[test]
    fn formats_from_file_names() {
        assert_eq!(Format::from_file_name("structures.JSON"), Some(Format::Json));
        assert_eq!(Format::from_file_name("export.2025.csv"), Some(Format::Csv));
        assert_eq!(Format::from_file_name("structures.xlsx"), None);
        assert_eq!(Format::from_file_name("structures"), None);
    }
}
