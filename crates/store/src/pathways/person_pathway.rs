//! Passerelles (Convergences ESAT – IAE): one person, one history across IAE, ESAT, immersions, supported
//! employment and ordinary employment.
//!
//! The person must be one the caller may see (the organisations following them; 404 otherwise). Each step of
//! the history belongs to the organisations that recorded it; the caller sees the steps of its own
//! organisations, and the others' only when the person consented to sharing their data (`consent_data_sharing`).
//! Steps kept back are counted, not shown. The read is journaled.

use crate::Store;
use crate::access::AccessContext;
use crate::infra::error::Result;
use crate::infra::events::{Event, record};
use crate::infra::sql::{Executor, Row, query};
use passerelle_domain::pathways::esat::{Situation, french_hours};
use passerelle_domain::pathways::immersion::{ContractKind, Objective};
use passerelle_domain::pathways::supported::{self, ExitReason, Module, Route, SpePrescriber};
use serde::Serialize;
use time::Date;
use uuid::Uuid;

/// The sectors a person's history crosses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sector {
    Iae,
    Esat,
    Immersion,
    SupportedEmployment,
    OrdinaryEmployment,
}

impl Sector {
    pub fn label(self) -> &'static str {
        match self {
            Self::Iae => "Insertion par l'activité économique",
            Self::Esat => "ESAT",
            Self::Immersion => "Immersion (PMSMP)",
            Self::SupportedEmployment => "Emploi accompagné",
            Self::OrdinaryEmployment => "Milieu ordinaire",
        }
    }
}

/// One step of a person's history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Step {
    pub on: Date,
    pub until: Option<Date>,
    pub sector: Sector,
    pub sector_label: &'static str,
    pub title: String,
    /// The organisation that recorded the step.
    pub organisation_id: Uuid,
    pub organisation_name: String,
    /// Whether one of the caller's organisations recorded it (otherwise it is shared by the person's consent).
    pub own: bool,
}

/// A person's history as one caller may see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonPathway {
    pub person_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub consent_data_sharing: bool,
    /// Oldest first.
    pub steps: Vec<Step>,
    /// Steps recorded by other organisations, kept back because the person did not consent to sharing.
    pub hidden_steps: usize,
}

/// A step with every organisation it belongs to (an immersion belongs to its prescriber and its support structure).
struct Owned {
    step: Step,
    owners: Vec<Uuid>,
}

fn step(on: Date, until: Option<Date>, sector: Sector, title: String, r: &Row) -> Result<Step> {
    Ok(Step {
        on,
        until,
        sector,
        sector_label: sector.label(),
        title,
        organisation_id: r.get("organisation_id")?,
        organisation_name: r.get("organisation_name")?,
        own: false,
    })
}

async fn iae_steps(ex: &mut impl Executor, person: Uuid) -> Result<Vec<Owned>> {
    let mut out = Vec::new();
    for r in ex
        .fetch_all(
            query(
                "SELECT c.starts_on, c.ends_on, c.weekly_hours, o.id AS organisation_id, o.name AS organisation_name \
                 FROM iae_contracts c JOIN organisations o ON o.id = c.siae_id WHERE c.person_id = $1",
            )
            .bind(person),
        )
        .await?
    {
        let hours: i64 = r.get("weekly_hours")?;
        let title = format!("Contrat d'insertion de {hours} h par semaine");
        let s = step(r.get("starts_on")?, r.get("ends_on")?, Sector::Iae, title, &r)?;
        out.push(Owned {
            owners: vec![s.organisation_id],
            step: s,
        });
    }
    for r in ex
        .fetch_all(
            query(
                "SELECT a.starts_on, a.client_name, a.hours, o.id AS organisation_id, o.name AS organisation_name \
                 FROM iae_assignments a JOIN organisations o ON o.id = a.siae_id WHERE a.person_id = $1",
            )
            .bind(person),
        )
        .await?
    {
        let title = format!(
            "Mise à disposition auprès de {} ({} h)",
            r.get::<String>("client_name")?,
            r.get::<i64>("hours")?
        );
        let s = step(r.get("starts_on")?, None, Sector::Iae, title, &r)?;
        out.push(Owned {
            owners: vec![s.organisation_id],
            step: s,
        });
    }
    Ok(out)
}

