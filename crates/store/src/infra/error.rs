//! What a store operation can answer besides success.

use passerelle_domain::invalid::Invalid;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The input breaks a rule of the domain.
    #[error("{0}")]
    Invalid(#[from] Invalid),
    /// Nothing the caller may see has this identifier (also for what exists but is out of their scope).
    #[error("{entity} introuvable")]
    NotFound { entity: &'static str },
    /// The caller may see the record but not do this.
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    /// The change clashes with the current state (a SIRET already used, ...).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("identifiants incorrects")]
    BadCredentials,
    /// The account has a second factor and no code was given.
    #[error("code de vérification requis")]
    SecondFactorRequired,
    /// The code is wrong, expired or already used.
    #[error("code de vérification incorrect")]
    SecondFactorInvalid,
    #[error("trop de tentatives")]
    TooManyAttempts { retry_after_secs: i64 },
    #[error("erreur de base de données : {0}")]
    Database(sqlx::Error),
}

/// A unique constraint or index that a change hit is a clash with the current state (a request that lost a
/// race to the same record, a duplicate), not a fault: it answers as a conflict, wherever it comes from.
impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                let (code, message) = clash(&clashing_table(d.as_ref()));
                Self::conflict(code, message)
            }
            _ => Self::Database(e),
        }
    }
}

/// The table whose unique key was hit: PostgreSQL names it, SQLite writes it in its message
/// (« UNIQUE constraint failed: person_followers.person_id, ... »).
fn clashing_table(d: &dyn sqlx::error::DatabaseError) -> String {
    d.table()
        .map(str::to_owned)
        .or_else(|| {
            let columns = d.message().strip_prefix("UNIQUE constraint failed: ")?;
            columns.split_once('.').map(|(table, _)| table.to_owned())
        })
        .unwrap_or_default()
}

/// The stable code and French message of a clash on `table`'s unique key.
fn clash(table: &str) -> (&'static str, &'static str) {
    match table {
        "organisations" => (
            "organisation_exists",
            "Une structure porte déjà ce SIRET ou cet identifiant.",
        ),
        "users" => ("email_taken", "Un compte existe déjà pour cette adresse électronique."),
        "person_followers" => ("already_following", "Cette structure suit déjà la personne."),
        "esat_workers" => (
            "esat_worker_exists",
            "Cette personne a déjà un dossier de travailleur dans cet ESAT.",
        ),
        "immersion_signatures" => (
            "immersion_already_signed",
            "Cette partie a déjà signé la convention d'immersion.",
        ),
        "agreement_parties" => (
            "agreement_party_exists",
            "Cette structure est déjà partie à la convention.",
        ),
        _ => (
            "already_recorded",
            "Cet enregistrement existe déjà : une autre demande l'a sans doute fait au même moment. Rechargez la \
             page pour voir l'état actuel.",
        ),
    }
}

impl StoreError {
    pub fn not_found(entity: &'static str) -> Self {
        Self::NotFound { entity }
    }

    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::Forbidden {
            code,
            message: message.into(),
        }
    }

    /// A database too busy to answer in time, which a retry may pass: no connection free in the pool, SQLite's
    /// write lock held past the busy timeout, PostgreSQL's serialization failure, deadlock, lock or connection
    /// limit.
    pub fn is_busy(&self) -> bool {
        match self {
            Self::Database(sqlx::Error::PoolTimedOut) => true,
            Self::Database(sqlx::Error::Database(d)) => matches!(
                d.code().as_deref(),
                Some("5" | "6" | "517" | "40001" | "40P01" | "55P03" | "53300")
            ),
            _ => false,
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
