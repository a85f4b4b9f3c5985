//! Text fields: trimming, length limits and the folded form used for search.

use crate::invalid::Invalid;

/// Trims `value` and checks it is not empty and at most `max` characters long.
pub fn required(field: &str, value: &str, max: usize) -> Result<String, Invalid> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Invalid::new("field_required", format!("Le champ « {field} » est obligatoire.")).on(field));
    }
    bounded(field, value, max)
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

#[cfg(test)]
mod tests {
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
