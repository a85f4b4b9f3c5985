//! The access context: who acts, and through which organisations.
//!
//! Only the authentication layer ([`crate::auth`]) builds one, so holding an `AccessContext` proves that
//! the user was authenticated. Every repository method takes it and filters in SQL.

use passerelle_domain::directory::OrganisationKind;
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MemberRole {
    Member,
    Admin,
}

impl MemberRole {
    pub fn code(self) -> &'static str {
        match self {
            Self::Member => "member",
            Self::Admin => "admin",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "member" => Some(Self::Member),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Member => "membre",
            Self::Admin => "administrateur",
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Membership {
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub kind: OrganisationKind,
    pub department: String,
    pub role: MemberRole,
}

#[derive(Debug, Clone)]
pub struct AccessContext {
    actor: Actor,
    platform_admin: bool,
    memberships: Vec<Membership>,
}

#[derive(Debug, Clone)]
enum Actor {
    User {
        id: Uuid,
        email: String,
        display_name: String,
    },
    /// The command line, run by whoever operates the database (demo loading, imports).
    Operator { label: String },
    /// Someone without an account who opened a link sent to them (an immersion's signature link): named by the
    /// address the link was sent to.
    Link { label: String },
}

impl AccessContext {
    pub(crate) fn user(
        id: Uuid,
        email: String,
        display_name: String,
        platform_admin: bool,
        memberships: Vec<Membership>,
    ) -> Self {
        Self {
            actor: Actor::User {
                id,
                email,
                display_name,
            },
            platform_admin,
            memberships,
        }
    }

    pub(crate) fn operator(label: &str) -> Self {
        Self {
            actor: Actor::Operator {
                label: label.to_owned(),
            },
            platform_admin: true,
            memberships: Vec::new(),
        }
    }

    /// The holder of a link sent to `label` (an address and what the link is for): no organisation, no rights
    /// beyond what the link opens.
    pub(crate) fn link(label: String) -> Self {
        Self {
            actor: Actor::Link { label },
            platform_admin: false,
            memberships: Vec::new(),
        }
    }

    pub fn user_id(&self) -> Option<Uuid> {
        match &self.actor {
            Actor::User { id, .. } => Some(*id),
            Actor::Operator { .. } | Actor::Link { .. } => None,
        }
    }

    /// How the journal names the actor.
    pub fn actor_label(&self) -> String {
        match &self.actor {
            Actor::User { email, .. } => email.clone(),
            Actor::Operator { label } => format!("opérateur : {label}"),
            Actor::Link { label } => label.clone(),
        }
    }

    pub fn display_name(&self) -> &str {
        match &self.actor {
            Actor::User { display_name, .. } => display_name,
            Actor::Operator { label } | Actor::Link { label } => label,
        }
    }

    pub fn email(&self) -> Option<&str> {
        match &self.actor {
            Actor::User { email, .. } => Some(email),
            Actor::Operator { .. } | Actor::Link { .. } => None,
        }
    }

    pub fn is_platform_admin(&self) -> bool {
        self.platform_admin
    }

    pub fn memberships(&self) -> &[Membership] {
        &self.memberships
    }

    pub fn membership(&self, organisation_id: Uuid) -> Option<&Membership> {
        self.memberships.iter().find(|m| m.organisation_id == organisation_id)
    }

    pub fn is_admin_of(&self, organisation_id: Uuid) -> bool {
        self.platform_admin
            || self
                .membership(organisation_id)
                .is_some_and(|m| m.role == MemberRole::Admin)
    }

    /// The caller's organisations that may read the follow-up an ESAT shares with the SPE under an ESAT-SPE
    /// convention, with the worker's consent (the rule: `passerelle_domain::pathways::esat::sharing`).
    pub fn spe_sharing_organisations(&self) -> impl Iterator<Item = Uuid> + '_ {
        self.memberships
            .iter()
            .filter(|m| passerelle_domain::pathways::esat::sharing::receives_shared_follow_up(m.kind))
            .map(|m| m.organisation_id)
    }

    /// The organisation through which the user acts when none is named: their only one, or the first.
    pub fn default_organisation(&self) -> Option<&Membership> {
        self.memberships.first()
    }
}