async fn esat_steps(ex: &mut impl Executor, person: Uuid) -> Result<Vec<Owned>> {
    let mut out = Vec::new();
    for r in ex
        .fetch_all(
            query(
                "SELECT s.situation, s.since, s.is_return, s.employer_name, s.esat_minutes, s.employer_minutes, \
                 o.id AS organisation_id, o.name AS organisation_name FROM esat_situations s \
                 JOIN esat_workers w ON w.id = s.worker_id JOIN organisations o ON o.id = w.esat_id \
                 WHERE w.person_id = $1",
            )
            .bind(person),
        )
        .await?
    {
        let code: String = r.get("situation")?;
        let Some(situation) = Situation::parse(&code) else {
            continue;
        };
        let mut title = format!("Situation {} : {}", situation.number(), situation.short_label());
        if r.get::<bool>("is_return")? {
            title = format!("Retour à l'ESAT (droit au retour) — {title}");
        }
        let employer: Option<String> = r.get("employer_name")?;
        if let (Some(employer), Some(esat), Some(job)) = (
            employer.as_ref(),
            r.get::<Option<i64>>("esat_minutes")?,
            r.get::<Option<i64>>("employer_minutes")?,
        ) {
            title = format!(
                "{title} ({} à l'ESAT, {} chez {employer})",
                french_hours(esat),
                french_hours(job)
            );
        } else if let Some(employer) = employer {
            title = format!("{title} — {employer}");
        }
        let sector = if situation.inside_esat() {
            Sector::Esat
        } else {
            Sector::OrdinaryEmployment
        };
        let s = step(r.get("since")?, None, sector, title, &r)?;
        out.push(Owned {
            owners: vec![s.organisation_id],
            step: s,
        });
    }
    for r in ex
        .fetch_all(
            query(
                "SELECT c.starts_on, c.ends_on, c.period_number, c.employer_name, o.id AS organisation_id, \
                 o.name AS organisation_name FROM esat_support_conventions c JOIN esat_workers w ON w.id = c.worker_id \
                 JOIN organisations o ON o.id = w.esat_id WHERE w.person_id = $1",
            )
            .bind(person),
        )
        .await?
    {
        let title = match r.get::<i64>("period_number")? {
            1 => format!("Convention d'appui avec {}", r.get::<String>("employer_name")?),
            n => format!(
                "Convention d'appui avec {}, renouvellement n° {}",
                r.get::<String>("employer_name")?,
                n - 1
            ),
        };
        let s = step(
            r.get("starts_on")?,
            r.get("ends_on")?,
            Sector::OrdinaryEmployment,
            title,
            &r,
        )?;
        out.push(Owned {
            owners: vec![s.organisation_id],
            step: s,
        });
    }
    Ok(out)
}

async fn immersion_steps(ex: &mut impl Executor, person: Uuid) -> Result<Vec<Owned>> {
    let mut out = Vec::new();
    for r in ex
        .fetch_all(
            query(
                "SELECT i.starts_on, i.ends_on, i.host_name, i.objective, i.prescriber_id, a.assessed_on, \
                 a.contract_kind, o.id AS organisation_id, o.name AS organisation_name FROM immersions i \
                 JOIN organisations o ON o.id = i.support_structure_id \
                 LEFT JOIN immersion_assessments a ON a.immersion_id = i.id \
                 WHERE i.person_id = $1 AND i.status <> 'cancelled'",
            )
            .bind(person),
        )
        .await?
    {
        let host: String = r.get("host_name")?;
        let objective = Objective::parse(&r.get::<String>("objective")?).map_or("", Objective::label);
        let owners = vec![r.get("organisation_id")?, r.get("prescriber_id")?];
        let title = format!("Immersion chez {host} : {}", objective.to_lowercase());
        out.push(Owned {
            step: step(r.get("starts_on")?, r.get("ends_on")?, Sector::Immersion, title, &r)?,
            owners: owners.clone(),
        });
        let hired = r
            .get::<Option<String>>("contract_kind")?
            .and_then(|c| ContractKind::parse(&c));
        if let (Some(kind), Some(on)) = (hired, r.get::<Option<Date>>("assessed_on")?) {
            let sector = match kind {
                ContractKind::Iae => Sector::Iae,
                ContractKind::Esat => Sector::Esat,
                _ => Sector::OrdinaryEmployment,
            };
            let title = format!("Embauche chez {host} à l'issue de l'immersion : {}", kind.label());
            out.push(Owned {
                step: step(on, None, sector, title, &r)?,
                owners,
            });
        }
    }
    Ok(out)
}

