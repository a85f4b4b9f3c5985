//! A local cooperation convention lapses when its SIAE loses its State convention (conventionnement).
//!
//! Guide de la CCL Pôle emploi – SIAE II.b (read 2026-12-07): « Cette convention devient **caduque** en cas de non
//! conventionnement de la SIAE par l'Etat. » The State convention is the DDETS's decision (L5132-2 code du
//! travail: the SIAE concludes a convention with the State); the DDETS of the SIAE's department records its end
//! date on the SIAE's directory record. The CCL lapses the day after that end, by itself: nobody has to find it
//! out. Its parties are reminded [`RENEWAL_REMINDER_MONTHS`] months before, so that the SIAE has its
//! conventionnement renewed in time (our choice: the same three months as the notice of the guide's II.b, the
//! time a DDETS needs to examine a renewal).

use super::AgreementKind;
use super::deadlines::Deadline;
use crate::calendar::{add_days, add_months, french_date};
use crate::explanation::Explanation;
use crate::invalid::Invalid;
use time::Date;

pub const SOURCE: &str = "Guide de la CCL Pôle emploi – SIAE II.b";

/// How long before the end of the SIAE's State convention its CCL's parties are reminded.
pub const RENEWAL_REMINDER_MONTHS: i32 = 3;

/// The day a CCL lapses when its SIAE's State convention ends on `ends_on`: the day after.
pub fn lapses_on(kind: AgreementKind, convention_ends_on: Option<Date>) -> Option<Date> {
    convention_ends_on
        .filter(|_| kind == AgreementKind::LocalCooperation)
        .map(|end| add_days(end, 1))
}

/// Why a CCL lapsed, as its parties read it.
pub fn lapse_cause(lapses_on: Date) -> String {
    format!(
        "La SIAE n'est plus conventionnée par l'État depuis le {} : la convention est caduque (« Cette convention \
         devient caduque en cas de non conventionnement de la SIAE par l'Etat », {SOURCE})",
        french_date(lapses_on)
    )
}

/// The reminders of a CCL whose SIAE's State convention ends on `lapses_on - 1`, from `today` on: renew it
/// three months before, and the lapse itself.
pub fn reminders(lapses_on: Date, today: Date) -> Vec<Deadline> {
    let end = add_days(lapses_on, -1);
    let remind = add_months(end, -RENEWAL_REMINDER_MONTHS);
    let mut out = Vec::new();
    if remind >= today {
        out.push(Deadline {
            on: remind,
            explanation: Explanation::new(
                "state_convention_renewal",
                format!(
                    "Le conventionnement de la SIAE par l'État prend fin le {} : faire renouveler ce \
                     conventionnement par la DDETS, sans quoi la convention deviendra caduque le {}",
                    french_date(end),
                    french_date(lapses_on)
                ),
                SOURCE,
            ),
        });
    }
    if lapses_on >= today {
        out.push(Deadline {
            on: lapses_on,
            explanation: Explanation::new(
                "state_convention_lapse",
                format!(
                    "La convention devient caduque le {}, la SIAE n'étant plus conventionnée par l'État",
                    french_date(lapses_on)
                ),
                SOURCE,
            ),
        });
    }
    out
}

/// Checks a State convention as the DDETS records it: its reference, and an end date the system can hold.
pub fn check(ends_on: Date, reference: &str) -> Result<String, Invalid> {
    let reference = crate::text::required_said(
        "reference",
        reference,
        200,
        "Indiquez la référence de la convention conclue entre l'État et la SIAE.",
    )?;
    if ends_on.year() < 2000 || ends_on.year() > 2100 {
        return Err(Invalid::new(
            "state_convention_date_invalid",
            "La date de fin du conventionnement doit être comprise entre 2000 et 2100.",
        )
        .on("ends_on"));
    }
    Ok(reference)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    // Guide de la CCL II.b: only the local cooperation convention lapses with its SIAE's conventionnement.
    #[test]
    fn only_a_ccl_lapses_the_day_after_the_end() {
        let end = Some(date!(2027 - 06 - 30));
        assert_eq!(
            lapses_on(AgreementKind::LocalCooperation, end),
            Some(date!(2027 - 07 - 01))
        );
        assert_eq!(lapses_on(AgreementKind::EsatSpe, end), None);
        assert_eq!(lapses_on(AgreementKind::LocalCooperation, None), None);
    }

    #[test]
    fn reminded_three_months_before_then_the_lapse() {
        let lapse = date!(2027 - 07 - 01);
        let all = reminders(lapse, date!(2027 - 01 - 01));
        let got: Vec<(Date, &str)> = all.iter().map(|d| (d.on, d.explanation.code)).collect();
        assert_eq!(
            got,
            [
                (date!(2027 - 03 - 30), "state_convention_renewal"),
                (date!(2027 - 07 - 01), "state_convention_lapse")
            ]
        );
        assert!(all[0].explanation.message.contains("30 juin 2027"));
        // Inside the three months only the lapse is still ahead; after it, nothing.
        assert_eq!(reminders(lapse, date!(2027 - 05 - 01)).len(), 1);
        assert!(reminders(lapse, date!(2027 - 07 - 02)).is_empty());
    }

    #[test]
    fn a_record_needs_a_reference_and_a_plausible_date() {
        assert_eq!(check(date!(2027 - 06 - 30), " ").unwrap_err().code, "field_required");
        assert_eq!(
            check(date!(1990 - 06 - 30), "Convention 2024-12").unwrap_err().code,
            "state_convention_date_invalid"
        );
        assert_eq!(check(date!(2027 - 06 - 30), " Conv. 12 ").unwrap(), "Conv. 12");
    }
}
