//! The five typical situations of an ESAT worker (Questions incontournables ESAT – SPE question 10; RULES.md 3) and the moves between
//! them, as a transition table.
//!
//! Situations 1 and 2 are inside the ESAT, 3 to 5 after leaving it. Moving from a situation after leaving
//! back to one inside is the right to return, checked against the MDPH orientation
//! ([`super::worker::check_return`]). The table is a choice made from the seed and the decree 2022-1561; it is
//! written out in docs/esat.md with the reason for each forbidden move.

use crate::agreements::content::WorkerSituation;
use crate::explanation::Explanation;

/// The situation of an ESAT worker: the five of the ESAT-SPE conventions' action sheets, one type for both.
pub type Situation = WorkerSituation;

const SEED: &str = "guide ESAT-SPE, question 10 ; décret n° 2022-1561";

/// What a move between two situations means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// Within the ESAT, or after leaving it.
    Ordinary,
    /// From a situation after leaving back into the ESAT: the right to return is used.
    Return,
}

impl WorkerSituation {
    /// The stable code (API, database), the serde name.
    pub fn code(self) -> &'static str {
        match self {
            Self::ProjectInOrdinaryEmployment => "project_in_ordinary_employment",
            Self::DoubleActivity => "double_activity",
            Self::TransitionWithSupportConvention => "transition_with_support_convention",
            Self::LeavingWithoutHiringProject => "leaving_without_hiring_project",
            Self::JobRetention => "job_retention",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.code() == code)
    }

    /// The situation's number in the seed (1 to 5).
    pub fn number(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).map_or(0, |i| i + 1)
    }

    /// A short label for lists and badges.
    pub fn short_label(self) -> &'static str {
        match self {
            Self::ProjectInOrdinaryEmployment => "Projet en milieu ordinaire",
            Self::DoubleActivity => "Double activité",
            Self::TransitionWithSupportConvention => "Sortie avec convention d'appui",
            Self::LeavingWithoutHiringProject => "Sortie sans projet de recrutement",
            Self::JobRetention => "En emploi : maintien",
        }
    }

    /// Whether the worker is inside the ESAT in this situation (1 and 2).
    pub fn inside_esat(self) -> bool {
        matches!(self, Self::ProjectInOrdinaryEmployment | Self::DoubleActivity)
    }

    /// The situations a worker record may start in: a worker enters the ESAT's follow-up while working there.
    pub fn can_start_in(self) -> bool {
        self.inside_esat()
    }

    /// The transition table; `None` when the move is allowed, else why not.
    fn forbidden_reason(self, to: Self) -> Option<&'static str> {
        use WorkerSituation::*;
        match (self, to) {
            (a, b) if a == b => Some("le travailleur est déjà dans cette situation"),
            // Inside the ESAT: every way out is open, and double activity can start or stop.
            (ProjectInOrdinaryEmployment, _) => None,
            (DoubleActivity, LeavingWithoutHiringProject) => Some(
                "en double activité, le travailleur a déjà un emploi : il quitte l'ESAT pour cet emploi (situations 3 \
                 ou 5) ou revient d'abord à la situation 1",
            ),
            (DoubleActivity, _) => None,
            // After leaving, a return goes back to the ESAT full time; double activity is declared afterwards.
            (_, DoubleActivity) => Some(
                "un retour à l'ESAT se fait d'abord à temps plein (situation 1) ; la double activité est déclarée ensuite",
            ),
            (JobRetention, TransitionWithSupportConvention) => Some(
                "la convention d'appui se conclut à l'embauche ; une fois l'insertion acquise, le suivi est celui du \
                 maintien dans l'emploi",
            ),
            _ => None,
        }
    }

    /// Whether a worker in situation `self` may move to `to`.
    pub fn can_move_to(self, to: Self) -> bool {
        self.forbidden_reason(to).is_none()
    }

    /// Checks a move; the answer says whether it uses the right to return, or why it is refused.
    pub fn check_move(self, to: Self) -> Result<Move, Explanation> {
        match self.forbidden_reason(to) {
            Some(reason) => Err(Explanation::new(
                "esat_situation_move_forbidden",
                format!(
                    "Passage refusé de la situation {} (« {} ») à la situation {} (« {} ») : {reason}",
                    self.number(),
                    self.short_label(),
                    to.number(),
                    to.short_label()
                ),
                SEED,
            )),
            None if !self.inside_esat() && to.inside_esat() => Ok(Move::Return),
            None => Ok(Move::Ordinary),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use WorkerSituation::*;

    /// Questions incontournables ESAT – SPE question 10 and the decree 2022-1561: every pair of situations, allowed or not (docs/esat.md).
    const TABLE: [(Situation, [bool; 5]); 5] = [
        // to:                           1      2      3      4      5
        (ProjectInOrdinaryEmployment, [false, true, true, true, true]),
        (DoubleActivity, [true, false, true, false, true]),
        (TransitionWithSupportConvention, [true, false, false, true, true]),
        (LeavingWithoutHiringProject, [true, false, true, false, true]),
        (JobRetention, [true, false, false, true, false]),
    ];

    #[test]
    fn every_move_is_allowed_or_forbidden_as_the_table_says() {
        for (from, row) in TABLE {
            for (to, allowed) in Situation::ALL.iter().copied().zip(row) {
                assert_eq!(from.can_move_to(to), allowed, "{} -> {}", from.number(), to.number());
                match from.check_move(to) {
                    Ok(_) => assert!(allowed),
                    Err(e) => {
                        assert!(!allowed);
                        assert_eq!(e.code, "esat_situation_move_forbidden");
                        assert!(
                            e.message.contains(&format!("situation {}", to.number())),
                            "{}",
                            e.message
                        );
                        assert!(e.message.ends_with("décret n° 2022-1561)."), "{}", e.message);
                    }
                }
            }
        }
    }

    #[test]
    fn moving_back_inside_the_esat_uses_the_right_to_return() {
        for from in [
            TransitionWithSupportConvention,
            LeavingWithoutHiringProject,
            JobRetention,
        ] {
            assert_eq!(from.check_move(ProjectInOrdinaryEmployment), Ok(Move::Return));
        }
        assert_eq!(
            DoubleActivity.check_move(ProjectInOrdinaryEmployment),
            Ok(Move::Ordinary)
        );
        assert_eq!(LeavingWithoutHiringProject.check_move(JobRetention), Ok(Move::Ordinary));
    }

    #[test]
    fn a_record_starts_inside_the_esat() {
        let starts: Vec<usize> = Situation::ALL
            .iter()
            .filter(|s| s.can_start_in())
            .map(|s| s.number())
            .collect();
        assert_eq!(starts, [1, 2]);
    }

    #[test]
    fn codes_round_trip_and_match_serde() {
        for s in Situation::ALL {
            assert_eq!(Situation::parse(s.code()), Some(*s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.code());
        }
        assert_eq!(Situation::parse("inconnue"), None);
    }
}
