//! The sources of obligations: each change that sets or moves a date writes its obligations here, in its own
//! transaction (the IAE pathway, contracts, interviews and exits, prolongation requests, immersions,
//! agreements), and the retention rule takes the names out of them.

use super::{Obligation, Source, close, replace, upsert};
use crate::infra::error::Result;
use crate::infra::sql::{Executor, query};
use passerelle_domain::agreements::deadlines::Deadline;
use passerelle_domain::obligations as rules;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// How obligations about a person name them: first name and initial, enough for the staff who follow
/// them, and no full name in the digest e-mails.
pub(crate) fn person_label(first_name: &str, last_name: &str) -> String {
    match last_name.chars().next() {
        Some(initial) => format!("{first_name} {initial}."),
        None => first_name.to_owned(),
    }
}

/// An IAE pathway event was accepted: the approval's end and the tripartite interview before it move with
/// it, for the SIAE that employs the person (Accord régional BFC 2016 fiche 7; RULES.md 1.2 and 1.8). The
/// interview prepares the earlier of the approval's end and the latest contract's.
pub(crate) async fn approval_changed(
    ex: &mut impl Executor,
    person: (Uuid, &str, &str),
    siae_id: Uuid,
    approval_end: Date,
) -> Result<()> {
    let (person_id, first_name, last_name) = person;
    let who = person_label(first_name, last_name);
    let link = crate::infra::notifications::approval_page(person_id);
    let end = Obligation::of(
        rules::for_approval_end(approval_end),
        person_id.to_string(),
        siae_id,
        format!("Fin du PASS IAE de {who}"),
        link.clone(),
    );
    upsert(ex, &end).await?;
    let contract_end = latest_contract_end(ex, person_id).await?;
    let interview_end = rules::interview_end(approval_end, contract_end);
    let held = ex
        .fetch_optional(
            query("SELECT 1 AS one FROM tripartite_interviews WHERE person_id = $1 AND held_on >= $2")
                .bind(person_id)
                .bind(passerelle_domain::pathways::iae::exit::tripartite_window(interview_end).from),
        )
        .await?;
    if held.is_none() {
        let interview = Obligation::of(
            rules::for_tripartite_interview_before(approval_end, contract_end),
            person_id.to_string(),
            siae_id,
            format!("Entretien tripartite de sortie de {who}"),
            link,
        );
        upsert(ex, &interview).await?;
    }
    Ok(())
}

/// A CDDI was recorded: the SIAE of the person's latest contract is reminded, on its last day, to have them
/// registered again as a job seeker (the domain's `for_reregistration`); a later contract moves the reminder.
pub(crate) async fn contract_recorded(ex: &mut impl Executor, person_id: Uuid) -> Result<()> {
    let latest = ex
        .fetch_one(
            query(
                "SELECT c.siae_id, c.ends_on, p.first_name, p.last_name FROM iae_contracts c \
                 JOIN persons p ON p.id = c.person_id WHERE c.person_id = $1 ORDER BY c.ends_on DESC LIMIT 1",
            )
            .bind(person_id),
        )
        .await?;
    let who = person_label(
        &latest.get::<String>("first_name")?,
        &latest.get::<String>("last_name")?,
    );
    let reminder = Obligation::of(
        rules::for_reregistration(latest.get("ends_on")?),
        person_id.to_string(),
        latest.get("siae_id")?,
        format!("Réinscription à France Travail de {who} à la fin de son CDDI"),
        crate::infra::notifications::approval_page(person_id),
    );
    replace(ex, Source::Reregistration, &person_id.to_string(), &[reminder]).await
}

/// A period of a convention d'appui was recorded for an ESAT worker: the ESAT has its end on its list (renew it
/// or prepare the end of the support), the latest period only; `renewals_left` after this one.
pub(crate) async fn support_period_recorded(
    ex: &mut impl Executor,
    (worker_id, esat_id): (Uuid, Uuid),
    (first_name, last_name): (&str, &str),
    ends_on: Date,
    renewals_left: usize,
) -> Result<()> {
    let reminder = Obligation::of(
        rules::for_support_period_end(ends_on, renewals_left),
        worker_id.to_string(),
        esat_id,
        format!(
            "Fin de la période de convention d'appui de {}",
            person_label(first_name, last_name)
        ),
        format!("/esat/{worker_id}"),
    );
    replace(ex, Source::SupportPeriodEnd, &worker_id.to_string(), &[reminder]).await
}

