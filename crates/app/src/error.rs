//! What a use case can answer besides success.

use passerelle_domain::invalid::Invalid;
use passerelle_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input cannot be read or breaks a rule of the domain: a stable code, a French message, the field.
    #[error("{0}")]
    Invalid(#[from] Invalid),
    /// What the store answered: not found (also outside the caller's scope), forbidden, a conflict, the
    /// database failing.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AppError {
    /// Whether the caller can mend it by changing the input (a command line exits 2 for it): an invalid value,
    /// or an identifier that names nothing the caller may see.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            Self::Invalid(_) | Self::Store(StoreError::Invalid(_) | StoreError::NotFound { .. })
        )
    }
}
