//! The tripartite interview before the end of an IAE pathway, scheduled then held (Accord régional BFC 2016,
//! fiche action 7, in force since 2016; RULES.md 1.8): « Réaliser des entretiens tripartites, 2 à 3 mois avant
//! la fin du contrat ou de l'agrément (SIAE, référent PE et salariés), pour organiser la sortie des salariés en
//! parcours dans les meilleures conditions. [...] À cette occasion, le bilan et les préconisations sont
//! transmis au référent Pôle emploi et au prescripteur. » The objectives add « en concertation avec ceux-ci »
//! (the employees).
//!
//! A scheduled interview lies within the pathway (from the last hiring to the earlier of the contract's and the
//! approval's end) and not in the past; when it is held, who attended is recorded. The person and the SIAE
//! hold the interview with the referent: neither may be absent. The referent's absence is recorded and the
//! interview still counts, since the text has the bilan « transmis au référent » (see docs/iae.md, « Entretien
//! tripartite prévu », for this reading).

use crate::calendar::french_date;
use crate::explanation::Explanation;
use crate::french::time_of_day;
use crate::invalid::Invalid;
use crate::text::optional;
use time::{Date, Time};

const FICHE_7: &str = "accord régional IAE Bourgogne-Franche-Comté 2016, fiche action 7";

/// A schedule as typed: in the API's JSON or a page's form.
#[derive(Debug, Clone, Default)]
pub struct ScheduleInput {
    pub planned_on: Option<Date>,
    /// `HH:MM`.
    pub start_time: String,
    pub remote: bool,
    /// The address, or for a remote interview the link or the number to call (optional then).
    pub place: Option<String>,
}

/// A checked schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub planned_on: Date,
    pub start_time: Time,
    pub remote: bool,
    pub place: Option<String>,
}

/// What a schedule is checked against: the pathway's last hiring and its end (the earlier of the contract's
/// and the approval's end, as for the interview's window).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathwayBounds {
    pub hiring: Date,
    pub end: Date,
}

impl ScheduleInput {
    /// The schedule, recorded on `today`, of an interview of the pathway `bounds`, or the first rule it breaks.
    pub fn check(&self, bounds: PathwayBounds, today: Date) -> Result<Schedule, Invalid> {
        let planned_on = self
            .planned_on
            .ok_or_else(|| Invalid::new("field_required", "Indiquez la date de l'entretien.").on("planned_on"))?;
        let start_time = crate::governance::meeting::time_of_day("start_time", &self.start_time)?;
        let place = optional("place", self.place.as_deref(), 300)?;
        if !self.remote && place.is_none() {
            return Err(Invalid::new(
                "interview_place_required",
                "Indiquez le lieu de l'entretien, ou cochez « à distance ».",
            )
            .on("place"));
        }
        let refused = |e: Explanation| Invalid::from(e).on("planned_on");
        if planned_on < today {
            return Err(refused(Explanation::new(
                "interview_in_past",
                format!(
                    "L'entretien prévu le {} serait dans le passé (nous sommes le {}) : un entretien qui a eu lieu \
                     s'enregistre comme tenu",
                    french_date(planned_on),
                    french_date(today)
                ),
                FICHE_7,
            )));
        }
        if planned_on < bounds.hiring {
            return Err(refused(Explanation::new(
                "interview_before_hiring",
                format!(
                    "L'entretien du {} précède l'embauche du {} : l'entretien prépare la sortie du parcours",
                    french_date(planned_on),
                    french_date(bounds.hiring)
                ),
                FICHE_7,
            )));
        }
        if planned_on > bounds.end {
            return Err(refused(Explanation::new(
                "interview_after_end",
                format!(
                    "L'entretien du {} est après la fin du parcours, le {} : il se tient 2 à 3 mois avant la fin \
                     du contrat ou du PASS IAE",
                    french_date(planned_on),
                    french_date(bounds.end)
                ),
                FICHE_7,
            )));
        }
        Ok(Schedule {
            planned_on,
            start_time,
            remote: self.remote,
            place,
        })
    }
}

impl Schedule {
    /// « le 12 mars 2027 à 10 h 00, 3 rue ... » or « ..., à distance (lien) ».
    pub fn when_and_where(&self) -> String {
        let at = format!("le {} à {}", french_date(self.planned_on), time_of_day(self.start_time));
        match (&self.place, self.remote) {
            (Some(p), false) => format!("{at}, {p}"),
            (Some(p), true) => format!("{at}, à distance ({p})"),
            (None, _) => format!("{at}, à distance"),
        }
    }
}

/// The sentence of the to-do list while the interview is scheduled (`when_and_where` of its [`Schedule`]): it is
/// still to hold.
pub fn planned(when_and_where: &str) -> String {
    Explanation::new(
        "tripartite_interview_planned",
        format!("Entretien tripartite prévu {when_and_where}"),
        FICHE_7,
    )
    .message
}

/// Who attended a held interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attendance {
    pub person: bool,
    pub siae: bool,
    pub referent: bool,
}

