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
                writer.write_record(&record).expect("writing to memory cannot fail");
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
                .map(|(h, v)| (h.to_owned(), Value::String(v.to_owned())))
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
    Invalid::new(
        "field_type",
        format!("Le champ « {field} » doit être {expected}."),
    )
    .on(field)
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
    let department_field = if s.code_insee.is_some() { "code_insee" } else { "code_postal" };
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
