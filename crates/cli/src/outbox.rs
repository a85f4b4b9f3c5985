//! `passerelle outbox status|deliver`, and the mail options of `passerelle serve`.

use crate::{Failure, open};
use clap::{Args, Subcommand};
use passerelle_store::infra::outbox::Delivery;

/// Where the server sends its e-mails.
#[derive(Args, Clone)]
pub struct MailOptions {
    /// The SMTP relay (`host:port`) that delivers the outbox; without it, mails wait in the outbox.
    #[arg(long, env = "PASSERELLE_SMTP_RELAY")]
    pub smtp_relay: Option<String>,
    /// The sender of the e-mails.
    #[arg(
        long,
        env = "PASSERELLE_MAIL_FROM",
        default_value = "Passerelle <no-reply@passerelle.localhost>"
    )]
    pub mail_from: String,
    /// Seconds between two delivery passes of the server.
    #[arg(long, env = "PASSERELLE_MAIL_EVERY", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub mail_every: u64,
    /// Never send in clear: refuse a relay that does not offer STARTTLS (otherwise it is used when offered).
    #[arg(long, env = "PASSERELLE_SMTP_REQUIRE_TLS")]
    pub smtp_require_tls: bool,
}

impl MailOptions {
    /// The delivery of the outbox, if a relay is given; a sender that is not an address is refused here
    /// rather than failing every mail.
    pub fn delivery(&self) -> Result<Option<Delivery>, Failure> {
        let Some(relay) = self.smtp_relay.as_deref() else {
            return Ok(None);
        };
        let delivery = Delivery::new(relay, &self.mail_from);
        if !delivery.sender_is_an_address() {
            return Err(Failure::Input(format!(
                "adresse d'expéditeur invalide : « {} » (--mail-from ou PASSERELLE_MAIL_FROM)",
                self.mail_from
            )));
        }
        Ok(Some(if self.smtp_require_tls {
            delivery.requiring_tls()
        } else {
            delivery
        }))
    }
}

#[derive(Subcommand)]
pub enum OutboxCommand {
    /// Prints the number of mails pending, sent and refused, as JSON.
    Status,
    /// Sends every mail that is due through the relay, once, and prints what happened.
    Deliver {
        #[command(flatten)]
        mail: MailOptions,
    },
}

pub async fn run(db: &str, command: OutboxCommand) -> Result<(), Failure> {
    let store = open(db).await?;
    match command {
        OutboxCommand::Status => {
            println!("{}", serde_json::to_string_pretty(&store.outbox_counts().await?)?);
        }
        OutboxCommand::Deliver { mail } => {
            let delivery = mail.delivery()?.ok_or_else(|| {
                Failure::Input("indiquez le relais SMTP : --smtp-relay hôte:port (ou PASSERELLE_SMTP_RELAY)".into())
            })?;
            let report = store
                .deliver_outbox(&delivery, passerelle_store::infra::clock::now())
                .await?;
            println!("{}", serde_json::to_string(&report)?);
        }
    }
    Ok(())
}
