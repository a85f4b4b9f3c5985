//! Sign-in with ProConnect (docs/security.md, « ProConnect sign-in »): what is kept between the two legs of
//! the flow (the state's hash, the nonce, the PKCE verifier: ten minutes, spent once), and the sign-in itself:
//! an identity already linked opens its account; a first one is linked to the open account whose address is the
//! verified e-mail; any other waits for an administrator's invitation. Every outcome is journaled.

use super::{OpenedSession, SessionKind, now, open_session, token_hash};
use crate::Store;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, commit_with, record};
use crate::infra::sql::{Executor, query};
use passerelle_domain::invalid::Invalid;
use uuid::Uuid;

/// How long the provider may take to send the browser back.
pub const PENDING_SECS: i64 = 600;
/// Rows of sign-ins older than this are deleted at the next one.
const KEPT_SECS: i64 = 24 * 3600;

/// What the first leg kept for the second.
#[derive(Debug, Clone)]
pub struct PendingSignIn {
    pub nonce: String,
    pub pkce_verifier: String,
    /// The page of this site to land on.
    pub next_path: String,
}

/// A person as ProConnect vouched for them (the web crate checked the tokens).
#[derive(Debug, Clone, Copy)]
pub struct VouchedIdentity<'a> {
    pub subject: &'a str,
    /// Verified by the provider, folded to lower case.
    pub email: &'a str,
    pub siret: Option<&'a str>,
    pub id_token: &'a str,
}

/// The refusal of an identity that no open account has the address of.
pub const INVITATION_REQUIRED: &str = "proconnect_invitation_required";

/// The refusal of a return whose `state` this browser did not start, or that is used or expired.
pub fn state_invalid() -> StoreError {
    Invalid::new(
        "proconnect_state_invalid",
        "Cette connexion n'a pas été demandée depuis ce navigateur, a déjà servi ou a expiré : recommencez depuis \
         la page de connexion.",
    )
    .into()
}

impl Store {
    /// Keeps a sign-in sent to the provider under its `state`, until it comes back.
    pub async fn begin_proconnect(&self, state: &str, pending: &PendingSignIn) -> Result<()> {
        let t = now();
        let mut tx = self.pool.begin().await?;
        tx.execute(query("DELETE FROM proconnect_logins WHERE created_at < $1").bind(t - KEPT_SECS))
            .await?;
        tx.execute(
            query(
                "INSERT INTO proconnect_logins (state_hash, nonce, pkce_verifier, next_path, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(token_hash(state))
            .bind(&pending.nonce)
            .bind(&pending.pkce_verifier)
            .bind(&pending.next_path)
            .bind(t)
            .bind(t + PENDING_SECS),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Spends the sign-in kept under `state`, in the statement that checks it, so that of two uses at once one
    /// fails; an unknown, used or expired state is refused (`proconnect_state_invalid`).
    pub async fn take_proconnect(&self, state: &str) -> Result<PendingSignIn> {
        let t = now();
        let mut tx = self.pool.begin().await?;
        let row = tx
            .fetch_optional(
                query(
                    "UPDATE proconnect_logins SET used_at = $2 \
                     WHERE state_hash = $1 AND used_at IS NULL AND expires_at > $2 \
                     RETURNING nonce, pkce_verifier, next_path",
                )
                .bind(token_hash(state))
                .bind(t),
            )
            .await?;
        tx.commit().await?;
        let row = row.ok_or_else(state_invalid)?;
        Ok(PendingSignIn {
            nonce: row.get("nonce")?,
            pkce_verifier: row.get("pkce_verifier")?,
            next_path: row.get("next_path")?,
        })
    }

    /// Opens a web session for the account of `identity`: by its `sub` when linked; else, at its first sign-in,
    /// by the open account whose address is its verified e-mail, which it is then linked to. Decided in one
    /// write transaction, so that two first sign-ins at once link once. An identity without an account is
    /// refused ([`INVITATION_REQUIRED`]), the attempt journaled.
    pub async fn sign_in_with_proconnect(&self, identity: VouchedIdentity<'_>) -> Result<OpenedSession> {
        let t = now();
        let mut tx = self.pool.begin().await?;
        let linked = tx
            .fetch_optional(
                query(
                    "SELECT u.id FROM proconnect_identities p JOIN users u ON u.id = p.user_id \
                     WHERE p.subject = $1 AND u.archived_at IS NULL",
                )
                .bind(identity.subject),
            )
            .await?;
        let user_id: Uuid = match linked {
            Some(row) => row.get("id")?,
            None => {
                let account = tx
                    .fetch_optional(
                        query(
                            "SELECT u.id, p.subject FROM users u \
                             LEFT JOIN proconnect_identities p ON p.user_id = u.id \
                             WHERE u.email = $1 AND u.archived_at IS NULL",
                        )
                        .bind(identity.email),
                    )
                    .await?;
                // An account already linked to another identity is not taken over by a second one that claims
                // its address; nor is an archived one reopened.
                let Some(account) = account.filter(|a| a.get::<Option<String>>("subject").ok().flatten().is_none())
                else {
                    let ctx = self.operator_context("ProConnect");
                    let attempt = serde_json::json!({
                        "subject": identity.subject, "email": identity.email, "siret": identity.siret,
                    });
                    let event = Event::new("proconnect_identity", Uuid::new_v4(), "proconnect.refused").after(&attempt);
                    commit_with(tx, &ctx, event).await?;
                    return Err(Invalid::new(
                        INVITATION_REQUIRED,
                        format!(
                            "Aucun compte de Passerelle n'est ouvert à l'adresse {} : un administrateur de votre \
                             structure ou de la plateforme doit d'abord vous inviter. Votre tentative a été \
                             enregistrée.",
                            identity.email
                        ),
                    )
                    .into());
                };
                let user_id: Uuid = account.get("id")?;
                tx.execute(
                    query(
                        "INSERT INTO proconnect_identities (subject, user_id, linked_at, last_sign_in_at) \
                         VALUES ($1, $2, $3, $3)",
                    )
                    .bind(identity.subject)
                    .bind(user_id)
                    .bind(t),
                )
                .await?;
                let context = self
                    .context_of(&mut tx, user_id)
                    .await?
                    .ok_or(StoreError::BadCredentials)?;
                let link =
                    serde_json::json!({"subject": identity.subject, "email": identity.email, "siret": identity.siret});
                record(
                    &mut tx,
                    &context,
                    Event::new("user", user_id, "user.proconnect_linked").after(&link),
                )
                .await?;
                user_id
            }
        };
        tx.execute(
            query("UPDATE proconnect_identities SET last_sign_in_at = $2 WHERE subject = $1")
                .bind(identity.subject)
                .bind(t),
        )
        .await?;
        let context = self
            .context_of(&mut tx, user_id)
            .await?
            .ok_or(StoreError::BadCredentials)?;
        let session = open_session(
            &mut tx,
            context,
            SessionKind::Web,
            Some(identity.id_token),
            "proconnect",
        )
        .await?;
        tx.commit().await?;
        Ok(session)
    }
}
