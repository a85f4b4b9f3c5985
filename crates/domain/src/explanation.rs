//! What a rule says about its decision: a stable code for machines, a French sentence for people, and
//! the text it applies.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// Stable, documented code (`prolongation_cap_exceeded`).
    pub code: &'static str,
    /// The decision and its reason in French, ending with the text applied in brackets.
    pub message: String,
    /// The text applied ("Code du travail, art. R5132-1-8"), also cited in `message`.
    #[serde(skip)]
    pub source: &'static str,
}

impl Explanation {
    /// `sentence` is completed with the source, so that every message cites its rule.
    pub fn new(code: &'static str, sentence: impl AsRef<str>, source: &'static str) -> Self {
        Self {
            code,
            message: format!("{} ({source}).", sentence.as_ref().trim_end_matches('.')),
            source,
        }
    }
}
