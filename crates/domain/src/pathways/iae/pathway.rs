//! A person's IAE pathway replayed from its events: each event is accepted or refused with its reason,
//! and the latest approval is reported as of a date (`passerelle rules pathway`).

use super::SiaeKind;
use super::agrement::{self, Appeal, Decision, Outcome, Request, RequestKind};
use super::approval::{Approval, Period, Regime, Status};
use super::prolongation::{self, ProlongationReason};
use super::suspension::{self, SuspensionReason};
use crate::calendar::{Territory, check_year, french_date};
use crate::explanation::{Explanation, french_number};
use crate::invalid::Invalid;
use serde::{Deserialize, Serialize};
use time::Date;

const PLATFORM: &str = "plateforme Les emplois de l'inclusion";
const WAITING_PERIOD: &str = "Code du travail, art. R5132-1-4";

/// What the rules need to know about the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonFacts {
    pub birth_date: Date,
    /// Recognised as a disabled worker.
    pub rqth: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum PathwayEvent {
    Hiring {
        date: Date,
        /// An authorised prescriber waived the waiting period.
        #[serde(default)]
        waiver: bool,
    },
    Suspension {
        from: Date,
        to: Date,
        reason: SuspensionReason,
    },
    Prolongation {
        from: Date,
        to: Date,
        reason: ProlongationReason,
    },
    AgrementRequest {
        date: Date,
        request: RequestKind,
        /// The day of the joint bilan of the SIAE and Pôle emploi, which a renewal follows (seed 004, 2.2.7).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        joint_bilan: Option<Date>,
        /// The request is the SIAE's written appeal of a refusal (seed 004, 2.2.3).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        appeal: Option<Appeal>,
    },
    AgrementDecision {
        date: Date,
        decision: Decision,
        motive: Option<String>,
        /// The position of the request it answers among the events; the one open request when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        request: Option<usize>,
    },
}

/// The facts an event is judged with, as they stood on its [`PathwayEvent::date`]: the kind and the
/// department of the SIAE that made it, and whether the person was then recognised as a disabled worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventFacts {
    pub siae_kind: SiaeKind,
    pub territory: Territory,
    pub rqth: bool,
}

impl PathwayEvent {
    /// The day whose facts judge the event: a hiring's, a request's or a decision's date, the first day of a
    /// suspension or of a prolongation (the day its conditions, such as the person's age, are checked).
    pub fn date(&self) -> Date {
        self.dates()[0]
    }

