//! One policy for the dates users type: each kind of date has a plausible span, and a date outside it is
//! refused with `date_out_of_range` and a French message, whether it came from the API's JSON or a page's
//! form. A typo (2206 for 2026) or a probe (0000-01-01, 9999-12-31, year -9999) would otherwise be stored,
//! then sort first or last in every list, count in no indicator's period and end no deadline.

use crate::calendar::french_date;
use crate::invalid::Invalid;
use time::{Date, Month};

/// How far from today a record of what happens on a pathway (an offer, an action) may be dated: offers and
/// actions are entered as they happen, or caught up a few years later, and planned a few years ahead.
const YEARS_BACK: i32 = 10;
const YEARS_AHEAD: i32 = 5;

/// The kinds of dates, each with its span.
#[derive(Debug, Clone, Copy)]
pub enum Span {
    /// A pathway's record: an offer's dates, an action's dates. From 1 January ten years before `today`'s
    /// year to 31 December five years after.
    Activity { today: Date },
    /// An agreement's dates: from 2000 to 2100 (the oldest conventions still followed, the longest terms).
    Agreement,
    /// A date of a person's pathway that may lie decades back or ahead: an orientation, a contract, an entry
    /// into a scheme, an immersion, a job. From 1950 (a worker admitted to an ESAT then may still work there) to
    /// 2100 (an orientation decided without end).
    Pathway,
}

impl Span {
    fn bounds(self) -> (Date, Date) {
        let (first, last) = match self {
            Self::Activity { today } => (today.year() - YEARS_BACK, today.year() + YEARS_AHEAD),
            Self::Agreement => (2000, 2100),
            Self::Pathway => (1950, 2100),
        };
        (
            Date::from_calendar_date(first, Month::January, 1).unwrap_or(Date::MIN),
            Date::from_calendar_date(last, Month::December, 31).unwrap_or(Date::MAX),
        )
    }
}

/// `date` if it lies in `span`, else `date_out_of_range` on `field`.
pub fn plausible(field: &str, date: Date, span: Span) -> Result<Date, Invalid> {
    let (first, last) = span.bounds();
    if (first..=last).contains(&date) {
        return Ok(date);
    }
    Err(Invalid::new(
        "date_out_of_range",
        format!(
            "La date du {} n'est pas plausible ici : elle doit être comprise entre le {} et le {}.",
            french_date(date),
            french_date(first),
            french_date(last)
        ),
    )
    .on(field))
}

/// [`plausible`] for an optional date.
pub fn plausible_opt(field: &str, date: Option<Date>, span: Span) -> Result<Option<Date>, Invalid> {
    date.map(|d| plausible(field, d, span)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// Finding 9 of « Integrity and privacy »: the attacker's dates are refused, the demo's are kept.
    #[test]
    fn spans() {
        let today = date!(2026 - 12 - 07);
        let activity = Span::Activity { today };
        for refused in [
            Date::MIN,
            date!(0000 - 01 - 01),
            date!(9999 - 12 - 31),
            date!(2015 - 12 - 31),
            date!(2032 - 01 - 01),
        ] {
            assert_eq!(
                plausible("starts_on", refused, activity).unwrap_err().code,
                "date_out_of_range"
            );
        }
        for kept in [date!(2016 - 01 - 01), today, date!(2031 - 12 - 31)] {
            assert_eq!(plausible("starts_on", kept, activity), Ok(kept));
        }
        let far = plausible("duration", date!(2101 - 01 - 01), Span::Agreement).unwrap_err();
        assert_eq!(
            (far.code, far.field.as_deref()),
            ("date_out_of_range", Some("duration"))
        );
        assert!(far.message.contains("1er janvier 2000"), "{}", far.message);
        assert_eq!(plausible_opt("ends_on", None, Span::Agreement), Ok(None));
        assert!(plausible("entered_on", date!(1949 - 12 - 31), Span::Pathway).is_err());
        assert!(plausible("entered_on", date!(9999 - 12 - 31), Span::Pathway).is_err());
        assert!(plausible("entered_on", date!(1985 - 09 - 02), Span::Pathway).is_ok());
    }
}
