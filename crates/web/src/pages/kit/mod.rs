//! The page kit every form and page shares: the CSRF-checked form extractor, the error page that handlers
//! reach with `?`, the parsers of typed-in values, the error a refused form shows, notices after a redirect,
//! and the template filters that write French.

pub mod crumbs;
pub mod csrf;
pub mod error;
pub mod filters;
pub mod form;
pub mod list_filters;
pub mod notice;
pub mod pager;
pub mod upload;
pub mod visit;

pub use crumbs::{Crumb, Crumbs};
pub use csrf::{CsrfForm, TokenOnly};
pub use error::{PageError, PageResult, error_page};
pub use form::{FormError, form_date, parse_id, refused_again};
pub use list_filters::{FilterForm, ListFilters, StatusChoice, filter_error};
pub use notice::Notice;
pub use pager::Pager;
pub use upload::CsrfUpload;
