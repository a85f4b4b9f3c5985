//! iCalendar (RFC 5545) for meeting invitations and dated obligations: one `VCALENDAR` with its events,
//! local times in Europe/Paris (with the `VTIMEZONE` that defines them), all-day events for deadlines.
//! Written by hand like the other formats: the text is small and the rules few (escaping, CRLF, folding
//! at 75 octets).

use time::{Date, OffsetDateTime, PrimitiveDateTime};

/// Who organises or attends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    pub name: String,
    pub email: String,
    /// A required participant (a deliberative member), or an optional one (consultative, invited).
    pub required: bool,
}

/// When an event happens: a meeting at local times in Europe/Paris, or a whole day (a deadline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Local {
        start: PrimitiveDateTime,
        end: PrimitiveDateTime,
    },
    AllDay(Date),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    /// Stable across updates of the same meeting, so that a calendar replaces it instead of adding one.
    pub uid: String,
    /// Raised at each update of the same `uid`.
    pub sequence: u32,
    pub summary: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub url: Option<String>,
    pub when: When,
    pub organizer: Option<Attendee>,
    pub attendees: Vec<Attendee>,
    pub cancelled: bool,
}

/// `REQUEST` for an invitation sent to attendees, `CANCEL` when the meeting is called off (RFC 5546), `PUBLISH`
/// for a calendar one subscribes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Request,
    Cancel,
    Publish,
}

