//! Entry into supported employment: a decision of the CDAPH, or a prescription by the public employment
//! service (France Travail, Cap emploi, Mission locale). Each route is dated by the law that opened it.

use super::L5213_2_1;
use crate::calendar::french_date;
use crate::dates::{Span, plausible};
use crate::invalid::Invalid;
use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::date;

/// Supported employment exists since the loi travail of 8 August 2016 and decree 2016-1899 of 27 December
/// 2016, in force on 1 January 2017: from then on the CDAPH decides on it.
pub const CDAPH_ROUTE_FROM: Date = date!(2017 - 01 - 01);
/// The loi pour le plein emploi (2023-1196 of 18 December 2023) opened the prescription by France Travail,
/// Cap emploi and the Missions locales. RULES.md section 4 gives no date; we take the date the law's
/// "réseau pour l'emploi" provisions came into force, 1 January 2024 (an assumption, docs/supported-employment.md).
pub const SPE_ROUTE_FROM: Date = date!(2024 - 01 - 01);

labelled_codes! {
    /// The public employment service bodies that may prescribe supported employment (L5213-2-1).
    SpePrescriber {
        FranceTravail => "france_travail", "France Travail";
        CapEmploi => "cap_emploi", "Cap emploi";
        MissionLocale => "mission_locale", "Mission locale";
    }
}

impl SpePrescriber {
    /// The prescriber kind of an organisation of the directory, if it may prescribe.
    pub fn of(kind: crate::directory::OrganisationKind) -> Option<Self> {
        use crate::directory::OrganisationKind as K;
        match kind {
            K::FranceTravailAgency | K::FranceTravailTerritorial | K::FranceTravailRegional => {
                Some(Self::FranceTravail)
            }
            K::CapEmploi => Some(Self::CapEmploi),
            K::MissionLocale => Some(Self::MissionLocale),
            _ => None,
        }
    }
}

/// How the person came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "route", rename_all = "snake_case")]
pub enum Route {
    /// A decision of the CDAPH, valid until a date.
    Cdaph { decided_on: Date, valid_until: Date },
    /// A prescription by a body of the public employment service.
    Spe {
        prescriber: SpePrescriber,
        prescribed_on: Date,
    },
}

impl Route {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Cdaph { .. } => "cdaph",
            Self::Spe { .. } => "spe",
        }
    }

    /// The route in French, with its dates.
    pub fn label(&self) -> String {
        match self {
            Self::Cdaph {
                decided_on,
                valid_until,
            } => format!(
                "décision de la CDAPH du {}, valable jusqu'au {}",
                french_date(*decided_on),
                french_date(*valid_until)
            ),
            Self::Spe {
                prescriber,
                prescribed_on,
            } => format!(
                "prescription de {} du {}",
                prescriber.label(),
                french_date(*prescribed_on)
            ),
        }
    }
}

/// An entry as typed: the route's fields are optional until the route is known.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EntryInput {
    /// `cdaph` or `spe`.
    pub route: String,
    pub entered_on: Option<Date>,
    pub decided_on: Option<Date>,
    pub valid_until: Option<Date>,
    /// For the SPE route: the prescribing organisation's kind, given by the store from the directory.
    pub prescriber: Option<SpePrescriber>,
    pub prescribed_on: Option<Date>,
}

/// A checked entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub route: Route,
    pub entered_on: Date,
}

fn missing(field: &str, what: &str) -> Invalid {
    Invalid::new("field_required", format!("Indiquez {what}.")).on(field)
}