/// The end of the person's latest contract (CDDI), the one the to-do list reads too.
pub(crate) async fn latest_contract_end(ex: &mut impl Executor, person_id: Uuid) -> Result<Option<Date>> {
    let row = ex
        .fetch_one(query("SELECT MAX(ends_on) AS ends_on FROM iae_contracts WHERE person_id = $1").bind(person_id))
        .await?;
    Ok(row.get::<Option<Date>>("ends_on")?)
}

/// Moves each open tripartite interview to the end its person's contracts now set: a contract recorded since
/// the pathway's last event may end before the approval (fiche 7; the domain's `interview_end`). Run by the daily
/// scan before it tells anyone or records a missed interview, so that the reminders and `missed_interviews`
/// follow the same end as the to-do list. Returns how many moved.
pub(super) async fn follow_contract_ends(ex: &mut impl Executor, now: OffsetDateTime) -> Result<u64> {
    let open = ex
        .fetch_all(
            query(
                "SELECT t.id, t.source_key, t.due_on, a.due_on AS approval_end FROM obligations t \
                 JOIN obligations a ON a.source = $2 AND a.source_key = t.source_key \
                 AND a.organisation_id = t.organisation_id WHERE t.source = $1 AND t.done_at IS NULL",
            )
            .bind(Source::TripartiteInterview.code())
            .bind(Source::ApprovalEnd.code()),
        )
        .await?;
    if open.is_empty() {
        return Ok(0);
    }
    let mut contract_ends = std::collections::HashMap::new();
    for r in ex
        .fetch_all(query(
            "SELECT person_id, MAX(ends_on) AS ends_on FROM iae_contracts GROUP BY person_id",
        ))
        .await?
    {
        contract_ends.insert(r.get::<Uuid>("person_id")?.to_string(), r.get::<Date>("ends_on")?);
    }
    let mut moved = 0;
    for r in &open {
        let key: String = r.get("source_key")?;
        let due = rules::for_tripartite_interview_before(r.get("approval_end")?, contract_ends.get(&key).copied());
        if due.on == r.get::<Date>("due_on")? {
            continue;
        }
        moved += ex
            .execute(
                query(
                    "UPDATE obligations SET due_on = $1, rule = $2, notified_at = NULL, updated_at = $3 \
                     WHERE id = $4",
                )
                .bind(due.on)
                .bind(due.rule.as_str())
                .bind(now)
                .bind(r.get::<Uuid>("id")?),
            )
            .await?;
    }
    Ok(moved)
}

/// The tripartite interview of a person was held.
pub(crate) async fn interview_held(ex: &mut impl Executor, person_id: Uuid) -> Result<()> {
    close(ex, Source::TripartiteInterview, &person_id.to_string()).await?;
    Ok(())
}

/// The person left the pathway (exit review recorded): the approval's end, the interview and the reminder to
/// register again (the exit review settles what comes next) are no longer due.
pub(crate) async fn pathway_exited(ex: &mut impl Executor, person_id: Uuid) -> Result<()> {
    for source in [Source::ApprovalEnd, Source::TripartiteInterview, Source::Reregistration] {
        close(ex, source, &person_id.to_string()).await?;
    }
    Ok(())
}

/// A prolongation request waits for the authorised prescribers following the person: decide before the
/// prolongation would start (the day after the approval ends).
pub(crate) async fn prolongation_requested(
    ex: &mut impl Executor,
    request_id: Uuid,
    person: (Uuid, &str, &str),
    deciders: &[Uuid],
    starts_on: Date,
) -> Result<()> {
    let (person_id, first_name, last_name) = person;
    for decider in deciders {
        let decision = Obligation::of(
            rules::for_prolongation_decision(starts_on),
            request_id.to_string(),
            *decider,
            format!(
                "Décider de la prolongation du PASS IAE de {}",
                person_label(first_name, last_name)
            ),
            crate::infra::notifications::approval_page(person_id),
        );
        upsert(ex, &decision).await?;
    }
    Ok(())
}

pub(crate) async fn prolongation_decided(ex: &mut impl Executor, request_id: Uuid) -> Result<()> {
    close(ex, Source::ProlongationDecision, &request_id.to_string()).await?;
    Ok(())
}

