//! Passerelles (Convergences ESAT – IAE): one person, one history across IAE, ESAT, immersions and ordinary
//! employment.
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
    OrdinaryEmployment,
}

impl Sector {
    pub fn label(self) -> &'static str {
        match self {
            Self::Iae => "Insertion par l'activité économique",
            Self::Esat => "ESAT",
            Self::Immersion => "Immersion (PMSMP)",
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

impl Store {
    /// The person's history across sectors, as `ctx` may see it (see the module's rule).
    pub async fn person_pathway(&self, ctx: &AccessContext, person_id: Uuid) -> Result<PersonPathway> {
        let mut tx = self.pool.begin().await?;
        let person = self.persons(ctx).load(&mut tx, person_id).await?;
        let mut all = iae_steps(&mut tx, person_id).await?;
        all.extend(esat_steps(&mut tx, person_id).await?);
        all.extend(immersion_steps(&mut tx, person_id).await?);
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
