//! The one error a domain validation returns: a stable code for machines, a French message for people.

use std::fmt;

/// A value that breaks a rule of the domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// Stable, documented code (`siret_invalid`, `field_too_long`, ...).
    pub code: &'static str,
    /// What is wrong and what to do, in French.
    pub message: String,
    /// The field concerned, when there is one.
    pub field: Option<String>,
}

impl Invalid {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            field: None,
        }
    }

    pub fn on(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Invalid {}

/// A rule's refusal, reported like any invalid input (its message already cites the rule's text).
impl From<crate::explanation::Explanation> for Invalid {
    fn from(e: crate::explanation::Explanation) -> Self {
        Self::new(e.code, e.message)
    }
}
