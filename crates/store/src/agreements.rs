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

use crate::access::{AccessContext, MemberRole};
use crate::error::{Result, StoreError};
use crate::events::{Event, record};
use crate::notifications::notify;
use crate::sql::{Executor, Query, Row, query};
use crate::{Store, today};
use passerelle_domain::agreements::checklist::{Checklist, Facts, checklist, waivable};
use passerelle_domain::agreements::deadlines::{self, Deadline};
use passerelle_domain::agreements::diff::{LineChange, diff};
use passerelle_domain::agreements::lifecycle::{self, Action, Change, Dates, Request, Status, Who};
use passerelle_domain::agreements::{AgreementContent, AgreementKind};
use passerelle_domain::dates::{Span, plausible};
use passerelle_domain::invalid::Invalid;
use serde::Serialize;
use time::Date;
use uuid::Uuid;

/// An agreement as its parties see it, with its current content.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Agreement {
    pub id: Uuid,
    #[schema(value_type = String, example = "local_cooperation")]
    pub kind: AgreementKind,
    #[schema(value_type = String)]
    pub kind_label: &'static str,
    pub parent_id: Option<Uuid>,
    pub parent_title: Option<String>,
    pub title: String,
    /// The status today (time moves a signed agreement into force, an agreement past its end to expired).
    #[schema(value_type = String, example = "in_force")]
    pub status: Status,
    #[schema(value_type = String)]
    pub status_label: &'static str,
    pub current_version: i64,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub terminates_on: Option<Date>,
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
    #[schema(value_type = String)]
    pub kind: AgreementKind,
    #[schema(value_type = String)]
    pub kind_label: &'static str,
    pub title: String,
    #[schema(value_type = String)]
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
}

const COLUMNS: &str = "a.id, a.kind, a.parent_id, a.title, a.status, a.current_version, a.starts_on, a.ends_on, \
    a.terminates_on, a.lapse_cause, a.created_by_organisation_id";

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
    Ok(Header {
        id: r.get("id")?,
        kind: AgreementKind::parse(&r.get::<String>("kind")?)?,
        parent_id: r.get("parent_id")?,
        title: r.get("title")?,
        stored: Status::parse(&status)
            .ok_or_else(|| sqlx::Error::Decode(format!("statut inconnu : {status}").into()))?,
        current_version: r.get("current_version")?,
        dates: Dates {
            starts_on: r.get("starts_on")?,
            ends_on: r.get("ends_on")?,
            terminates_on: r.get("terminates_on")?,
        },
        lapse_cause: r.get("lapse_cause")?,
        creator: r.get("created_by_organisation_id")?,
    })
}

