//! Template filters that write French with the domain's one formatter.

/// A date as French users read it: "1er mars 2026".
#[askama::filter_fn]
pub fn fr_date(d: &time::Date, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(passerelle_domain::french::date(*d))
}
