//! Numbers, money, percentages and dates as French users read them, written once for rules, pages and
//! documents: thousands set apart by a narrow no-break space (U+202F), a decimal comma, "1er" for the first
//! day of a month.

use crate::indicators::Unit;
use time::{Date, Month, OffsetDateTime};

/// The thousands separator of French typography: a narrow no-break space.
const THOUSANDS: char = '\u{202F}';

/// French month names, January first.
pub const MONTH_NAMES: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// A whole number: "365", "1 095", "-3 650 000".
pub fn integer(n: i64) -> String {
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}", grouped(n.unsigned_abs()))
}

/// A measured value, to one decimal when it has a fraction: "12", "12,5", "1 250,5".
pub fn decimal(value: f64) -> String {
    let text = if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    };
    let (whole, fraction) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(w, f)| (w, Some(f)));
    let (sign, digits) = whole.strip_prefix('-').map_or(("", whole), |d| ("-", d));
    let grouped = digits.parse().map_or_else(|_| digits.to_owned(), grouped);
    match fraction {
        Some(f) => format!("{sign}{grouped},{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A value that may be missing: "–" when there is none (by reference, as templates pass it).
pub fn maybe_decimal(value: &Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), decimal)
}

/// An indicator's value with its unit: "12", "12,5", "40,5 %" for a share.
pub fn indicator_value(value: f64, unit: Unit) -> String {
    if unit == Unit::Share {
        percentage(value)
    } else {
        decimal(value)
    }
}

/// A share out of a hundred: "40,5 %".
pub fn percentage(value: f64) -> String {
    format!("{} %", decimal(value))
}

/// An amount in cents, to the cent: "1 033,32 €", "-0,05 €".
pub fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{},{:02} €", grouped(abs / 100), abs % 100)
}

/// A date: "1er mars 2025", "10 mars 2025".
pub fn date(date: Date) -> String {
    let month = month_name(date.month());
    match date.day() {
        1 => format!("1er {month} {}", date.year()),
        day => format!("{day} {month} {}", date.year()),
    }
}

/// An instant as people in France read it, in Paris time: "7 décembre 2026 à 14 h 05".
pub fn moment(instant: OffsetDateTime) -> String {
    let local = instant.to_offset(crate::calendar::paris::offset(instant));
    format!("{} à {}", date(local.date()), time_of_day(local.time()))
}

/// A time of day as `moment` writes it: "9 h 05", "14 h 30".
pub fn time_of_day(t: time::Time) -> String {
    format!("{} h {:02}", t.hour(), t.minute())
}

/// The day of an instant in Paris, in words: "7 décembre 2026".
pub fn day_of(instant: OffsetDateTime) -> String {
    date(crate::calendar::paris::date(instant))
}

/// A date in figures, as French forms write it: "01/03/2025".
pub fn numeric_date(date: Date) -> String {
    format!("{:02}/{:02}/{}", date.day(), u8::from(date.month()), date.year())
}

/// A date as a person types it: "01/03/2025" (or "1/3/2025"), or "2025-03-01" as date pickers send it.
pub fn parse_date(text: &str) -> Option<Date> {
    let text = text.trim();
    let parts: Vec<&str> = text.split('/').collect();
    if let [day, month, year] = parts[..] {
        let number = |s: &str, max_len: usize| {
            (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<i32>().ok())
                .flatten()
        };
        let (day, month, year) = (
            number(day, 2)?,
            number(month, 2)?,
            number(year, 4).filter(|_| year.len() == 4)?,
        );
        let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
        return Date::from_calendar_date(year, month, u8::try_from(day).ok()?).ok();
    }
    Date::parse(text, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

/// A month's name: "mars".
pub fn month_name(month: Month) -> &'static str {
    MONTH_NAMES[usize::from(u8::from(month)) - 1]
}

fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * THOUSANDS.len_utf8());
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(THOUSANDS);
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use time::macros::date;

    #[test]
    fn instants_in_paris_time() {
        use time::macros::datetime;
        assert_eq!(moment(datetime!(2026-12-06 23:05 UTC)), "7 décembre 2026 à 0 h 05");
        assert_eq!(moment(datetime!(2026-07-01 12:30 UTC)), "1er juillet 2026 à 14 h 30");
        assert_eq!(day_of(datetime!(2026-12-31 23:30 UTC)), "1er janvier 2027");
    }

    #[rstest]
    #[case::french("31/03/2027", Some(date!(2027 - 03 - 31)))]
    #[case::short("1/3/2027", Some(date!(2027 - 03 - 01)))]
    #[case::picker("2027-03-31", Some(date!(2027 - 03 - 31)))]
    #[case::no_such_day("30/02/2027", None)]
    #[case::two_digit_year("31/03/27", None)]
    #[case::american_order("03/31/2027", None)]
    #[case::words("demain", None)]
    #[case::signed("+1/03/2027", None)]
    fn dates_as_people_type_them(#[case] typed: &str, #[case] read: Option<Date>) {
        assert_eq!(parse_date(typed), read);
        if let Some(d) = read {
            assert_eq!(parse_date(&numeric_date(d)), read, "a printed date reads back");
        }
    }

    #[rstest]
    #[case::zero(0, "0")]
    #[case::small(365, "365")]
    #[case::thousands(1_095, "1\u{202F}095")]
    #[case::negative_millions(-3_650_000, "-3\u{202F}650\u{202F}000")]
    fn integers(#[case] n: i64, #[case] expected: &str) {
        assert_eq!(integer(n), expected);
    }

    #[rstest]
    #[case::whole(12.0, "12")]
    #[case::one_decimal(12.5, "12,5")]
    #[case::rounded_to_one_decimal(2.345, "2,3")]
    #[case::rounding_up(3.96, "4,0")]
    #[case::thousands(1_250.5, "1\u{202F}250,5")]
    #[case::negative(-0.5, "-0,5")]
    fn decimals(#[case] value: f64, #[case] expected: &str) {
        assert_eq!(decimal(value), expected);
    }

    #[test]
    fn percentages_and_money() {
        assert_eq!(percentage(40.5), "40,5 %");
        assert_eq!(indicator_value(40.5, Unit::Share), "40,5 %");
        assert_eq!(indicator_value(12.0, Unit::Count), "12");
        assert_eq!(maybe_decimal(&None), "–");
        assert_eq!(maybe_decimal(&Some(2.5)), "2,5");
        assert_eq!(money(103_332), "1\u{202F}033,32 €");
        assert_eq!(money(-5), "-0,05 €");
        assert_eq!(time_of_day(time::macros::time!(9:05)), "9 h 05");
    }

    #[rstest]
    #[case::first_of_the_month(date!(2025-03-01), "1er mars 2025")]
    #[case::other_days(date!(2025-03-10), "10 mars 2025")]
    #[case::accents(date!(2026-08-15), "15 août 2026")]
    fn dates(#[case] d: Date, #[case] expected: &str) {
        assert_eq!(date(d), expected);
    }
}
