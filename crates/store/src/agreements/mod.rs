//! Agreements: drafts, signatures, versions by avenant and the life cycle, each change with its event.
//!
//! An agreement is visible to the organisations that are parties to it, to platform administrators, to
//! the State services (DDETS, DREETS) whose territory covers the department of one of its parties, to the
//! branches of a party (an agency sees what its territorial direction signed, so that it can decline it), and
//! to the parties of the agreements that decline it. Only the
//! parties' administrators change it; each party signs through one of its own administrators. The way in is
//! [`Store::agreements`], which hands out an [`AgreementScope`] bound to the caller's context.
//!
//! Consent: an organisation named in a draft is notified and may decline (it leaves the parties); the
//! organisation that started the draft stays a party; an avenant keeps the parties that signed. Nothing is
//! derived from an agreement (the referent's SIAE, the ESAT's planned actions) before every party has signed
//! and it is in force: see [`binding`].

mod amendments;
mod committee_proposal;
mod drafting;
mod in_force;
mod lifecycle;

pub use amendments::{AmendmentAct, PendingAmendment};
pub use committee_proposal::SteeringMeeting;
pub(crate) use in_force::{binding, esat_spe_in_force};

use crate::access::AccessContext;
use crate::infra::error::{Result, StoreError};
use crate::infra::sql::{Executor, Query, Row, query};
use crate::{Store, today};
use passerelle_domain::agreements::checklist::{Checklist, Facts, checklist, waivable};
use passerelle_domain::agreements::deadlines::{self, Deadline};
use passerelle_domain::agreements::diff::{LineChange, diff};
use passerelle_domain::agreements::lifecycle::{Action, Dates, Status, status_on};
use passerelle_domain::agreements::state_convention;
use passerelle_domain::agreements::{AgreementContent, AgreementKind};
use passerelle_domain::invalid::Invalid;
use serde::Serialize;
use time::Date;
use uuid::Uuid;

