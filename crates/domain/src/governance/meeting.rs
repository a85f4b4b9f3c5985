//! A committee's meeting: what makes a plan valid (a time, a place or a video link; a termination request
//! examined in an extraordinary committee, Accord régional BFC 2016 article 6), and what may be done to a
//! meeting in which state (its agenda changes and its invitations leave while it is planned; attendance and
//! minutes come on or after its day; minutes are validated once written, and sent on once validated).

use crate::calendar::check_year;
use crate::explanation::Explanation;
use crate::invalid::Invalid;
use crate::text::optional;
use serde::{Deserialize, Serialize};
use time::{Date, Time};

const TERMINATION: &str = "Accord régional BFC 2016, article 6";

labelled_codes! {
    /// Where a meeting stands.
    MeetingStatus {
        Planned => "planned", "prévue";
        Held => "held", "tenue";
        Cancelled => "cancelled", "annulée";
    }
}

/// A meeting as planned (times as typed, `HH:MM`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub held_on: Date,
    pub start_time: String,
    pub end_time: String,
    pub place: Option<String>,
    pub video_link: Option<String>,
    pub extraordinary: bool,
    /// The meeting examines an agreement's termination request.
    pub examines_termination: bool,
}

/// A time of day as typed, `HH:MM`, or `time_invalid` on `field`.
pub fn time_of_day(field: &str, value: &str) -> Result<Time, Invalid> {
    let format = time::macros::format_description!("[hour]:[minute]");
    Time::parse(value.trim(), format).map_err(|_| {
        Invalid::new(
            "time_invalid",
            format!("L'heure « {value} » doit s'écrire HH:MM (09:30 par exemple)."),
        )
        .on(field)
    })
}

impl Plan {
    /// The plan with its times written `HH:MM` and its texts trimmed, or the first rule it breaks.
    pub fn checked(mut self) -> Result<Self, Invalid> {
        check_year(self.held_on).map_err(|e| e.on("held_on"))?;
        let (start, end) = (
            time_of_day("start_time", &self.start_time)?,
            time_of_day("end_time", &self.end_time)?,
        );
        if end <= start {
            return Err(Invalid::new(
                "meeting_ends_before_start",
                "La réunion doit finir après avoir commencé.",
            )
            .on("end_time"));
        }
        let hhmm = |t: Time| format!("{:02}:{:02}", t.hour(), t.minute());
        (self.start_time, self.end_time) = (hhmm(start), hhmm(end));
        self.place = optional("place", self.place.as_deref(), 300)?;
        self.video_link = optional("video_link", self.video_link.as_deref(), 500)?;
        if let Some(link) = &self.video_link
            && !link.starts_with("https://")
        {
            return Err(Invalid::new(
                "video_link_invalid",
                "Le lien de visioconférence doit être une adresse https://.",
            )
            .on("video_link"));
        }
        if self.place.is_none() && self.video_link.is_none() {
            return Err(Invalid::new(
                "meeting_place_required",
                "Indiquez le lieu de la réunion ou son lien de visioconférence.",
            )
            .on("place"));
        }
        if self.examines_termination && !self.extraordinary {
            return Err(Invalid::from(Explanation::new(
                "termination_needs_extraordinary",
                "Une demande de résiliation est examinée en comité extraordinaire",
                TERMINATION,
            ))
            .on("extraordinary"));
        }
        Ok(self)
    }
}

/// What is done to a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingAction {
    ProposeAgendaItem,
    SendInvitations,
    Cancel,
    RecordAttendance,
    WriteMinutes,
    ValidateMinutes,
    TransmitMinutes,
}

/// What the checks read of a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeetingFacts {
    pub status: MeetingStatus,
    pub held_on: Date,
    pub minutes_written: bool,
    pub minutes_validated: bool,
}

/// Why an action is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: &'static str,
    /// `true` when the meeting's state forbids it (a conflict), `false` when its day has not come yet.
    pub conflict: bool,
}

const fn conflict(code: &'static str, message: &'static str) -> Refusal {
    Refusal {
        code,
        message,
        conflict: true,
    }
}

const fn not_yet(message: &'static str) -> Refusal {
    Refusal {
        code: "meeting_not_yet_held",
        message,
        conflict: false,
    }
}

