//! Orientation: the first phase of an IAE pathway, before the prescription. Any organisation receiving the
//! public may spot a person for whom an IAE pathway may fit and send them to an authorised prescriber; it does
//! not diagnose and cannot validate eligibility. The prescriber alone does the socio-professional diagnosis and
//! decides: it takes the person on (then the ordinary prescription path starts from the person) or refuses,
//! saying why (Accord régional de coopération Bourgogne-Franche-Comté (2016), annexe 4, « L'agrément dans le
//! parcours d'insertion » : « L'orientation, pouvant être réalisée par tous les acteurs accueillant du public
//! [...] Orientation vers un prescripteur » ; « La prescription, pouvant être réalisée uniquement par les
//! prescripteurs de droit [...] et les prescripteurs habilités par le Préfet »).
//!
//! Dated: from the agreement's signature (8 December 2016) the prescribers by right are Pôle emploi, the
//! Missions locales and Cap emploi (annex 4); since the PASS IAE (1 December 2021, loi 2020-1577 and the
//! arrêté of 1 September 2021 listing them, Code du travail art. L5132-3) the departmental councils are too.
//! Either way an organisation authorised by the préfet, with an authorisation in force, is one.

use crate::dated::Dated;
use crate::directory::OrganisationKind;
use crate::invalid::Invalid;
use crate::text::required;
use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::date;

labelled_codes! {
    /// Where an orientation stands.
    Status as OrientationStatus {
        Sent => "sent", "envoyée";
        Accepted => "accepted", "prise en charge";
        Refused => "refused", "refusée";
    }
}

/// Who is an authorised prescriber by right, by the date the rule applies from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByRight {
    /// Pôle emploi (France Travail), Missions locales, Cap emploi: annex 4 of the 2016 agreement.
    PublicEmploymentService,
    /// The same and the departmental councils: arrêté of 1 September 2021 (PASS IAE).
    WithDepartmentalCouncils,
}

/// The rule on each date, with its sources.
pub const PRESCRIBERS: Dated<ByRight> = Dated::new(
    "Accord régional de coopération Bourgogne-Franche-Comté (2016), annexe 4 ; Code du travail, art. L5132-3 \
     (loi 2020-1577) et arrêté du 1er septembre 2021",
    &[
        (date!(2016 - 12 - 08), ByRight::PublicEmploymentService),
        (date!(2021 - 12 - 01), ByRight::WithDepartmentalCouncils),
    ],
);

/// Where users read the rule.
pub const SOURCE: &str =
    "Accord régional de coopération Bourgogne-Franche-Comté (2016), annexe 4 (orientation, puis prescription)";

/// Whether an organisation of `kind` (holding an authorisation of the préfet in force: `authorised`) is an
/// authorised prescriber on `day`, and so may receive an orientation.
pub fn is_authorised_prescriber(kind: OrganisationKind, authorised: bool, day: Date) -> bool {
    let by_right = match PRESCRIBERS.at_or_first(day) {
        ByRight::PublicEmploymentService => kind.is_spe(),
        ByRight::WithDepartmentalCouncils => kind.is_prescriber_by_right(),
    };
    by_right || kind == OrganisationKind::AuthorisedPrescriber || authorised
}

/// The prescriber chosen: an authorised prescriber other than the orienting organisation.
pub fn target(kind: OrganisationKind, authorised: bool, day: Date, itself: bool) -> Result<(), Invalid> {
    if !is_authorised_prescriber(kind, authorised, day) {
        return Err(Invalid::new(
            "orientation_target_invalid",
            format!(
                "Cette structure n'est pas un prescripteur habilité : choisissez France Travail, une Mission locale, \
                 un Cap emploi, le conseil départemental ou une structure habilitée par le préfet ({SOURCE})."
            ),
        )
        .on("prescriber_id"));
    }
    if itself {
        return Err(Invalid::new(
            "orientation_to_itself",
            "Votre structure est elle-même prescripteur habilité : établissez le diagnostic et prescrivez le parcours \
             depuis la fiche de la personne.",
        )
        .on("prescriber_id"));
    }
    Ok(())
}

/// What the orienting organisation writes: why an IAE pathway may fit, in at most 4,000 characters.
pub fn message(value: &str) -> Result<String, Invalid> {
    required("message", value, 4_000)
}

/// The person agreed to being sent to this prescriber: their name and the message go to it.
pub fn consent(person_consent: bool) -> Result<(), Invalid> {
    if person_consent {
        return Ok(());
    }
    Err(Invalid::new(
        "consent_required",
        "La personne doit avoir accepté d'être orientée vers ce prescripteur : recueillez son accord.",
    )
    .on("person_consent"))
}

/// The sentence of an orientation waiting in the prescriber's to-do list. No text sets a time limit.
pub fn awaiting_answer() -> String {
    "Orientation à traiter : recevez la personne pour son diagnostic, puis prenez-la en charge ou refusez en disant \
     pourquoi."
        .to_owned()
}

/// The prescriber's answer as submitted.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AnswerInput {
    /// `accepted` or `refused`.
    pub decision: String,
    /// Why, mandatory for a refusal.
    pub reason: Option<String>,
}

/// A valid answer: the new status and, for a refusal, its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: Status,
    pub reason: Option<String>,
}

