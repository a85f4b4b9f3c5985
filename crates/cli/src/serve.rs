//! `passerelle serve`: opens the store, starts the mail delivery, loads the demo if asked, binds the address, and
//! hands all that to the web server the binary passes in.

use crate::{Failure, open, outbox};
use clap::Args;
use passerelle_store::Store;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

/// What the web server receives once the database is open and the address bound.
pub struct Served {
    pub store: Store,
    /// The DSFR's `dist` folder when the theme is `dsfr` (served under `/dsfr`); none for the neutral theme.
    pub dsfr_dir: Option<PathBuf>,
    /// Whether cookies are marked `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// Who runs the instance, for the legal pages and the links of e-mails.
    pub operator: OperatorOptions,
    /// Sign-in with ProConnect, when configured.
    pub proconnect: Option<ProConnectOptions>,
    pub listener: tokio::net::TcpListener,
}

/// Sign-in with ProConnect (docs/security.md, « ProConnect sign-in »): on when the issuer is set, with the client
/// registered there; the provider sends the browser back to `PASSERELLE_PUBLIC_URL/connexion/proconnect/retour`.
#[derive(Args, Clone)]
pub struct ProConnectOptions {
    /// The provider's issuer (`https://auth.agentconnect.gouv.fr/api/v2` in production); empty: password only.
    #[arg(long, env = "PASSERELLE_PROCONNECT_ISSUER", default_value = "")]
    pub proconnect_issuer: String,
    /// The client id ProConnect gave this instance.
    #[arg(long, env = "PASSERELLE_PROCONNECT_CLIENT_ID", default_value = "")]
    pub proconnect_client_id: String,
    /// The client secret ProConnect gave this instance.
    #[arg(
        long,
        env = "PASSERELLE_PROCONNECT_CLIENT_SECRET",
        default_value = "",
        hide_env_values = true
    )]
    pub proconnect_client_secret: String,
}

impl ProConnectOptions {
    /// The options when ProConnect is configured; an issuer without its client is refused (exit 2).
    fn configured(self) -> Result<Option<Self>, Failure> {
        if self.proconnect_issuer.trim().is_empty() {
            return Ok(None);
        }
        if self.proconnect_client_id.trim().is_empty() || self.proconnect_client_secret.is_empty() {
            return Err(Failure::Input(
                "ProConnect : PASSERELLE_PROCONNECT_CLIENT_ID et PASSERELLE_PROCONNECT_CLIENT_SECRET sont requis \
                 avec PASSERELLE_PROCONNECT_ISSUER"
                    .to_owned(),
            ));
        }
        Ok(Some(self))
    }
}

/// The facts about the organisation running the instance that the legal pages show (mentions légales,
/// accessibility statement, personal data); the defaults suit a demonstration, not a public service.
#[derive(Args, Clone)]
pub struct OperatorOptions {
    /// The organisation that publishes the service (« éditeur »).
    #[arg(
        long,
        env = "PASSERELLE_OPERATOR_NAME",
        default_value = "Instance de démonstration de Passerelle"
    )]
    pub operator_name: String,
    /// Its postal address (not shown when empty).
    #[arg(long, env = "PASSERELLE_OPERATOR_ADDRESS", default_value = "")]
    pub operator_address: String,
    /// The « directeur de la publication ».
    #[arg(
        long,
        env = "PASSERELLE_PUBLICATION_DIRECTOR",
        default_value = "Le représentant légal de l'éditeur"
    )]
    pub publication_director: String,
    /// Where users write about accessibility and personal data.
    #[arg(
        long,
        env = "PASSERELLE_CONTACT_EMAIL",
        default_value = "contact@passerelle.localhost"
    )]
    pub contact_email: String,
    /// The host of the servers (« hébergeur »): name and address.
    #[arg(
        long,
        env = "PASSERELLE_HOSTING",
        default_value = "L'éditeur, sur ses propres serveurs"
    )]
    pub hosting: String,
    /// Where the source code of the running version can be read (EUPL 1.2); empty: on request to the contact.
    #[arg(long, env = "PASSERELLE_SOURCE_URL", default_value = "")]
    pub source_url: String,
    /// The address users reach the service at, for the links of e-mails (password reset).
    #[arg(long, env = "PASSERELLE_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
    pub public_url: String,
}