/// Supported employment: the entry, the individual convention and the employer joining it, the time spent in
/// each module, the jobs found and the exit. Each step belongs to the scheme and to the prescriber, the two
/// organisations that see the entry on the person's supported-employment page.
async fn supported_steps(ex: &mut impl Executor, person: Uuid) -> Result<Vec<Owned>> {
    let mut out = Vec::new();
    let mut push = |on, until, sector, title: String, r: &Row| -> Result<()> {
        let s = step(on, until, sector, title, r)?;
        let owners = [Some(s.organisation_id), r.get::<Option<Uuid>>("prescriber_id")?];
        out.push(Owned {
            owners: owners.into_iter().flatten().collect(),
            step: s,
        });
        Ok(())
    };
    let scheme = "o.id AS organisation_id, o.name AS organisation_name, e.prescriber_id FROM supported_entries e \
        JOIN organisations o ON o.id = e.scheme_id";
    for r in ex
        .fetch_all(
            query(format!(
                "SELECT e.route, e.decided_on, e.valid_until, e.prescriber_kind, e.prescribed_on, e.entered_on, \
                 e.exited_on, e.exit_reason, c.signed_on, c.employer, c.employer_joined_on, {scheme} \
                 LEFT JOIN supported_conventions c ON c.entry_id = e.id WHERE e.person_id = $1"
            ))
            .bind(person),
        )
        .await?
    {
        let route = match (
            r.get::<Option<Date>>("decided_on")?,
            r.get::<Option<Date>>("valid_until")?,
        ) {
            (Some(decided_on), Some(valid_until)) => Route::Cdaph {
                decided_on,
                valid_until,
            }
            .label(),
            _ => match (
                r.get::<Option<String>>("prescriber_kind")?
                    .as_deref()
                    .and_then(SpePrescriber::parse),
                r.get::<Option<Date>>("prescribed_on")?,
            ) {
                (Some(prescriber), Some(prescribed_on)) => Route::Spe {
                    prescriber,
                    prescribed_on,
                }
                .label(),
                _ => r.get("route")?,
            },
        };
        let exited_on: Option<Date> = r.get("exited_on")?;
        let sector = Sector::SupportedEmployment;
        push(
            r.get("entered_on")?,
            exited_on,
            sector,
            format!("Entrée en emploi accompagné ({route})"),
            &r,
        )?;
        if let Some(signed_on) = r.get::<Option<Date>>("signed_on")? {
            let employer: Option<String> = r.get("employer")?;
            match (employer, r.get::<Option<Date>>("employer_joined_on")?) {
                (Some(employer), Some(joined_on)) => {
                    push(
                        signed_on,
                        None,
                        sector,
                        "Convention individuelle d'accompagnement signée".into(),
                        &r,
                    )?;
                    push(
                        joined_on,
                        None,
                        sector,
                        format!("{employer} rejoint la convention individuelle"),
                        &r,
                    )?;
                }
                (Some(employer), None) => push(
                    signed_on,
                    None,
                    sector,
                    format!("Convention individuelle d'accompagnement signée avec l'employeur {employer}"),
                    &r,
                )?,
                (None, _) => push(
                    signed_on,
                    None,
                    sector,
                    "Convention individuelle d'accompagnement signée".into(),
                    &r,
                )?,
            }
        }
        if let Some(on) = exited_on {
            let reason = match r.get::<Option<String>>("exit_reason")? {
                Some(code) => ExitReason::parse(&code).map_or("motif inconnu", ExitReason::label),
                None => "motif non renseigné",
            };
            push(
                on,
                None,
                sector,
                format!("Sortie de l'emploi accompagné : {reason}"),
                &r,
            )?;
        }
    }
    for r in ex
        .fetch_all(
            query(format!(
                "SELECT a.module, MIN(a.done_on) AS first_on, MAX(a.done_on) AS last_on, COUNT(*) AS activities, \
                 CAST(SUM(a.minutes) AS BIGINT) AS minutes, {scheme} JOIN supported_activities a ON a.entry_id = e.id \
                 WHERE e.person_id = $1 GROUP BY e.id, a.module, o.id, o.name, e.prescriber_id"
            ))
            .bind(person),
        )
        .await?
    {
        let Some(module) = Module::parse(&r.get::<String>("module")?) else {
            continue;
        };
        let activities: i64 = r.get("activities")?;
        let title = format!(
            "Module {} de l'emploi accompagné : {} ({activities} activité{}, {})",
            module.letter(),
            module.label(),
            if activities > 1 { "s" } else { "" },
            french_hours(r.get("minutes")?)
        );
        push(
            r.get("first_on")?,
            r.get("last_on")?,
            Sector::SupportedEmployment,
            title,
            &r,
        )?;
    }
    for r in ex
        .fetch_all(
            query(format!(
                "SELECT j.employer, j.position, j.contract, j.starts_on, j.ends_on, j.weekly_hours, {scheme} \
                 JOIN supported_jobs j ON j.entry_id = e.id WHERE e.person_id = $1"
            ))
            .bind(person),
        )
        .await?
    {
        let contract = supported::ContractKind::parse(&r.get::<String>("contract")?).map_or("contrat", |c| c.label());
        let title = format!(
            "Emploi trouvé avec l'emploi accompagné chez {} : {} ({contract}, {} h par semaine)",
            r.get::<String>("employer")?,
            r.get::<String>("position")?,
            r.get::<i64>("weekly_hours")?
        );
        push(
            r.get("starts_on")?,
            r.get("ends_on")?,
            Sector::OrdinaryEmployment,
            title,
            &r,
        )?;
    }
    Ok(out)
}

