//! Passerelle's domain: pure types and rules, free of I/O.
//!
//! Every rule here is a function of its inputs; storage, clocks and networks live in other crates.

/// An enum of stable codes (API, database) with the French labels users read. Its OpenAPI schema is derived
/// from the serde names, which are the codes; a caller adds `schema(as = ...)` when the name is ambiguous.
macro_rules! labelled_codes {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $code:literal, $label:literal;)* }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        $(#[$doc])*
        pub enum $name { $(#[serde(rename = $code)] $variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),* }
            }

            /// French label shown to users.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),* }
            }

            pub fn parse(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }
        }
    };
}

pub mod agreements;
pub mod benefits;
pub mod calendar;
pub mod dated;
pub mod dates;
pub mod directory;
pub mod explanation;
pub mod french;
pub mod governance;
pub mod indicators;
pub mod invalid;
pub mod obligations;
pub mod pathways;
pub mod person;
pub mod text;
pub mod totp;
