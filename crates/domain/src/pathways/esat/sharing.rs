//! Sharing a worker's ESAT follow-up with the public employment service (Questions incontournables ESAT – SPE,
//! question 11: « prévoir les outils de suivi individuels à mettre en place en lien avec la convention et le plan
//! d'action »; question 4: the Teams TH of the lieu unique d'accompagnement France Travail / Cap emploi).
//!
//! Rule, in force since the first ESAT-SPE conventions (2023): the members of an SPE organisation (France
//! Travail, Cap emploi, Mission locale, Team TH) party to an ESAT-SPE convention in force with the ESAT read a
//! worker's follow-up only while the worker's consent, recorded by the ESAT, is given and not withdrawn.

use crate::directory::OrganisationKind;
use crate::invalid::Invalid;
use time::Date;

/// Whether members of an organisation of this kind may read the follow-up an ESAT shares under an ESAT-SPE
/// convention: the SPE (seed 000, introduction) and the Teams TH (question 4). Another ESAT party to a
/// departmental convention (question 2) does not.
pub fn receives_shared_follow_up(kind: OrganisationKind) -> bool {
    kind.is_spe() || kind == OrganisationKind::ThTeam
}

/// The consent's date: given on a day that has come, not in the future.
pub fn check_consent_date(on: Option<Date>, today: Date) -> Result<Date, Invalid> {
    let on = on.ok_or_else(|| {
        Invalid::new("field_required", "Le champ « date du consentement » est obligatoire.").on("consent_on")
    })?;
    if on > today {
        return Err(Invalid::new(
            "esat_consent_in_future",
            "Le consentement du travailleur se date du jour où il l'a donné : pas d'une date à venir.",
        )
        .on("consent_on"));
    }
    Ok(on)
}

/// The consent as the record holds it: in force when given and not withdrawn since.
pub fn consent_in_force(given_on: Option<Date>, withdrawn_on: Option<Date>) -> bool {
    given_on.is_some() && withdrawn_on.is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn who_receives_the_shared_follow_up() {
        let cases = [
            (OrganisationKind::CapEmploi, true),
            (OrganisationKind::FranceTravailAgency, true),
            (OrganisationKind::MissionLocale, true),
            (OrganisationKind::ThTeam, true),
            (OrganisationKind::Esat, false),
            (OrganisationKind::Aci, false),
            (OrganisationKind::Savs, false),
        ];
        for (kind, expected) in cases {
            assert_eq!(receives_shared_follow_up(kind), expected, "{kind:?}");
        }
    }

    #[test]
    fn consent_dates() {
        let today = date!(2026 - 03 - 10);
        assert_eq!(check_consent_date(Some(today), today).unwrap(), today);
        assert_eq!(
            check_consent_date(Some(date!(2026 - 01 - 02)), today).unwrap(),
            date!(2026 - 01 - 02)
        );
        assert_eq!(
            check_consent_date(Some(date!(2026 - 03 - 11)), today).unwrap_err().code,
            "esat_consent_in_future"
        );
        assert_eq!(check_consent_date(None, today).unwrap_err().code, "field_required");
        assert!(consent_in_force(Some(today), None));
        assert!(!consent_in_force(Some(today), Some(today)));
        assert!(!consent_in_force(None, None));
    }
}
