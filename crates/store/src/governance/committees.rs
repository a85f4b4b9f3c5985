//! Committees: kind, territory, the agreements they steer, members and their votes, secretary, and the
//! required frequency checked against the meetings held (RULES.md 5; Accord régional BFC 2016 article 3 and fiche 8; Journées nationales de l'emploi accompagné 2020).

use super::actions::{self, ActionItem};
use super::{Standing, restrict, standing};
use crate::Store;
use crate::access::AccessContext;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, record};
use crate::infra::idempotency::{IdempotencyKey, commit_created};
use crate::infra::sql::{Executor, Row, query};
use crate::today;
use passerelle_domain::explanation::Explanation;
use passerelle_domain::governance::{CommitteeKind, Frequency, FrequencyReport, MemberVote};
use passerelle_domain::invalid::Invalid;
use passerelle_domain::text::{optional, optional_email, required};
use serde::Serialize;
use time::Date;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Member {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub person_name: Option<String>,
    pub email: Option<String>,
    #[schema(example = "deliberative")]
    pub vote: MemberVote,
    #[schema(value_type = String)]
    pub vote_label: &'static str,
    /// Member by right (named by the texts) or invited.
    pub by_right: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SteeredAgreement {
    pub id: Uuid,
    pub title: String,
}

/// A meeting in a committee's list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeetingSummary {
    pub id: Uuid,
    pub held_on: Date,
    pub start_time: String,
    pub status: String,
    pub extraordinary: bool,
}

/// A committee as its members and secretary see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Committee {
    pub id: Uuid,
    #[schema(example = "cta")]
    pub kind: CommitteeKind,
    #[schema(value_type = String)]
    pub kind_label: &'static str,
    pub name: String,
    pub department: Option<String>,
    pub region: Option<String>,
    #[schema(example = "quarterly")]
    pub frequency: Frequency,
    #[schema(value_type = String)]
    pub frequency_label: &'static str,
    /// Days before a meeting by which the agenda and documents must be sent, when a text sets it.
    pub agenda_notice_days: Option<i64>,
    pub secretary_organisation_id: Uuid,
    pub secretary_name: String,
    pub agreements: Vec<SteeredAgreement>,
    pub members: Vec<Member>,
    pub meetings: Vec<MeetingSummary>,
    /// This year's and last year's meetings against the required frequency.
    #[schema(value_type = Vec<Object>)]
    pub frequency_reports: Vec<FrequencyReport>,
    /// The committee's name against the 2024 reform (decree 2024-560).
    #[schema(value_type = Option<Object>)]
    pub name_warning: Option<Explanation>,
    pub action_items: Vec<ActionItem>,
    /// The caller is its secretary (or a platform administrator).
    pub can_manage: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CommitteeSummary {
    pub id: Uuid,
    pub kind: CommitteeKind,
    #[schema(value_type = String)]
    pub kind_label: &'static str,
    pub name: String,
    pub department: Option<String>,
    pub secretary_name: String,
    pub next_meeting: Option<Date>,
}

/// A member to add.
#[derive(Debug, Clone)]
pub struct NewMember {
    pub organisation_id: Uuid,
    pub person_name: Option<String>,
    pub email: Option<String>,
    pub vote: MemberVote,
    pub by_right: bool,
}

/// A committee to create; `frequency` and `agenda_notice_days` default to the kind's.
#[derive(Debug, Clone)]
pub struct NewCommittee {
    pub kind: CommitteeKind,
    pub name: String,
    pub department: Option<String>,
    pub region: Option<String>,
    pub frequency: Option<Frequency>,
    pub agenda_notice_days: Option<i64>,
    pub secretary_organisation_id: Uuid,
    pub agreement_ids: Vec<Uuid>,
    pub members: Vec<NewMember>,
}

