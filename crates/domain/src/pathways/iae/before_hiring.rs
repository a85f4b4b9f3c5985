//! Before a hiring: the PASS IAE does not exist yet (it is delivered when an SIAE hires the person on a
//! prescription), so what a person's IAE page says is what the pathway waits for, and who does it.

use super::referral::Status;
use time::Date;

/// What the page says first while no hiring opened the approval.
pub const NO_HIRING_YET: &str = "Aucune embauche en SIAE pour l'instant : le PASS IAE sera délivré à l'embauche, \
    par la SIAE qui recrute la personne sur une prescription.";

/// A prescription still waiting for the SIAE's answer, as the person's page lists it.
#[derive(Debug, Clone, Copy)]
pub struct Candidacy<'a> {
    pub siae_name: &'a str,
    pub sent_on: Date,
    pub status: Status,
}

/// Who takes the step awaited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// Any organisation following the person (their record).
    Followers,
    /// An authorised prescriber (or an SIAE on its own diagnosis).
    Prescriber,
    /// The SIAE of the candidacy at this index of the list given.
    Siae(usize),
}

/// One step the pathway waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Awaited {
    pub actor: Actor,
    pub message: String,
}

/// What the pathway waits for before the approval can be shown: the birth date the rules compute with, then
/// the SIAE's answer to each open candidacy, or else a prescription. `hired` says that a hiring is on file
/// (its approval is shown once the birth date is known again).
pub fn awaited(birth_date_known: bool, hired: bool, open: &[Candidacy]) -> Vec<Awaited> {
    let mut steps = Vec::new();
    if !birth_date_known {
        let message = if hired {
            "La date de naissance de la personne n'est plus renseignée : le PASS IAE ne peut pas être calculé \
             sans elle. Une structure qui suit la personne complète sa fiche."
        } else {
            "La date de naissance de la personne n'est pas renseignée : l'embauche ne pourra pas ouvrir le PASS IAE \
             sans elle. Une structure qui suit la personne complète sa fiche."
        };
        steps.push(Awaited {
            actor: Actor::Followers,
            message: message.to_owned(),
        });
    }
    if hired {
        return steps;
    }
    for (i, c) in open.iter().enumerate() {
        steps.push(Awaited {
            actor: Actor::Siae(i),
            message: format!(
                "Candidature du {} à la SIAE « {} » (état : {}) : la SIAE répond sur la fiche navette et y \
                 enregistre l'embauche, qui délivre le PASS IAE.",
                crate::french::date(c.sent_on),
                c.siae_name,
                c.status.label()
            ),
        });
    }
    if open.is_empty() {
        steps.push(Awaited {
            actor: Actor::Prescriber,
            message: "Prochaine étape : un prescripteur habilité (France Travail, Cap emploi, Mission locale, \
                      conseil départemental ou structure habilitée) établit le diagnostic d'éligibilité et \
                      prescrit un parcours vers une SIAE ; une SIAE peut aussi recruter sur son propre diagnostic."
                .to_owned(),
        });
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn actors(steps: &[Awaited]) -> Vec<Actor> {
        steps.iter().map(|s| s.actor).collect()
    }

    #[test]
    fn what_comes_next_and_who_does_it() {
        let open = [Candidacy {
            siae_name: "Jardins de Cocagne",
            sent_on: date!(2026 - 12 - 01),
            status: Status::Received,
        }];
        assert_eq!(actors(&awaited(true, false, &[])), [Actor::Prescriber]);
        assert_eq!(
            actors(&awaited(false, false, &[])),
            [Actor::Followers, Actor::Prescriber]
        );
        let steps = awaited(true, false, &open);
        assert_eq!(actors(&steps), [Actor::Siae(0)]);
        assert!(steps[0].message.starts_with(
            "Candidature du 1er décembre 2026 à la SIAE « Jardins de Cocagne » (état : reçue par la SIAE)"
        ));
        // A hiring on file: only the missing birth date stands between the page and the approval.
        assert_eq!(actors(&awaited(false, true, &open)), [Actor::Followers]);
    }
}
