//! Who may diagnose and prescribe an IAE pathway, and whether a diagnosis on file supports a prescription
//! (RULES.md 1.5, 1.6): an authorised prescriber (by right or with an authorisation in force) diagnoses and
//! prescribes to any SIAE; an SIAE diagnoses for its own hirings only; only an authorised prescriber lifts
//! the waiting period after a previous pathway (R5132-1-4). Every refusal is a code and a French reason.

use crate::directory::OrganisationKind;
use crate::explanation::Explanation;
use crate::invalid::Invalid;
use crate::pathways::iae::{DiagnosisAuthor, SiaeKind};
use time::Date;

const WAITING_PERIOD: &str = "Code du travail, art. R5132-1-4";

/// How an organisation of `kind` diagnoses: as an authorised prescriber (by right, or with an
/// authorisation in force: `authorised`) or, for an SIAE, as an employer. Anyone else may not.
pub fn diagnosis_author(kind: OrganisationKind, authorised: bool) -> Result<DiagnosisAuthor, Invalid> {
    if kind.is_prescriber_by_right() || kind == OrganisationKind::AuthorisedPrescriber || authorised {
        Ok(DiagnosisAuthor::AuthorizedPrescriber)
    } else if kind.is_siae() {
        Ok(DiagnosisAuthor::Employer)
    } else {
        Err(Invalid::new(
            "not_a_prescriber",
            "Votre structure n'est ni prescripteur habilité ni SIAE : elle ne peut pas établir de diagnostic IAE.",
        ))
    }
}

/// Whether an author may send this prescription: to its own SIAE (`own_siae`, an SIAE's own diagnosis) or,
/// as an authorised prescriber, to another; lifting the waiting period (`waiver`) is the prescriber's alone.
/// Refusals are about who acts (the caller's rights), not the input.
pub fn may_prescribe(author: DiagnosisAuthor, own_siae: bool, waiver: bool) -> Result<(), Invalid> {
    if waiver && own_siae {
        return Err(Explanation::new(
            "waiver_needs_prescriber",
            "Seul un prescripteur habilité peut lever le délai de carence",
            WAITING_PERIOD,
        )
        .into());
    }
    if !own_siae && author != DiagnosisAuthor::AuthorizedPrescriber {
        return Err(Invalid::new(
            "not_a_prescriber",
            "Seul un prescripteur habilité peut prescrire un parcours vers une autre SIAE.",
        ));
    }
    Ok(())
}

/// The person agreed to this prescription being sent to this SIAE: the consent this one sharing needs.
pub fn consent(person_consent: bool) -> Result<(), Invalid> {
    if person_consent {
        return Ok(());
    }
    Err(Invalid::new(
        "consent_required",
        "La personne doit avoir accepté que sa candidature soit transmise à cette SIAE : recueillez son accord.",
    )
    .on("person_consent"))
}

/// A prescription rests on a diagnosis: none on file.
pub fn diagnosis_required() -> Invalid {
    Invalid::new(
        "diagnosis_required",
        "Aucun diagnostic IAE pour cette personne : établissez le diagnostic avant de prescrire.",
    )
    .on("diagnosis_id")
}

/// A diagnosis on file, as a prescription reads it.
#[derive(Debug, Clone, Copy)]
pub struct DiagnosisOnFile<'a> {
    pub diagnosed_on: Date,
    /// First day it is no longer valid.
    pub expires_on: Date,
    pub eligible: bool,
    /// The engine's reasons; the first says why the person is not eligible.
    pub reasons: &'a [Explanation],
    pub author: DiagnosisAuthor,
    pub siae_kind: SiaeKind,
    /// Made by the SIAE the prescription goes to.
    pub by_that_siae: bool,
}