/// Parses a committee kind as the API and forms send it.
pub fn parse_kind(code: &str) -> Result<CommitteeKind, Invalid> {
    CommitteeKind::parse(code).ok_or_else(|| {
        Invalid::new(
            "committee_kind_unknown",
            format!("Le type de comité « {code} » n'existe pas."),
        )
        .on("kind")
    })
}

pub fn parse_frequency(code: &str) -> Result<Frequency, Invalid> {
    Frequency::parse(code).ok_or_else(|| {
        Invalid::new("frequency_unknown", format!("La fréquence « {code} » n'existe pas.")).on("frequency")
    })
}

pub fn parse_vote(code: &str, field: &str) -> Result<MemberVote, Invalid> {
    MemberVote::parse(code).ok_or_else(|| {
        Invalid::new(
            "vote_unknown",
            format!("La voix « {code} » n'existe pas : « deliberative » ou « consultative »."),
        )
        .on(field)
    })
}

impl NewMember {
    fn checked(mut self, field: &str) -> Result<Self, Invalid> {
        self.person_name = optional(&format!("{field}.person_name"), self.person_name.as_deref(), 200)?;
        self.email = optional_email(&format!("{field}.email"), self.email.as_deref())?;
        Ok(self)
    }
}

impl NewCommittee {
    fn checked(mut self) -> Result<Self, Invalid> {
        self.name = required("name", &self.name, 200)?;
        self.department = optional("department", self.department.as_deref(), 3)?;
        self.region = optional("region", self.region.as_deref(), 100)?;
        if let Some(days) = self.agenda_notice_days
            && !(1..=60).contains(&days)
        {
            return Err(Invalid::new(
                "agenda_notice_days_out_of_range",
                "Le délai d'envoi de l'ordre du jour doit être compris entre 1 et 60 jours.",
            )
            .on("agenda_notice_days"));
        }
        self.members = std::mem::take(&mut self.members)
            .into_iter()
            .enumerate()
            .map(|(i, m)| m.checked(&format!("members[{i}]")))
            .collect::<Result<_, _>>()?;
        Ok(self)
    }
}

fn member(r: &Row) -> Result<Member> {
    let vote = MemberVote::parse(&r.get::<String>("vote")?).unwrap_or(MemberVote::Consultative);
    Ok(Member {
        id: r.get("id")?,
        organisation_id: r.get("organisation_id")?,
        organisation_name: r.get("organisation_name")?,
        person_name: r.get("person_name")?,
        email: r.get("email")?,
        vote,
        vote_label: vote.label(),
        by_right: r.get("by_right")?,
    })
}

/// The members of a committee, deliberative first.
pub(crate) async fn members(ex: &mut impl Executor, committee_id: Uuid) -> Result<Vec<Member>> {
    ex.fetch_all(
        query(
            "SELECT cm.id, cm.organisation_id, o.name AS organisation_name, cm.person_name, cm.email, cm.vote, \
             cm.by_right FROM committee_members cm JOIN organisations o ON o.id = cm.organisation_id \
             WHERE cm.committee_id = $1 ORDER BY cm.vote DESC, o.name, cm.person_name, cm.id",
        )
        .bind(committee_id),
    )
    .await?
    .iter()
    .map(member)
    .collect()
}

