//! What every handler shares.

use passerelle_store::Store;
use std::path::PathBuf;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// The DSFR's `dist` folder, served under `/dsfr`.
    pub dsfr_dir: PathBuf,
    /// Whether cookies are marked `Secure` (behind HTTPS in production).
    pub secure_cookies: bool,
}
