//! The agreements that bind their parties: the one way from an agreement to what other areas derive from it.

use super::{AgreementScope, COLUMNS, header};
use crate::infra::error::Result;
use crate::infra::sql::{Executor, query};
use passerelle_domain::agreements::{AgreementContent, AgreementKind};
use time::Date;
use uuid::Uuid;

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

/// The ESAT-SPE conventions in force on `day` to which `esat_id` is a party, latest start first, each with its
/// current content. An ESAT may hold one with each SPE party (France Travail, Cap emploi, Mission locale: seed
/// 000, questions 2-3 and 10): the ESAT pathways take the actions planned for each worker situation from all of
/// them.
pub(crate) async fn esat_spe_in_force(
    ex: &mut impl Executor,
    esat_id: Uuid,
    day: Date,
) -> Result<Vec<(Uuid, String, AgreementContent)>> {
    let mut out = Vec::new();
    for b in binding(ex, AgreementKind::EsatSpe, &[esat_id], day).await? {
        let version = AgreementScope::load_version(ex, b.id, b.current_version).await?;
        out.push((b.id, b.title, version.content));
    }
    Ok(out)
}
