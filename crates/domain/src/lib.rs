//! Passerelle's domain: pure types and rules, free of I/O.
//!
//! Every rule here is a function of its inputs; storage, clocks and networks live in other crates.

/// An enum of stable codes (API, database) with the French labels users read. With the feature `openapi` its
/// schema lists the codes from the same table (utoipa's derive does not read a `serde(rename)` written by a
/// macro); `Name as SchemaName` names the schema when the type's name is shared (`Status`, `Source`...).
macro_rules! labelled_codes {
    ($(#[$doc:meta])* $name:ident { $($body:tt)* }) => {
        labelled_codes! { $(#[$doc])* $name as $name { $($body)* } }
    };
    ($(#[$doc:meta])* $name:ident as $schema:ident { $($variant:ident => $code:literal, $label:literal;)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some(Self::ALL.iter().map(|v| v.code())))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($schema))
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
pub mod rome;
pub mod text;
pub mod totp;
