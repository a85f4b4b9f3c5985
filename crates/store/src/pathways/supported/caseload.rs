//! The counsellors' working time and caseload, and the dashboard of each scheme with its figures.

use super::{decode, is_member, scheme_member};
use crate::Store;
use crate::access::AccessContext;
use crate::directory::push_in;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, record};
use crate::infra::sql::{Executor, query};
use passerelle_domain::directory::OrganisationKind;
use passerelle_domain::invalid::Invalid;
use passerelle_domain::pathways::supported::{CaseloadStatus, Followed, Module, SchemeFigures, caseload, figures};
use serde::Serialize;
use std::collections::HashMap;
use time::Date;
use uuid::Uuid;

/// One counsellor's line of the dashboard.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CounsellorLine {
    pub user_id: Uuid,
    pub name: String,
    /// People with an open entry this counsellor follows.
    pub people: i64,
    pub fte_hundredths: Option<i64>,
    #[schema(example = "within")]
    pub status: CaseloadStatus,
    #[schema(value_type = String)]
    pub status_label: &'static str,
    pub explanation: String,
    /// Minutes recorded in each module (a to d) during the 12 months up to the date.
    pub minutes_by_module: [i64; 4],
}

/// A person the caller's schemes follow now, for the counsellors' list.
#[derive(Debug, Clone, Serialize)]
pub struct Accompanied {
    pub person_id: Uuid,
    pub person_name: String,
    pub scheme_name: String,
    pub counsellor: String,
    pub entered_on: Date,
    /// The module of the latest activity (a to d), if any.
    pub module: Option<Module>,
    pub first_job_on: Option<Date>,
}

/// One scheme on the counsellors' dashboard.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SchemeDashboard {
    pub scheme_id: Uuid,
    pub scheme_name: String,
    pub counsellors: Vec<CounsellorLine>,
    #[schema(value_type = Object)]
    pub figures: SchemeFigures,
    /// People with an open entry by current module (a to d), then those with no activity yet.
    pub people_by_module: [i64; 5],
}