impl MeetingAction {
    /// Whether the action may be done on `m`, seen on `today`.
    pub fn check(self, m: &MeetingFacts, today: Date) -> Result<(), Refusal> {
        use MeetingAction::*;
        let planned = m.status == MeetingStatus::Planned;
        let come = m.held_on <= today;
        let refusal = match self {
            ProposeAgendaItem if !planned => conflict(
                "meeting_not_planned",
                "L'ordre du jour d'une réunion tenue ou annulée ne change plus.",
            ),
            SendInvitations if !planned => conflict(
                "meeting_not_planned",
                "Les invitations ne partent que pour une réunion prévue.",
            ),
            Cancel if !planned => conflict("meeting_not_planned", "Seule une réunion prévue peut être annulée."),
            RecordAttendance if !come => not_yet("La présence se note le jour de la réunion ou après."),
            WriteMinutes if !come => not_yet("Le compte rendu s'écrit après la réunion."),
            WriteMinutes if m.minutes_validated => conflict(
                "minutes_already_validated",
                "Le compte rendu a été validé par les membres : il ne change plus.",
            ),
            ValidateMinutes if !m.minutes_written => {
                conflict("minutes_not_written", "Le compte rendu n'est pas encore écrit.")
            }
            TransmitMinutes if !m.minutes_validated => conflict(
                "minutes_not_validated",
                "Seul un compte rendu validé par les membres est transmis.",
            ),
            _ => return Ok(()),
        };
        Err(refusal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MeetingAction::*;
    use MeetingStatus::*;
    use rstest::rstest;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 06 - 15);

    fn facts(status: MeetingStatus, held_on: Date, written: bool, validated: bool) -> MeetingFacts {
        MeetingFacts {
            status,
            held_on,
            minutes_written: written,
            minutes_validated: validated,
        }
    }

    #[rstest]
    #[case::agenda_while_planned(ProposeAgendaItem, facts(Planned, date!(2026-06-20), false, false), None)]
    #[case::agenda_once_held(ProposeAgendaItem, facts(Held, TODAY, false, false), Some("meeting_not_planned"))]
    #[case::invite_while_planned(SendInvitations, facts(Planned, date!(2026-06-20), false, false), None)]
    #[case::invite_cancelled(SendInvitations, facts(Cancelled, date!(2026-06-20), false, false), Some("meeting_not_planned"))]
    #[case::cancel_planned(Cancel, facts(Planned, date!(2026-06-20), false, false), None)]
    #[case::cancel_twice(Cancel, facts(Cancelled, date!(2026-06-20), false, false), Some("meeting_not_planned"))]
    #[case::attendance_on_the_day(RecordAttendance, facts(Planned, TODAY, false, false), None)]
    #[case::attendance_before(RecordAttendance, facts(Planned, date!(2026-06-16), false, false), Some("meeting_not_yet_held"))]
    #[case::minutes_after(WriteMinutes, facts(Held, date!(2026-06-10), false, false), None)]
    #[case::minutes_before(WriteMinutes, facts(Planned, date!(2026-06-16), false, false), Some("meeting_not_yet_held"))]
    #[case::minutes_validated(WriteMinutes, facts(Held, date!(2026-06-10), true, true), Some("minutes_already_validated"))]
    #[case::validate_written(ValidateMinutes, facts(Held, date!(2026-06-10), true, false), None)]
    #[case::validate_unwritten(ValidateMinutes, facts(Held, date!(2026-06-10), false, false), Some("minutes_not_written"))]
    #[case::transmit_validated(TransmitMinutes, facts(Held, date!(2026-06-10), true, true), None)]
    #[case::transmit_unvalidated(TransmitMinutes, facts(Held, date!(2026-06-10), true, false), Some("minutes_not_validated"))]
    fn what_a_meeting_allows(#[case] action: MeetingAction, #[case] m: MeetingFacts, #[case] refused: Option<&str>) {
        assert_eq!(action.check(&m, TODAY).err().map(|r| r.code), refused);
    }

    fn plan() -> Plan {
        Plan {
            held_on: TODAY,
            start_time: " 09:30 ".into(),
            end_time: "12:00".into(),
            place: Some("Dijon".into()),
            video_link: None,
            extraordinary: false,
            examines_termination: false,
        }
    }

    #[rstest]
    #[case::valid(plan(), None)]
    #[case::bad_time(Plan { start_time: "9h30".into(), ..plan() }, Some("time_invalid"))]
    #[case::ends_first(Plan { end_time: "09:00".into(), ..plan() }, Some("meeting_ends_before_start"))]
    #[case::plain_http(Plan { video_link: Some("http://visio".into()), ..plan() }, Some("video_link_invalid"))]
    #[case::nowhere(Plan { place: None, ..plan() }, Some("meeting_place_required"))]
    #[case::video_only(Plan { place: None, video_link: Some("https://visio".into()), ..plan() }, None)]
    #[case::termination_ordinary(Plan { examines_termination: true, ..plan() }, Some("termination_needs_extraordinary"))]
    #[case::termination_extraordinary(Plan { examines_termination: true, extraordinary: true, ..plan() }, None)]
    fn plans(#[case] p: Plan, #[case] refused: Option<&str>) {
        assert_eq!(p.checked().err().map(|e| e.code), refused);
    }

    #[test]
    fn a_plan_is_written_in_hhmm_and_cites_article_6() {
        assert_eq!(plan().checked().unwrap().start_time, "09:30");
        let e = Plan {
            examines_termination: true,
            ..plan()
        }
        .checked()
        .unwrap_err();
        assert_eq!(
            e.message,
            "Une demande de résiliation est examinée en comité extraordinaire (Accord régional BFC 2016, article 6)."
        );
        assert_eq!(e.field.as_deref(), Some("extraordinary"));
    }
}