/// The web server, answering until it is asked to stop (the binary passes the web crate's `serve`).
pub type Server = fn(Served) -> Pin<Box<dyn Future<Output = std::io::Result<()>> + Send>>;

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: std::net::SocketAddr,
    /// Loads the demo territory when the database has no organisation.
    #[arg(long)]
    demo: bool,
    /// The look of the pages: Passerelle's own (neutral) or the State design system (dsfr), which its terms
    /// reserve to State services (docs/themes.md).
    #[arg(long, env = "PASSERELLE_THEME", value_enum, default_value_t = ThemeName::Neutral)]
    theme: ThemeName,
    /// Declares that the instance is a State service and that its operator accepts the DSFR's terms of use
    /// (required by --theme dsfr).
    #[arg(long, env = "PASSERELLE_ACCEPT_DSFR_TERMS")]
    accept_dsfr_terms: bool,
    /// The DSFR's dist folder, with --theme dsfr (default: web/node_modules/@gouvfr/dsfr/dist).
    #[arg(long, env = "PASSERELLE_DSFR_DIR")]
    dsfr_dir: Option<PathBuf>,
    /// Marks cookies Secure: set it when the server is behind HTTPS.
    #[arg(long, env = "PASSERELLE_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Every N seconds the server checks whether today's deadlines pass is done, and does it when no server did
    /// (reminders, digests, missed interviews); 0 leaves it to `passerelle deadlines scan` run from cron.
    #[arg(long, env = "PASSERELLE_DEADLINES_EVERY", default_value_t = 600)]
    deadlines_every: u64,
    #[command(flatten)]
    mail: outbox::MailOptions,
    #[command(flatten)]
    operator: OperatorOptions,
    #[command(flatten)]
    proconnect: ProConnectOptions,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ThemeName {
    Neutral,
    Dsfr,
}

pub async fn run(db: &str, args: ServeArgs, server: Server) -> Result<(), Failure> {
    let ServeArgs {
        addr,
        demo,
        theme,
        accept_dsfr_terms,
        dsfr_dir,
        secure_cookies,
        deadlines_every,
        mail,
        operator,
        proconnect,
    } = args;
    let dsfr_dir = match theme {
        ThemeName::Neutral => None,
        ThemeName::Dsfr => Some(dsfr(accept_dsfr_terms, dsfr_dir)?),
    };

    let proconnect = proconnect.configured()?;
    let store = open(db).await?;
    match mail.delivery()? {
        Some(delivery) => {
            tracing::info!(relay = %delivery.relay.address, "courriels envoyés par le relais SMTP");
            tokio::spawn(
                store
                    .clone()
                    .deliver_periodically(delivery, std::time::Duration::from_secs(mail.mail_every)),
            );
        }
        None => tracing::info!("pas de relais SMTP (--smtp-relay) : les courriels attendent dans la file"),
    }
    if demo && passerelle_fixtures::demo::load(&store).await? {
        tracing::info!("territoire de démonstration chargé ; comptes : passerelle demo --print-accounts");
    }
    if deadlines_every > 0 {
        tokio::spawn(passerelle_app::deadlines::run_daily(
            store.clone(),
            std::sync::Arc::new(passerelle_app::SystemClock),
            std::time::Duration::from_secs(deadlines_every),
        ));
    } else {
        tracing::info!("échéances : examen quotidien laissé à « passerelle deadlines scan »");
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Failure::Input(format!("impossible d'écouter sur {addr} : {e}")))?;
    tracing::info!("Passerelle écoute sur http://{addr} ({})", store.pool().backend());
    if std::env::var_os(passerelle_store::infra::clock::TODAY_VARIABLE).is_some() {
        tracing::warn!(
            "horloge lancée au {} ({})",
            passerelle_store::today(),
            passerelle_store::infra::clock::TODAY_VARIABLE
        );
    }
    server(Served {
        store,
        dsfr_dir,
        secure_cookies,
        operator,
        proconnect,
        listener,
    })
    .await?;
    Ok(())
}

/// The DSFR's folder for `--theme dsfr`: only when the operator declared its terms accepted, and installed.
fn dsfr(accepted: bool, dir: Option<PathBuf>) -> Result<PathBuf, Failure> {
    if !accepted {
        return Err(Failure::Input(
            "le thème dsfr (Système de design de l'État) est réservé aux services de l'État : si cette instance en \
             est un, acceptez ses conditions d'utilisation avec --accept-dsfr-terms (ou \
             PASSERELLE_ACCEPT_DSFR_TERMS=true), sinon lancez le serveur avec le thème neutre (--theme neutral)"
                .to_owned(),
        ));
    }
    let dir = dir.unwrap_or_else(default_dsfr_dir);
    if !dir.join("dsfr.min.css").exists() {
        return Err(Failure::Input(format!(
            "le Système de design de l'État est introuvable dans {} : lancez scripts/setup (npm ci dans web/) ou \
             indiquez son dossier dist avec --dsfr-dir",
            dir.display()
        )));
    }
    Ok(dir)
}

/// The DSFR installed by `scripts/setup`, next to the working directory or to the source tree.
fn default_dsfr_dir() -> PathBuf {
    let relative = PathBuf::from("web/node_modules/@gouvfr/dsfr/dist");
    if relative.exists() {
        relative
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(relative)
    }
}