async fn insert_member(ex: &mut impl Executor, committee_id: Uuid, m: &NewMember) -> Result<Uuid> {
    let exists = ex
        .fetch_optional(query("SELECT 1 AS one FROM organisations WHERE id = $1").bind(m.organisation_id))
        .await?;
    if exists.is_none() {
        return Err(
            Invalid::new("organisation_unknown", "Cette structure n'existe pas dans l'annuaire.")
                .on("organisation_id")
                .into(),
        );
    }
    let id = Uuid::new_v4();
    ex.execute(
        query(
            "INSERT INTO committee_members (id, committee_id, organisation_id, person_name, email, vote, by_right, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(committee_id)
        .bind(m.organisation_id)
        .bind(&m.person_name)
        .bind(&m.email)
        .bind(m.vote.code())
        .bind(m.by_right)
        .bind(crate::infra::clock::now()),
    )
    .await?;
    Ok(id)
}

impl Store {
    /// Creates a committee whose secretary is one of the caller's organisations; the roadmaps of the
    /// agreements it steers become its action items.
    pub async fn create_committee(
        &self,
        ctx: &AccessContext,
        new: NewCommittee,
        key: Option<IdempotencyKey>,
    ) -> Result<Committee> {
        let new = new.checked()?;
        if !ctx.is_platform_admin() && ctx.membership(new.secretary_organisation_id).is_none() {
            return Err(StoreError::forbidden(
                "committee_secretary_not_member",
                "Le secrétariat du comité doit être l'une de vos structures.",
            ));
        }
        // Each steered agreement must be one the caller sees (404 otherwise, as for a direct read).
        let mut steered = Vec::new();
        for id in &new.agreement_ids {
            steered.push(self.agreements(ctx).get(*id).await?);
        }
        let id = Uuid::new_v4();
        let frequency = new.frequency.unwrap_or(new.kind.default_frequency());
        let notice = new
            .agenda_notice_days
            .or(new.kind.default_agenda_notice_days().map(i64::from));
        let mut tx = self.pool.begin().await?;
        tx.execute(
            query(
                "INSERT INTO committees (id, kind, name, department, region, frequency, agenda_notice_days, \
                 secretary_organisation_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id)
            .bind(new.kind.code())
            .bind(new.name.as_str())
            .bind(&new.department)
            .bind(&new.region)
            .bind(frequency.code())
            .bind(notice)
            .bind(new.secretary_organisation_id)
            .bind(crate::infra::clock::now()),
        )
        .await?;
        for a in &steered {
            tx.execute(
                query("INSERT INTO committee_agreements (committee_id, agreement_id) VALUES ($1, $2)")
                    .bind(id)
                    .bind(a.id),
            )
            .await?;
            actions::import_roadmap(&mut tx, id, new.secretary_organisation_id, a).await?;
        }
        for m in &new.members {
            insert_member(&mut tx, id, m).await?;
        }
        let event = Event::new("committee", id, "committee.created")
            .by(Some(new.secretary_organisation_id))
            .after(&serde_json::json!({"kind": new.kind.code(), "name": new.name, "frequency": frequency.code()}));
        commit_created(tx, ctx, key.as_ref(), id, event).await?;
        self.committee(ctx, id).await
    }

    /// Adds a member (the secretary).
    pub async fn add_committee_member(&self, ctx: &AccessContext, id: Uuid, new: NewMember) -> Result<Committee> {
        let new = new.checked("member")?;
        let mut tx = self.pool.begin().await?;
        let s = standing(&mut tx, ctx, id).await?;
        s.require_secretary(ctx)?;
        let member_id = insert_member(&mut tx, id, &new).await?;
        record(
            &mut tx,
            ctx,
            Event::new("committee", id, "committee.member_added")
                .by(Some(s.secretary_organisation_id))
                .after(
                    &serde_json::json!({"member_id": member_id, "organisation_id": new.organisation_id,
                    "vote": new.vote.code(), "by_right": new.by_right}),
                ),
        )
        .await?;
        tx.commit().await?;
        self.committee(ctx, id).await
    }

    /// The committees the caller sees, by name.
    pub async fn committees(&self, ctx: &AccessContext) -> Result<Vec<CommitteeSummary>> {
        let mut q = query(
            "SELECT c.id, c.kind, c.name, c.department, o.name AS secretary_name, \
             (SELECT MIN(mt.held_on) FROM meetings mt WHERE mt.committee_id = c.id AND mt.status = 'planned' \
             AND mt.held_on >= $1) AS next_meeting \
             FROM committees c JOIN organisations o ON o.id = c.secretary_organisation_id WHERE 1 = 1",
        )
        .bind(today());
        restrict(&mut q, ctx);
        q.push_sql(" ORDER BY c.name, c.id");
        let rows = self.pool.clone().fetch_all(q).await?;
        rows.iter()
            .map(|r| {
                let kind = CommitteeKind::parse(&r.get::<String>("kind")?).unwrap_or(CommitteeKind::Other);
                Ok(CommitteeSummary {
                    id: r.get("id")?,
                    kind,
                    kind_label: kind.label(),
                    name: r.get("name")?,
                    department: r.get("department")?,
                    secretary_name: r.get("secretary_name")?,
                    next_meeting: r.get("next_meeting")?,
                })
            })
            .collect()
    }

    /// One committee with its members, meetings, frequency status and action items.
    pub async fn committee(&self, ctx: &AccessContext, id: Uuid) -> Result<Committee> {
        let mut db = self.pool.clone();
        let s = standing(&mut db, ctx, id).await?;
        load(&mut db, ctx, s).await
    }
}

async fn load(ex: &mut impl Executor, ctx: &AccessContext, s: Standing) -> Result<Committee> {
    let id = s.committee_id;
    let r = ex
        .fetch_one(
            query(
                "SELECT c.kind, c.name, c.department, c.region, c.frequency, c.agenda_notice_days, \
                 c.secretary_organisation_id, o.name AS secretary_name FROM committees c \
                 JOIN organisations o ON o.id = c.secretary_organisation_id WHERE c.id = $1",
            )
            .bind(id),
        )
        .await?;
    let kind = CommitteeKind::parse(&r.get::<String>("kind")?).unwrap_or(CommitteeKind::Other);
    let frequency = Frequency::parse(&r.get::<String>("frequency")?).unwrap_or(Frequency::AsNeeded);
    let agreements = ex
        .fetch_all(
            query(
                "SELECT a.id, a.title FROM committee_agreements ca JOIN agreements a ON a.id = ca.agreement_id \
                 WHERE ca.committee_id = $1 ORDER BY a.title",
            )
            .bind(id),
        )
        .await?
        .iter()
        .map(|r| {
            Ok(SteeredAgreement {
                id: r.get("id")?,
                title: r.get("title")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let meetings = ex
        .fetch_all(
            query(
                "SELECT id, held_on, start_time, status, extraordinary FROM meetings WHERE committee_id = $1 \
                 ORDER BY held_on DESC, start_time DESC",
            )
            .bind(id),
        )
        .await?
        .iter()
        .map(|r| {
            Ok(MeetingSummary {
                id: r.get("id")?,
                held_on: r.get("held_on")?,
                start_time: r.get("start_time")?,
                status: r.get("status")?,
                extraordinary: r.get("extraordinary")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let today = today();
    // A meeting counts once held; a planned one in the past not yet marked held counts too (its minutes
    // may come later), a cancelled one never does.
    let held: Vec<Date> = meetings
        .iter()
        .filter(|m| m.status == "held" || (m.status == "planned" && m.held_on <= today))
        .map(|m| m.held_on)
        .collect();
    let frequency_reports = [today.year(), today.year() - 1]
        .into_iter()
        .map(|year| frequency.check(&held, year, today))
        .collect();
    let name_warning = kind.name_warning(today);
    Ok(Committee {
        id,
        kind,
        kind_label: kind.label(),
        name: r.get("name")?,
        department: r.get("department")?,
        region: r.get("region")?,
        frequency,
        frequency_label: frequency.label(),
        agenda_notice_days: r.get("agenda_notice_days")?,
        secretary_organisation_id: r.get("secretary_organisation_id")?,
        secretary_name: r.get("secretary_name")?,
        agreements,
        members: members(ex, id).await?,
        meetings,
        frequency_reports,
        name_warning,
        action_items: actions::of_committee(ex, id, today).await?,
        can_manage: s.is_secretary(ctx),
    })
}