/// The calendar of `events`, stamped at `now`.
pub fn calendar(events: &[CalendarEvent], method: Method, now: OffsetDateTime) -> String {
    let mut out = String::new();
    let mut line = |text: &str| fold(&mut out, text);
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//Passerelle//Passerelle//FR");
    line("CALSCALE:GREGORIAN");
    line(match method {
        Method::Request => "METHOD:REQUEST",
        Method::Cancel => "METHOD:CANCEL",
        Method::Publish => "METHOD:PUBLISH",
    });
    if events.iter().any(|e| matches!(e.when, When::Local { .. })) {
        for text in PARIS {
            line(text);
        }
    }
    let stamp = now.to_offset(time::UtcOffset::UTC);
    for event in events {
        line("BEGIN:VEVENT");
        line(&format!("UID:{}", escape(&event.uid)));
        line(&format!(
            "DTSTAMP:{}Z",
            compact_time(PrimitiveDateTime::new(stamp.date(), stamp.time()))
        ));
        line(&format!("SEQUENCE:{}", event.sequence));
        match event.when {
            When::Local { start, end } => {
                line(&format!("DTSTART;TZID=Europe/Paris:{}", compact_time(start)));
                line(&format!("DTEND;TZID=Europe/Paris:{}", compact_time(end)));
            }
            When::AllDay(day) => {
                line(&format!("DTSTART;VALUE=DATE:{}", compact_date(day)));
                let next = day.next_day().unwrap_or(day);
                line(&format!("DTEND;VALUE=DATE:{}", compact_date(next)));
            }
        }
        line(&format!("SUMMARY:{}", escape(&event.summary)));
        for (name, value) in [
            ("DESCRIPTION", &event.description),
            ("LOCATION", &event.location),
            ("URL", &event.url),
        ] {
            if let Some(value) = value {
                line(&format!("{name}:{}", escape(value)));
            }
        }
        if let Some(organizer) = &event.organizer {
            line(&format!(
                "ORGANIZER;CN={}:mailto:{}",
                parameter(&organizer.name),
                organizer.email
            ));
        }
        for attendee in &event.attendees {
            let role = if attendee.required {
                "REQ-PARTICIPANT"
            } else {
                "OPT-PARTICIPANT"
            };
            line(&format!(
                "ATTENDEE;CN={};ROLE={role};PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{}",
                parameter(&attendee.name),
                attendee.email
            ));
        }
        line(if event.cancelled {
            "STATUS:CANCELLED"
        } else {
            "STATUS:CONFIRMED"
        });
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    out
}

/// Europe/Paris since 1996: CET in winter, CEST from the last Sunday of March to the last Sunday of October.
const PARIS: [&str; 17] = [
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Paris",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
];

fn compact_date(date: Date) -> String {
    format!("{:04}{:02}{:02}", date.year(), u8::from(date.month()), date.day())
}

fn compact_time(at: PrimitiveDateTime) -> String {
    format!(
        "{}T{:02}{:02}{:02}",
        compact_date(at.date()),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// TEXT values (RFC 5545 3.3.11): backslash, semicolon, comma and new lines escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value (RFC 5545 3.2): quoted, since names hold commas and colons; quotes cannot appear.
fn parameter(text: &str) -> String {
    format!("\"{}\"", text.replace(['"', '\r', '\n'], " "))
}

/// Writes `text` as content lines of at most 75 octets, continuation lines starting with a space, never
/// cutting a UTF-8 character (RFC 5545 3.1).
fn fold(out: &mut String, text: &str) {
    let mut width = 0;
    for c in text.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn meeting() -> CalendarEvent {
        CalendarEvent {
            uid: "meeting-42@passerelle".into(),
            sequence: 1,
            summary: "CTA de Dijon, 2e trimestre".into(),
            description: Some("Ordre du jour :\n1. Bilan; refus d'orientation, suivi\n2. Questions diverses".into()),
            location: Some("Agence France Travail, 12 rue de la Liberté, Dijon".into()),
            url: Some("https://visio.example.fr/cta".into()),
            when: When::Local {
                start: datetime!(2026-06-15 09:30),
                end: datetime!(2026-06-15 12:00),
            },
            organizer: Some(Attendee {
                name: "Claire Dupont, France Travail".into(),
                email: "claire.dupont@passerelle.test".into(),
                required: true,
            }),
            attendees: vec![Attendee {
                name: "Jardins de Cocagne \"Dijon\"".into(),
                email: "aci@passerelle.test".into(),
                required: false,
            }],
            cancelled: false,
        }
    }

    #[test]
    fn lines_are_escaped_folded_and_end_with_crlf() {
        let text = calendar(&[meeting()], Method::Request, datetime!(2026-06-01 08:00 UTC));
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(text.split("\r\n").all(|l| l.len() <= 75), "{text}");
        assert!(!text.replace("\r\n", "").contains('\n'));
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.contains("DTSTART;TZID=Europe/Paris:20260615T093000\r\n"));
        assert!(unfolded.contains("DESCRIPTION:Ordre du jour :\\n1. Bilan\\; refus d'orientation\\, suivi\\n"));
        assert!(unfolded.contains("ATTENDEE;CN=\"Jardins de Cocagne  Dijon \";ROLE=OPT-PARTICIPANT"));
        assert!(unfolded.contains("DTSTAMP:20260601T080000Z"));
        assert!(unfolded.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Paris"));
        assert_eq!(text.matches("BEGIN:").count(), text.matches("END:").count());
    }

    #[test]
    fn folding_never_cuts_a_character() {
        let mut out = String::new();
        fold(&mut out, &format!("SUMMARY:{}", "é".repeat(60)));
        for line in out.split("\r\n") {
            assert!(line.len() <= 75);
        }
        assert_eq!(
            out.replace("\r\n ", "").trim_end(),
            format!("SUMMARY:{}", "é".repeat(60))
        );
    }

    #[test]
    fn deadlines_are_whole_days_without_timezone() {
        let deadline = CalendarEvent {
            when: When::AllDay(date!(2026 - 12 - 31)),
            ..meeting()
        };
        let text = calendar(&[deadline], Method::Publish, datetime!(2026-06-01 08:00 UTC));
        assert!(text.contains("DTSTART;VALUE=DATE:20261231\r\nDTEND;VALUE=DATE:20270101\r\n"));
        assert!(!text.contains("VTIMEZONE"));
        assert!(text.contains("METHOD:PUBLISH"));
    }
}
