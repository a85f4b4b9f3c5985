//! The optional second factor of an account (TOTP, RFC 6238): enrolment confirmed by a first code, refusal of
//! a code already used, and the check at login (called from [`crate::auth`]). Recommended for administrators
//! (docs/reliability.md); any account may turn it on.

use crate::Store;
use crate::access::AccessContext;
use crate::error::{Result, StoreError};
use crate::events::{Event, commit_with};
use crate::sql::{Executor, query};
use passerelle_domain::totp;
use rand::RngCore;
use time::OffsetDateTime;
use uuid::Uuid;

/// Where an account stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecondFactor {
    Off,
    /// A secret was generated and waits for its first code; shown again until confirmed.
    Enrolling {
        secret: Vec<u8>,
    },
    On,
}

fn user(ctx: &AccessContext) -> Result<Uuid> {
    ctx.user_id()
        .ok_or_else(|| StoreError::forbidden("account_required", "Réservé aux comptes nominatifs."))
}

fn decode(secret: &str) -> Result<Vec<u8>> {
    totp::base32_decode(secret).ok_or_else(|| StoreError::conflict("second_factor_corrupt", "Clé illisible."))
}

/// The step matched by `code` for `secret`, refusing steps up to `last_step` (replay).
pub(crate) fn accepted_step(secret: &str, code: &str, last_step: Option<i64>) -> Result<Option<i64>> {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    Ok(totp::verify(&decode(secret)?, code, now).filter(|step| last_step.is_none_or(|last| *step > last)))
}

fn invalid_code() -> StoreError {
    StoreError::SecondFactorInvalid
}

impl Store {
    pub async fn second_factor(&self, ctx: &AccessContext) -> Result<SecondFactor> {
        let id = user(ctx)?;
        let mut db = self.pool.clone();
        let row = db
            .fetch_one(query("SELECT totp_pending, totp_secret FROM users WHERE id = $1").bind(id))
            .await?;
        if row.get::<Option<String>>("totp_secret")?.is_some() {
            return Ok(SecondFactor::On);
        }
        Ok(match row.get::<Option<String>>("totp_pending")? {
            Some(pending) => SecondFactor::Enrolling {
                secret: decode(&pending)?,
            },
            None => SecondFactor::Off,
        })
    }

    /// Generates a new secret to enrol (replacing one not yet confirmed).
    pub async fn start_second_factor(&self, ctx: &AccessContext) -> Result<Vec<u8>> {
        let id = user(ctx)?;
        if self.second_factor(ctx).await? == SecondFactor::On {
            return Err(StoreError::conflict(
                "second_factor_on",
                "La double authentification est déjà activée : désactivez-la d'abord pour changer de clé.",
            ));
        }
        let mut secret = vec![0u8; totp::SECRET_LEN];
        rand::rng().fill_bytes(&mut secret);
        let mut tx = self.pool.begin().await?;
        tx.execute(
            query("UPDATE users SET totp_pending = $1 WHERE id = $2")
                .bind(totp::base32_encode(&secret))
                .bind(id),
        )
        .await?;
        commit_with(tx, ctx, Event::new("user", id, "second_factor.enrolment_started")).await?;
        Ok(secret)
    }

    /// Turns the second factor on with a first code from the application.
    pub async fn confirm_second_factor(&self, ctx: &AccessContext, code: &str) -> Result<()> {
        let id = user(ctx)?;
        let mut tx = self.pool.begin().await?;
        let row = tx
            .fetch_one(query("SELECT totp_pending FROM users WHERE id = $1").bind(id))
            .await?;
        let Some(pending) = row.get::<Option<String>>("totp_pending")? else {
            return Err(StoreError::conflict(
                "second_factor_not_enrolling",
                "Aucune clé en attente : commencez par « Activer la double authentification ».",
            ));
        };
        let step = accepted_step(&pending, code, None)?.ok_or_else(invalid_code)?;
        tx.execute(
            query(
                "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = $1 WHERE id = $2",
            )
            .bind(step)
            .bind(id),
        )
        .await?;
        commit_with(tx, ctx, Event::new("user", id, "second_factor.enabled")).await
    }

    /// Turns the second factor off; a current code is required, so that a stolen session cannot do it.
    pub async fn disable_second_factor(&self, ctx: &AccessContext, code: &str) -> Result<()> {
        let id = user(ctx)?;
        let mut tx = self.pool.begin().await?;
        let row = tx
            .fetch_one(query("SELECT totp_secret, totp_last_step FROM users WHERE id = $1").bind(id))
            .await?;
        let Some(secret) = row.get::<Option<String>>("totp_secret")? else {
            return Err(StoreError::conflict(
                "second_factor_off",
                "La double authentification n'est pas activée.",
            ));
        };
        accepted_step(&secret, code, row.get("totp_last_step")?)?.ok_or_else(invalid_code)?;
        tx.execute(
            query("UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL WHERE id = $1")
                .bind(id),
        )
        .await?;
        commit_with(tx, ctx, Event::new("user", id, "second_factor.disabled")).await
    }
}
