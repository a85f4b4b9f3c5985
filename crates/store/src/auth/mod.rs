//! Authentication: passwords (argon2id), sessions and API tokens, failed-login limits.
//! This is the only place that builds an [`AccessContext`].

pub mod password_reset;
pub mod proconnect;
pub mod second_factor;
mod work_areas;

use crate::Store;
use crate::access::{AccessContext, MemberRole, Membership};
use crate::infra::error::{Result, StoreError};
use crate::infra::events::{Event, record};
use crate::infra::sql::{Executor, Row, Tx, query};
use argon2::password_hash::phc::PasswordHash;
use passerelle_domain::directory::OrganisationKind;
use passerelle_domain::invalid::Invalid;
use passerelle_domain::text;
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Attempts evaluated per e-mail address and source address within [`ATTEMPT_WINDOW_SECS`] (counted from the
/// first one): the next are refused unheard until the window ends. A success resets the count, unless an
/// attempt was already refused.
pub const MAX_ATTEMPTS: i64 = 5;
pub const ATTEMPT_WINDOW_SECS: i64 = 15 * 60;
/// The source under which the second factor's changes are counted, per account: whoever tries them already
/// holds a session of the account, from any address.
pub(crate) const SECOND_FACTOR_SOURCE: &str = "second-factor";
pub const MIN_PASSWORD_CHARS: usize = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// Browser session behind a cookie, 8 hours.
    Web,
    /// API bearer token, 24 hours.
    Api,
}

impl SessionKind {
    fn code(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Api => "api",
        }
    }

    fn lifetime_secs(self) -> i64 {
        match self {
            Self::Web => 8 * 3600,
            Self::Api => 24 * 3600,
        }
    }
}

/// A session just opened: the token goes to the client once and only its hash is kept.
#[derive(Debug, Clone)]
pub struct OpenedSession {
    pub token: String,
    pub csrf_token: String,
    pub context: AccessContext,
}

fn now() -> i64 {
    crate::infra::clock::now().unix_timestamp()
}

pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Checks the password policy: at least 12 characters, not only letters or only digits.
pub fn check_password_policy(password: &str) -> Result<(), Invalid> {
    let long_enough = password.chars().count() >= MIN_PASSWORD_CHARS;
    let mixed = password.chars().any(|c| !c.is_alphabetic()) && password.chars().any(|c| !c.is_ascii_digit());
    if long_enough && mixed {
        Ok(())
    } else {
        Err(Invalid::new(
            "password_too_weak",
            format!(
                "Le mot de passe doit comporter au moins {MIN_PASSWORD_CHARS} caractères, dont au moins un qui ne soit pas une lettre."
            ),
        )
        .on("password"))
    }
}

/// Runs one argon2 computation on the blocking threads, one per core at once: each takes 19 MiB and a core, so a
/// burst of logins waits its turn instead of taking gigabytes (measured: 200 simultaneous logins took the server
/// to 4 GiB before this limit; docs/reliability.md), and the work areas are kept for the next ([`work_areas`]).
async fn off_the_async_threads<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let permits = PERMITS
        .get_or_init(|| tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())));
    // The semaphore is never closed, so acquiring only waits.
    let _permit = permits.acquire().await;
    tokio::task::spawn_blocking(work).await
}

/// Hashes with argon2id (default parameters: 19 MiB, 2 passes), off the async threads.
pub async fn hash_password(password: &str) -> Result<String> {
    let password = password.to_owned();
    off_the_async_threads(move || work_areas::hash(&password))
        .await
        .map_err(|e| StoreError::Database(sqlx::Error::Protocol(e.to_string())))?
}

async fn verify_password(password: &str, hash: String) -> bool {
    let password = password.to_owned();
    off_the_async_threads(move || work_areas::verify(&password, &hash))
        .await
        .unwrap_or(false)
}

impl Store {
    /// Checks e-mail and password and opens a session, for an account without a second factor, from the
    /// machine itself (tests, command line).
    pub async fn login(&self, email: &str, password: &str, kind: SessionKind) -> Result<OpenedSession> {
        self.login_with_code(email, password, None, "local", kind).await
    }