impl EntryInput {
    /// Checks the entry under the rules in force on the decision or prescription date.
    pub fn validate(&self) -> Result<Entry, Invalid> {
        let entered_on = self
            .entered_on
            .ok_or_else(|| missing("entered_on", "la date d'entrée dans le dispositif"))?;
        let entered_on = plausible("entered_on", entered_on, Span::Pathway)?;
        let (route, decided) = match self.route.trim() {
            "cdaph" => {
                let decided_on = self
                    .decided_on
                    .ok_or_else(|| missing("decided_on", "la date de la décision de la CDAPH"))?;
                let valid_until = self
                    .valid_until
                    .ok_or_else(|| missing("valid_until", "la fin de validité de la décision"))?;
                let valid_until = plausible("valid_until", valid_until, Span::Pathway)?;
                if valid_until < decided_on {
                    return Err(Invalid::new(
                        "decision_validity_invalid",
                        "La fin de validité de la décision précède la décision.",
                    )
                    .on("valid_until"));
                }
                if decided_on < CDAPH_ROUTE_FROM {
                    return Err(Invalid::new(
                        "supported_route_not_in_force",
                        format!(
                            "L'emploi accompagné n'existe que depuis le {} ; une décision du {} ne peut pas l'ouvrir ({L5213_2_1}).",
                            french_date(CDAPH_ROUTE_FROM),
                            french_date(decided_on)
                        ),
                    )
                    .on("decided_on"));
                }
                if entered_on > valid_until {
                    return Err(Invalid::new(
                        "decision_expired",
                        format!(
                            "La décision de la CDAPH n'est plus valable le {} : elle a pris fin le {} ({L5213_2_1}).",
                            french_date(entered_on),
                            french_date(valid_until)
                        ),
                    )
                    .on("entered_on"));
                }
                (
                    Route::Cdaph {
                        decided_on,
                        valid_until,
                    },
                    decided_on,
                )
            }
            "spe" => {
                let prescriber = self.prescriber.ok_or_else(|| {
                    Invalid::new(
                        "prescriber_not_spe",
                        "Seuls France Travail, Cap emploi et les Missions locales prescrivent l'emploi accompagné (Code du travail, art. L5213-2-1).",
                    )
                    .on("prescriber_id")
                })?;
                let prescribed_on = self
                    .prescribed_on
                    .ok_or_else(|| missing("prescribed_on", "la date de la prescription"))?;
                if prescribed_on < SPE_ROUTE_FROM {
                    return Err(Invalid::new(
                        "supported_route_not_in_force",
                        format!(
                            "Le service public de l'emploi ne prescrit l'emploi accompagné que depuis le {} ; avant, seule la CDAPH l'ouvre (loi 2023-1196 pour le plein emploi, {L5213_2_1}).",
                            french_date(SPE_ROUTE_FROM)
                        ),
                    )
                    .on("prescribed_on"));
                }
                (
                    Route::Spe {
                        prescriber,
                        prescribed_on,
                    },
                    prescribed_on,
                )
            }
            other => {
                return Err(Invalid::new(
                    "route_unknown",
                    format!("« {other} » n'est pas une voie d'entrée ; voies : cdaph, spe."),
                )
                .on("route"));
            }
        };
        if entered_on < decided {
            return Err(Invalid::new(
                "entry_before_decision",
                "La personne ne peut entrer dans le dispositif avant la décision ou la prescription qui l'y oriente.",
            )
            .on("entered_on"));
        }
        Ok(Entry { route, entered_on })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn cdaph(decided: Date, until: Date, entered: Date) -> EntryInput {
        EntryInput {
            route: "cdaph".into(),
            entered_on: Some(entered),
            decided_on: Some(decided),
            valid_until: Some(until),
            ..Default::default()
        }
    }

    fn spe(prescriber: Option<SpePrescriber>, on: Date, entered: Date) -> EntryInput {
        EntryInput {
            route: "spe".into(),
            entered_on: Some(entered),
            prescriber,
            prescribed_on: Some(on),
            ..Default::default()
        }
    }

    #[rstest]
    // L5213-2-1 (loi 2016-1088, decree 2016-1899): the CDAPH route opens on 2017-01-01.
    #[case::cdaph_in_force(cdaph(date!(2025-03-01), date!(2030-02-28), date!(2025-04-01)), None)]
    #[case::cdaph_first_day(cdaph(date!(2017-01-01), date!(2019-12-31), date!(2017-01-02)), None)]
    #[case::cdaph_before_the_law(cdaph(date!(2016-12-31), date!(2019-12-31), date!(2017-01-02)), Some("supported_route_not_in_force"))]
    // A decision is used while valid (L5213-2-1: the CDAPH decides, for a duration).
    #[case::cdaph_expired(cdaph(date!(2020-01-01), date!(2024-12-31), date!(2025-01-01)), Some("decision_expired"))]
    #[case::cdaph_last_valid_day(cdaph(date!(2020-01-01), date!(2024-12-31), date!(2024-12-31)), None)]
    #[case::cdaph_validity_reversed(cdaph(date!(2025-01-01), date!(2024-12-31), date!(2025-01-02)), Some("decision_validity_invalid"))]
    #[case::validity_year_9999(cdaph(date!(2025-03-01), date!(9999-12-31), date!(2025-04-01)), Some("date_out_of_range"))]
    #[case::spe_entry_year_9999(spe(Some(SpePrescriber::CapEmploi), date!(2024-01-01), date!(9999-01-15)), Some("date_out_of_range"))]
    #[case::entry_before_decision(cdaph(date!(2025-03-01), date!(2030-02-28), date!(2025-02-28)), Some("entry_before_decision"))]
    // Loi 2023-1196 (plein emploi): SPE prescription from 2024-01-01 (date assumed, docs/supported-employment.md).
    #[case::spe_in_force(spe(Some(SpePrescriber::CapEmploi), date!(2024-01-01), date!(2024-01-15)), None)]
    #[case::spe_mission_locale(spe(Some(SpePrescriber::MissionLocale), date!(2026-05-04), date!(2026-05-04)), None)]
    #[case::spe_before_2024(spe(Some(SpePrescriber::FranceTravail), date!(2023-12-31), date!(2024-01-15)), Some("supported_route_not_in_force"))]
    #[case::spe_not_a_prescriber(spe(None, date!(2025-01-01), date!(2025-01-15)), Some("prescriber_not_spe"))]
    fn entry_routes(#[case] input: EntryInput, #[case] refused: Option<&str>) {
        assert_eq!(input.validate().err().map(|e| e.code), refused, "{input:?}");
    }

    #[test]
    fn unknown_route_and_missing_fields_are_named() {
        let e = EntryInput {
            route: "mdph".into(),
            entered_on: Some(date!(2025 - 01 - 01)),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), ("route_unknown", Some("route")));
        let e = EntryInput {
            route: "cdaph".into(),
            entered_on: Some(date!(2025 - 01 - 01)),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("decided_on"));
    }

    #[test]
    fn directory_kinds_that_prescribe() {
        use crate::directory::OrganisationKind as K;
        assert_eq!(
            SpePrescriber::of(K::FranceTravailAgency),
            Some(SpePrescriber::FranceTravail)
        );
        assert_eq!(SpePrescriber::of(K::CapEmploi), Some(SpePrescriber::CapEmploi));
        assert_eq!(SpePrescriber::of(K::Esat), None);
        assert_eq!(SpePrescriber::of(K::Mdph), None);
    }
}