impl Store {
    /// The person's history across sectors, as `ctx` may see it (see the module's rule).
    pub async fn person_pathway(&self, ctx: &AccessContext, person_id: Uuid) -> Result<PersonPathway> {
        let mut tx = self.pool.begin().await?;
        let person = self.persons(ctx).load(&mut tx, person_id).await?;
        let mut all = iae_steps(&mut tx, person_id).await?;
        all.extend(esat_steps(&mut tx, person_id).await?);
        all.extend(immersion_steps(&mut tx, person_id).await?);
        all.extend(supported_steps(&mut tx, person_id).await?);
        let mut steps = Vec::new();
        let mut hidden_steps = 0;
        for Owned { mut step, owners } in all {
            step.own = ctx.is_platform_admin() || owners.iter().any(|o| ctx.membership(*o).is_some());
            if step.own || person.consent_data_sharing {
                steps.push(step);
            } else {
                hidden_steps += 1;
            }
        }
        steps.sort_by(|a, b| a.on.cmp(&b.on).then_with(|| a.title.cmp(&b.title)));
        record(
            &mut tx,
            ctx,
            Event::new("person", person_id, "person_pathway.read").after(&steps.len()),
        )
        .await?;
        tx.commit().await?;
        Ok(PersonPathway {
            person_id,
            first_name: person.first_name,
            last_name: person.last_name,
            consent_data_sharing: person.consent_data_sharing,
            steps,
            hidden_steps,
        })
    }
}