/// An immersion convention, as its signatures' obligation needs it.
pub(crate) struct ImmersionConvention<'a> {
    pub id: Uuid,
    pub status: passerelle_domain::pathways::immersion::Status,
    pub prescriber_id: Uuid,
    pub support_structure_id: Uuid,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub host_name: &'a str,
    pub starts_on: Date,
}

/// An immersion convention sent for signature waits for every party's signature before its first day; the
/// prescriber and the support structure each have it on their list. Signed, cancelled or assessed, it is done.
pub(crate) async fn immersion_changed(ex: &mut impl Executor, i: &ImmersionConvention<'_>) -> Result<()> {
    let key = i.id.to_string();
    if i.status != passerelle_domain::pathways::immersion::Status::AwaitingSignatures {
        close(ex, Source::ImmersionSignature, &key).await?;
        return Ok(());
    }
    let mut parties = vec![i.prescriber_id, i.support_structure_id];
    parties.dedup();
    for organisation_id in parties {
        let signatures = Obligation::of(
            rules::for_immersion_signature(i.starts_on),
            key.clone(),
            organisation_id,
            format!(
                "Faire signer la convention d'immersion de {} chez {}",
                person_label(i.first_name, i.last_name),
                i.host_name
            ),
            format!("/immersions/{}", i.id),
        );
        upsert(ex, &signatures).await?;
    }
    Ok(())
}

/// An agreement changed: its coming deadlines (review, notice, end, termination effect, roadmap), as the
/// domain computed them, are each party's obligations.
pub(crate) async fn agreement_changed(
    ex: &mut impl Executor,
    agreement_id: Uuid,
    title: &str,
    parties: impl IntoIterator<Item = Uuid>,
    deadlines: &[Deadline],
) -> Result<()> {
    let current: Vec<Obligation> = parties
        .into_iter()
        .flat_map(|organisation_id| {
            deadlines.iter().map(move |d| Obligation {
                source: Source::AgreementDeadline,
                source_key: format!("{agreement_id}:{}:{}", d.explanation.code, d.on),
                organisation_id,
                due_on: d.on,
                title: format!("{title} — {}", d.explanation.message),
                link: format!("/conventions/{agreement_id}"),
                rule: d.explanation.source.to_owned(),
            })
        })
        .collect();
    replace(ex, Source::AgreementDeadline, &agreement_id.to_string(), &current).await
}

/// A person was anonymised (retention rule): the obligations about them are closed and their titles, and the
/// notifications the scan wrote about them, no longer name them.
pub(crate) async fn person_anonymised(ex: &mut impl Executor, person_id: Uuid) -> Result<()> {
    let requests = ex
        .fetch_all(query("SELECT id FROM prolongation_requests WHERE person_id = $1").bind(person_id))
        .await?
        .iter()
        .map(|r| r.get::<Uuid>("id"))
        .collect::<Result<Vec<_>, _>>()?;
    let person = [Source::ApprovalEnd, Source::TripartiteInterview, Source::Reregistration].map(|s| (s, person_id));
    let immersions = ex
        .fetch_all(query("SELECT id FROM immersions WHERE person_id = $1").bind(person_id))
        .await?
        .iter()
        .map(|r| r.get::<Uuid>("id"))
        .collect::<Result<Vec<_>, _>>()?;
    let prolongations = requests.iter().map(|id| (Source::ProlongationDecision, *id));
    let signatures = immersions.iter().map(|id| (Source::ImmersionSignature, *id));
    let now = crate::infra::clock::now();
    for (source, key) in person.into_iter().chain(prolongations).chain(signatures) {
        let about = "source = $1 AND source_key = $2";
        ex.execute(
            query(format!(
                "UPDATE notifications SET message = 'Personne anonymisée' WHERE subject_type = 'obligation' \
                 AND subject_id IN (SELECT id FROM obligations WHERE {about})"
            ))
            .bind(source.code())
            .bind(key.to_string()),
        )
        .await?;
        ex.execute(
            query(format!(
                "UPDATE obligations SET title = 'Personne anonymisée', done_at = COALESCE(done_at, $3), \
                 updated_at = $3 WHERE {about}"
            ))
            .bind(source.code())
            .bind(key.to_string())
            .bind(now),
        )
        .await?;
    }
    Ok(())
}