    /// Checks e-mail, password and, when the account has turned it on, the second factor's code, and opens a
    /// session. Each attempt is counted before it is checked, per e-mail and `source` (the client's address),
    /// whether or not an account exists: see [`MAX_ATTEMPTS`].
    pub async fn login_with_code(
        &self,
        email: &str,
        password: &str,
        code: Option<&str>,
        source: &str,
        kind: SessionKind,
    ) -> Result<OpenedSession> {
        let email = email.trim().to_lowercase();
        let mut db = self.pool.clone();
        let t = now();
        self.count_attempt(&email, source, t).await?;
        let user = db
            .fetch_optional(
                query(
                    "SELECT id, password_hash, totp_secret, totp_last_step FROM users \
                     WHERE email = $1 AND archived_at IS NULL",
                )
                .bind(&email),
            )
            .await?;
        let user_id = match &user {
            Some(r) => Some(r.get::<Uuid>("id")?),
            None => None,
        };
        let verified = match &user {
            Some(r) => verify_password(password, r.get("password_hash")?).await,
            // Hash anyway, so that an unknown address answers as slowly as a known one.
            None => hash_password(password).await.map(|_| false)?,
        };
        let Some(user_id) = user_id.filter(|_| verified) else {
            return Err(StoreError::BadCredentials);
        };
        // The password is right: the second factor, if on, decides (a TOTP or recovery code is accepted once).
        let mut second_factor_proof = None;
        if let Some(r) = &user
            && let Some(secret) = r.get::<Option<String>>("totp_secret")?
        {
            let Some(code) = code.filter(|c| !c.trim().is_empty()) else {
                return Err(StoreError::SecondFactorRequired);
            };
            let proof = second_factor::check_code(&mut db, user_id, &secret, r.get("totp_last_step")?, code).await?;
            second_factor_proof = Some(proof.ok_or(StoreError::SecondFactorInvalid)?);
        }
        let context = self
            .context_of(&mut db, user_id)
            .await?
            .ok_or(StoreError::BadCredentials)?;
        let mut tx = self.pool.begin().await?;
        reset_attempts(&mut tx, &email, source).await?;
        if let Some(proof) = second_factor_proof {
            second_factor::spend(&mut tx, &context, user_id, proof).await?;
        }
        let session = open_session(&mut tx, context, kind, None, kind.code()).await?;
        tx.commit().await?;
        Ok(session)
    }

    /// Counts an attempt of `email` from `source` before it is evaluated, in one statement committed at once, so
    /// that concurrent attempts cannot all pass before any is counted; refuses it beyond [`MAX_ATTEMPTS`].
    pub(crate) async fn count_attempt(&self, email: &str, source: &str, t: i64) -> Result<()> {
        let row = self
            .pool
            .clone()
            .fetch_one(
                query(
                    "INSERT INTO login_attempts (email, source, attempts, window_start) VALUES ($1, $2, 1, $3) \
                     ON CONFLICT (email, source) DO UPDATE SET \
                     attempts = CASE WHEN login_attempts.window_start > $4 THEN login_attempts.attempts + 1 ELSE 1 END, \
                     window_start = CASE WHEN login_attempts.window_start > $4 THEN login_attempts.window_start \
                     ELSE $3 END \
                     RETURNING attempts, window_start",
                )
                .bind(email)
                .bind(source)
                .bind(t)
                .bind(t - ATTEMPT_WINDOW_SECS),
            )
            .await?;
        if row.get::<i64>("attempts")? > MAX_ATTEMPTS {
            return Err(StoreError::TooManyAttempts {
                retry_after_secs: (row.get::<i64>("window_start")? + ATTEMPT_WINDOW_SECS - t).max(1),
            });
        }
        Ok(())
    }

