//! A message as RFC 5322 text: UTF-8 subject and names as RFC 2047 encoded words, a plain-text body, and
//! an optional attachment (an iCalendar invitation) in a multipart/mixed MIME body, all in base64.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc2822;

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

impl Message {
    /// The message as sent after DATA (before dot-stuffing), lines ending with CRLF.
    pub fn to_rfc5322(&self, date: OffsetDateTime) -> String {
        let boundary = format!(
            "passerelle-{}",
            self.message_id.replace(|c: char| !c.is_ascii_alphanumeric(), "")
        );
        let mut out = String::new();
        let mut header = |name: &str, value: &str| out.push_str(&format!("{name}: {value}\r\n"));
        header("Date", &date.format(&Rfc2822).unwrap_or_default());
        header("From", &self.from);
        header("To", &self.to);
        header("Subject", &encoded_word(&self.subject));
        header("Message-ID", &format!("<{}>", self.message_id));
        header("MIME-Version", "1.0");
        header("Auto-Submitted", "auto-generated");
        match &self.attachment {
            None => {
                header("Content-Type", "text/plain; charset=utf-8");
                header("Content-Transfer-Encoding", "base64");
                out.push_str("\r\n");
                out.push_str(&base64_lines(self.text.as_bytes()));
            }
            Some(attachment) => {
                header("Content-Type", &format!("multipart/mixed; boundary=\"{boundary}\""));
                out.push_str("\r\n");
                out.push_str(&format!("--{boundary}\r\n"));
                out.push_str("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");
                out.push_str(&base64_lines(self.text.as_bytes()));
                out.push_str(&format!("--{boundary}\r\n"));
                out.push_str(&format!("Content-Type: {}\r\n", attachment.content_type));
                out.push_str(&format!(
                    "Content-Disposition: attachment; filename=\"{}\"\r\n",
                    attachment.file_name.replace(['"', '\r', '\n'], "")
                ));
                out.push_str("Content-Transfer-Encoding: base64\r\n\r\n");
                out.push_str(&base64_lines(&attachment.content));
                out.push_str(&format!("--{boundary}--\r\n"));
            }
        }
        out
    }
}

/// RFC 2047: a header value with non-ASCII characters becomes `=?utf-8?B?...?=`.
fn encoded_word(text: &str) -> String {
    let text = text.replace(['\r', '\n'], " ");
    if text.is_ascii() {
        text
    } else {
        format!("=?utf-8?B?{}?=", STANDARD.encode(text.as_bytes()))
    }
}

/// Base64 in lines of 76 characters (RFC 2045).
fn base64_lines(bytes: &[u8]) -> String {
    let encoded = STANDARD.encode(bytes);
    let mut out = String::with_capacity(encoded.len() + encoded.len() / 38 + 2);
    for chunk in encoded.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn decode(lines: &str) -> String {
        String::from_utf8(STANDARD.decode(lines.replace("\r\n", "")).unwrap()).unwrap()
    }

    #[test]
    fn a_plain_message() {
        let message = Message {
            message_id: "outbox-1@passerelle".into(),
            from: "Passerelle <passerelle@example.fr>".into(),
            to: "aci@passerelle.test".into(),
            subject: "Échéances de la semaine".into(),
            text: "Bonjour,\nl'entretien tripartite de M. Martin est à tenir avant le 5 juin.".into(),
            attachment: None,
        };
        let text = message.to_rfc5322(datetime!(2026-06-01 08:00 UTC));
        let (headers, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(headers.contains("Date: Mon, 01 Jun 2026 08:00:00 +0000"), "{headers}");
        assert!(headers.contains("Subject: =?utf-8?B?"));
        assert!(headers.contains("Message-ID: <outbox-1@passerelle>"));
        assert_eq!(decode(body), message.text);
        assert!(text.split("\r\n").all(|l| l.len() <= 998 && l.is_ascii()));
    }

    #[test]
    fn an_invitation_carries_its_calendar() {
        let message = Message {
            message_id: "outbox-2@passerelle".into(),
            from: "passerelle@example.fr".into(),
            to: "ddets@passerelle.test".into(),
            subject: "CTA du 15 juin".into(),
            text: "Invitation".into(),
            attachment: Some(Attachment {
                file_name: "reunion.ics".into(),
                content_type: "text/calendar; method=REQUEST; charset=utf-8".into(),
                content: b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".to_vec(),
            }),
        };
        let text = message.to_rfc5322(datetime!(2026-06-01 08:00 UTC));
        assert!(text.contains("Subject: CTA du 15 juin\r\n"));
        assert!(text.contains("Content-Type: multipart/mixed; boundary=\"passerelle-outbox2passerelle\""));
        let parts: Vec<_> = text.split("--passerelle-outbox2passerelle").collect();
        assert_eq!(parts.len(), 4, "preamble, two parts, closing");
        assert!(parts[2].contains("Content-Type: text/calendar; method=REQUEST"));
        let (_, encoded) = parts[2].split_once("\r\n\r\n").unwrap();
        assert_eq!(decode(encoded), "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
        assert_eq!(parts[3], "--\r\n");
    }
}
