//! E-mail for Passerelle's outbox: messages built with lettre (RFC 5322, MIME), sent through a configured
//! SMTP relay with lettre's client (STARTTLS over rustls when the relay offers it, or required; the relay
//! does authentication and onward delivery, see docs/operations.md), and a local SMTP sink that tests and
//! developers run to see what would be sent.

pub mod message;
pub mod sink;
pub mod smtp;

pub use message::{Attachment, Message, MessageError};
pub use smtp::{Relay, SmtpError, Starttls};
