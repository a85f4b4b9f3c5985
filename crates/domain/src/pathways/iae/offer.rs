//! Job offers of an SIAE (Accord régional BFC 2016 fiche 4: "généraliser la procédure de dépôt des offres",
//! with the prerequisites asked of candidates).

use crate::dates::{Span, plausible_opt};
use crate::invalid::Invalid;
use crate::text::{optional, required};
use serde::Deserialize;
use time::Date;

/// Most weekly hours an offer may announce (Code du travail, L3121-20: 48 hours a week at most).
pub const MAX_WEEKLY_HOURS: i64 = 48;
pub const MAX_POSITIONS: i64 = 999;

/// An offer as typed by the SIAE, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OfferInput {
    pub title: String,
    /// ROME code of the job (`A1203`); the title alone is enough without one.
    pub rome_code: Option<String>,
    pub place: String,
    pub weekly_hours: Option<i64>,
    pub positions: i64,
    pub prerequisites: Option<String>,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
}

/// A valid offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferFields {
    pub title: String,
    pub rome_code: Option<String>,
    pub place: String,
    pub weekly_hours: Option<i64>,
    pub positions: i64,
    pub prerequisites: Option<String>,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
}

impl OfferInput {
    /// Validates against `today`, for the plausible span of its dates.
    pub fn validate(&self, today: Date) -> Result<OfferFields, Invalid> {
        let span = Span::Activity { today };
        let starts_on = plausible_opt("starts_on", self.starts_on, span)?;
        let ends_on = plausible_opt("ends_on", self.ends_on, span)?;
        let rome_code = optional("rome_code", self.rome_code.as_deref(), 5)?
            .map(|c| crate::rome::code(&c))
            .transpose()?;
        if let Some(h) = self.weekly_hours.filter(|h| !(1..=MAX_WEEKLY_HOURS).contains(h)) {
            return Err(Invalid::new(
                "weekly_hours_invalid",
                format!(
                    "La durée hebdomadaire doit être comprise entre 1 et {MAX_WEEKLY_HOURS} heures ; {h} est indiqué."
                ),
            )
            .on("weekly_hours"));
        }
        if !(1..=MAX_POSITIONS).contains(&self.positions) {
            return Err(Invalid::new(
                "positions_invalid",
                format!("Le nombre de postes doit être compris entre 1 et {MAX_POSITIONS}."),
            )
            .on("positions"));
        }
        if let (Some(from), Some(to)) = (starts_on, ends_on)
            && to < from
        {
            return Err(Invalid::new(
                "offer_dates_inverted",
                "La date de fin de l'offre précède sa date de début.",
            )
            .on("ends_on"));
        }
        Ok(OfferFields {
            title: required("title", &self.title, 200)?,
            rome_code,
            place: required("place", &self.place, 200)?,
            weekly_hours: self.weekly_hours,
            positions: self.positions,
            prerequisites: optional("prerequisites", self.prerequisites.as_deref(), 2_000)?,
            starts_on,
            ends_on,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn offer() -> OfferInput {
        OfferInput {
            title: "Agent d'entretien des espaces verts".into(),
            rome_code: Some("a1203".into()),
            place: "Dijon".into(),
            weekly_hours: Some(26),
            positions: 3,
            ..Default::default()
        }
    }

    const TODAY: Date = time::macros::date!(2026 - 12 - 07);

    #[test]
    fn valid_offer_normalises_the_rome_code() {
        assert_eq!(offer().validate(TODAY).unwrap().rome_code.as_deref(), Some("A1203"));
    }

    #[rstest]
    #[case::rome_shape(OfferInput { rome_code: Some("12345".into()), ..offer() }, "rome_code_invalid")]
    #[case::rome_length(OfferInput { rome_code: Some("A12".into()), ..offer() }, "rome_code_invalid")]
    #[case::hours_zero(OfferInput { weekly_hours: Some(0), ..offer() }, "weekly_hours_invalid")]
    // L3121-20: 48 hours a week at most.
    #[case::hours_over_legal_max(OfferInput { weekly_hours: Some(49), ..offer() }, "weekly_hours_invalid")]
    #[case::no_position(OfferInput { positions: 0, ..offer() }, "positions_invalid")]
    #[case::no_title(OfferInput { title: " ".into(), ..offer() }, "field_required")]
    #[case::dates(OfferInput { starts_on: Some(time::macros::date!(2026-05-01)), ends_on: Some(time::macros::date!(2026-04-01)), ..offer() }, "offer_dates_inverted")]
    // Finding 9 of « Integrity and privacy »: implausible dates.
    #[case::year_zero(OfferInput { starts_on: Some(time::macros::date!(0000-01-01)), ..offer() }, "date_out_of_range")]
    #[case::year_9999(OfferInput { ends_on: Some(time::macros::date!(9999-12-31)), ..offer() }, "date_out_of_range")]
    fn refused(#[case] input: OfferInput, #[case] code: &str) {
        assert_eq!(input.validate(TODAY).unwrap_err().code, code);
    }
}