/// The prescriber answers an orientation in `current` state: only a waiting one, once; a refusal says why
/// (annex 4: the prescriber decides; every refusal in the chain is motivated, fiche action 4).
pub fn answer(current: Status, input: &AnswerInput) -> Result<Answer, Invalid> {
    if current != Status::Sent {
        return Err(Invalid::new(
            "orientation_already_answered",
            format!("Cette orientation a déjà reçu sa réponse ({}).", current.label()),
        ));
    }
    match Status::parse(input.decision.trim()) {
        Some(Status::Accepted) => Ok(Answer {
            status: Status::Accepted,
            reason: None,
        }),
        Some(Status::Refused) => {
            let reason =
                required("motif du refus", input.reason.as_deref().unwrap_or(""), 2_000).map_err(|e| e.on("reason"))?;
            Ok(Answer {
                status: Status::Refused,
                reason: Some(reason),
            })
        }
        _ => Err(Invalid::new(
            "decision_invalid",
            "Choisissez la réponse : prendre en charge la personne ou refuser l'orientation.",
        )
        .on("decision")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrganisationKind::*;
    use rstest::rstest;

    const TODAY: Date = date!(2026 - 12 - 06);

    #[test]
    fn rules_are_in_date_order() {
        assert!(PRESCRIBERS.is_in_date_order());
    }

    // Annex 4: « prescripteurs de droit (Pôle-emploi, Mission locale et cap emploi) et les prescripteurs
    // habilités par le Préfet »; since 2021-12-01 the departmental councils too.
    #[rstest]
    #[case::france_travail(FranceTravailAgency, false, TODAY, true)]
    #[case::mission_locale(MissionLocale, false, TODAY, true)]
    #[case::cap_emploi(CapEmploi, false, TODAY, true)]
    #[case::departmental_council_since_pass_iae(DepartmentalCouncil, false, date!(2021-12-01), true)]
    #[case::departmental_council_under_the_2016_agreement(DepartmentalCouncil, false, date!(2021-11-30), false)]
    #[case::authorised_by_the_prefet(AuthorisedPrescriber, false, TODAY, true)]
    #[case::with_an_authorisation_in_force(Esat, true, TODAY, true)]
    #[case::siae_is_an_orienteur_not_a_prescriber(Aci, false, TODAY, false)]
    #[case::esat_without_authorisation(Esat, false, TODAY, false)]
    #[case::employer(Employer, false, TODAY, false)]
    fn who_receives_an_orientation(
        #[case] kind: OrganisationKind,
        #[case] authorised: bool,
        #[case] day: Date,
        #[case] yes: bool,
    ) {
        assert_eq!(is_authorised_prescriber(kind, authorised, day), yes);
        assert_eq!(target(kind, authorised, day, false).is_ok(), yes);
    }

    #[test]
    fn an_orientation_goes_to_another_structure() {
        let e = target(MissionLocale, false, TODAY, true).unwrap_err();
        assert_eq!(e.code, "orientation_to_itself");
        let e = target(Aci, false, TODAY, false).unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            ("orientation_target_invalid", Some("prescriber_id"))
        );
        assert!(e.message.contains("annexe 4"));
    }

    #[test]
    fn consent_and_message_are_required() {
        assert_eq!(consent(false).unwrap_err().field.as_deref(), Some("person_consent"));
        assert!(consent(true).is_ok());
        assert_eq!(message("  ").unwrap_err().code, "field_required");
        assert_eq!(message(&"x".repeat(4_001)).unwrap_err().code, "field_too_long");
        assert_eq!(message(" Repérée à l'accueil. ").unwrap(), "Repérée à l'accueil.");
    }

    fn input(decision: &str, reason: Option<&str>) -> AnswerInput {
        AnswerInput {
            decision: decision.into(),
            reason: reason.map(Into::into),
        }
    }

    // The prescriber decides once: takes the person on, or refuses with a reason.
    #[rstest]
    #[case::take_on(Status::Sent, "accepted", None, Ok(Status::Accepted))]
    #[case::take_on_ignores_a_reason(Status::Sent, "accepted", Some("vu"), Ok(Status::Accepted))]
    #[case::refuse_with_reason(
        Status::Sent,
        "refused",
        Some("Suivi par un autre prescripteur"),
        Ok(Status::Refused)
    )]
    #[case::refuse_without_reason(Status::Sent, "refused", None, Err("field_required"))]
    #[case::refuse_with_blank_reason(Status::Sent, "refused", Some("  "), Err("field_required"))]
    #[case::unknown_decision(Status::Sent, "maybe", None, Err("decision_invalid"))]
    #[case::back_to_sent(Status::Sent, "sent", None, Err("decision_invalid"))]
    #[case::already_accepted(Status::Accepted, "refused", Some("non"), Err("orientation_already_answered"))]
    #[case::already_refused(Status::Refused, "accepted", None, Err("orientation_already_answered"))]
    fn answers(
        #[case] current: Status,
        #[case] decision: &str,
        #[case] reason: Option<&str>,
        #[case] expected: Result<Status, &str>,
    ) {
        let got = answer(current, &input(decision, reason));
        assert_eq!(got.as_ref().map(|a| a.status).map_err(|e| e.code), expected);
        if let Ok(Answer {
            status: Status::Refused,
            reason,
        }) = got
        {
            assert!(reason.is_some_and(|r| !r.trim().is_empty()));
        }
    }

    #[test]
    fn a_refusal_without_reason_points_at_its_field_in_french() {
        let e = answer(Status::Sent, &input("refused", None)).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("reason"));
        assert!(e.message.contains("motif du refus"));
    }
}
