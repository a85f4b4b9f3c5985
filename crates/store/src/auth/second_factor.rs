//! The optional second factor of an account (TOTP, RFC 6238): enrolment confirmed by a first code, refusal of
//! a code already used, recovery codes accepted once each in place of a code, and the check at login (called
//! from [`crate::auth`]). Recommended for administrators (docs/reliability.md); any account may turn it on.

use crate::Store;
use crate::access::AccessContext;
use crate::auth::{SECOND_FACTOR_SOURCE, reset_attempts, token_hash};
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, commit_with, record};
use crate::infra::sql::{Executor, Tx, query};
use passerelle_domain::totp;
use rand::{Rng, RngCore};
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
    On {
        /// Recovery codes not used yet.
        recovery_codes_left: i64,
    },
}

fn user(ctx: &AccessContext) -> Result<Uuid> {
    ctx.user_id()
        .ok_or_else(|| StoreError::forbidden("account_required", "Réservé aux comptes nominatifs."))
}

fn decode(secret: &str) -> Result<Vec<u8>> {
    totp::base32_decode(secret).ok_or_else(|| StoreError::conflict("second_factor_corrupt", "Clé illisible."))
}

/// The step matched by `code` for `secret`, refusing steps up to `last_step` (replay).
fn accepted_step(secret: &str, code: &str, last_step: Option<i64>) -> Result<Option<i64>> {
    // The code follows the wall clock of the user's phone, not the server's (which a demo may start at another day).
    let now = OffsetDateTime::now_utc().unix_timestamp();
    Ok(totp::verify(&decode(secret)?, code, now).filter(|step| last_step.is_none_or(|last| *step > last)))
}

/// Recovery codes are kept as SHA-256 hashes, as session tokens are, not with argon2 as passwords: they are
/// drawn at random (about 59 bits each), so no dictionary applies and guessing one online meets the login
/// lockout; a slow hash would only slow an offline attack on a copy of the database, which already holds the
/// TOTP key itself (it must, to check codes). The hash keeps the codes from being read and typed from a backup
/// or a database screen. One fast hash also lets the login find a code by equality, not by ten slow checks.
fn recovery_hash(code: &str) -> String {
    token_hash(code)
}

/// What a typed code proves, before it is spent in the login's (or change's) transaction.
pub(crate) enum Proof {
    /// A TOTP code of this step.
    Step(i64),
    /// A recovery code not yet used, by its hash.
    Recovery(String),
}

/// What `code` proves for the account `user` whose key is `secret`: a recovery code not yet used, or a TOTP
/// code of a step after `last_step`.
pub(crate) async fn check_code(
    db: &mut impl Executor,
    user: Uuid,
    secret: &str,
    last_step: Option<i64>,
    code: &str,
) -> Result<Option<Proof>> {
    if let Some(recovery) = totp::recovery_code_normalise(code) {
        let hash = recovery_hash(&recovery);
        let unused = db
            .fetch_optional(
                query("SELECT 1 AS one FROM recovery_codes WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL")
                    .bind(user)
                    .bind(&hash),
            )
            .await?;
        return Ok(unused.map(|_| Proof::Recovery(hash)));
    }
    Ok(accepted_step(secret, code, last_step)?.map(Proof::Step))
}

/// Spends `proof` in `tx`: only a later step, or a code still unused, wins, so that two requests racing on one
/// code cannot both pass. A recovery code used is journaled (the account holder may not know it was).
pub(crate) async fn spend(tx: &mut Tx, ctx: &AccessContext, user: Uuid, proof: Proof) -> Result<()> {
    let spent = match &proof {
        Proof::Step(step) => {
            tx.execute(
                query(
                    "UPDATE users SET totp_last_step = $1 \
                     WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
                )
                .bind(*step)
                .bind(user),
            )
            .await?
        }
        Proof::Recovery(hash) => {
            tx.execute(
                query(
                    "UPDATE recovery_codes SET used_at = $1 \
                     WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
                )
                .bind(crate::infra::clock::now().unix_timestamp())
                .bind(user)
                .bind(hash),
            )
            .await?
        }
    };
    if spent == 0 {
        return Err(StoreError::SecondFactorInvalid);
    }
    if let Proof::Recovery(_) = proof {
        record(tx, ctx, Event::new("user", user, "second_factor.recovery_code_used")).await?;
    }
    Ok(())
}

/// Replaces the account's recovery codes by new ones, returned as shown (groups of four): they are only kept
/// hashed, so this is the one time they can be read.
async fn new_recovery_codes(tx: &mut Tx, user: Uuid) -> Result<Vec<String>> {
    tx.execute(query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user))
        .await?;
    // Drawn before any await: the thread's generator cannot move between threads.
    let drawn: Vec<String> = {
        let mut rng = rand::rng();
        (0..totp::RECOVERY_CODES)
            .map(|_| {
                (0..totp::RECOVERY_CODE_LEN)
                    .map(|_| totp::RECOVERY_ALPHABET[rng.random_range(0..totp::RECOVERY_ALPHABET.len())] as char)
                    .collect()
            })
            .collect()
    };
    let mut codes = Vec::with_capacity(drawn.len());
    for code in drawn {
        tx.execute(
            query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                .bind(user)
                .bind(recovery_hash(&code)),
        )
        .await?;
        codes.push(totp::in_groups_of_four(&code, "-"));
    }
    Ok(codes)
}