impl Attendance {
    /// An interview is held with the person and the SIAE (« en concertation avec ceux-ci »); the referent's
    /// absence is recorded, the bilan being « transmis au référent » anyway.
    pub fn check(self) -> Result<Self, Invalid> {
        let absent = |code, who: &str| {
            Invalid::from(Explanation::new(
                code,
                format!(
                    "Un entretien tripartite ne peut être tenu sans {who} : s'il n'a pas eu lieu, déplacez-le ou \
                     annulez-le"
                ),
                FICHE_7,
            ))
            .on("attendees")
        };
        if !self.person {
            return Err(absent("interview_person_absent", "la personne"));
        }
        if !self.siae {
            return Err(absent("interview_siae_absent", "la SIAE"));
        }
        Ok(self)
    }

    /// « la personne, la SIAE et le référent présents » or « ..., référent absent ».
    pub fn summary(self) -> &'static str {
        if self.referent {
            "la personne, la SIAE et le référent du service public de l'emploi présents"
        } else {
            "la personne et la SIAE présentes, le référent du service public de l'emploi absent"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use time::macros::{date, time};

    // Fiche 7: 2 to 3 months before the end of the contract or of the agrément; the pathway starts with the hiring.
    const BOUNDS: PathwayBounds = PathwayBounds {
        hiring: date!(2026 - 03 - 02),
        end: date!(2027 - 03 - 01),
    };
    const TODAY: Date = date!(2026 - 12 - 07);

    fn at(planned_on: Date) -> ScheduleInput {
        ScheduleInput {
            planned_on: Some(planned_on),
            start_time: "10:00".into(),
            remote: false,
            place: Some("SIAE, 3 rue des Forges, Dijon".into()),
        }
    }

    #[rstest]
    #[case::in_the_window(date!(2026-12-15), Ok(()))]
    #[case::today(date!(2026-12-07), Ok(()))]
    #[case::on_the_last_day(date!(2027-03-01), Ok(()))]
    #[case::yesterday(date!(2026-12-06), Err("interview_in_past"))]
    #[case::after_the_end(date!(2027-03-02), Err("interview_after_end"))]
    fn scheduled_within_the_pathway(#[case] on: Date, #[case] expected: Result<(), &str>) {
        assert_eq!(at(on).check(BOUNDS, TODAY).map(|_| ()).map_err(|e| e.code), expected);
    }

    #[test]
    fn not_before_the_hiring() {
        // A hiring recorded ahead (starting next month): the interview cannot come before it.
        let ahead = PathwayBounds {
            hiring: date!(2027 - 01 - 04),
            end: date!(2028 - 01 - 03),
        };
        let e = at(date!(2026 - 12 - 20)).check(ahead, TODAY).unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            ("interview_before_hiring", Some("planned_on"))
        );
        assert!(e.message.contains("4 janvier 2027"), "{}", e.message);
    }

    #[test]
    fn a_place_or_remote_and_a_time() {
        let nowhere = ScheduleInput {
            place: Some("  ".into()),
            ..at(date!(2026 - 12 - 15))
        };
        assert_eq!(
            nowhere.check(BOUNDS, TODAY).unwrap_err().code,
            "interview_place_required"
        );
        let remote = ScheduleInput {
            remote: true,
            ..nowhere.clone()
        };
        let s = remote.check(BOUNDS, TODAY).unwrap();
        assert_eq!(s.when_and_where(), "le 15 décembre 2026 à 10 h 00, à distance");
        let bad_time = ScheduleInput {
            start_time: "25:00".into(),
            ..remote
        };
        assert_eq!(bad_time.check(BOUNDS, TODAY).unwrap_err().code, "time_invalid");
        let missing = ScheduleInput {
            planned_on: None,
            ..at(TODAY)
        };
        assert_eq!(missing.check(BOUNDS, TODAY).unwrap_err().code, "field_required");
        let s = at(date!(2027 - 01 - 05)).check(BOUNDS, TODAY).unwrap();
        assert_eq!(s.start_time, time!(10:00));
        assert_eq!(
            planned(&s.when_and_where()),
            "Entretien tripartite prévu le 5 janvier 2027 à 10 h 00, SIAE, 3 rue des Forges, Dijon (accord régional \
             IAE Bourgogne-Franche-Comté 2016, fiche action 7)."
        );
    }

    // « SIAE, référent PE et salariés », « en concertation avec ceux-ci »: not without the person nor the SIAE;
    // the bilan is « transmis au référent »: the referent's absence is recorded.
    #[rstest]
    #[case::all_three(true, true, true, Ok(()))]
    #[case::referent_absent(true, true, false, Ok(()))]
    #[case::person_absent(false, true, true, Err("interview_person_absent"))]
    #[case::siae_absent(true, false, true, Err("interview_siae_absent"))]
    fn who_must_attend(
        #[case] person: bool,
        #[case] siae: bool,
        #[case] referent: bool,
        #[case] expected: Result<(), &str>,
    ) {
        let a = Attendance { person, siae, referent };
        assert_eq!(a.check().map(|_| ()).map_err(|e| e.code), expected);
    }
}