impl Store {
    /// A counsellor's working time in a scheme, set by an administrator of the scheme.
    pub async fn set_counsellor_time(
        &self,
        ctx: &AccessContext,
        scheme_id: Uuid,
        user_id: Uuid,
        fte_hundredths: i64,
    ) -> Result<()> {
        scheme_member(ctx, scheme_id)?;
        if !ctx.is_admin_of(scheme_id) {
            return Err(StoreError::forbidden(
                "not_an_admin",
                "Seul un administrateur du dispositif renseigne le temps de travail des conseillers.",
            ));
        }
        if !(1..=100).contains(&fte_hundredths) {
            return Err(Invalid::new(
                "fte_out_of_range",
                "Le temps de travail s'indique en pourcentage d'un temps plein, de 1 à 100.",
            )
            .on("fte_percent")
            .into());
        }
        let mut tx = self.pool.begin().await?;
        if !is_member(&mut tx, user_id, scheme_id).await? {
            return Err(Invalid::new(
                "counsellor_not_in_scheme",
                "Le conseiller doit être membre du dispositif d'emploi accompagné.",
            )
            .on("user_id")
            .into());
        }
        tx.execute(
            query("DELETE FROM supported_counsellors WHERE scheme_id = $1 AND user_id = $2")
                .bind(scheme_id)
                .bind(user_id),
        )
        .await?;
        tx.execute(
            query(
                "INSERT INTO supported_counsellors (scheme_id, user_id, fte_hundredths, updated_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(scheme_id)
            .bind(user_id)
            .bind(fte_hundredths)
            .bind(crate::infra::clock::now()),
        )
        .await?;
        record(
            &mut tx,
            ctx,
            Event::new("organisation", scheme_id, "supported.counsellor_time")
                .by(Some(scheme_id))
                .after(&serde_json::json!({"user": user_id, "fte_hundredths": fte_hundredths})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The people the caller's schemes follow on `on` (entered, not exited), by counsellor then name. Names are
    /// read: the list is journaled like any list of persons.
    pub async fn supported_caseload(&self, ctx: &AccessContext, on: Date) -> Result<Vec<Accompanied>> {
        let schemes: Vec<Uuid> = ctx
            .memberships()
            .iter()
            .filter(|m| m.kind == OrganisationKind::SupportedEmployment)
            .map(|m| m.organisation_id)
            .collect();
        if schemes.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = query(
            "SELECT e.person_id, p.first_name, p.last_name, o.name AS scheme_name, u.display_name, e.entered_on, \
             (SELECT MIN(j.starts_on) FROM supported_jobs j WHERE j.entry_id = e.id) AS first_job_on, \
             (SELECT a.module FROM supported_activities a WHERE a.entry_id = e.id \
              ORDER BY a.done_on DESC, a.created_at DESC LIMIT 1) AS module \
             FROM supported_entries e JOIN persons p ON p.id = e.person_id \
             JOIN organisations o ON o.id = e.scheme_id JOIN users u ON u.id = e.counsellor_user_id \
             WHERE e.entered_on <= $1 AND (e.exited_on IS NULL OR e.exited_on > $1) AND",
        )
        .bind(on);
        push_in(&mut q, "e.scheme_id", &schemes);
        q.push_sql(" ORDER BY u.display_name, p.last_name, p.first_name");
        let mut people = Vec::new();
        for r in self.pool.clone().fetch_all(q).await? {
            let module = match r.get::<Option<String>>("module")? {
                Some(code) => Some(Module::parse(&code).ok_or_else(|| decode(&code))?),
                None => None,
            };
            people.push(Accompanied {
                person_id: r.get("person_id")?,
                person_name: format!("{} {}", r.get::<String>("first_name")?, r.get::<String>("last_name")?),
                scheme_name: r.get("scheme_name")?,
                counsellor: r.get("display_name")?,
                entered_on: r.get("entered_on")?,
                module,
                first_job_on: r.get("first_job_on")?,
            });
        }
        if !people.is_empty() {
            let ids: Vec<Uuid> = people.iter().map(|p| p.person_id).collect();
            let listed = Event::new("persons", Uuid::nil(), "supported.listed").after(&ids);
            crate::infra::events::journal_reads(&self.pool, ctx, vec![listed]).await?;
        }
        Ok(people)
    }

    /// The counsellors' dashboard of the caller's schemes on `on` ([`dashboard`]).
    pub async fn supported_dashboard(&self, ctx: &AccessContext, on: Date) -> Result<Vec<SchemeDashboard>> {
        dashboard(&mut self.pool.clone(), ctx, on).await
    }
}

/// The counsellors' dashboard of the caller's schemes on `on`: each counsellor's caseload against the
/// reference, and the figures of Journées nationales de l'emploi accompagné 2020. Four statements on `ex` whatever the number of people; no names of
/// people, so nothing to journal.
pub async fn dashboard(ex: &mut impl Executor, ctx: &AccessContext, on: Date) -> Result<Vec<SchemeDashboard>> {
    let schemes: Vec<(Uuid, String)> = ctx
        .memberships()
        .iter()
        .filter(|m| m.kind == OrganisationKind::SupportedEmployment)
        .map(|m| (m.organisation_id, m.organisation_name.clone()))
        .collect();
    if schemes.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = schemes.iter().map(|(id, _)| *id).collect();
    let db = ex;
    // 1. Every entry of the schemes with its first job.
    let mut q = query(
        "SELECT e.scheme_id, e.counsellor_user_id, e.entered_on, e.exited_on, e.exit_reason, \
             (SELECT MIN(j.starts_on) FROM supported_jobs j WHERE j.entry_id = e.id) AS first_job_on, \
             (SELECT a.module FROM supported_activities a WHERE a.entry_id = e.id \
              ORDER BY a.done_on DESC, a.created_at DESC LIMIT 1) AS module \
             FROM supported_entries e WHERE",
    );
    push_in(&mut q, "e.scheme_id", &ids);
    let entries = db.fetch_all(q).await?;
    // 2. Distinct employers accompanied with the people accompanied on the date.
    let mut q = query(
        "SELECT x.scheme_id, COUNT(DISTINCT x.employer_key) AS n FROM (\
             SELECT e.scheme_id, c.employer_key, e.entered_on, e.exited_on FROM supported_conventions c \
               JOIN supported_entries e ON e.id = c.entry_id WHERE c.employer_key IS NOT NULL AND c.signed_on <= $1 \
             UNION ALL SELECT e.scheme_id, a.employer_key, e.entered_on, e.exited_on FROM supported_activities a \
               JOIN supported_entries e ON e.id = a.entry_id WHERE a.employer_key IS NOT NULL AND a.done_on <= $1 \
             UNION ALL SELECT e.scheme_id, j.employer_key, e.entered_on, e.exited_on FROM supported_jobs j \
               JOIN supported_entries e ON e.id = j.entry_id WHERE j.starts_on <= $1\
             ) x WHERE x.entered_on <= $1 AND (x.exited_on IS NULL OR x.exited_on > $1) AND",
    )
    .bind(on);
    push_in(&mut q, "x.scheme_id", &ids);
    q.push_sql(" GROUP BY x.scheme_id");
    let employers: HashMap<Uuid, i64> = db
        .fetch_all(q)
        .await?
        .iter()
        .map(|r| Ok((r.get("scheme_id")?, r.get("n")?)))
        .collect::<Result<_>>()?;
    // 3. The members of the schemes with their recorded working time.
    let mut q = query(
        "SELECT m.organisation_id, u.id, u.display_name, c.fte_hundredths FROM memberships m \
             JOIN users u ON u.id = m.user_id LEFT JOIN supported_counsellors c \
             ON c.scheme_id = m.organisation_id AND c.user_id = m.user_id WHERE u.archived_at IS NULL AND",
    );
    push_in(&mut q, "m.organisation_id", &ids);
    q.push_sql(" ORDER BY u.display_name");
    let members = db.fetch_all(q).await?;
    // 4. Minutes per counsellor and module over the 12 months up to the date.
    let mut q = query(
            "SELECT e.scheme_id, a.counsellor_user_id, a.module, CAST(SUM(a.minutes) AS BIGINT) AS minutes FROM supported_activities a \
             JOIN supported_entries e ON e.id = a.entry_id WHERE a.done_on <= $1 AND a.done_on > $2 AND",
        )
        .bind(on)
        .bind(passerelle_domain::calendar::add_months(on, -12));
    push_in(&mut q, "e.scheme_id", &ids);
    q.push_sql(" GROUP BY e.scheme_id, a.counsellor_user_id, a.module");
    let mut minutes: HashMap<(Uuid, Uuid), [i64; 4]> = HashMap::new();
    for r in db.fetch_all(q).await? {
        let code: String = r.get("module")?;
        let module = Module::parse(&code).ok_or_else(|| decode(&code))?;
        let slot = minutes
            .entry((r.get("scheme_id")?, r.get("counsellor_user_id")?))
            .or_default();
        slot[usize::from(module.letter() as u8 - b'a')] += r.get::<i64>("minutes")?;
    }

    let mut out = Vec::new();
    for (scheme_id, scheme_name) in schemes {
        let mut followed = Vec::new();
        let mut caseloads: HashMap<Uuid, i64> = HashMap::new();
        let mut people_by_module = [0i64; 5];
        for r in &entries {
            if r.get::<Uuid>("scheme_id")? != scheme_id {
                continue;
            }
            let f = Followed {
                entered_on: r.get("entered_on")?,
                exited_on: r.get("exited_on")?,
                exit_reason: super::exit_reason(r)?,
                first_job_on: r.get("first_job_on")?,
            };
            if f.accompanied_on(on) {
                *caseloads.entry(r.get("counsellor_user_id")?).or_default() += 1;
                let slot = match r.get::<Option<String>>("module")?.as_deref().and_then(Module::parse) {
                    Some(m) => usize::from(m.letter() as u8 - b'a'),
                    None => 4,
                };
                people_by_module[slot] += 1;
            }
            followed.push(f);
        }
        let mut counsellors = Vec::new();
        let mut fte_total = 0;
        for r in &members {
            if r.get::<Uuid>("organisation_id")? != scheme_id {
                continue;
            }
            let user_id: Uuid = r.get("id")?;
            let fte: Option<i64> = r.get("fte_hundredths")?;
            let people = caseloads.get(&user_id).copied().unwrap_or(0);
            // Counsellors are the members with a working time or people to follow (not the coordinator's
            // account alone).
            if fte.is_none() && people == 0 {
                continue;
            }
            fte_total += fte.unwrap_or(0);
            let c = caseload(people, fte);
            counsellors.push(CounsellorLine {
                user_id,
                name: r.get("display_name")?,
                people,
                fte_hundredths: fte,
                status: c.status,
                status_label: c.status.label(),
                explanation: c.explanation.message,
                minutes_by_module: minutes.get(&(scheme_id, user_id)).copied().unwrap_or_default(),
            });
        }
        out.push(SchemeDashboard {
            scheme_id,
            scheme_name,
            counsellors,
            figures: figures(
                &followed,
                employers.get(&scheme_id).copied().unwrap_or(0),
                fte_total,
                on,
            ),
            people_by_module,
        });
    }
    Ok(out)
}
