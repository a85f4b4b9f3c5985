//! E-mail for Passerelle's outbox: messages written as RFC 5322 / MIME text, sent through a
//! configured SMTP relay (the relay handles TLS and onward delivery; see docs/operations.md), and a local
//! SMTP sink that tests and developers run to see what would be sent.
//!
//! Written by hand, like the document formats: a client for one relay needs EHLO, MAIL, RCPT, DATA and QUIT.

pub mod message;
pub mod sink;
pub mod smtp;

pub use message::{Attachment, Message};
pub use smtp::{Relay, SmtpError};