    /// The context of a live session or token, with its CSRF token; `None` when unknown or expired.
    pub async fn authenticate(&self, token: &str, kind: SessionKind) -> Result<Option<(AccessContext, String)>> {
        let mut db = self.pool.clone();
        // The session, its user and their memberships in one query (one row per membership, or one row without
        // any): this runs on every request.
        let rows = db
            .fetch_all(
                query(
                    "SELECT s.csrf_token, u.id, u.email, u.display_name, u.platform_admin, m.organisation_id, m.role, \
                     o.name, o.kind, o.department FROM sessions s JOIN users u ON u.id = s.user_id \
                     LEFT JOIN (memberships m JOIN organisations o ON o.id = m.organisation_id \
                     AND o.archived_at IS NULL) ON m.user_id = u.id \
                     WHERE s.token_hash = $1 AND s.kind = $2 AND s.expires_at > $3 AND u.archived_at IS NULL \
                     ORDER BY o.name",
                )
                .bind(token_hash(token))
                .bind(kind.code())
                .bind(now()),
            )
            .await?;
        let Some(user) = rows.first() else {
            return Ok(None);
        };
        let mut memberships = Vec::with_capacity(rows.len());
        for r in &rows {
            if r.get::<Option<Uuid>>("organisation_id")?.is_some() {
                memberships.push(membership(r)?);
            }
        }
        Ok(Some((
            AccessContext::user(
                user.get("id")?,
                user.get("email")?,
                user.get("display_name")?,
                user.get("platform_admin")?,
                memberships,
            ),
            user.get("csrf_token")?,
        )))
    }

    /// Ends a session; answers the ProConnect ID token it was opened with, for the provider's logout.
    pub async fn logout(&self, token: &str) -> Result<Option<String>> {
        let mut db = self.pool.clone();
        let row = db
            .fetch_optional(
                query("DELETE FROM sessions WHERE token_hash = $1 RETURNING id_token").bind(token_hash(token)),
            )
            .await?;
        Ok(row.map(|r| r.get::<Option<String>>("id_token")).transpose()?.flatten())
    }

    async fn context_of(&self, db: &mut impl Executor, user_id: Uuid) -> Result<Option<AccessContext>> {
        let user = db
            .fetch_optional(
                query(
                    "SELECT id, email, display_name, platform_admin FROM users WHERE id = $1 AND archived_at IS NULL",
                )
                .bind(user_id),
            )
            .await?;
        match user {
            Some(user) => Ok(Some(self.user_context(db, &user).await?)),
            None => Ok(None),
        }
    }

    /// The context of a user row (`id, email, display_name, platform_admin`), with its memberships.
    async fn user_context(&self, db: &mut impl Executor, user: &Row) -> Result<AccessContext> {
        let user_id: Uuid = user.get("id")?;
        let rows = db
            .fetch_all(
                query(
                    "SELECT m.organisation_id, m.role, o.name, o.kind, o.department FROM memberships m \
                     JOIN organisations o ON o.id = m.organisation_id \
                     WHERE m.user_id = $1 AND o.archived_at IS NULL ORDER BY o.name",
                )
                .bind(user_id),
            )
            .await?;
        let memberships = rows.iter().map(membership).collect::<Result<Vec<_>>>()?;
        Ok(AccessContext::user(
            user_id,
            user.get("email")?,
            user.get("display_name")?,
            user.get("platform_admin")?,
            memberships,
        ))
    }

    /// The context of an existing account, without its password: for the demo loader (crate
    /// `passerelle-fixtures`), which creates records on behalf of the demo users. Holding the store is already
    /// the operator's trust, as for [`Store::operator_context`].
    pub async fn login_context_for(&self, email: &str) -> Result<AccessContext> {
        let id = self
            .user_id_by_email(email)
            .await?
            .ok_or(StoreError::not_found("compte"))?;
        self.context_of(&mut self.pool.clone(), id)
            .await?
            .ok_or(StoreError::not_found("compte"))
    }

    /// The context of the command line (demo loading, imports); its events name `label`.
    pub fn operator_context(&self, label: &str) -> AccessContext {
        AccessContext::operator(label)
    }