impl Header {
    fn status(&self, today: Date) -> Status {
        lifecycle::status_on(self.stored, self.dates, today)
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
                query(
                    "SELECT number, reason, signed_on FROM agreement_versions WHERE agreement_id = $1 ORDER BY number",
                )
                .bind(id),
            )
            .await?
            .iter()
            .map(|r| {
                Ok(VersionSummary {
                    number: r.get("number")?,
                    reason: r.get("reason")?,
                    signed_on: r.get("signed_on")?,
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
        let status = h.status(today());
        let deadlines = deadlines::upcoming(status, h.dates, &version.content, today());
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
            lapse_cause: h.lapse_cause,
            created_by_organisation_id: h.creator,
            parties,
            content: version.content,
            versions,
            deadlines,
            children,
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

    /// Checks the parties against the directory and copies correspondents' names from its contacts.
    async fn resolve(
        &self,
        ex: &mut impl Executor,
        kind: AgreementKind,
        mut c: AgreementContent,
    ) -> Result<AgreementContent> {
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
            kind.check_party(org.kind, &org.name)?;
        }
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

    /// Starts a draft. The caller administers one of its parties; a parent must be visible and of a kind
    /// this kind declines.
    pub async fn create(
        &self,
        kind: AgreementKind,
        parent_id: Option<Uuid>,
        content: AgreementContent,
    ) -> Result<Agreement> {
        let content = content.validate()?;
        let parties: Vec<Uuid> = content.parties.iter().map(|p| p.organisation_id).collect();
        self.require_party_admin(&parties)?;
        let creator = parties
            .iter()
            .copied()
            .find(|p| self.ctx.is_admin_of(*p))
            .unwrap_or(parties[0]);
        let mut tx = self.store.pool.begin().await?;
        if let Some(parent) = parent_id {
            let p = self.load_header(&mut tx, parent).await.map_err(|_| {
                Invalid::new(
                    "agreement_parent_not_found",
                    "La convention déclinée n'existe pas ou ne vous est pas visible.",
                )
                .on("parent_id")
            })?;
            kind.check_parent(p.kind)?;
        }
        let content = self.resolve(&mut tx, kind, content).await?;
        let id = Uuid::new_v4();
        let now = crate::clock::now();
        tx.execute(
            query(
                "INSERT INTO agreements (id, kind, parent_id, title, status, current_version, starts_on, ends_on, \
                 created_by_organisation_id, created_at, updated_at) VALUES ($1, $2, $3, $4, 'draft', 1, $5, $6, $7, $8, $8)",
            )
            .bind(id)
            .bind(kind.code())
            .bind(parent_id)
            .bind(&content.title)
            .bind(content.duration.starts_on)
            .bind(content.duration.ends_on)
            .bind(creator)
            .bind(now),
        )
        .await?;
        insert_version(&mut tx, id, 1, &content, None, None).await?;
        Self::write_parties(&mut tx, id, &content).await?;
        let a = self.load(&mut tx, id).await?;
        let others: Vec<Uuid> = parties.iter().copied().filter(|p| *p != creator).collect();
        ask_parties(&mut tx, &a, &others).await?;
        let parties = a.parties.iter().map(|p| p.organisation_id);
        crate::obligations::agreement_changed(&mut tx, a.id, &a.title, parties, &a.deadlines).await?;
        record(
            &mut tx,
            self.ctx,
            Event::new("agreement", id, "agreement.created")
                .by(Some(creator))
                .after(&a),
        )
        .await?;
        tx.commit().await?;
        Ok(a)
    }

    /// Replaces the content of a draft.
    pub async fn update_draft(&self, id: Uuid, content: AgreementContent) -> Result<Agreement> {
        let content = content.validate()?;
        let mut tx = self.store.pool.begin().await?;
        let before = self.load(&mut tx, id).await?;
        let old_parties: Vec<Uuid> = before.parties.iter().map(|p| p.organisation_id).collect();
        self.require_party_admin(&old_parties)?;
        if before.status != Status::Draft {
            return Err(StoreError::conflict(
                "agreement_not_draft",
                format!(
                    "La convention est {} : seul un brouillon se modifie ; passez par un avenant.",
                    before.status.label()
                ),
            ));
        }
        // The caller stays a party: a draft cannot be handed over to others entirely.
        let new_parties: Vec<Uuid> = content.parties.iter().map(|p| p.organisation_id).collect();
        self.require_party_admin(&new_parties)?;
        if !new_parties.contains(&before.created_by_organisation_id) {
            return Err(StoreError::conflict(
                "creator_party_required",
                "La structure qui a ouvert le brouillon en reste partie : elle ne peut pas en être retirée.",
            ));
        }
        let added: Vec<Uuid> = new_parties.into_iter().filter(|p| !old_parties.contains(p)).collect();
        refuse_declined(&mut tx, id, &content, &added).await?;
        let content = self.resolve(&mut tx, before.kind, content).await?;
        tx.execute(
            query("UPDATE agreement_versions SET content = $1 WHERE agreement_id = $2 AND number = $3")
                .bind(serde_json::to_value(&content).unwrap_or_default())
                .bind(id)
                .bind(before.current_version),
        )
        .await?;
        update_header(&mut tx, id, &content).await?;
        Self::write_parties(&mut tx, id, &content).await?;
        let after = self.load(&mut tx, id).await?;
        ask_parties(&mut tx, &after, &added).await?;
        let parties = after.parties.iter().map(|p| p.organisation_id);
        crate::obligations::agreement_changed(&mut tx, after.id, &after.title, parties, &after.deadlines).await?;
        record(
            &mut tx,
            self.ctx,
            Event::new("agreement", id, "agreement.draft_updated")
                .before(&before)
                .after(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Takes one step of the life cycle; the transition table decides, the change is journaled with its
    /// explanation.
    pub async fn act(&self, id: Uuid, act: Act) -> Result<(Agreement, Change)> {
        let on = plausible("on", act.on.unwrap_or_else(today), Span::Agreement)?;
        let mut tx = self.store.pool.begin().await?;
        let before = self.load(&mut tx, id).await?;
        let h = self.load_header(&mut tx, id).await?;
        let parties: Vec<Uuid> = before.parties.iter().map(|p| p.organisation_id).collect();
        let rule = lifecycle::allowed(h.status(on), act.action);
        let signer = match rule.map(|t| t.who) {
            Some(Who::SigningParty) => Some(self.signing_party(&act, &before)?),
            Some(Who::DecliningParty) => Some(self.declining_party(&act, &before)?),
            _ => {
                self.require_party_admin(&parties)?;
                None
            }
        };
        let list = checklist(
            before.kind,
            &before.content,
            Facts {
                has_parent: before.parent_id.is_some(),
            },
        );
        let request = Request {
            action: act.action,
            on,
            last_signature: before
                .parties
                .iter()
                .all(|p| p.signed_on.is_some() || Some(p.organisation_id) == signer),
            checklist_complete: list.is_complete(),
            notice_months: before.content.notice_months,
            dates: h.dates,
        };
        let change = lifecycle::apply(h.status(on), request).map_err(|e| {
            let message = match e.code {
                "checklist_incomplete" => format!(
                    "La convention ne peut pas être soumise à la signature ; il manque encore : {}",
                    list.missing_sentences().join(" ")
                ),
                _ => e.message,
            };
            StoreError::conflict(e.code, message)
        })?;
        let reason = act.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
        let mut lapse_cause = h.lapse_cause.clone();
        let mut terminates_on = h.dates.terminates_on;
        match act.action {
            Action::Sign => {
                tx.execute(
                    query("UPDATE agreement_parties SET signed_on = $1, signed_by_user_id = $2 WHERE agreement_id = $3 AND organisation_id = $4")
                        .bind(on)
                        .bind(self.ctx.user_id())
                        .bind(id)
                        .bind(signer),
                )
                .await?;
            }
            Action::Reopen => {
                tx.execute(
                    query("UPDATE agreement_parties SET signed_on = NULL, signed_by_user_id = NULL WHERE agreement_id = $1").bind(id),
                )
                .await?;
            }
            Action::Amend => {
                let reason = reason.ok_or_else(|| {
                    Invalid::new("amendment_reason_required", "Indiquez l'objet de l'avenant.").on("reason")
                })?;
                let content = act
                    .content
                    .clone()
                    .ok_or_else(|| {
                        Invalid::new(
                            "amendment_content_required",
                            "Un avenant porte le nouveau contenu de la convention.",
                        )
                        .on("content")
                    })?
                    .validate()?;
                keeps_parties(&before, &content)?;
                let content = self.resolve(&mut tx, before.kind, content).await?;
                let number = before.current_version + 1;
                insert_version(&mut tx, id, number, &content, Some(reason), Some(on)).await?;
                tx.execute(
                    query("UPDATE agreements SET current_version = $1 WHERE id = $2")
                        .bind(number)
                        .bind(id),
                )
                .await?;
                update_header(&mut tx, id, &content).await?;
                Self::write_parties(&mut tx, id, &content).await?;
            }
            Action::GiveNotice => terminates_on = Some(change.effective_on),
            Action::Decline => {
                if let Some(party) = signer {
                    withdraw(&mut tx, &before, party).await?;
                }
            }
            Action::Lapse => {
                lapse_cause = Some(
                    reason
                        .ok_or_else(|| Invalid::new("lapse_cause_required", "Indiquez la cause de la caducité (par exemple : la SIAE n'est plus conventionnée par l'État).").on("reason"))?
                        .to_owned(),
                );
            }
            _ => {}
        }
        tx.execute(
            query("UPDATE agreements SET status = $1, terminates_on = $2, lapse_cause = $3, updated_at = $4 WHERE id = $5")
                .bind(change.to.code())
                .bind(terminates_on)
                .bind(lapse_cause)
                .bind(crate::clock::now())
                .bind(id),
        )
        .await?;
        // A party that declined no longer sees the agreement; the journal and the answer show it as it is now.
        let operator = AccessContext::operator("décision d'une partie");
        let after = match act.action {
            Action::Decline => {
                AgreementScope {
                    store: self.store,
                    ctx: &operator,
                }
                .load(&mut tx, id)
                .await?
            }
            _ => self.load(&mut tx, id).await?,
        };
        let parties = after.parties.iter().map(|p| p.organisation_id);
        crate::obligations::agreement_changed(&mut tx, after.id, &after.title, parties, &after.deadlines).await?;
        record(
            &mut tx,
            self.ctx,
            Event::new("agreement", id, format!("agreement.{}", act.action.code()))
                .by(signer)
                .before(&before)
                .after(&serde_json::json!({ "agreement": &after, "explanation": &change.explanation })),
        )
        .await?;
        tx.commit().await?;
        Ok((after, change))
    }

    /// The party that declines: administered by the caller (named, or their only one), and not the one that
    /// started the agreement.
    fn declining_party(&self, act: &Act, a: &Agreement) -> Result<Uuid> {
        let mine: Vec<Uuid> = a
            .parties
            .iter()
            .map(|p| p.organisation_id)
            .filter(|p| {
                self.ctx.membership(*p).is_some_and(|m| m.role == MemberRole::Admin)
                    && act.organisation_id.is_none_or(|o| o == *p)
            })
            .collect();
        match mine.as_slice() {
            [one] if *one == a.created_by_organisation_id => Err(StoreError::conflict(
                "creator_cannot_decline",
                "Votre structure a ouvert cette convention : elle ne peut pas décliner d'y participer ; reprenez la \
                 rédaction ou laissez la convention en l'état.",
            )),
            [one] => Ok(*one),
            [] => Err(StoreError::forbidden(
                "not_party_representative",
                "Seul un administrateur de la structure partie peut décliner en son nom.",
            )),
            _ => Err(Invalid::new(
                "organisation_required",
                "Indiquez la structure au nom de laquelle vous déclinez.",
            )
            .on("organisation_id")
            .into()),
        }
    }

    /// The party a signature is given for: named by the caller (or their only party), not yet signed, and
    /// administered by the caller themselves (the platform does not sign for a party).
    fn signing_party(&self, act: &Act, a: &Agreement) -> Result<Uuid> {
        let mine: Vec<&Signatory> = a
            .parties
            .iter()
            .filter(|p| {
                self.ctx
                    .membership(p.organisation_id)
                    .is_some_and(|m| m.role == MemberRole::Admin)
            })
            .filter(|p| act.organisation_id.is_none_or(|o| o == p.organisation_id))
            .collect();
        let party = match mine.as_slice() {
            [one] => one,
            [] => {
                return Err(StoreError::forbidden(
                    "not_party_representative",
                    "Seul un administrateur de la structure partie peut signer en son nom.",
                ));
            }
            _ => {
                return Err(Invalid::new(
                    "organisation_required",
                    "Indiquez la structure au nom de laquelle vous signez.",
                )
                .on("organisation_id")
                .into());
            }
        };
        if party.signed_on.is_some() {
            return Err(StoreError::conflict(
                "already_signed",
                format!("{} a déjà signé.", party.organisation_name),
            ));
        }
        Ok(party.organisation_id)
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
            .bind(crate::clock::now()),
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
            .bind(crate::clock::now())
            .bind(id),
    )
    .await?;
    Ok(())
}

/// Tells each of `added` that it is named a party of `a`, and that it may decline.
async fn ask_parties(ex: &mut impl Executor, a: &Agreement, added: &[Uuid]) -> Result<()> {
    let message = format!(
        "Votre structure est désignée partie à « {} ». Relisez le projet : vous pourrez le signer une fois soumis, \
         ou décliner votre participation.",
        a.title
    );
    for party in added {
        notify(
            ex,
            *party,
            ("agreement", a.id),
            &message,
            &format!("/conventions/{}", a.id),
        )
        .await?;
    }
    Ok(())
}

/// Refuses to name again in agreement `id` a party that declined it (its `agreement.decline` event): asking
/// again and again is not consent. It may start a convention itself.
async fn refuse_declined(ex: &mut impl Executor, id: Uuid, c: &AgreementContent, added: &[Uuid]) -> Result<()> {
    if added.is_empty() {
        return Ok(());
    }
    let mut q = query(
        "SELECT organisation_id FROM events WHERE entity_type = 'agreement' AND entity_id = $1 \
         AND action = 'agreement.decline' AND",
    )
    .bind(id);
    crate::directory::push_in(&mut q, "organisation_id", added);
    let Some(row) = ex.fetch_optional(q).await? else {
        return Ok(());
    };
    let declined: Uuid = row.get("organisation_id")?;
    let name = c.party(declined).map_or("Cette structure", |p| p.name.as_str());
    Err(StoreError::conflict(
        "party_declined",
        format!(
            "{name} a décliné sa participation à cette convention : elle ne peut pas y être nommée de nouveau. \
             Elle peut ouvrir elle-même une convention."
        ),
    ))
}

/// Refuses an avenant that adds or removes a party: each party consented to the text it signed, and a new
/// party's consent is a new convention.
fn keeps_parties(a: &Agreement, content: &AgreementContent) -> Result<()> {
    let mut before: Vec<Uuid> = a.parties.iter().map(|p| p.organisation_id).collect();
    let mut after: Vec<Uuid> = content.parties.iter().map(|p| p.organisation_id).collect();
    before.sort();
    after.sort();
    if before == after {
        return Ok(());
    }
    Err(StoreError::conflict(
        "amendment_parties_changed",
        "Un avenant ne change pas les parties : chacune n'a consenti qu'au texte qu'elle a signé. Pour ajouter ou \
         retirer une partie, rédigez une nouvelle convention.",
    ))
}

/// Takes `party` out of `a` (content, parties), withdraws the signatures given to the text that named it, and
/// tells the party that started the agreement.
async fn withdraw(ex: &mut impl Executor, a: &Agreement, party: Uuid) -> Result<()> {
    let content = a.content.clone().without_party(party);
    ex.execute(
        query("UPDATE agreement_versions SET content = $1 WHERE agreement_id = $2 AND number = $3")
            .bind(serde_json::to_value(&content).unwrap_or_default())
            .bind(a.id)
            .bind(a.current_version),
    )
    .await?;
    AgreementScope::write_parties(ex, a.id, &content).await?;
    ex.execute(
        query("UPDATE agreement_parties SET signed_on = NULL, signed_by_user_id = NULL WHERE agreement_id = $1")
            .bind(a.id),
    )
    .await?;
    let name = a
        .parties
        .iter()
        .find(|p| p.organisation_id == party)
        .map_or("Une partie", |p| p.organisation_name.as_str());
    notify(
        ex,
        a.created_by_organisation_id,
        ("agreement", a.id),
        &format!(
            "{name} a décliné sa participation à « {} » : elle n'en est plus partie et la convention revient en \
             rédaction.",
            a.title
        ),
        &format!("/conventions/{}", a.id),
    )
    .await
}

/// An agreement from which access or lists may be derived.
pub(crate) struct Binding {
    pub id: Uuid,
    pub title: String,
    pub current_version: i64,
}

/// The agreements of `kind` to which one of `organisations` is a party and that bind their parties on `day`:
/// signed by every party and in force (under review or under notice included). A draft, or an agreement
/// awaiting a signature, opens nothing: this is the one way from an agreement to anything else. Latest start
/// first.
pub(crate) async fn binding(
    ex: &mut impl Executor,
    kind: AgreementKind,
    organisations: &[Uuid],
    day: Date,
) -> Result<Vec<Binding>> {
    if organisations.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = query(format!(
        "SELECT {COLUMNS} FROM agreements a WHERE a.kind = $1 AND NOT EXISTS (SELECT 1 FROM agreement_parties u \
         WHERE u.agreement_id = a.id AND u.signed_on IS NULL) AND EXISTS (SELECT 1 FROM agreement_parties p \
         WHERE p.agreement_id = a.id AND"
    ))
    .bind(kind.code());
    crate::directory::push_in(&mut q, "p.organisation_id", organisations);
    q.push_sql(") ORDER BY a.starts_on DESC, a.id");
    let mut out = Vec::new();
    for r in ex.fetch_all(q).await? {
        let h = header(&r)?;
        if h.status(day).binds() {
            out.push(Binding {
                id: h.id,
                title: h.title,
                current_version: h.current_version,
            });
        }
    }
    Ok(out)
}

/// The ESAT-SPE convention in force on `day` to which `esat_id` is a party, if any (the latest to start), with
/// its current content: the ESAT pathways take the actions planned for each worker situation from it.
pub(crate) async fn esat_spe_in_force(
    ex: &mut impl Executor,
    esat_id: Uuid,
    day: Date,
) -> Result<Option<(Uuid, String, AgreementContent)>> {
    let Some(b) = binding(ex, AgreementKind::EsatSpe, &[esat_id], day)
        .await?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let version = AgreementScope::load_version(ex, b.id, b.current_version).await?;
    Ok(Some((b.id, b.title, version.content)))
}

impl Store {
    /// Recomputes the deadlines of every agreement: those that depend on today (the next yearly review once
    /// one passed) move without any change to the agreement. Run by each scan; agreements are few.
    pub async fn refresh_agreement_obligations(&self) -> Result<u64> {
        let ctx = AccessContext::operator("échéances");
        let scope = self.agreements(&ctx);
        let list = scope.list().await?;
        let mut tx = self.pool.begin().await?;
        for summary in &list {
            let a = scope.get(summary.id).await?;
            let parties = a.parties.iter().map(|p| p.organisation_id);
            crate::obligations::agreement_changed(&mut tx, a.id, &a.title, parties, &a.deadlines).await?;
        }
        tx.commit().await?;
        Ok(list.len() as u64)
    }
}