/// An agreement as its parties see it, with its current content.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Agreement {
    pub id: Uuid,
    #[schema(example = "local_cooperation")]
    pub kind: AgreementKind,
    #[schema(value_type = String)]
    pub kind_label: &'static str,
    pub parent_id: Option<Uuid>,
    pub parent_title: Option<String>,
    pub title: String,
    /// The status today (time moves a signed agreement into force, an agreement past its end to expired).
    #[schema(example = "in_force")]
    pub status: Status,
    #[schema(value_type = String)]
    pub status_label: &'static str,
    pub current_version: i64,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub terminates_on: Option<Date>,
    /// For a CCL: the day it lapses (or lapsed) by itself, the day after its SIAE's State convention ends.
    pub lapses_on: Option<Date>,
    /// Why it lapsed: as recorded with a lapse, or the end of its SIAE's State convention.
    pub lapse_cause: Option<String>,
    /// The party that started the draft: it cannot be removed from the parties nor decline.
    pub created_by_organisation_id: Uuid,
    pub parties: Vec<Signatory>,
    #[schema(value_type = Object)]
    pub content: AgreementContent,
    pub versions: Vec<VersionSummary>,
    /// Dated obligations from today on (yearly review, last day to give notice, end, roadmap actions).
    #[schema(value_type = Vec<Object>)]
    pub deadlines: Vec<Deadline>,
    /// Agreements that decline this one.
    pub children: Vec<AgreementSummary>,
    /// The avenant waiting for the parties' signatures, if any: until the last one, `content` stays the
    /// version in force.
    pub pending_amendment: Option<PendingAmendment>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Signatory {
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub signed_on: Option<Date>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VersionSummary {
    pub number: i64,
    /// Object of the avenant (none for the first version).
    pub reason: Option<String>,
    pub signed_on: Option<Date>,
    /// The steering committee's meeting that proposed the avenant (a regional agreement's, article 5).
    pub committee_meeting: Option<SteeringMeeting>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Version {
    pub number: i64,
    pub reason: Option<String>,
    pub signed_on: Option<Date>,
    #[schema(value_type = Object)]
    pub content: AgreementContent,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AgreementSummary {
    pub id: Uuid,
    pub kind: AgreementKind,
    #[schema(value_type = String)]
    pub kind_label: &'static str,
    pub title: String,
    pub status: Status,
    #[schema(value_type = String)]
    pub status_label: &'static str,
    pub current_version: i64,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
}

/// One dated obligation of an agreement the caller's organisations are parties to.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ToDo {
    pub agreement_id: Uuid,
    pub title: String,
    #[schema(value_type = Object)]
    pub deadline: Deadline,
}

/// The comparison of two versions.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Comparison {
    pub from: i64,
    pub to: i64,
    #[schema(value_type = Vec<Object>)]
    pub changes: Vec<LineChange>,
}

/// What a caller asks of the life cycle.
#[derive(Debug, Clone)]
pub struct Act {
    pub action: Action,
    /// Date of the act; today when not given.
    pub on: Option<Date>,
    /// The party signing (for a signature).
    pub organisation_id: Option<Uuid>,
    /// Cause of a lapse, object of an avenant.
    pub reason: Option<String>,
    /// The new content (for an avenant).
    pub content: Option<AgreementContent>,
    /// For an avenant to a regional agreement: the held meeting of its steering committee that proposed it.
    pub committee_meeting_id: Option<Uuid>,
}

// The last day of the State convention of the agreement's SIAE party, if the DDETS recorded one: a CCL lapses
// the day after (`state_convention::lapses_on`).
const COLUMNS: &str = "a.id, a.kind, a.parent_id, a.title, a.status, a.current_version, a.starts_on, a.ends_on, \
    a.terminates_on, a.lapse_cause, a.created_by_organisation_id, (SELECT MIN(so.state_convention_ends_on) \
    FROM agreement_parties sp JOIN organisations so ON so.id = sp.organisation_id WHERE sp.agreement_id = a.id) \
    AS state_convention_ends_on";

/// The header of an agreement as stored, before its status is brought to today.
struct Header {
    id: Uuid,
    kind: AgreementKind,
    parent_id: Option<Uuid>,
    title: String,
    stored: Status,
    current_version: i64,
    dates: Dates,
    lapse_cause: Option<String>,
    creator: Uuid,
}

fn header(r: &Row) -> Result<Header> {
    let status: String = r.get("status")?;
    let kind = AgreementKind::parse(&r.get::<String>("kind")?)?;
    Ok(Header {
        id: r.get("id")?,
        kind,
        parent_id: r.get("parent_id")?,
        title: r.get("title")?,
        stored: Status::parse(&status)
            .ok_or_else(|| sqlx::Error::Decode(format!("statut inconnu : {status}").into()))?,
        current_version: r.get("current_version")?,
        dates: Dates {
            starts_on: r.get("starts_on")?,
            ends_on: r.get("ends_on")?,
            terminates_on: r.get("terminates_on")?,
            lapses_on: state_convention::lapses_on(kind, r.get("state_convention_ends_on")?),
        },
        lapse_cause: r.get("lapse_cause")?,
        creator: r.get("created_by_organisation_id")?,
    })
}

impl Header {
    fn status(&self, today: Date) -> Status {
        status_on(self.stored, self.dates, today)
    }

    fn summary(self, today: Date) -> AgreementSummary {
        let status = self.status(today);
        AgreementSummary {
            id: self.id,
            kind: self.kind,
            kind_label: self.kind.label(),
            title: self.title,
            status,
            status_label: status.label(),
            current_version: self.current_version,
            starts_on: self.dates.starts_on,
            ends_on: self.dates.ends_on,
        }
    }
}

fn content_of(r: &Row) -> Result<AgreementContent> {
    let value = r.json("content")?.unwrap_or_default();
    serde_json::from_value(value).map_err(|e| StoreError::Database(sqlx::Error::Decode(e.into())))
}

/// The agreements one caller may see.
pub struct AgreementScope<'a> {
    store: &'a Store,
    ctx: &'a AccessContext,
}

impl Store {
    pub fn agreements<'a>(&'a self, ctx: &'a AccessContext) -> AgreementScope<'a> {
        AgreementScope { store: self, ctx }
    }

    /// Rewrites the parties' obligations of agreement `id` after a change elsewhere moved one (a meeting
    /// planned or cancelled to examine its termination), in the transaction of that change.
    pub(crate) async fn agreement_obligations(&self, ex: &mut impl Executor, id: Uuid) -> Result<()> {
        let operator = AccessContext::operator("échéances");
        let a = self.agreements(&operator).load(ex, id).await?;
        let parties = a.parties.iter().map(|p| p.organisation_id);
        crate::obligations::agreement_changed(ex, a.id, &a.title, parties, &a.deadlines).await
    }
}

