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

/// Rules write their figures with the one French formatter.
pub use crate::french::integer as french_number;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_french() {
        assert_eq!(french_number(0), "0");
        assert_eq!(french_number(365), "365");
        assert_eq!(french_number(1_095), "1\u{202F}095");
        assert_eq!(french_number(-3_650_000), "-3\u{202F}650\u{202F}000");
    }

    #[test]
    fn messages_cite_their_source() {
        let e = Explanation::new("x", "Refusé.", "Code du travail, art. R5132-1-8");
        assert_eq!(e.message, "Refusé (Code du travail, art. R5132-1-8).");
    }
}
