//! The IAE pages: offers, prescriptions and their referral sheets (both sides), notifications, the
//! prescription form, and a person's approval with its timeline and what may come next.

pub mod approval;
pub mod notifications;
pub mod offers;
pub mod referral;

use super::session::Visitor;
use passerelle_store::Membership;

fn siae_memberships(visitor: &Visitor) -> Vec<Membership> {
    visitor
        .ctx
        .memberships()
        .iter()
        .filter(|m| m.kind.is_siae())
        .cloned()
        .collect()
}
