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
    #[error("trop de tentatives de connexion")]
    TooManyAttempts { retry_after_secs: i64 },
    #[error("erreur de base de données : {0}")]
    Database(#[from] sqlx::Error),
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
