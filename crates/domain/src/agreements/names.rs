//! Names that changed, printed as they were on the date of a document (RULES.md 8): a version of 2016 says
//! "Pôle emploi", one of 2026 says "France Travail".

use time::Date;
use time::macros::date;

/// (day the new name applies from, former name, new name); source: loi 2023-1196 for France Travail.
const RENAMES: &[(Date, &str, &str)] = &[(date!(2024 - 01 - 01), "Pôle emploi", "France Travail")];

/// `text` with the names in force on `day`.
pub fn as_of(text: &str, day: Date) -> String {
    RENAMES.iter().fold(text.to_owned(), |t, (since, former, new)| {
        if day < *since {
            t.replace(new, former)
        } else {
            t.replace(former, new)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_date() {
        let cases = [
            (
                "Agence France Travail Dijon",
                date!(2016 - 12 - 08),
                "Agence Pôle emploi Dijon",
            ),
            ("Pôle emploi", date!(2023 - 12 - 31), "Pôle emploi"),
            (
                "Pôle emploi et la SIAE",
                date!(2024 - 01 - 01),
                "France Travail et la SIAE",
            ),
        ];
        for (text, day, expected) in cases {
            assert_eq!(as_of(text, day), expected);
        }
    }
}
