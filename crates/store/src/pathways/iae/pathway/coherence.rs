//! The dated facts recorded beside the approval (contracts, assignments, exits) checked against the approval the
//! engine replays: the rules are `passerelle_domain::pathways::iae::coherence`, the dates come from here.

use super::{history, replay, stored_events};
use crate::infra::error::{Result, StoreError};
use crate::infra::sql::{Executor, query};
use crate::person::Person;
use passerelle_domain::explanation::Explanation;
use passerelle_domain::invalid::Invalid;
use passerelle_domain::pathways::iae::agrement;
use passerelle_domain::pathways::iae::coherence::{self, EmploymentKind};
use passerelle_domain::pathways::iae::interview::PathwayBounds;
use passerelle_domain::pathways::iae::{Approval, PathwayEvent, Period};
use time::Date;

fn no_approval() -> Invalid {
    Invalid::new(
        "no_approval",
        "Aucune embauche n'a ouvert de PASS IAE pour cette personne.",
    )
}

/// The person's current approval, the engine judging with the facts of `date`, and the day of the last hiring.
async fn approval_on(ex: &mut impl Executor, person: &Person, date: Date) -> Result<(Approval, Date)> {
    let history = history(ex, person).await?;
    let events = stored_events(ex, person.id).await?;
    let last = events.last().ok_or_else(no_approval)?;
    let current = history.facts_on(date, last.kind, &last.department)?;
    let pathway = replay(&history, &events, current)?;
    let hired_on = events.iter().rev().find_map(|e| match e.event {
        PathwayEvent::Hiring { date, .. } => Some(date),
        _ => None,
    });
    match (pathway.approval(), hired_on) {
        (Some(a), Some(hired_on)) => Ok((a.clone(), hired_on)),
        _ => Err(no_approval().into()),
    }
}

/// Checks that `period` (an assignment's: its first day) lies inside the person's approval, suspended or not: a
/// contract or an assignment needs one since 2021-12-01, every AI employee included. A contract ending after the
/// approval is accepted while a prolongation covering its end is asked and pending: the answer is then what
/// explains it, to keep with the contract.
pub(crate) async fn require_within_approval(
    ex: &mut impl Executor,
    person: &Person,
    what: EmploymentKind,
    period: Period,
) -> Result<Option<String>> {
    let (approval, _) = approval_on(ex, person, period.from).await?;
    let covers = Period {
        from: approval.start,
        to: approval.end,
    };
    let refusal = match coherence::check_within_approval(what, period, covers, approval.regime) {
        Ok(()) => return Ok(None),
        Err(e) => e,
    };
    if refusal.code == "contract_ends_after_approval" {
        let asked = ex
            .fetch_all(
                query(
                    "SELECT starts_on, ends_on FROM prolongation_requests WHERE person_id = $1 AND status = 'pending'",
                )
                .bind(person.id),
            )
            .await?
            .iter()
            .map(|r| {
                Ok(Period {
                    from: r.get("starts_on")?,
                    to: r.get("ends_on")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        if let Some(note) = coherence::explained_by_prolongation(period, covers, &asked) {
            return Ok(Some(note));
        }
        return Err(refused_on(refusal, "ends_on"));
    }
    Err(refused_on(refusal, "starts_on"))
}

/// Checks an exit on `exit_on`, recorded on `today`, against the last hiring and the approval's start.
pub(crate) async fn exit_after_hiring(
    ex: &mut impl Executor,
    person: &Person,
    exit_on: Date,
    today: Date,
) -> Result<()> {
    let (approval, hired_on) = approval_on(ex, person, today).await?;
    coherence::check_exit(exit_on, hired_on, approval.start, today).map_err(|e| refused_on(e, "exit_on"))
}

/// Checks a renewal of the agrément asked on `date` against the person's contracts: all those of the agrément
/// have ended.
pub(crate) async fn renewal_after_contracts(ex: &mut impl Executor, person: &Person, date: Date) -> Result<()> {
    let (approval, _) = approval_on(ex, person, date).await?;
    let rows = ex
        .fetch_all(query("SELECT starts_on, ends_on FROM iae_contracts WHERE person_id = $1").bind(person.id))
        .await?;
    let contracts = rows
        .iter()
        .map(|r| {
            Ok(Period {
                from: r.get("starts_on")?,
                to: r.get("ends_on")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    agrement::check_renewal_contracts(date, approval.start, &contracts)
        .map_err(|e| Invalid::new(e.code, e.message).into())
}

/// What a tripartite interview scheduled on `today` is checked against: the last hiring, and the earlier of the
/// approval's end and the latest contract's (the interview's own end, as in the reminders).
pub(crate) async fn interview_bounds(ex: &mut impl Executor, person: &Person, today: Date) -> Result<PathwayBounds> {
    let (approval, hiring) = approval_on(ex, person, today).await?;
    let contract_end = crate::obligations::latest_contract_end(ex, person.id).await?;
    Ok(PathwayBounds {
        hiring,
        end: passerelle_domain::obligations::interview_end(approval.end, contract_end),
    })
}

/// A refusal of the rules, on the field the user corrects.
fn refused_on(e: Explanation, field: &str) -> StoreError {
    Invalid::new(e.code, e.message).on(field).into()
}
