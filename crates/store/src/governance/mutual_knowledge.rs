//! Mutual-knowledge actions between structures and the SPE (Questions incontournables ESAT – SPE; Accord régional BFC 2016 fiche action 2): visits,
//! webinars, information sessions, with their organisers and participant organisations, counted per period
//! for the indicators.

use crate::Store;
use crate::access::AccessContext;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::Event;
use crate::infra::idempotency::{IdempotencyKey, commit_created};
use crate::infra::sql::{Executor, query};
use passerelle_domain::calendar::check_year;
use passerelle_domain::invalid::Invalid;
use passerelle_domain::text::required;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Date;
use uuid::Uuid;

/// The kinds of action, with their French labels.
pub const KINDS: [(&str, &str); 5] = [
    ("visit", "Visite de structure"),
    ("webinar", "Webinaire"),
    ("information_session", "Réunion d'information"),
    ("immersion_day", "Journée d'immersion des équipes"),
    ("other", "Autre action d'interconnaissance"),
];

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MutualKnowledgeAction {
    pub id: Uuid,
    pub kind: String,
    pub kind_label: String,
    pub held_on: Date,
    pub topic: String,
    pub department: String,
    /// People who took part (all organisations together).
    pub participants: i64,
    pub organisers: Vec<String>,
    pub participant_organisations: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct NewMutualKnowledgeAction {
    pub kind: String,
    pub held_on: Date,
    pub topic: String,
    pub department: String,
    pub participants: i64,
    /// Organisations that organised it: at least one, the first being one of the caller's.
    pub organisers: Vec<Uuid>,
    pub participant_organisations: Vec<Uuid>,
}

/// Counts of actions held in a period, by kind (every kind present, zero included).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MutualKnowledgeCount {
    pub kind: String,
    pub kind_label: String,
    pub actions: i64,
    pub participants: i64,
}

fn kind_label(code: &str) -> Option<&'static str> {
    KINDS.iter().find(|(c, _)| *c == code).map(|(_, l)| *l)
}

impl NewMutualKnowledgeAction {
    fn checked(mut self, ctx: &AccessContext) -> Result<Self> {
        if kind_label(&self.kind).is_none() {
            return Err(Invalid::new(
                "mutual_knowledge_kind_unknown",
                format!("Le type d'action « {} » n'existe pas.", self.kind),
            )
            .on("kind")
            .into());
        }
        check_year(self.held_on).map_err(|e| e.on("held_on"))?;
        self.topic = required("topic", &self.topic, 300)?;
        self.department = required("department", &self.department, 3)?;
        if self.participants < 0 {
            return Err(Invalid::new(
                "participants_negative",
                "Le nombre de participants ne peut être négatif.",
            )
            .on("participants")
            .into());
        }
        match self.organisers.first() {
            None => {
                return Err(
                    Invalid::new("organiser_required", "Indiquez au moins une structure organisatrice.")
                        .on("organisers")
                        .into(),
                );
            }
            Some(first) if !ctx.is_platform_admin() && ctx.membership(*first).is_none() => {
                return Err(StoreError::forbidden(
                    "organiser_not_member",
                    "La première structure organisatrice doit être l'une des vôtres.",
                ));
            }
            Some(_) => {}
        }
        Ok(self)
    }
}

