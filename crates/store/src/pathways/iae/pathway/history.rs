//! The facts each event of a pathway is judged with, as they stood on its date: the SIAE's kind and
//! department as stored with the event, the person's RQTH from the diagnosis in force that day. The store
//! gathers them; the domain judges.

use crate::infra::error::Result;
use passerelle_domain::calendar::Territory;
use passerelle_domain::invalid::Invalid;
use passerelle_domain::pathways::iae::{Criterion, EventFacts, Pathway, PathwayEvent, PersonFacts, SiaeKind};
use time::Date;

/// What the rules need to know about the person over time: the birth date, and each diagnosis's date and
/// whether it records an RQTH, oldest first.
#[derive(Debug, Clone)]
pub(crate) struct History {
    birth_date: Date,
    diagnoses: Vec<(Date, bool)>,
}

impl History {
    /// From the person's birth date and their diagnoses (date, criteria as JSON), in any order.
    pub(crate) fn new(birth_date: Option<Date>, diagnoses: Vec<(Date, Option<serde_json::Value>)>) -> Result<Self> {
        let birth_date = birth_date.ok_or_else(|| {
            Invalid::new(
                "birth_date_required",
                "La date de naissance de la personne est nécessaire au calcul de son parcours : complétez sa fiche.",
            )
            .on("birth_date")
        })?;
        let mut diagnoses: Vec<(Date, bool)> = diagnoses
            .into_iter()
            .map(|(day, criteria)| {
                let criteria = criteria
                    .and_then(|v| serde_json::from_value::<Vec<Criterion>>(v).ok())
                    .unwrap_or_default();
                (day, criteria.contains(&Criterion::Th))
            })
            .collect();
        diagnoses.sort_by_key(|d| d.0);
        Ok(Self { birth_date, diagnoses })
    }

    /// Whether the latest diagnosis made on or before `day` records an RQTH.
    fn rqth_on(&self, day: Date) -> bool {
        self.diagnoses.iter().rev().find(|d| d.0 <= day).is_some_and(|d| d.1)
    }

    /// The facts of `day` for an event of an SIAE of `kind` in `department`.
    pub(crate) fn facts_on(&self, day: Date, kind: SiaeKind, department: &str) -> Result<EventFacts> {
        Ok(EventFacts {
            siae_kind: kind,
            territory: Territory::of(Some(department))?,
            rqth: self.rqth_on(day),
        })
    }

