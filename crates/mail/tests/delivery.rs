//! Messages delivered through lettre's SMTP client to the local sink, then read back by an independent MIME
//! parser (`mail-parser`): envelope, French subject (RFC 2047), text, the invitation attached; and each way a
//! delivery fails, told apart as the outbox needs (retry later, or give up).

use mail_parser::{MessageParser, MimeHeaders};
use passerelle_mail::sink::Sink;
use passerelle_mail::{Attachment, Message, Relay, SmtpError, Starttls};
use time::macros::datetime;

fn invitation() -> Message {
    Message {
        message_id: "0190f1c2-outbox@passerelle".into(),
        from: "Passerelle <no-reply@example.fr>".into(),
        to: "Agence de Dijon <ft-dijon@passerelle.test>".into(),
        subject: "Invitation : comité technique d'animation — 15 juin, « Dijon »".into(),
        text: "Bonjour,\nvous êtes invitée au CTA.\n.une ligne qui commence par un point\nÀ bientôt".into(),
        attachment: Some(Attachment {
            file_name: "reunion.ics".into(),
            content_type: "text/calendar; method=REQUEST; charset=utf-8".into(),
            content: "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nSUMMARY:Comité\r\nEND:VCALENDAR\r\n".into(),
        }),
    }
}

#[tokio::test]
async fn an_invitation_reads_back_whole() {
    let sink = Sink::start(0).await.unwrap();
    let message = invitation();
    Relay::new(sink.address.clone())
        .send(&message, datetime!(2026-06-01 08:00 UTC))
        .await
        .unwrap();
    let received = sink.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].from, "no-reply@example.fr");
    assert_eq!(received[0].to, ["ft-dijon@passerelle.test"]);
    // RFC 5322 § 2.1.1: lines of ASCII (non-ASCII text encoded), at most 998 characters.
    assert!(received[0].data.split("\r\n").all(|l| l.len() <= 998 && l.is_ascii()));
    assert!(received[0].data.contains("Auto-Submitted: auto-generated\r\n"));

    let parsed = MessageParser::default().parse(received[0].data.as_bytes()).unwrap();
    assert_eq!(parsed.subject(), Some(message.subject.as_str()));
    assert_eq!(parsed.message_id(), Some("0190f1c2-outbox@passerelle"));
    assert_eq!(
        parsed.date().map(|d| d.to_rfc3339()).as_deref(),
        Some("2026-06-01T08:00:00Z")
    );
    let from = parsed.from().and_then(|a| a.first()).unwrap();
    assert_eq!(
        (from.name(), from.address()),
        (Some("Passerelle"), Some("no-reply@example.fr"))
    );
    // Text lines end with CRLF on the wire (RFC 2046 § 4.1.1, the canonical form of text/plain).
    let text = message.text.replace('\n', "\r\n");
    assert_eq!(parsed.body_text(0).as_deref().map(str::trim_end), Some(text.as_str()));
    assert_eq!(parsed.attachment_count(), 1);
    let ics = parsed.attachment(0).unwrap();
    assert_eq!(ics.attachment_name(), Some("reunion.ics"));
    let kind = ics.content_type().unwrap();
    assert_eq!((kind.ctype(), kind.subtype()), ("text", Some("calendar")));
    assert_eq!(kind.attribute("method"), Some("REQUEST"));
    assert_eq!(ics.contents(), message.attachment.unwrap().content.as_slice());
}

#[tokio::test]
async fn a_relay_down_is_retried_later() {
    let sink = Sink::start(0).await.unwrap();
    sink.set_up(false);
    let error = Relay::new(sink.address.clone())
        .send(&invitation(), datetime!(2026-06-01 08:00 UTC))
        .await
        .unwrap_err();
    assert!(matches!(error, SmtpError::Rejected { code: 421, .. }), "{error}");
    assert!(!error.is_permanent());
    assert!(sink.received().is_empty());
}

#[tokio::test]
async fn an_unreachable_relay_is_retried_later() {
    let address = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().to_string()
    };
    let error = Relay::new(address)
        .send(&invitation(), datetime!(2026-06-01 08:00 UTC))
        .await
        .unwrap_err();
    assert!(matches!(error, SmtpError::Unreachable { .. }), "{error}");
    assert!(error.to_string().starts_with("relais SMTP injoignable"));
    assert!(!error.is_permanent());
}

#[tokio::test]
async fn a_bad_address_is_given_up() {
    let sink = Sink::start(0).await.unwrap();
    let message = Message {
        to: "pas une adresse".into(),
        ..invitation()
    };
    let error = Relay::new(sink.address.clone())
        .send(&message, datetime!(2026-06-01 08:00 UTC))
        .await
        .unwrap_err();
    assert!(error.is_permanent());
    assert_eq!(error.to_string(), "adresse de courriel invalide : « pas une adresse »");
    assert!(sink.received().is_empty());
}

// RFC 3207: with STARTTLS required, a relay that does not offer it gets nothing; a relay that offers it is
// always taken at its word, and a failed handshake sends nothing in clear either.
#[tokio::test]
async fn nothing_goes_in_clear_when_tls_is_required_or_offered() {
    let sink = Sink::start(0).await.unwrap();
    let required = Relay {
        starttls: Starttls::Required,
        ..Relay::new(sink.address.clone())
    };
    let error = required
        .send(&invitation(), datetime!(2026-06-01 08:00 UTC))
        .await
        .unwrap_err();
    assert!(matches!(error, SmtpError::Tls { .. }), "{error}");
    assert!(!error.is_permanent());

    sink.offer_starttls(true);
    let error = Relay::new(sink.address.clone())
        .send(&invitation(), datetime!(2026-06-01 08:00 UTC))
        .await
        .unwrap_err();
    assert!(matches!(error, SmtpError::Tls { .. }), "{error}");
    assert!(sink.received().is_empty());
}