    fn dates(&self) -> [Date; 2] {
        match *self {
            Self::Hiring { date, .. } | Self::AgrementRequest { date, .. } | Self::AgrementDecision { date, .. } => {
                [date, date]
            }
            Self::Suspension { from, to, .. } | Self::Prolongation { from, to, .. } => [from, to],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathwayInput {
    pub as_of: Date,
    pub siae_kind: SiaeKind,
    /// Department of the SIAE (`57`, `974`): its public holidays count in the agrément deadlines; mainland
    /// when absent.
    #[serde(default)]
    pub department: Option<String>,
    pub person: PersonFacts,
    pub events: Vec<PathwayEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventOutcome {
    /// Position of the event in the input.
    pub index: usize,
    pub accepted: bool,
    #[serde(flatten)]
    pub explanation: Explanation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RequestReport {
    pub index: usize,
    /// None for an appeal: no deadline, no tacit acceptance.
    pub deadline: Option<Date>,
    pub outcome: Outcome,
    /// An appeal: the position of the refused request it contests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appeal_of: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathwayReport {
    pub regime: Regime,
    pub start: Date,
    pub end: Date,
    pub status: Status,
    pub waiting_period_until: Date,
    pub events: Vec<EventOutcome>,
    pub requests: Vec<RequestReport>,
}

/// A pathway being replayed: apply events one by one, then report.
#[derive(Debug, Clone)]
pub struct Pathway {
    /// The facts [`Pathway::apply`] judges an event with (those of today, for the steps tried next).
    facts: EventFacts,
    birth_date: Date,
    approval: Option<Approval>,
    /// Agrément requests received before the first hiring: the approval it opens takes them.
    early_requests: Vec<Request>,
    outcomes: Vec<EventOutcome>,
}

impl Pathway {
    /// A pathway whose events are judged, unless told otherwise, in a mainland SIAE of `siae_kind` with the
    /// person's RQTH as `person` gives it.
    pub fn new(siae_kind: SiaeKind, person: PersonFacts) -> Result<Self, Invalid> {
        check_year(person.birth_date).map_err(|e| e.on("person.birth_date"))?;
        Ok(Self {
            facts: EventFacts {
                siae_kind,
                territory: Territory::Mainland,
                rqth: person.rqth,
            },
            birth_date: person.birth_date,
            approval: None,
            early_requests: Vec::new(),
            outcomes: Vec::new(),
        })
    }

    /// The latest approval, if a hiring opened one.
    pub fn approval(&self) -> Option<&Approval> {
        self.approval.as_ref()
    }

    /// The same pathway, whose events are judged by default with `facts`.
    pub fn with_facts(mut self, facts: EventFacts) -> Self {
        self.facts = facts;
        self
    }

    /// Applies the next event with the pathway's default facts.
    pub fn apply(&mut self, event: &PathwayEvent) -> Result<&EventOutcome, Invalid> {
        self.apply_with(event, self.facts)
    }

    /// Applies the next event, judged with the facts of its date; `Err` only for dates outside the calendar,
    /// a refusal being an outcome.
    pub fn apply_with(&mut self, event: &PathwayEvent, facts: EventFacts) -> Result<&EventOutcome, Invalid> {
        let index = self.outcomes.len();
        for date in event.dates() {
            check_year(date).map_err(|e| e.on(format!("events[{index}]")))?;
        }
        let kind = facts.siae_kind;
        let person = PersonFacts {
            birth_date: self.birth_date,
            rqth: facts.rqth,
        };
        let no_approval = || {
            Err(Explanation::new(
                "no_approval",
                "Événement refusé : aucune embauche n'a encore ouvert d'agrément ni de PASS IAE",
                PLATFORM,
            ))
        };
        let verdict = match event {
            PathwayEvent::Hiring { date, waiver } => self.hire(*date, *waiver),
            PathwayEvent::Suspension { from, to, reason } => match self.approval.as_mut() {
                Some(approval) => suspension::suspend(approval, Period { from: *from, to: *to }, *reason, kind),
                None => no_approval(),
            },
            PathwayEvent::Prolongation { from, to, reason } => match self.approval.as_mut() {
                Some(approval) => {
                    let period = Period { from: *from, to: *to };
                    prolongation::prolong(approval, period, *reason, kind, &person)
                }
                None => no_approval(),
            },
            PathwayEvent::AgrementRequest {
                date,
                request,
                joint_bilan,
                appeal,
            } => {
                let (requests, regime) = self.requests();
                match appeal {
                    Some(appeal) => agrement::appeal(requests, regime, index, *date, appeal),
                    None => agrement::receive(
                        requests,
                        regime,
                        index,
                        (*date, *request, *joint_bilan),
                        (kind, facts.territory),
                    ),
                }
            }
            PathwayEvent::AgrementDecision {
                date,
                decision,
                motive,
                request,
            } => {
                let (requests, regime) = self.requests();
                agrement::decide(requests, regime, *date, *decision, motive.as_deref(), *request)
            }
        };
        let (accepted, explanation) = match verdict {
            Ok(explanation) => (true, explanation),
            Err(explanation) => (false, explanation),
        };
        self.outcomes.push(EventOutcome {
            index,
            accepted,
            explanation,
        });
        Ok(&self.outcomes[index])
    }

    /// The agrément requests of the current approval and its regime; before the first hiring, the early ones.
    fn requests(&mut self) -> (&mut Vec<Request>, Option<Regime>) {
        match self.approval.as_mut() {
            Some(approval) => (&mut approval.requests, Some(approval.regime)),
            None => (&mut self.early_requests, None),
        }
    }

    fn hire(&mut self, date: Date, waiver: bool) -> Result<Explanation, Explanation> {
        let Some(approval) = self.approval.as_mut() else {
            return Ok(self.open(date, "approval_started", ""));
        };
        if date <= approval.end {
            return Ok(match suspension::end_by_hiring(approval, date) {
                Some(removed) => Explanation::new(
                    "suspension_ended_by_hiring",
                    format!(
                        "Embauche acceptée : elle met fin à la suspension la veille, le {} ; la fin revient de {} \
                         jours, au {}",
                        french_date(date.previous_day().unwrap_or(date)),
                        french_number(removed),
                        french_date(approval.end)
                    ),
                    PLATFORM,
                ),
                None => Explanation::new(
                    "hiring_within_approval",
                    format!(
                        "Embauche acceptée dans le {} en cours, valable dans toutes les SIAE jusqu'au {} : les dates ne \
                         changent pas",
                        approval.regime.label(),
                        french_date(approval.end)
                    ),
                    PLATFORM,
                ),
            });
        }
        let until = approval.waiting_period_until();
        if date > until {
            Ok(self.open(date, "approval_started", ""))
        } else if waiver {
            let waived = format!(
                " ; le délai de carence courant jusqu'au {} est levé par un prescripteur habilité",
                french_date(until)
            );
            Ok(self.open(date, "waiting_period_waived", &waived))
        } else {
            Err(Explanation::new(
                "waiting_period",
                format!(
                    "Embauche refusée : le parcours précédent a pris fin le {} ; pas de nouveau parcours avant le {} \
                     sans dérogation d'un prescripteur habilité",
                    french_date(approval.end),
                    french_date(until.next_day().unwrap_or(until))
                ),
                WAITING_PERIOD,
            ))
        }
    }

    /// Opens a new approval with a hiring on `start`; `waived` completes the sentence.
    fn open(&mut self, start: Date, code: &'static str, waived: &str) -> Explanation {
        let approval = self.approval.insert(Approval::begin(start));
        approval.requests = std::mem::take(&mut self.early_requests);
        let source = match approval.regime {
            Regime::PassIae => "décret 2021-1128 ; 730 jours sur la plateforme Les emplois de l'inclusion",
            Regime::Agrement => "décret 99-106 : 24 mois à compter de la première embauche",
        };
        Explanation::new(
            code,
            format!(
                "Embauche acceptée : {} du {} au {} inclus{waived}",
                approval.regime.label(),
                french_date(approval.start),
                french_date(approval.end)
            ),
            source,
        )
    }

    /// The latest approval as of `as_of`, with every event's outcome.
    pub fn report(&self, as_of: Date) -> Result<PathwayReport, Invalid> {
        check_year(as_of).map_err(|e| e.on("as_of"))?;
        let approval = self.approval.as_ref().ok_or_else(|| {
            Invalid::new(
                "no_hiring",
                "Aucune embauche parmi les événements : ajoutez la première embauche, qui ouvre l'agrément ou le PASS \
                 IAE.",
            )
            .on("events")
        })?;
        Ok(PathwayReport {
            regime: approval.regime,
            start: approval.start,
            end: approval.end,
            status: approval.status(as_of),
            waiting_period_until: approval.waiting_period_until(),
            events: self.outcomes.clone(),
            requests: approval
                .requests
                .iter()
                .map(|r| RequestReport {
                    index: r.event_index,
                    deadline: r.deadline,
                    outcome: r.outcome(as_of),
                    appeal_of: r.appeal_of,
                })
                .collect(),
        })
    }
}

/// Replays `input.events` in order and reports the latest approval as of `input.as_of`.
pub fn evaluate(input: &PathwayInput) -> Result<PathwayReport, Invalid> {
    let territory = Territory::of(input.department.as_deref()).map_err(|e| e.on("department"))?;
    let mut pathway = Pathway::new(input.siae_kind, input.person)?.with_facts(EventFacts {
        siae_kind: input.siae_kind,
        territory,
        rqth: input.person.rqth,
    });
    for event in &input.events {
        pathway.apply(event)?;
    }
    pathway.report(input.as_of)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::add_days;
    use proptest::prelude::*;
    use rstest::rstest;
    use serde_json::json;
    use time::macros::date;

    fn run(kind: &str, events: serde_json::Value, as_of: &str) -> Result<PathwayReport, Invalid> {
        let input: PathwayInput = serde_json::from_value(json!({
            "as_of": as_of,
            "siae_kind": kind,
            "person": {"birth_date": "1970-05-01", "rqth": true},
            "events": events,
        }))
        .unwrap();
        evaluate(&input)
    }

    fn codes(report: &PathwayReport) -> Vec<(bool, &str)> {
        report.events.iter().map(|e| (e.accepted, e.explanation.code)).collect()
    }

    // The engine's semantics; R5132-1-4 for the waiting period (2 years after the end, unless waived).
    #[rstest]
    #[case::after_the_end_refused(json!({"kind":"hiring","date":"2027-06-01"}), false, "waiting_period", date!(2025-01-01))]
    #[case::last_day_of_waiting_refused(json!({"kind":"hiring","date":"2028-12-31"}), false, "waiting_period", date!(2025-01-01))]
    #[case::waived(json!({"kind":"hiring","date":"2027-06-01","waiver":true}), true, "waiting_period_waived", date!(2027-06-01))]
    #[case::after_the_waiting_period(json!({"kind":"hiring","date":"2029-01-01"}), true, "approval_started", date!(2029-01-01))]
    #[case::within_the_approval(json!({"kind":"hiring","date":"2026-12-31","waiver":true}), true, "hiring_within_approval", date!(2025-01-01))]
    fn second_hiring(
        #[case] event: serde_json::Value,
        #[case] accepted: bool,
        #[case] code: &str,
        #[case] start: Date,
    ) {
        let report = run(
            "ACI",
            json!([{"kind":"hiring","date":"2025-01-01"}, event]),
            "2026-01-01",
        )
        .unwrap();
        assert_eq!(codes(&report)[1], (accepted, code));
        assert_eq!(report.start, start);
        assert_eq!(report.waiting_period_until, crate::calendar::add_years(report.end, 2));
    }

    #[test]
    fn a_pass_iae_story() {
        let report = run(
            "EI",
            json!([
                {"kind":"hiring","date":"2022-03-01"},                                        // end 2024-02-28
                {"kind":"suspension","from":"2022-06-01","to":"2022-06-30","reason":"contract_broken"}, // +30
                {"kind":"hiring","date":"2022-06-21"},                                        // -10
                {"kind":"prolongation","from":"2024-03-20","to":"2025-03-19","reason":"rqth"},
                {"kind":"prolongation","from":"2025-03-20","to":"2025-04-20","reason":"health_context"},
                {"kind":"agrement_request","date":"2022-04-01","request":"initial"},
            ]),
            "2025-03-01",
        )
        .unwrap();
        assert_eq!(report.regime, Regime::PassIae);
        assert_eq!(
            (report.start, report.end),
            (date!(2022 - 03 - 01), date!(2025 - 03 - 19))
        );
        assert_eq!(report.status, Status::Valid);
        assert_eq!(
            codes(&report),
            [
                (true, "approval_started"),
                (true, "suspension_accepted"),
                (true, "suspension_ended_by_hiring"),
                (true, "prolongation_accepted"),
                (false, "prolongation_reason_closed"),
                (false, "agrement_abolished"),
            ]
        );
        assert!(report.requests.is_empty());
    }

    #[test]
    fn an_agrement_story() {
        let report = run(
            "ETTI",
            json!([
                {"kind":"suspension","from":"2019-06-01","to":"2019-06-30","reason":"contract_broken"},
                {"kind":"agrement_request","date":"2019-03-04","request":"initial"},
                {"kind":"hiring","date":"2019-03-04"},
                {"kind":"agrement_decision","date":"2019-03-05","decision":"refused"},
                {"kind":"agrement_request","date":"2019-09-02","request":"suspension"},
                {"kind":"agrement_decision","date":"2019-09-03","decision":"granted"},
            ]),
            "2019-10-01",
        )
        .unwrap();
        assert_eq!(report.regime, Regime::Agrement);
        assert_eq!(
            (report.start, report.end),
            (date!(2019 - 03 - 04), date!(2021 - 03 - 03))
        );
        assert_eq!(
            codes(&report),
            [
                (false, "no_approval"),
                (true, "agrement_request_received"),
                (true, "approval_started"),
                (false, "refusal_without_motive"),
                (true, "agrement_request_received"),
                (true, "agrement_decided"),
            ]
        );
        let requests: Vec<_> = report
            .requests
            .iter()
            .map(|r| (r.index, r.deadline, r.outcome))
            .collect();
        assert_eq!(
            requests,
            [
                (1, Some(date!(2019 - 03 - 06)), Outcome::Tacit),
                (4, Some(date!(2019 - 09 - 04)), Outcome::Granted)
            ]
        );
    }

    // Seed 004, 2.2.3 and 2.2.7, as the rules engine reads them: the refusal of a prolongation is appealed
    // to the agency's director, who grants it two months later; a renewal waits for its joint bilan.
    #[test]
    fn an_appeal_and_a_renewal() {
        let report = run(
            "ACI",
            json!([
                {"kind":"hiring","date":"2019-01-07"},
                {"kind":"agrement_request","date":"2019-03-04","request":"prolongation"},
                {"kind":"agrement_decision","date":"2019-03-05","decision":"refused","motive":"Pas de formation en cours"},
                {"kind":"agrement_request","date":"2019-03-15","request":"prolongation","appeal":{"grounds":"Formation qualifiante commencée le 1er mars"}},
                {"kind":"agrement_decision","date":"2019-05-15","decision":"granted","request":3},
                {"kind":"agrement_request","date":"2020-12-01","request":"renewal"},
                {"kind":"agrement_request","date":"2020-12-01","request":"renewal","joint_bilan":"2020-11-20"},
            ]),
            "2020-12-31",
        )
        .unwrap();
        let verdicts: Vec<_> = report.events.iter().map(|e| (e.accepted, e.explanation.code)).collect();
        assert_eq!(
            verdicts,
            [
                (true, "approval_started"),
                (true, "agrement_request_received"),
                (true, "agrement_decided"),
                (true, "agrement_appeal_received"),
                (true, "agrement_decided"),
                (false, "renewal_without_joint_bilan"),
                (true, "agrement_request_received"),
            ]
        );
        let requests: Vec<_> = report
            .requests
            .iter()
            .map(|r| (r.index, r.outcome, r.appeal_of))
            .collect();
        assert_eq!(
            requests,
            [
                (1, Outcome::Refused, None),
                (3, Outcome::Granted, Some(1)),
                (6, Outcome::Tacit, None)
            ]
        );
    }

    // « Accord régional de coopération Bourgogne-Franche-Comté (2016) », annexe 4, 2.2.2: 2 working days
    // for an ETTI; in Moselle Good Friday (2019-04-19) is a public holiday too (code local, L3134-13).
    #[rstest]
    #[case::moselle(Some("57"), "2019-04-24")]
    #[case::mainland(None, "2019-04-23")]
    fn agrement_deadline_in_the_siae_department(#[case] department: Option<&str>, #[case] deadline: &str) {
        let input: PathwayInput = serde_json::from_value(json!({
            "as_of": "2019-05-01", "siae_kind": "ETTI", "department": department,
            "person": {"birth_date": "1970-05-01", "rqth": false},
            "events": [{"kind":"hiring","date":"2019-04-01"}, {"kind":"agrement_request","date":"2019-04-18","request":"suspension"}],
        }))
        .unwrap();
        let report = evaluate(&input).unwrap();
        assert_eq!(
            report.requests[0].deadline.map(|d| d.to_string()).as_deref(),
            Some(deadline)
        );
    }

    // Each event is judged with the facts of its own date: a « difficultés particulières » prolongation
    // decided in an ACI (R5132-1-8 reserves it to ACI and AI) stands when the person is later hired in an EI,
    // and an RQTH prolongation stands when a later diagnosis no longer records the RQTH.
    #[test]
    fn each_event_keeps_the_facts_of_its_date() {
        let person = PersonFacts {
            birth_date: date!(1980 - 01 - 01),
            rqth: false,
        };
        let aci = EventFacts {
            siae_kind: SiaeKind::Aci,
            territory: Territory::Mainland,
            rqth: true,
        };
        let ei_later = EventFacts {
            siae_kind: SiaeKind::Ei,
            rqth: false,
            ..aci
        };
        let mut pathway = Pathway::new(SiaeKind::Ei, person).unwrap();
        let events = [
            (
                PathwayEvent::Hiring {
                    date: date!(2022 - 01 - 03),
                    waiver: false,
                },
                aci,
            ),
            (
                PathwayEvent::Prolongation {
                    from: date!(2024 - 01 - 03),
                    to: date!(2025 - 01 - 01),
                    reason: ProlongationReason::ParticularDifficulties,
                },
                aci,
            ),
            (
                PathwayEvent::Prolongation {
                    from: date!(2025 - 01 - 02),
                    to: date!(2025 - 06 - 30),
                    reason: ProlongationReason::Rqth,
                },
                aci,
            ),
            (
                PathwayEvent::Hiring {
                    date: date!(2025 - 03 - 03),
                    waiver: false,
                },
                ei_later,
            ),
        ];
        for (event, facts) in &events {
            assert!(pathway.apply_with(event, *facts).unwrap().accepted, "{event:?}");
        }
        assert_eq!(pathway.approval().unwrap().end, date!(2025 - 06 - 30));
        // The same events judged with the last hiring's facts lose both prolongations, and the last hiring
        // then falls in the waiting period.
        let mut flat = Pathway::new(SiaeKind::Ei, person).unwrap();
        let accepted: Vec<bool> = events.iter().map(|(e, _)| flat.apply(e).unwrap().accepted).collect();
        assert_eq!(accepted, [true, false, false, false]);
    }

    // Annexe 4, 2.2.2-2.2.3 of the « Accord régional de coopération Bourgogne-Franche-Comté (2016) »: the
    // decision names the request it answers (event 2, the suspension), the initial request staying tacit.
    #[test]
    fn a_decision_on_a_named_request() {
        let events = json!([
            {"kind":"hiring","date":"2019-03-04"},
            {"kind":"agrement_request","date":"2019-03-04","request":"initial"},
            {"kind":"agrement_request","date":"2019-03-05","request":"suspension"},
            {"kind":"agrement_decision","date":"2019-03-06","decision":"refused","motive":"Pas de suspension du contrat"},
            {"kind":"agrement_decision","date":"2019-03-06","decision":"refused","motive":"Pas de suspension du contrat","request":2},
        ]);
        let report = run("ACI", events, "2019-04-01").unwrap();
        assert_eq!(
            codes(&report)[3..],
            [(false, "agrement_request_ambiguous"), (true, "agrement_decided")]
        );
        let outcomes: Vec<_> = report.requests.iter().map(|r| (r.index, r.outcome)).collect();
        assert_eq!(outcomes, [(1, Outcome::Tacit), (2, Outcome::Refused)]);
    }

    #[test]
    fn invalid_input() {
        assert_eq!(run("ACI", json!([]), "2025-01-01").unwrap_err().code, "no_hiring");
        let far = run("ACI", json!([{"kind":"hiring","date":"2300-01-01"}]), "2025-01-01");
        assert_eq!(far.unwrap_err().code, "date_out_of_range");
        let unknown_field = json!({"as_of":"2025-01-01","siae_kind":"ACI","person":{"birth_date":"1970-01-01","rqth":false},
            "events":[{"kind":"hiring","date":"2025-01-01","extra":1}]});
        assert!(serde_json::from_value::<PathwayInput>(unknown_field).is_err());
    }

    fn events() -> impl Strategy<Value = PathwayEvent> {
        let day = (0i64..4_000).prop_map(|d| add_days(date!(2020 - 01 - 01), d));
        let length = 0i64..400;
        prop_oneof![
            (day.clone(), any::<bool>()).prop_map(|(date, waiver)| PathwayEvent::Hiring { date, waiver }),
            (
                day.clone(),
                length.clone(),
                prop::sample::select(vec![
                    SuspensionReason::ContractSuspended,
                    SuspensionReason::ContratPasserelle,
                ])
            )
                .prop_map(|(from, days, reason)| PathwayEvent::Suspension {
                    from,
                    to: add_days(from, days),
                    reason
                }),
            (
                day.clone(),
                length,
                prop::sample::select(vec![
                    ProlongationReason::Training,
                    ProlongationReason::Rqth,
                    ProlongationReason::Senior50,
                ])
            )
                .prop_map(|(from, days, reason)| PathwayEvent::Prolongation {
                    from,
                    to: add_days(from, days),
                    reason
                }),
        ]
    }

    proptest! {
        // The end never moves backwards, except through a hiring during a suspension.
        #[test]
        fn the_end_only_moves_back_through_a_hiring_in_a_suspension(
            events in prop::collection::vec(events(), 1..30),
        ) {
            let person = PersonFacts { birth_date: date!(1970-01-01), rqth: true };
            let mut pathway = Pathway::new(SiaeKind::Ei, person).unwrap();
            for event in &events {
                let before = pathway.approval().map(|a| a.end);
                let code = pathway.apply(event).unwrap().explanation.code;
                let after = pathway.approval().map(|a| a.end);
                if let (Some(before), Some(after)) = (before, after) {
                    prop_assert!(after >= before || code == "suspension_ended_by_hiring", "{event:?}: {before} -> {after}");
                }
            }
        }
    }
}