    /// Replays `events` (each with its SIAE's kind and department), each judged with the facts of its own
    /// date; the steps tried next are judged with `current`.
    pub(crate) fn replay<'a>(
        &self,
        current: EventFacts,
        events: impl IntoIterator<Item = (&'a PathwayEvent, SiaeKind, &'a str)>,
    ) -> Result<Pathway> {
        let person = PersonFacts {
            birth_date: self.birth_date,
            rqth: current.rqth,
        };
        let mut pathway = Pathway::new(current.siae_kind, person)?.with_facts(current);
        for (event, kind, department) in events {
            let facts = self.facts_on(event.date(), kind, department)?;
            pathway.apply_with(event, facts)?;
        }
        Ok(pathway)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use passerelle_domain::pathways::iae::agrement::RequestKind;
    use passerelle_domain::pathways::iae::prolongation::ProlongationReason;
    use passerelle_domain::pathways::iae::suspension::SuspensionReason;
    use serde_json::json;
    use time::macros::date;

    /// A person born in 1975, whose diagnosis of 2021-12-15 records an RQTH and whose diagnosis of 2025-02-01
    /// no longer does.
    fn history() -> History {
        History::new(
            Some(date!(1975 - 06 - 01)),
            vec![
                (date!(2025 - 02 - 01), Some(json!(["rsa"]))),
                (date!(2021 - 12 - 15), Some(json!(["th", "deld"]))),
            ],
        )
        .unwrap()
    }

    fn replay(events: &[(PathwayEvent, SiaeKind, &str)]) -> Pathway {
        let history = history();
        let (_, kind, department) = events.last().unwrap();
        let current = history.facts_on(date!(2026 - 12 - 06), *kind, department).unwrap();
        history
            .replay(current, events.iter().map(|(e, k, d)| (e, *k, *d)))
            .unwrap()
    }

    fn accepted(pathway: &Pathway) -> Vec<bool> {
        pathway
            .report(date!(2026 - 12 - 06))
            .unwrap()
            .events
            .iter()
            .map(|e| e.accepted)
            .collect()
    }

    #[test]
    fn rqth_is_that_of_the_diagnosis_in_force() {
        let h = history();
        assert!(!h.rqth_on(date!(2021 - 12 - 14)));
        assert!(h.rqth_on(date!(2021 - 12 - 15)));
        assert!(h.rqth_on(date!(2025 - 01 - 31)));
        assert!(!h.rqth_on(date!(2025 - 02 - 01)));
    }

    // R5132-1-8 reserves « difficultés particulières » to ACI and AI, and the RQTH prolongation to a person
    // recognised as a disabled worker; the contrat passerelle suspension is EI and ACI only (loi 2020-1577).
    // Each was decided in the ACI of its date, with the RQTH of its date: a later hiring in an AI and a later
    // diagnosis without RQTH change none of them (the store used to replay them all as the AI, without RQTH).
    #[test]
    fn each_event_keeps_its_siae_and_its_rqth() {
        let events = [
            (
                PathwayEvent::Hiring {
                    date: date!(2022 - 01 - 03),
                    waiver: false,
                },
                SiaeKind::Aci,
                "21",
            ),
            (
                PathwayEvent::Suspension {
                    from: date!(2022 - 06 - 01),
                    to: date!(2022 - 06 - 30),
                    reason: SuspensionReason::ContratPasserelle,
                },
                SiaeKind::Aci,
                "21",
            ),
            (
                PathwayEvent::Prolongation {
                    from: date!(2024 - 02 - 02),
                    to: date!(2025 - 01 - 31),
                    reason: ProlongationReason::Rqth,
                },
                SiaeKind::Aci,
                "21",
            ),
            (
                PathwayEvent::Prolongation {
                    from: date!(2025 - 02 - 01),
                    to: date!(2026 - 01 - 31),
                    reason: ProlongationReason::ParticularDifficulties,
                },
                SiaeKind::Aci,
                "21",
            ),
            (
                PathwayEvent::Hiring {
                    date: date!(2025 - 03 - 03),
                    waiver: false,
                },
                SiaeKind::Ei,
                "21",
            ),
        ];
        let pathway = replay(&events);
        assert_eq!(accepted(&pathway), [true; 5]);
        assert_eq!(pathway.approval().unwrap().end, date!(2026 - 01 - 31));
    }

    // « Accord régional de coopération Bourgogne-Franche-Comté (2016) », annexe 4, 2.2.2: 2 working days for
    // the requests of an ETTI, in the working days of its department (Good Friday 2019-04-19 in Moselle); the
    // person later hired by an ACI of Côte-d'Or does not turn them into 5 mainland days.
    #[test]
    fn an_agrement_request_keeps_its_siae_kind_and_department() {
        let events = [
            (
                PathwayEvent::Hiring {
                    date: date!(2019 - 04 - 01),
                    waiver: false,
                },
                SiaeKind::Etti,
                "57",
            ),
            (
                PathwayEvent::AgrementRequest {
                    date: date!(2019 - 04 - 18),
                    request: RequestKind::Suspension,
                    joint_bilan: None,
                    appeal: None,
                },
                SiaeKind::Etti,
                "57",
            ),
            (
                PathwayEvent::Hiring {
                    date: date!(2019 - 09 - 02),
                    waiver: false,
                },
                SiaeKind::Aci,
                "21",
            ),
        ];
        let report = replay(&events).report(date!(2019 - 10 - 01)).unwrap();
        assert_eq!(report.requests[0].deadline, Some(date!(2019 - 04 - 24)));
    }
}
