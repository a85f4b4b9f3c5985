//! What every handler shares.

use crate::pages::waiting::WaitingCounts;
use crate::theme::Theme;
use passerelle_store::Store;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// The look of the pages: neutral, or the DSFR for a State deployment.
    pub theme: Theme,
    /// Whether cookies are marked `Secure` (behind HTTPS in production).
    pub secure_cookies: bool,
    /// Who runs this instance: the legal pages name them, the password e-mails link to their address.
    pub operator: Arc<Operator>,
    /// What waits for each user, kept a minute for the menu.
    pub waiting: Arc<WaitingCounts>,
    /// Sign-in with ProConnect, when configured (`crate::pages::proconnect::client`).
    pub proconnect: Option<Arc<passerelle_proconnect::ProConnect>>,
}

/// The facts about the organisation that runs an instance, which the law asks the site to show (mentions
/// légales, accessibility statement, personal data) and which differ from one instance to the next; set by
/// the operator at start-up (docs/operations.md, « Operator »).
#[derive(Debug, Clone)]
pub struct Operator {
    /// The organisation that publishes the service and is responsible for its processing (« éditeur »).
    pub name: String,
    /// Its postal address; not shown when empty.
    pub address: String,
    /// The person who answers for what is published (« directeur de la publication »).
    pub publication_director: String,
    /// Where users write about accessibility, personal data or anything else.
    pub contact_email: String,
    /// The host of the servers (« hébergeur »): name and address.
    pub hosting: String,
    /// Where the source code of the running version can be read (EUPL 1.2); when empty, the legal notice says
    /// to ask the contact address for it.
    pub source_url: String,
    /// The address users reach the service at (`https://passerelle.example.fr`), for the links of e-mails.
    pub public_url: String,
}