/// The key and last step of an account whose second factor is on, read in `tx`.
async fn enabled_key(tx: &mut Tx, user: Uuid) -> Result<(String, Option<i64>)> {
    let row = tx
        .fetch_one(query("SELECT totp_secret, totp_last_step FROM users WHERE id = $1").bind(user))
        .await?;
    let Some(secret) = row.get::<Option<String>>("totp_secret")? else {
        return Err(StoreError::conflict(
            "second_factor_off",
            "La double authentification n'est pas activée.",
        ));
    };
    Ok((secret, row.get("totp_last_step")?))
}

/// Checks and spends a current code (TOTP or recovery) of `user` in `tx`, for a change to the second factor;
/// the attempt was counted by [`Store::begin_change`].
async fn prove(tx: &mut Tx, ctx: &AccessContext, user: Uuid, code: &str) -> Result<()> {
    let (secret, last_step) = enabled_key(tx, user).await?;
    let proof = check_code(tx, user, &secret, last_step, code)
        .await?
        .ok_or(StoreError::SecondFactorInvalid)?;
    spend(tx, ctx, user, proof).await?;
    reset_attempts(tx, account_email(ctx)?, SECOND_FACTOR_SOURCE).await
}

fn account_email(ctx: &AccessContext) -> Result<&str> {
    ctx.email()
        .ok_or_else(|| StoreError::forbidden("account_required", "Réservé aux comptes nominatifs."))
}

impl Store {
    /// Counts an attempt at a change that checks a code, before the check (so that concurrent guesses are all
    /// counted, with the login's limit), and begins its transaction.
    async fn begin_change(&self, ctx: &AccessContext) -> Result<Tx> {
        let email = account_email(ctx)?;
        self.count_attempt(email, SECOND_FACTOR_SOURCE, crate::infra::clock::now().unix_timestamp())
            .await?;
        Ok(self.pool.begin().await?)
    }

    pub async fn second_factor(&self, ctx: &AccessContext) -> Result<SecondFactor> {
        let id = user(ctx)?;
        let mut db = self.pool.clone();
        let row = db
            .fetch_one(query("SELECT totp_pending, totp_secret FROM users WHERE id = $1").bind(id))
            .await?;
        if row.get::<Option<String>>("totp_secret")?.is_some() {
            let left = db
                .fetch_one(
                    query("SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL").bind(id),
                )
                .await?;
            return Ok(SecondFactor::On {
                recovery_codes_left: left.get("n")?,
            });
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
        if matches!(self.second_factor(ctx).await?, SecondFactor::On { .. }) {
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

    /// Turns the second factor on with a first code from the application; answers the recovery codes, to be
    /// shown once.
    pub async fn confirm_second_factor(&self, ctx: &AccessContext, code: &str) -> Result<Vec<String>> {
        let id = user(ctx)?;
        let mut tx = self.begin_change(ctx).await?;
        let row = tx
            .fetch_one(query("SELECT totp_pending FROM users WHERE id = $1").bind(id))
            .await?;
        let Some(pending) = row.get::<Option<String>>("totp_pending")? else {
            return Err(StoreError::conflict(
                "second_factor_not_enrolling",
                "Aucune clé en attente : commencez par « Activer la double authentification ».",
            ));
        };
        let step = accepted_step(&pending, code, None)?.ok_or(StoreError::SecondFactorInvalid)?;
        tx.execute(
            query(
                "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = $1 WHERE id = $2",
            )
            .bind(step)
            .bind(id),
        )
        .await?;
        reset_attempts(&mut tx, account_email(ctx)?, SECOND_FACTOR_SOURCE).await?;
        let codes = new_recovery_codes(&mut tx, id).await?;
        commit_with(tx, ctx, Event::new("user", id, "second_factor.enabled")).await?;
        Ok(codes)
    }

    /// Replaces the recovery codes (the old ones stop working); a current code is required, as to turn the
    /// factor off. Answers the new codes, to be shown once.
    pub async fn regenerate_recovery_codes(&self, ctx: &AccessContext, code: &str) -> Result<Vec<String>> {
        let id = user(ctx)?;
        let mut tx = self.begin_change(ctx).await?;
        prove(&mut tx, ctx, id, code).await?;
        let codes = new_recovery_codes(&mut tx, id).await?;
        commit_with(
            tx,
            ctx,
            Event::new("user", id, "second_factor.recovery_codes_regenerated"),
        )
        .await?;
        Ok(codes)
    }

    /// Turns the second factor off; a current code is required, so that a stolen session cannot do it. A
    /// recovery code does too: whoever lost their phone turns the factor off, then on with the new one.
    pub async fn disable_second_factor(&self, ctx: &AccessContext, code: &str) -> Result<()> {
        let id = user(ctx)?;
        let mut tx = self.begin_change(ctx).await?;
        prove(&mut tx, ctx, id, code).await?;
        tx.execute(query("DELETE FROM recovery_codes WHERE user_id = $1").bind(id))
            .await?;
        tx.execute(
            query("UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL WHERE id = $1")
                .bind(id),
        )
        .await?;
        commit_with(tx, ctx, Event::new("user", id, "second_factor.disabled")).await
    }
}
