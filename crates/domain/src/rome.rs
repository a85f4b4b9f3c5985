//! The ROME (Répertoire opérationnel des métiers et des emplois), the job referential France Travail publishes
//! as open data: the job families (`A1414`, « Horticulture et maraîchage ») and the job titles people search
//! for, the appellations (« Ouvrier maraîcher / Ouvrière maraîchère », OGR 17506), each in one family.
//! Read from the two semicolon-separated files of a published snapshot: a row that does not fit refuses the
//! whole referential, with its file and line number, so that nothing is half-loaded.

use crate::invalid::Invalid;
use std::collections::HashSet;
use std::fmt;
use time::Date;

/// Who publishes the referential, as users read it.
pub const SOURCE: &str = "Référentiel ROME de France Travail";

/// The header of the families file (`romes.csv`).
pub const FAMILIES_HEADER: [&str; 2] = ["code_rome", "libelle_rome"];
/// The header of the job titles file (`appellations.csv`).
pub const TITLES_HEADER: [&str; 4] = [
    "ogr_appellation",
    "rome_code",
    "libelle_appellation_long",
    "libelle_appellation_court",
];

/// Longest label kept (the longest published one has about 150 characters).
const MAX_LABEL: usize = 300;

/// A job family: a ROME code and its label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Family {
    pub code: String,
    pub label: String,
}

/// A job title (appellation) of a family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title {
    /// Its number in France Travail's OGR register.
    pub ogr: i64,
    pub code: String,
    pub label: String,
    pub short_label: String,
}

/// The families and the job titles of one snapshot, each title in a family of the snapshot.
#[derive(Debug, Clone, Default)]
pub struct Referential {
    pub families: Vec<Family>,
    pub titles: Vec<Title>,
}

/// A row of a file that does not fit: the file, its line (from 1, the header included) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub file: &'static str,
    pub line: u64,
    pub invalid: Invalid,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, ligne {} : {} ({})",
            self.file, self.line, self.invalid.message, self.invalid.code
        )
    }
}

/// The help users read next to a job picker: who publishes the referential and which version is loaded.
pub fn edition(version: Date) -> String {
    format!("{SOURCE}, version du {}", crate::french::date(version))
}

/// A ROME code as typed: one letter and 4 digits (`a1203` becomes `A1203`).
pub fn code(raw: &str) -> Result<String, Invalid> {
    let code = raw.trim().to_uppercase();
    let mut chars = code.chars();
    let shape = chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_digit());
    if !shape || code.len() != 5 {
        return Err(Invalid::new(
            "rome_code_invalid",
            format!("Le code ROME « {code} » doit comporter une lettre suivie de 4 chiffres (ex. A1203)."),
        )
        .on("rome_code"));
    }
    Ok(code)
}

/// A well-formed code that the loaded referential does not hold.
pub fn unknown(code: &str, version: Date) -> Invalid {
    Invalid::new(
        "rome_unknown",
        format!(
            "Le code ROME « {code} » n'existe pas dans le {} : choisissez le métier dans la liste ou corrigez le code.",
            edition(version).replacen("Référentiel", "référentiel", 1)
        ),
    )
    .on("rome_code")
}

/// Reads a snapshot: the families file, then the job titles file. Every row that does not fit is reported.
pub fn read(families: &[u8], titles: &[u8]) -> Result<Referential, Vec<LineError>> {
    let mut errors = Vec::new();
    let mut referential = Referential::default();
    let mut codes = HashSet::new();
    for (line, row) in rows("romes.csv", families, &FAMILIES_HEADER, &mut errors) {
        match family(&row, &codes) {
            Ok(f) => {
                codes.insert(f.code.clone());
                referential.families.push(f);
            }
            Err(invalid) => errors.push(LineError {
                file: "romes.csv",
                line,
                invalid,
            }),
        }
    }
    let mut ogrs = HashSet::new();
    for (line, row) in rows("appellations.csv", titles, &TITLES_HEADER, &mut errors) {
        match title(&row, &codes, &ogrs) {
            Ok(t) => {
                ogrs.insert(t.ogr);
                referential.titles.push(t);
            }
            Err(invalid) => errors.push(LineError {
                file: "appellations.csv",
                line,
                invalid,
            }),
        }
    }
    if errors.is_empty() {
        Ok(referential)
    } else {
        Err(errors)
    }
}

/// The rows after the header with their line numbers; an unreadable row or a wrong header is an error.
fn rows(file: &'static str, bytes: &[u8], header: &[&str], errors: &mut Vec<LineError>) -> Vec<(u64, Vec<String>)> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .flexible(true)
        // Lines end at LF, the CR of the published files trimmed with the fields: the csv crate's own CRLF
        // handling counts lines one short.
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(bytes);
    let mut rows = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(n as u64 + 1, csv::Position::line);
                let invalid = Invalid::new("rome_row_unreadable", format!("ligne illisible ({e})."));
                errors.push(LineError { file, line, invalid });
                continue;
            }
        };
        let line = record.position().map_or(n as u64 + 1, csv::Position::line);
        let fields: Vec<String> = record
            .iter()
            .map(|f| f.trim_start_matches('\u{feff}').trim().to_owned())
            .collect();
        if n == 0 {
            if fields != header {
                let invalid = Invalid::new(
                    "rome_header_invalid",
                    format!("l'en-tête doit être « {} ».", header.join(";")),
                );
                errors.push(LineError { file, line, invalid });
            }
            continue;
        }
        if fields.len() != header.len() {
            let invalid = Invalid::new(
                "rome_row_invalid",
                format!(
                    "{} colonnes attendues séparées par « ; », {} lues.",
                    header.len(),
                    fields.len()
                ),
            );
            errors.push(LineError { file, line, invalid });
            continue;
        }
        rows.push((line, fields));
    }
    if rows.is_empty() && errors.is_empty() {
        let invalid = Invalid::new(
            "rome_file_empty",
            "le fichier ne contient aucune ligne après l'en-tête.",
        );
        errors.push(LineError { file, line: 1, invalid });
    }
    rows
}