/// Whether `d` supports, on `today`, a prescription to an SIAE of `kind` (`own_siae`: the SIAE prescribes to
/// itself): still valid, eligible, and an employer's diagnosis only for its own hirings of its kind.
pub fn supports(d: &DiagnosisOnFile, today: Date, kind: SiaeKind, own_siae: bool) -> Result<(), Invalid> {
    let refusal = if today >= d.expires_on {
        Invalid::new(
            "diagnosis_expired",
            format!(
                "Le diagnostic du {} a expiré : établissez-en un nouveau.",
                d.diagnosed_on
            ),
        )
    } else if !d.eligible {
        Invalid::new(
            "not_eligible",
            format!(
                "Le diagnostic ne rend pas la personne éligible : {}",
                d.reasons.first().map(|r| r.message.as_str()).unwrap_or("")
            ),
        )
    } else if d.author == DiagnosisAuthor::Employer && (!own_siae || d.siae_kind != kind || !d.by_that_siae) {
        Invalid::new(
            "diagnosis_not_applicable",
            "Le diagnostic d'un employeur ne vaut que pour ses propres embauches.",
        )
    } else {
        return Ok(());
    };
    Err(refusal.on("diagnosis_id"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use DiagnosisAuthor::*;
    use rstest::rstest;
    use time::macros::date;

    #[rstest]
    #[case::france_travail_by_right(OrganisationKind::FranceTravailAgency, false, Ok(AuthorizedPrescriber))]
    #[case::authorised_prescriber(OrganisationKind::AuthorisedPrescriber, false, Ok(AuthorizedPrescriber))]
    #[case::siae_with_authorisation(OrganisationKind::Aci, true, Ok(AuthorizedPrescriber))]
    #[case::siae_for_itself(OrganisationKind::Aci, false, Ok(Employer))]
    #[case::esat_may_not(OrganisationKind::Esat, false, Err("not_a_prescriber"))]
    fn who_diagnoses(
        #[case] kind: OrganisationKind,
        #[case] authorised: bool,
        #[case] expected: Result<DiagnosisAuthor, &str>,
    ) {
        assert_eq!(diagnosis_author(kind, authorised).map_err(|e| e.code), expected);
    }

    // R5132-1-4: only an authorised prescriber lifts the waiting period; an SIAE prescribes to itself only.
    #[rstest]
    #[case::prescriber_to_siae(AuthorizedPrescriber, false, false, Ok(()))]
    #[case::prescriber_lifts_waiting_period(AuthorizedPrescriber, false, true, Ok(()))]
    #[case::siae_to_itself(Employer, true, false, Ok(()))]
    #[case::siae_cannot_lift(Employer, true, true, Err("waiver_needs_prescriber"))]
    #[case::authorised_siae_cannot_lift_for_itself(AuthorizedPrescriber, true, true, Err("waiver_needs_prescriber"))]
    #[case::siae_to_another(Employer, false, false, Err("not_a_prescriber"))]
    fn who_prescribes(
        #[case] author: DiagnosisAuthor,
        #[case] own_siae: bool,
        #[case] waiver: bool,
        #[case] expected: Result<(), &str>,
    ) {
        assert_eq!(may_prescribe(author, own_siae, waiver).map_err(|e| e.code), expected);
    }

    #[test]
    fn the_waiver_refusal_cites_its_article() {
        assert_eq!(
            may_prescribe(Employer, true, true).unwrap_err().message,
            "Seul un prescripteur habilité peut lever le délai de carence (Code du travail, art. R5132-1-4)."
        );
        assert_eq!(consent(false).unwrap_err().field.as_deref(), Some("person_consent"));
        assert!(consent(true).is_ok());
    }

    fn on_file(author: DiagnosisAuthor, eligible: bool, by_that_siae: bool) -> DiagnosisOnFile<'static> {
        DiagnosisOnFile {
            diagnosed_on: date!(2026 - 01 - 10),
            expires_on: date!(2026 - 07 - 10),
            eligible,
            reasons: &[],
            author,
            siae_kind: SiaeKind::Aci,
            by_that_siae,
        }
    }

    #[rstest]
    #[case::valid(on_file(AuthorizedPrescriber, true, false), date!(2026-07-09), SiaeKind::Ei, false, Ok(()))]
    #[case::expired(on_file(AuthorizedPrescriber, true, false), date!(2026-07-10), SiaeKind::Ei, false, Err("diagnosis_expired"))]
    #[case::not_eligible(on_file(AuthorizedPrescriber, false, false), date!(2026-02-01), SiaeKind::Ei, false, Err("not_eligible"))]
    #[case::employer_own_hiring(on_file(Employer, true, true), date!(2026-02-01), SiaeKind::Aci, true, Ok(()))]
    #[case::employer_for_another(on_file(Employer, true, false), date!(2026-02-01), SiaeKind::Aci, true, Err("diagnosis_not_applicable"))]
    #[case::employer_other_kind(on_file(Employer, true, true), date!(2026-02-01), SiaeKind::Ei, true, Err("diagnosis_not_applicable"))]
    #[case::employer_sent_by_prescriber(on_file(Employer, true, true), date!(2026-02-01), SiaeKind::Aci, false, Err("diagnosis_not_applicable"))]
    fn diagnosis_supports_the_prescription(
        #[case] d: DiagnosisOnFile<'static>,
        #[case] today: Date,
        #[case] kind: SiaeKind,
        #[case] own_siae: bool,
        #[case] expected: Result<(), &str>,
    ) {
        let got = supports(&d, today, kind, own_siae);
        assert_eq!(got.as_ref().map_err(|e| e.code), expected.as_ref().map_err(|c| *c));
        if let Err(e) = got {
            assert_eq!(e.field.as_deref(), Some("diagnosis_id"));
        }
    }
}
