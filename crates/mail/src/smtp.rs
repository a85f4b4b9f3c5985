//! Delivery through one configured relay with lettre's SMTP client (RFC 5321): STARTTLS (RFC 3207) whenever
//! the relay offers it, or required by configuration, each exchange bounded by a timeout. No authentication:
//! the relay is local or on a trusted network and delivers onwards itself (docs/operations.md).

use crate::message::{Message, MessageError};
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::error::Error as _;
use std::time::Duration;
use time::OffsetDateTime;

/// When the exchange with the relay is encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Starttls {
    /// Encrypted when the relay offers STARTTLS, in clear otherwise (a local relay).
    WhenOffered,
    /// Never sent in clear: a relay that does not offer STARTTLS, or whose certificate does not verify,
    /// gets nothing.
    Required,
}

/// Where mail goes: `host:port` of the relay (port 25 when left out), the name this server gives in EHLO,
/// and whether STARTTLS is required.
#[derive(Debug, Clone)]
pub struct Relay {
    pub address: String,
    pub helo: String,
    pub timeout: Duration,
    pub starttls: Starttls,
}

#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    #[error(transparent)]
    Message(#[from] MessageError),
    #[error("relais SMTP injoignable ({address}) : {text}")]
    Unreachable { address: String, text: String },
    #[error("le relais SMTP a refusé le courriel : {code} {text}")]
    Rejected { code: u16, text: String },
    #[error("chiffrement STARTTLS impossible avec le relais SMTP ({address}) : {text}")]
    Tls { address: String, text: String },
    #[error("le relais SMTP n'a pas répondu à temps")]
    Timeout,
}

impl SmtpError {
    /// A 5xx reply or a message that cannot be written: sending it again will fail again (a bad address);
    /// anything else may pass later.
    pub fn is_permanent(&self) -> bool {
        match self {
            Self::Message(_) => true,
            Self::Rejected { code, .. } => *code >= 500,
            _ => false,
        }
    }

    fn from_lettre(address: &str, error: &lettre::transport::smtp::Error) -> Self {
        let text = error.source().map_or_else(|| error.to_string(), |s| s.to_string());
        let address = address.to_owned();
        if let Some(code) = error.status() {
            let code = code.to_string().parse().unwrap_or(0);
            Self::Rejected { code, text }
        } else if error.is_timeout() {
            Self::Timeout
        } else if error.is_tls() || text.to_ascii_lowercase().contains("tls") {
            // lettre reports a failed handshake as a connection error and a relay without STARTTLS, when it
            // is required, as a client error: both name TLS in their text.
            Self::Tls { address, text }
        } else {
            Self::Unreachable { address, text }
        }
    }
}

impl Relay {
    pub fn new(address: impl Into<String>) -> Self {
        Self {
            address: address.into(),
            helo: "passerelle.localhost".into(),
            timeout: Duration::from_secs(30),
            starttls: Starttls::WhenOffered,
        }
    }

    /// The host and the port of the relay.
    fn host_port(&self) -> (&str, u16) {
        match self.address.rsplit_once(':') {
            Some((host, port)) => match port.parse() {
                Ok(port) => (host.trim_matches(['[', ']']), port),
                Err(_) => (self.address.as_str(), 25),
            },
            None => (self.address.as_str(), 25),
        }
    }

    fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, SmtpError> {
        let (host, port) = self.host_port();
        let parameters = TlsParameters::new(host.to_owned()).map_err(|e| SmtpError::from_lettre(&self.address, &e))?;
        Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(port)
            .hello_name(ClientId::Domain(self.helo.clone()))
            .timeout(Some(self.timeout))
            .tls(match self.starttls {
                Starttls::WhenOffered => Tls::Opportunistic(parameters),
                Starttls::Required => Tls::Required(parameters),
            })
            .build())
    }

    /// Sends `message`, dated `date`, to its recipient.
    pub async fn send(&self, message: &Message, date: OffsetDateTime) -> Result<(), SmtpError> {
        let email = message.build(date)?;
        let transport = self.transport()?;
        // Each step has its timeout; this bounds the whole exchange too (a relay that trickles its replies).
        match tokio::time::timeout(self.timeout * 4, transport.send(email)).await {
            Err(_) => Err(SmtpError::Timeout),
            Ok(Err(e)) => Err(SmtpError::from_lettre(&self.address, &e)),
            Ok(Ok(_)) => Ok(()),
        }
    }
}