    /// Creates an account (platform administrators and the operator only).
    pub async fn create_user(&self, ctx: &AccessContext, new: NewUser<'_>) -> Result<Uuid> {
        if !ctx.is_platform_admin() {
            return Err(StoreError::forbidden(
                "forbidden",
                "Seul un administrateur de la plateforme peut créer un compte.",
            ));
        }
        let email = text::email("email", new.email)?;
        let display_name = text::required("nom affiché", new.display_name, 200)?;
        let hash = match new.password {
            Password::Typed(password) => {
                check_password_policy(password)?;
                hash_password(password).await?
            }
            Password::Hashed(hash) => {
                PasswordHash::new(hash).map_err(|_| {
                    Invalid::new("password_hash_invalid", "Empreinte de mot de passe illisible.").on("password")
                })?;
                hash.to_owned()
            }
        };
        let mut tx = self.pool.begin().await?;
        if tx
            .fetch_optional(query("SELECT id FROM users WHERE email = $1").bind(&email))
            .await?
            .is_some()
        {
            return Err(StoreError::conflict(
                "email_taken",
                format!("Un compte existe déjà pour {email}."),
            ));
        }
        let id = Uuid::new_v4();
        tx.execute(
            query(
                "INSERT INTO users (id, email, display_name, password_hash, platform_admin, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(&email)
            .bind(&display_name)
            .bind(hash)
            .bind(new.platform_admin)
            .bind(crate::infra::clock::now()),
        )
        .await?;
        for (organisation_id, role) in new.memberships {
            tx.execute(
                query("INSERT INTO memberships (user_id, organisation_id, role, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(id)
                    .bind(*organisation_id)
                    .bind(role.code())
                    .bind(crate::infra::clock::now()),
            )
            .await?;
        }
        let state = serde_json::json!({
            "email": email, "display_name": display_name, "platform_admin": new.platform_admin,
            "memberships": new.memberships.iter().map(|(o, r)| serde_json::json!({"organisation_id": o, "role": r})).collect::<Vec<_>>(),
        });
        record(&mut tx, ctx, Event::new("user", id, "user.created").after(&state)).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn user_id_by_email(&self, email: &str) -> Result<Option<Uuid>> {
        let mut db = self.pool.clone();
        let row = db
            .fetch_optional(query("SELECT id FROM users WHERE email = $1").bind(email.trim().to_lowercase()))
            .await?;
        Ok(row.map(|r| r.get("id")).transpose()?)
    }
}

/// Opens a session of `context`'s user in `tx`, journaled as `session.opened.{how}`; `id_token` is the ProConnect
/// ID token of a session opened through it, kept for the logout.
pub(crate) async fn open_session(
    tx: &mut Tx,
    context: AccessContext,
    kind: SessionKind,
    id_token: Option<&str>,
    how: &str,
) -> Result<OpenedSession> {
    let user_id = context.user_id().ok_or(StoreError::BadCredentials)?;
    let token = random_token();
    let csrf_token = random_token();
    let t = now();
    tx.execute(
        query(
            "INSERT INTO sessions (token_hash, user_id, kind, csrf_token, created_at, expires_at, id_token) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(kind.code())
        .bind(&csrf_token)
        .bind(t)
        .bind(t + kind.lifetime_secs())
        .bind(id_token.map(str::to_owned)),
    )
    .await?;
    record(
        tx,
        &context,
        Event::new("user", user_id, format!("session.opened.{how}")),
    )
    .await?;
    Ok(OpenedSession {
        token,
        csrf_token,
        context,
    })
}

/// Forgets the attempts of `email` from `source` after a success, in its transaction; not once one was refused:
/// the right password among a burst of wrong ones does not lift the lock the burst earned. Counts whose window
/// has ended go too, so that the table keeps about 15 minutes of attempts whatever addresses are sprayed.
pub(crate) async fn reset_attempts(tx: &mut Tx, email: &str, source: &str) -> Result<()> {
    tx.execute(
        query(
            "DELETE FROM login_attempts \
             WHERE (email = $1 AND source = $2 AND attempts <= $3) OR window_start <= $4",
        )
        .bind(email)
        .bind(source)
        .bind(MAX_ATTEMPTS)
        .bind(now() - ATTEMPT_WINDOW_SECS),
    )
    .await?;
    Ok(())
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password: Password<'a>,
    pub platform_admin: bool,
    pub memberships: &'a [(Uuid, MemberRole)],
}

/// The password of a new account: typed (checked against the policy, then hashed), or already hashed (an
/// argon2id PHC string), so that accounts sharing one password, such as the demo's, cost one hash in all: each
/// hash takes 19 MiB and tens of milliseconds.
#[derive(Debug, Clone, Copy)]
pub enum Password<'a> {
    Typed(&'a str),
    Hashed(&'a str),
}

fn membership(r: &Row) -> Result<Membership> {
    let kind: String = r.get("kind")?;
    let role: String = r.get("role")?;
    Ok(Membership {
        organisation_id: r.get("organisation_id")?,
        organisation_name: r.get("name")?,
        kind: OrganisationKind::parse(&kind)?,
        department: r.get("department")?,
        role: MemberRole::parse(&role).unwrap_or(MemberRole::Member),
    })
}