fn family(row: &[String], codes: &HashSet<String>) -> Result<Family, Invalid> {
    let code = code(&row[0])?;
    if codes.contains(&code) {
        return Err(Invalid::new(
            "rome_duplicate",
            format!("le code ROME « {code} » figure déjà plus haut."),
        ));
    }
    Ok(Family {
        code,
        label: label("libelle_rome", &row[1])?,
    })
}

fn title(row: &[String], codes: &HashSet<String>, ogrs: &HashSet<i64>) -> Result<Title, Invalid> {
    let ogr = row[0].parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
        Invalid::new(
            "rome_ogr_invalid",
            format!("le numéro OGR « {} » doit être un entier positif.", row[0]),
        )
    })?;
    if ogrs.contains(&ogr) {
        return Err(Invalid::new(
            "rome_duplicate",
            format!("le numéro OGR {ogr} figure déjà plus haut."),
        ));
    }
    let code = code(&row[1])?;
    if !codes.contains(&code) {
        return Err(Invalid::new(
            "rome_unknown",
            format!("le code ROME « {code} » ne figure pas dans le fichier des codes ROME."),
        ));
    }
    Ok(Title {
        ogr,
        code,
        label: label("libelle_appellation_long", &row[2])?,
        short_label: label("libelle_appellation_court", &row[3])?,
    })
}

fn label(column: &str, value: &str) -> Result<String, Invalid> {
    match value.chars().count() {
        0 => Err(Invalid::new(
            "rome_label_missing",
            format!("la colonne « {column} » est vide."),
        )),
        n if n > MAX_LABEL => Err(Invalid::new(
            "rome_label_too_long",
            format!("la colonne « {column} » dépasse {MAX_LABEL} caractères."),
        )),
        _ => Ok(value.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const FAMILIES: &str = "code_rome;libelle_rome\r\nA1414;Horticulture et maraîchage\r\nK2304;Revalorisation de produits industriels\r\n";
    const TITLES: &str = "ogr_appellation;rome_code;libelle_appellation_long;libelle_appellation_court\r\n\
        17506;A1414;Ouvrier maraîcher / Ouvrière maraîchère;Ouvrier maraîcher / Ouvrière maraîchère\r\n";

    #[test]
    fn reads_a_snapshot() {
        let r = read(FAMILIES.as_bytes(), TITLES.as_bytes()).unwrap();
        assert_eq!(r.families.len(), 2);
        assert_eq!(
            r.titles,
            [Title {
                ogr: 17506,
                code: "A1414".into(),
                label: "Ouvrier maraîcher / Ouvrière maraîchère".into(),
                short_label: "Ouvrier maraîcher / Ouvrière maraîchère".into(),
            }]
        );
    }

    #[rstest]
    #[case::bad_code("A1414;Horticulture\r\nA14;Autre\r\n", TITLES, "romes.csv", 3, "rome_code_invalid")]
    #[case::duplicate("A1414;Horticulture\r\na1414;Autre\r\n", TITLES, "romes.csv", 3, "rome_duplicate")]
    #[case::missing_label("A1414;Horticulture\r\nK2304;\r\n", TITLES, "romes.csv", 3, "rome_label_missing")]
    #[case::columns(
        "A1414;Horticulture\r\nK2304;Tri;de trop\r\n",
        TITLES,
        "romes.csv",
        3,
        "rome_row_invalid"
    )]
    #[case::family_not_in_codes(
        "A1414;Horticulture\r\n",
        "1;A1414;Maraîcher;Maraîcher\r\n2;B9999;Inconnu;Inconnu\r\n",
        "appellations.csv",
        3,
        "rome_unknown"
    )]
    #[case::ogr(
        "A1414;Horticulture\r\n",
        "x;A1414;Maraîcher;Maraîcher\r\n",
        "appellations.csv",
        2,
        "rome_ogr_invalid"
    )]
    fn refuses_a_row_with_its_line(
        #[case] families: &str,
        #[case] titles: &str,
        #[case] file: &str,
        #[case] line: u64,
        #[case] code: &str,
    ) {
        let families = format!("code_rome;libelle_rome\r\n{families}");
        let titles = if titles.starts_with("ogr_") {
            titles.to_owned()
        } else {
            format!("{}\r\n{titles}", TITLES_HEADER.join(";"))
        };
        let errors = read(families.as_bytes(), titles.as_bytes()).unwrap_err();
        assert_eq!(
            errors
                .iter()
                .map(|e| (e.file, e.line, e.invalid.code))
                .collect::<Vec<_>>(),
            [(file, line, code)]
        );
    }

    #[test]
    fn refuses_a_file_that_is_not_the_referential() {
        let errors = read(b"siret;nom\r\n123;X\r\n", TITLES.as_bytes()).unwrap_err();
        assert_eq!((errors[0].line, errors[0].invalid.code), (1, "rome_header_invalid"));
        assert_eq!(
            errors[0].to_string(),
            "romes.csv, ligne 1 : l'en-tête doit être « code_rome;libelle_rome ». (rome_header_invalid)"
        );
    }

    #[test]
    fn an_unknown_code_names_the_version() {
        let e = unknown("A9999", time::macros::date!(2024 - 03 - 01));
        assert_eq!((e.code, e.field.as_deref()), ("rome_unknown", Some("rome_code")));
        assert!(
            e.message
                .contains("référentiel ROME de France Travail, version du 1er mars 2024"),
            "{}",
            e.message
        );
    }
}