impl AgreementScope<'_> {
    /// Restricts `q` (which selects from `agreements a`) to what the caller may see (see the module's rule).
    fn restrict(&self, q: &mut Query) {
        if self.ctx.is_platform_admin() {
            return;
        }
        match self.ctx.user_id() {
            Some(user) => {
                let n = q.next_placeholder();
                q.push_bound(
                    &format!(
                        " AND (EXISTS (SELECT 1 FROM agreement_parties p JOIN memberships m \
                         ON m.organisation_id = p.organisation_id WHERE p.agreement_id = a.id AND m.user_id = {{}}) \
                         OR EXISTS (SELECT 1 FROM agreement_parties p JOIN organisations po ON po.id = p.organisation_id, \
                         memberships m JOIN organisations so ON so.id = m.organisation_id \
                         WHERE p.agreement_id = a.id AND m.user_id = ${n} AND so.kind IN ('ddets', 'dreets') \
                         AND (po.department = so.department OR po.department IN \
                         (SELECT t.department FROM organisation_territories t WHERE t.organisation_id = so.id))) \
                         OR EXISTS (SELECT 1 FROM agreement_parties p JOIN organisations child \
                         ON child.parent_id = p.organisation_id JOIN memberships m ON m.organisation_id = child.id \
                         WHERE p.agreement_id = a.id AND m.user_id = ${n}) \
                         OR EXISTS (SELECT 1 FROM agreements c JOIN agreement_parties p ON p.agreement_id = c.id \
                         JOIN memberships m ON m.organisation_id = p.organisation_id \
                         WHERE c.parent_id = a.id AND m.user_id = ${n}))"
                    ),
                    user,
                );
            }
            None => q.push_sql(" AND 1 = 0"),
        }
    }

    async fn load_header(&self, ex: &mut impl Executor, id: Uuid) -> Result<Header> {
        let mut q = query(format!("SELECT {COLUMNS} FROM agreements a WHERE a.id = $1")).bind(id);
        self.restrict(&mut q);
        header(&ex.fetch_optional(q).await?.ok_or(StoreError::not_found("convention"))?)
    }

    async fn load_version(ex: &mut impl Executor, id: Uuid, number: i64) -> Result<Version> {
        let r = ex
            .fetch_optional(
                query("SELECT number, reason, signed_on, content FROM agreement_versions WHERE agreement_id = $1 AND number = $2")
                    .bind(id)
                    .bind(number),
            )
            .await?
            .ok_or(StoreError::not_found("version"))?;
        Ok(Version {
            number: r.get("number")?,
            reason: r.get("reason")?,
            signed_on: r.get("signed_on")?,
            content: content_of(&r)?,
        })
    }

    async fn load(&self, ex: &mut impl Executor, id: Uuid) -> Result<Agreement> {
        let h = self.load_header(ex, id).await?;
        let version = Self::load_version(ex, id, h.current_version).await?;
        let parties = ex
            .fetch_all(
                query(
                    "SELECT p.organisation_id, o.name, p.signed_on FROM agreement_parties p \
                     JOIN organisations o ON o.id = p.organisation_id WHERE p.agreement_id = $1 ORDER BY p.position",
                )
                .bind(id),
            )
            .await?
            .iter()
            .map(|r| {
                Ok(Signatory {
                    organisation_id: r.get("organisation_id")?,
                    organisation_name: r.get("name")?,
                    signed_on: r.get("signed_on")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let versions = ex
            .fetch_all(
                query(format!(
                    "SELECT v.number, v.reason, v.signed_on, {} FROM agreement_versions v{} \
                     WHERE v.agreement_id = $1 ORDER BY v.number",
                    committee_proposal::meeting_columns(),
                    committee_proposal::meeting_joins("v.committee_meeting_id")
                ))
                .bind(id),
            )
            .await?
            .iter()
            .map(|r| {
                Ok(VersionSummary {
                    number: r.get("number")?,
                    reason: r.get("reason")?,
                    signed_on: r.get("signed_on")?,
                    committee_meeting: committee_proposal::steering_meeting(r)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let parent_title = match h.parent_id {
            Some(p) => ex
                .fetch_optional(query("SELECT title FROM agreements WHERE id = $1").bind(p))
                .await?
                .map(|r| r.get::<String>("title"))
                .transpose()?,
            None => None,
        };
        let mut children = query(format!("SELECT {COLUMNS} FROM agreements a WHERE a.parent_id = $1")).bind(id);
        self.restrict(&mut children);
        children.push_sql(" ORDER BY a.title");
        let children = ex
            .fetch_all(children)
            .await?
            .iter()
            .map(|r| Ok(header(r)?.summary(today())))
            .collect::<Result<Vec<_>>>()?;
        let pending_amendment = amendments::pending(ex, id, h.current_version, &parties).await?;
        let status = h.status(today());
        let mut deadlines = deadlines::upcoming(status, h.dates, &version.content, today());
        if h.kind == AgreementKind::Regional && status == Status::Terminating {
            let planned = ex
                .fetch_optional(
                    query(
                        "SELECT 1 AS one FROM meetings WHERE termination_agreement_id = $1 AND status <> 'cancelled'",
                    )
                    .bind(id),
                )
                .await?
                .is_some();
            deadlines.extend(deadlines::extraordinary_committee(
                h.kind,
                status,
                h.dates,
                planned,
                today(),
            ));
            deadlines.sort_by_key(|d| d.on);
        }
        Ok(Agreement {
            id: h.id,
            kind: h.kind,
            kind_label: h.kind.label(),
            parent_id: h.parent_id,
            parent_title,
            title: h.title,
            status,
            status_label: status.label(),
            current_version: h.current_version,
            starts_on: h.dates.starts_on,
            ends_on: h.dates.ends_on,
            terminates_on: h.dates.terminates_on,
            lapses_on: h.dates.lapses_on,
            lapse_cause: match (status, h.stored, h.dates.lapses_on) {
                (Status::Lapsed, stored, Some(on)) if stored != Status::Lapsed => {
                    Some(state_convention::lapse_cause(on))
                }
                _ => h.lapse_cause,
            },
            created_by_organisation_id: h.creator,
            parties,
            content: version.content,
            versions,
            deadlines,
            children,
            pending_amendment,
        })
    }

    pub async fn get(&self, id: Uuid) -> Result<Agreement> {
        self.load(&mut self.store.pool.clone(), id).await
    }

    /// The agreements in scope, national ones first.
    pub async fn list(&self) -> Result<Vec<AgreementSummary>> {
        let mut q = query(format!("SELECT {COLUMNS} FROM agreements a WHERE 1 = 1"));
        self.restrict(&mut q);
        q.push_sql(" ORDER BY a.starts_on, a.title, a.id");
        let rows = self.store.pool.clone().fetch_all(q).await?;
        let mut list = rows
            .iter()
            .map(|r| Ok(header(r)?.summary(today())))
            .collect::<Result<Vec<_>>>()?;
        list.sort_by_key(|a| a.kind.level() as u8);
        Ok(list)
    }

    /// The parties' to-do list: the coming obligations of the agreements the caller's organisations are
    /// parties to (all of them for a platform administrator), soonest first.
    pub async fn to_do(&self) -> Result<Vec<ToDo>> {
        let mut out = Vec::new();
        for summary in self.list().await? {
            let a = self.get(summary.id).await?;
            let party = self.ctx.is_platform_admin()
                || a.parties
                    .iter()
                    .any(|p| self.ctx.membership(p.organisation_id).is_some());
            if party {
                out.extend(a.deadlines.into_iter().map(|deadline| ToDo {
                    agreement_id: a.id,
                    title: a.title.clone(),
                    deadline,
                }));
            }
        }
        out.sort_by_key(|t| t.deadline.on);
        Ok(out)
    }

    pub async fn version(&self, id: Uuid, number: i64) -> Result<Version> {
        let mut pool = self.store.pool.clone();
        self.load_header(&mut pool, id).await?;
        Self::load_version(&mut pool, id, number).await
    }

    pub async fn compare(&self, id: Uuid, from: i64, to: i64) -> Result<Comparison> {
        let (a, b) = (self.version(id, from).await?, self.version(id, to).await?);
        Ok(Comparison {
            from,
            to,
            changes: diff(&a.content, &b.content),
        })
    }

    /// The guided-drafting checklist of the current version.
    pub async fn checklist(&self, id: Uuid) -> Result<Checklist> {
        let a = self.get(id).await?;
        Ok(checklist(
            a.kind,
            &a.content,
            Facts {
                has_parent: a.parent_id.is_some(),
            },
        ))
    }

    /// Fails unless the caller administers one of `parties` (or the platform).
    fn require_party_admin(&self, parties: &[Uuid]) -> Result<()> {
        if parties.iter().any(|p| self.ctx.is_admin_of(*p)) {
            return Ok(());
        }
        Err(StoreError::forbidden(
            "not_party_admin",
            "Seuls les administrateurs des structures parties à la convention peuvent la modifier.",
        ))
    }

    /// Checks the parties against the directory, and together against the kind (a CCL's two; all of them
    /// when `complete`, see `AgreementKind::check_parties`), and copies correspondents' names from its contacts.
    async fn resolve(
        &self,
        ex: &mut impl Executor,
        kind: AgreementKind,
        mut c: AgreementContent,
        complete: bool,
    ) -> Result<AgreementContent> {
        Self::check_parties(ex, kind, &c, complete).await?;
        for k in &mut c.correspondents {
            for (id, name, function) in [
                (k.contact_id, &mut k.name, Some(&mut k.function)),
                (k.substitute_contact_id, &mut k.substitute_name, None),
            ] {
                let Some(id) = id else { continue };
                let contact = crate::directory::load_contact(ex, id)
                    .await
                    .ok()
                    .filter(|x| x.organisation_id == k.party && !x.archived);
                let contact = contact.ok_or_else(|| {
                    Invalid::new(
                        "contact_not_in_party",
                        "Un correspondant doit être un contact de la structure qu'il représente.",
                    )
                    .on("correspondents")
                })?;
                *name = contact.full_name();
                if let (Some(f), Some(cf)) = (function, contact.function) {
                    *f = cf;
                }
            }
        }
        for n in &c.not_applicable {
            if !waivable(kind, &n.item) {
                return Err(Invalid::new(
                    "item_not_waivable",
                    format!(
                        "L'élément « {} » ne peut pas être déclaré sans objet pour ce type de convention.",
                        n.item
                    ),
                )
                .on("not_applicable")
                .into());
            }
        }
        Ok(c)
    }

    /// Checks the parties of `c` against the directory (each exists, is not archived) and against `kind`.
    async fn check_parties(
        ex: &mut impl Executor,
        kind: AgreementKind,
        c: &AgreementContent,
        complete: bool,
    ) -> Result<()> {
        let mut kinds = Vec::with_capacity(c.parties.len());
        for p in &c.parties {
            let org = crate::directory::load_organisation(ex, p.organisation_id)
                .await
                .map_err(|_| {
                    Invalid::new("organisation_not_found", "Une partie n'existe pas dans l'annuaire.").on("parties")
                })?;
            if org.archived {
                return Err(
                    Invalid::new("organisation_archived", format!("« {} » est archivée.", org.name))
                        .on("parties")
                        .into(),
                );
            }
            kinds.push((org.kind, org.name));
        }
        let kinds: Vec<_> = kinds.iter().map(|(k, name)| (*k, name.as_str())).collect();
        Ok(kind.check_parties(&kinds, complete)?)
    }

    async fn write_parties(ex: &mut impl Executor, id: Uuid, c: &AgreementContent) -> Result<()> {
        let mut gone = query("DELETE FROM agreement_parties WHERE agreement_id = $1").bind(id);
        let kept: Vec<Uuid> = c.parties.iter().map(|p| p.organisation_id).collect();
        gone.push_sql(" AND NOT");
        crate::directory::push_in(&mut gone, "organisation_id", &kept);
        ex.execute(gone).await?;
        // Parties that stay keep their signature; an avenant is signed as a version (`agreement_versions`).
        for (i, p) in c.parties.iter().enumerate() {
            ex.execute(
                query(
                    "INSERT INTO agreement_parties (agreement_id, organisation_id, position) VALUES ($1, $2, $3) \
                     ON CONFLICT (agreement_id, organisation_id) DO UPDATE SET position = excluded.position",
                )
                .bind(id)
                .bind(p.organisation_id)
                .bind(i as i64),
            )
            .await?;
        }
        Ok(())
    }
}

async fn insert_version(
    ex: &mut impl Executor,
    id: Uuid,
    number: i64,
    content: &AgreementContent,
    reason: Option<&str>,
    signed_on: Option<Date>,
) -> Result<()> {
    ex.execute(
        query("INSERT INTO agreement_versions (agreement_id, number, content, reason, signed_on, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id)
            .bind(number)
            .bind(serde_json::to_value(content).unwrap_or_default())
            .bind(reason)
            .bind(signed_on)
            .bind(crate::infra::clock::now()),
    )
    .await?;
    Ok(())
}

async fn update_header(ex: &mut impl Executor, id: Uuid, c: &AgreementContent) -> Result<()> {
    ex.execute(
        query("UPDATE agreements SET title = $1, starts_on = $2, ends_on = $3, updated_at = $4 WHERE id = $5")
            .bind(&c.title)
            .bind(c.duration.starts_on)
            .bind(c.duration.ends_on)
            .bind(crate::infra::clock::now())
            .bind(id),
    )
    .await?;
    Ok(())
}