impl Store {
    pub async fn create_mutual_knowledge_action(
        &self,
        ctx: &AccessContext,
        new: NewMutualKnowledgeAction,
        key: Option<IdempotencyKey>,
    ) -> Result<MutualKnowledgeAction> {
        let new = new.checked(ctx)?;
        let id = Uuid::new_v4();
        let mut tx = self.pool.begin().await?;
        tx.execute(
            query(
                "INSERT INTO mutual_knowledge_actions (id, kind, held_on, topic, department, participants, \
                 created_by_organisation_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(new.kind.as_str())
            .bind(new.held_on)
            .bind(new.topic.as_str())
            .bind(new.department.as_str())
            .bind(new.participants)
            .bind(new.organisers[0])
            .bind(crate::infra::clock::now()),
        )
        .await?;
        let mut seen = Vec::new();
        let roles = new.organisers.iter().map(|o| (o, "organiser"));
        let roles = roles.chain(new.participant_organisations.iter().map(|o| (o, "participant")));
        for (i, (organisation, role)) in roles.enumerate() {
            if seen.contains(organisation) {
                continue;
            }
            seen.push(*organisation);
            let known = tx
                .fetch_optional(query("SELECT 1 AS one FROM organisations WHERE id = $1").bind(*organisation))
                .await?;
            if known.is_none() {
                return Err(
                    Invalid::new("organisation_unknown", "Cette structure n'existe pas dans l'annuaire.")
                        .on(format!("organisations[{i}]"))
                        .into(),
                );
            }
            tx.execute(
                query(
                    "INSERT INTO mutual_knowledge_organisations (action_id, organisation_id, role) VALUES ($1, $2, $3)",
                )
                .bind(id)
                .bind(*organisation)
                .bind(role),
            )
            .await?;
        }
        let event = Event::new("mutual_knowledge_action", id, "mutual_knowledge_action.recorded")
            .by(Some(new.organisers[0]))
            .after(
                &serde_json::json!({"kind": new.kind, "held_on": new.held_on, "topic": new.topic,
                "participants": new.participants}),
            );
        commit_created(tx, ctx, key.as_ref(), id, event).await?;
        self.mutual_knowledge_action(ctx, id).await
    }

    /// The actions the caller's organisations organised or took part in (all for a platform administrator),
    /// newest first.
    pub async fn mutual_knowledge_actions(&self, ctx: &AccessContext) -> Result<Vec<MutualKnowledgeAction>> {
        self.load_mutual_knowledge(ctx, None).await
    }

    pub async fn mutual_knowledge_action(&self, ctx: &AccessContext, id: Uuid) -> Result<MutualKnowledgeAction> {
        self.load_mutual_knowledge(ctx, Some(id))
            .await?
            .into_iter()
            .next()
            .ok_or(StoreError::not_found("action d'interconnaissance"))
    }

    async fn load_mutual_knowledge(&self, ctx: &AccessContext, id: Option<Uuid>) -> Result<Vec<MutualKnowledgeAction>> {
        let mut q = query(
            "SELECT a.id, a.kind, a.held_on, a.topic, a.department, a.participants, o.name, mo.role \
             FROM mutual_knowledge_actions a JOIN mutual_knowledge_organisations mo ON mo.action_id = a.id \
             JOIN organisations o ON o.id = mo.organisation_id WHERE 1 = 1",
        );
        if let Some(id) = id {
            q.push_bound(" AND a.id = {}", id);
        }
        if !ctx.is_platform_admin() {
            q.push_bound(
                " AND a.id IN (SELECT x.action_id FROM mutual_knowledge_organisations x JOIN memberships m \
                 ON m.organisation_id = x.organisation_id WHERE m.user_id = {})",
                ctx.user_id(),
            );
        }
        q.push_sql(" ORDER BY a.held_on DESC, a.id, mo.role, o.name");
        let rows = self.pool.clone().fetch_all(q).await?;
        let mut out: Vec<MutualKnowledgeAction> = Vec::new();
        for r in &rows {
            let id: Uuid = r.get("id")?;
            if out.last().is_none_or(|a| a.id != id) {
                let kind: String = r.get("kind")?;
                out.push(MutualKnowledgeAction {
                    id,
                    kind_label: kind_label(&kind).unwrap_or("Autre").to_owned(),
                    kind,
                    held_on: r.get("held_on")?,
                    topic: r.get("topic")?,
                    department: r.get("department")?,
                    participants: r.get("participants")?,
                    organisers: Vec::new(),
                    participant_organisations: Vec::new(),
                });
            }
            if let Some(a) = out.last_mut() {
                let name: String = r.get("name")?;
                match r.get::<String>("role")?.as_str() {
                    "organiser" => a.organisers.push(name),
                    _ => a.participant_organisations.push(name),
                }
            }
        }
        Ok(out)
    }

    /// How many actions were held from `from` to `to` (included), by kind, in `department` or everywhere:
    /// the figure the indicators of Accord régional BFC 2016 fiche 2 count. Aggregated figures, no access filter: they name
    /// nobody.
    pub async fn count_mutual_knowledge_actions(
        &self,
        from: Date,
        to: Date,
        department: Option<&str>,
    ) -> Result<Vec<MutualKnowledgeCount>> {
        let mut q = query(
            "SELECT kind, COUNT(*) AS n, CAST(COALESCE(SUM(participants), 0) AS BIGINT) AS p FROM mutual_knowledge_actions \
             WHERE held_on BETWEEN $1 AND $2",
        )
        .bind(from)
        .bind(to);
        if let Some(d) = department {
            q.push_bound(" AND department = {}", d);
        }
        q.push_sql(" GROUP BY kind");
        let mut counts: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for r in self.pool.clone().fetch_all(q).await? {
            counts.insert(r.get("kind")?, (r.get("n")?, r.get("p")?));
        }
        Ok(KINDS
            .iter()
            .map(|(code, label)| {
                let (actions, participants) = counts.get(*code).copied().unwrap_or_default();
                MutualKnowledgeCount {
                    kind: (*code).to_owned(),
                    kind_label: (*label).to_owned(),
                    actions,
                    participants,
                }
            })
            .collect())
    }
}
