//! Governance: committees that steer agreements and pathways, their meetings, the action items
//! of their decisions and of the steered agreements' roadmaps, and the mutual-knowledge actions.
//!
//! Access: a committee is seen by the users of its member organisations and of its secretary organisation
//! (404 for everyone else); the secretary manages it (members, meetings, invitations, attendance, minutes,
//! transmissions); member organisations propose agenda items, and deliberative members validate minutes.

pub mod actions;
pub mod committees;
pub mod meetings;
pub mod mutual_knowledge;

use crate::access::AccessContext;
use crate::infra::error::{Result, StoreError};
use crate::infra::sql::{Executor, Query, query};
use uuid::Uuid;

/// Restricts `q` (which selects from `committees c`) to the committees the caller may see.
fn restrict(q: &mut Query, ctx: &AccessContext) {
    if ctx.is_platform_admin() {
        return;
    }
    match ctx.user_id() {
        Some(user) => {
            let n = q.next_placeholder();
            q.push_bound(
                &format!(
                    " AND (c.secretary_organisation_id IN (SELECT organisation_id FROM memberships WHERE user_id = {{}}) \
                     OR c.id IN (SELECT cm.committee_id FROM committee_members cm JOIN memberships m \
                     ON m.organisation_id = cm.organisation_id WHERE m.user_id = ${n}))"
                ),
                user,
            );
        }
        None => q.push_sql(" AND 1 = 0"),
    }
}

/// What the caller may do in a committee they see.
#[derive(Debug, Clone, Copy)]
struct Standing {
    committee_id: Uuid,
    secretary_organisation_id: Uuid,
}

impl Standing {
    fn is_secretary(&self, ctx: &AccessContext) -> bool {
        ctx.is_platform_admin() || ctx.membership(self.secretary_organisation_id).is_some()
    }

    fn require_secretary(&self, ctx: &AccessContext) -> Result<()> {
        if self.is_secretary(ctx) {
            Ok(())
        } else {
            Err(StoreError::forbidden(
                "committee_secretary_only",
                "Seul le secrétariat du comité peut faire cela.",
            ))
        }
    }
}

/// The committee `id` if the caller may see it, else 404.
async fn standing(ex: &mut impl Executor, ctx: &AccessContext, id: Uuid) -> Result<Standing> {
    let mut q = query("SELECT c.id, c.secretary_organisation_id FROM committees c WHERE c.id = $1").bind(id);
    restrict(&mut q, ctx);
    let r = ex.fetch_optional(q).await?.ok_or(StoreError::not_found("comité"))?;
    Ok(Standing {
        committee_id: r.get("id")?,
        secretary_organisation_id: r.get("secretary_organisation_id")?,
    })
}

/// The committee of meeting `id` if the caller may see it, else 404 (the meeting's own 404).
async fn meeting_standing(ex: &mut impl Executor, ctx: &AccessContext, meeting_id: Uuid) -> Result<Standing> {
    let mut q = query(
        "SELECT c.id, c.secretary_organisation_id FROM meetings mt JOIN committees c ON c.id = mt.committee_id \
         WHERE mt.id = $1",
    )
    .bind(meeting_id);
    restrict(&mut q, ctx);
    let r = ex.fetch_optional(q).await?.ok_or(StoreError::not_found("réunion"))?;
    Ok(Standing {
        committee_id: r.get("id")?,
        secretary_organisation_id: r.get("secretary_organisation_id")?,
    })
}
