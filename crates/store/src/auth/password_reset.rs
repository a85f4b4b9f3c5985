//! Password reset (docs/security.md, « Password reset »): on request, a link e-mailed through the outbox, valid
//! one hour and spent once; the request answers the same whether or not an account exists. Using the link sets
//! a new password (same policy and hashing as account creation) and closes every session of the account.

use super::{check_password_policy, hash_password, now, random_token, token_hash};
use crate::Store;
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, record};
use crate::infra::outbox::{OutgoingMail, enqueue};
use crate::infra::sql::{Executor, query};
use passerelle_domain::invalid::Invalid;
use passerelle_domain::text;
use uuid::Uuid;

/// How long a link opens the page that sets a new password.
pub const RESET_LINK_SECS: i64 = 3600;
/// The page a link opens; the token follows in the `jeton` parameter.
pub const RESET_PATH: &str = "/mot-de-passe/nouveau";
/// Rows older than this are deleted at the next request: long enough to tell a used or expired link from an
/// unknown one the same day, short enough to keep nothing lasting.
const KEPT_SECS: i64 = 24 * 3600;

/// Requests and uses are counted by the login attempt counter under sources of their own, so that asking for
/// a link never uses up the owner's login attempts (nor the reverse).
fn request_source(source: &str) -> String {
    format!("password-reset:{source}")
}

/// The uses of links are counted per source address under this name: what is guessed is the token, not an
/// e-mail address.
const LINK_ATTEMPTS: &str = "(lien de réinitialisation)";

/// Why a link does not open the page: each answer says what to do.
fn refused(code: &'static str) -> StoreError {
    let message = match code {
        "reset_link_expired" => {
            "Ce lien a expiré : il n'est valable qu'une heure. Demandez un nouveau lien depuis la page de connexion, \
             « Mot de passe oublié »."
        }
        "reset_link_used" => {
            "Ce lien a déjà servi : il ne peut être utilisé qu'une fois. Connectez-vous avec votre nouveau mot de \
             passe, ou demandez un nouveau lien depuis la page de connexion, « Mot de passe oublié »."
        }
        _ => {
            "Ce lien n'est pas valable : vérifiez qu'il a été copié en entier, ou demandez un nouveau lien depuis \
             la page de connexion, « Mot de passe oublié »."
        }
    };
    Invalid::new(code, message).into()
}

