//! A message as lettre builds it (RFC 5322 and MIME): UTF-8 subject and names as RFC 2047 encoded words, a
//! plain-text body, and an optional attachment (an iCalendar invitation) in a multipart/mixed body.

pub use lettre::message::Mailbox;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Attachment as Part, MultiPart, SinglePart};
use time::OffsetDateTime;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub file_name: String,
    /// e.g. `text/calendar; method=REQUEST; charset=utf-8`
    pub content_type: String,
    pub content: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Unique and stable for one outbox entry, so that a relay or a mailbox can recognise a repeat.
    pub message_id: String,
    pub from: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub attachment: Option<Attachment>,
}

/// What makes a message impossible to write: an address that is not one. Sending it again would fail again.
#[derive(Debug, thiserror::Error)]
pub enum MessageError {
    #[error("adresse de courriel invalide : « {0} »")]
    Address(String),
    #[error("courriel impossible à écrire : {0}")]
    Build(#[from] lettre::error::Error),
}

/// RFC 3834: the message is sent by a program, so that mailboxes send no automatic reply to it.
#[derive(Debug, Clone, Copy)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}

fn mailbox(text: &str) -> Result<Mailbox, MessageError> {
    text.parse().map_err(|_| MessageError::Address(text.to_owned()))
}

impl Message {
    /// The message as lettre sends it, dated `date`.
    pub fn build(&self, date: OffsetDateTime) -> Result<lettre::Message, MessageError> {
        let builder = lettre::Message::builder()
            .from(mailbox(&self.from)?)
            .to(mailbox(&self.to)?)
            .subject(self.subject.replace(['\r', '\n'], " "))
            .message_id(Some(format!("<{}>", self.message_id)))
            .date(date.into())
            .header(AutoSubmitted);
        let text = SinglePart::plain(self.text.clone());
        Ok(match &self.attachment {
            None => builder.singlepart(text)?,
            Some(attachment) => {
                // The content types are Passerelle's own (text/calendar): one that would not parse goes as text.
                let kind = ContentType::parse(&attachment.content_type).unwrap_or(ContentType::TEXT_PLAIN);
                let file = Part::new(attachment.file_name.replace(['"', '\r', '\n'], ""))
                    .body(attachment.content.clone(), kind);
                builder.multipart(MultiPart::mixed().singlepart(text).singlepart(file))?
            }
        })
    }
}
