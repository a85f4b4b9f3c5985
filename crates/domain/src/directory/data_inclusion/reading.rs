//! Mapping in: a structures file as rows of fields, each checked against the schema and made an organisation
//! to upsert.

use super::{Format, ImportRow, MAX_KEY, MAX_TEXT, REQUIRED_COLUMNS, Structure};
use crate::directory::{OrganisationInput, OrganisationKind, department_of_postal_code};
use crate::invalid::Invalid;
use crate::text;
use serde_json::{Map, Value};
use time::Date;
use time::macros::format_description;

fn malformed(message: String) -> Invalid {
    Invalid::new("file_malformed", message)
}

/// The file as text, without the byte-order mark that spreadsheets add.
pub(super) fn utf8(bytes: &[u8]) -> Result<&str, Invalid> {
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

pub(super) fn json_rows(text: &str) -> Result<Vec<RawRow>, Invalid> {
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

pub(super) fn csv_rows(text: &str) -> Result<Vec<RawRow>, Invalid> {
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
pub(super) struct Fields<'a> {
    pub(super) map: &'a Map<String, Value>,
    pub(super) format: Format,
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
pub(super) fn structure(f: &Fields<'_>) -> Result<Structure, Invalid> {
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
        finess: f.text("finess", MAX_KEY)?,
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

pub(super) fn import_row(row: usize, s: Structure) -> Result<ImportRow, Invalid> {
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
        finess: s.finess,
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
