//! Template filters that write French with the domain's one formatter.

/// A date as French users read it: "1er mars 2026".
#[askama::filter_fn]
pub fn fr_date(d: &time::Date, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(passerelle_domain::french::date(*d))
}

/// An instant in Paris time: "7 décembre 2026 à 14 h 05".
#[askama::filter_fn]
pub fn fr_moment(t: &time::OffsetDateTime, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(passerelle_domain::french::moment(*t))
}

/// The day of an instant in Paris: "7 décembre 2026".
#[askama::filter_fn]
pub fn fr_day(t: &time::OffsetDateTime, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(passerelle_domain::french::day_of(*t))
}