impl Store {
    /// Asks for a reset link for `email`, from `source` (the client's address). Counted like a login before
    /// anything is looked up; a malformed address is refused. When an open account has this address, a link
    /// to `public_url` + [`RESET_PATH`] is queued in the outbox with the journaled request, and `true` is
    /// returned; the visitor must be told the same either way.
    pub async fn request_password_reset(&self, email: &str, source: &str, public_url: &str) -> Result<bool> {
        let email = text::email("email", email)?;
        let t = now();
        self.count_attempt(&email, &request_source(source), t).await?;
        let mut tx = self.pool.begin().await?;
        tx.execute(query("DELETE FROM password_resets WHERE created_at <= $1").bind(t - KEPT_SECS))
            .await?;
        let user = tx
            .fetch_optional(query("SELECT id FROM users WHERE email = $1 AND archived_at IS NULL").bind(&email))
            .await?;
        let Some(user) = user else {
            tx.commit().await?;
            return Ok(false);
        };
        let user_id: Uuid = user.get("id")?;
        let Some(context) = self.context_of(&mut tx, user_id).await? else {
            return Ok(false);
        };
        let token = random_token();
        let hash = token_hash(&token);
        tx.execute(
            query("INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(&hash)
                .bind(user_id)
                .bind(t)
                .bind(t + RESET_LINK_SECS),
        )
        .await?;
        let link = format!("{}{RESET_PATH}?jeton={token}", public_url.trim_end_matches('/'));
        let mail = OutgoingMail {
            dedupe_key: format!("password-reset:{hash}"),
            to: email,
            subject: "Passerelle : choisir un nouveau mot de passe".to_owned(),
            text: format!(
                "Bonjour {},\n\nUne demande de nouveau mot de passe a été faite pour votre compte Passerelle. Pour \
                 choisir votre nouveau mot de passe, ouvrez ce lien dans l'heure qui suit :\n\n{link}\n\nLe lien ne \
                 sert qu'une fois. Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot \
                 de passe actuel reste valable.\n",
                context.display_name()
            ),
            attachment: None,
        };
        enqueue(&mut tx, &mail, crate::infra::clock::now()).await?;
        record(
            &mut tx,
            &context,
            Event::new("user", user_id, "user.password_reset_requested"),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Whether `token` still opens the page that sets a new password; otherwise the French reason
    /// (`reset_link_expired`, `reset_link_used`, `reset_link_unknown`).
    pub async fn check_password_reset(&self, token: &str) -> Result<()> {
        let row = self
            .pool
            .clone()
            .fetch_optional(
                query("SELECT expires_at, used_at FROM password_resets WHERE token_hash = $1").bind(token_hash(token)),
            )
            .await?;
        let Some(row) = row else {
            return Err(refused("reset_link_unknown"));
        };
        if row.get::<Option<i64>>("used_at")?.is_some() {
            return Err(refused("reset_link_used"));
        }
        if row.get::<i64>("expires_at")? <= now() {
            return Err(refused("reset_link_expired"));
        }
        Ok(())
    }

    /// Sets `password` on the account of the link `token`, from `source`: the use is counted like a login, the
    /// link checked, the password held to the policy (a refused one leaves the link unspent), then in one
    /// transaction the link and every other open link of the account are spent, the password replaced, every
    /// session of the account closed, the owner told by e-mail and the change journaled.
    pub async fn reset_password(&self, token: &str, password: &str, source: &str) -> Result<()> {
        self.count_attempt(LINK_ATTEMPTS, &request_source(source), now())
            .await?;
        self.check_password_reset(token).await?;
        check_password_policy(password)?;
        let hash = hash_password(password).await?;
        let t = now();
        let mut tx = self.pool.begin().await?;
        // Spent in the statement that checks it: of two uses at once, one finds it already spent.
        let spent = tx
            .fetch_optional(
                query(
                    "UPDATE password_resets SET used_at = $1 \
                     WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
                )
                .bind(t)
                .bind(token_hash(token)),
            )
            .await?;
        let Some(spent) = spent else {
            return Err(refused("reset_link_used"));
        };
        let user_id: Uuid = spent.get("user_id")?;
        let context = self
            .context_of(&mut tx, user_id)
            .await?
            .ok_or_else(|| refused("reset_link_unknown"))?;
        tx.execute(
            query("UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
                .bind(t)
                .bind(user_id),
        )
        .await?;
        tx.execute(
            query("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(hash)
                .bind(user_id),
        )
        .await?;
        let closed = tx
            .execute(query("DELETE FROM sessions WHERE user_id = $1").bind(user_id))
            .await?;
        // The owner learns of the change even when someone else made it (a mailbox read by another).
        if let Some(email) = context.email() {
            let mail = OutgoingMail {
                dedupe_key: format!("password-changed:{}", token_hash(token)),
                to: email.to_owned(),
                subject: "Passerelle : votre mot de passe a été modifié".to_owned(),
                text: format!(
                    "Bonjour {},\n\nLe mot de passe de votre compte Passerelle vient d'être modifié par le lien de \
                     réinitialisation, et toutes les sessions ouvertes ont été fermées. Si vous n'êtes pas à \
                     l'origine de ce changement, demandez un nouveau mot de passe depuis la page de connexion, « Mot \
                     de passe oublié », et prévenez l'administrateur de votre structure.\n",
                    context.display_name()
                ),
                attachment: None,
            };
            enqueue(&mut tx, &mail, crate::infra::clock::now()).await?;
        }
        record(
            &mut tx,
            &context,
            Event::new("user", user_id, "user.password_reset").after(&serde_json::json!({ "sessions_closed": closed })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
