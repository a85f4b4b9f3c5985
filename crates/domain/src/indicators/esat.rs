//! What the ESAT indicators count (Questions incontournables ESAT – SPE, question 12: « des objectifs chiffrés
//! [...] et des indicateurs pour la réalisation »), read from the worker's situations (question 10, the five
//! situations), the conventions d'appui (CASF L344-2-5) and the right to return (CASF L344-2-5, décrets
//! n° 2022-1561, 2025-844 and 2025-845). The store applies these rules to what it recorded; docs/esat.md and
//! docs/indicators.md give the readings chosen where the texts leave a choice.

use crate::pathways::esat::Situation;
use time::Date;

/// Whether moving from `from` to `to` is an exit to ordinary work: entering situation 3 (leaving the ESAT for
/// a company with a convention d'appui) or 5 (in employment after leaving), from a situation without a job in
/// ordinary employment after leaving (1, 2 or 4). Question 10 calls situation 5 « une fois l'insertion en
/// emploi »: a worker who left without a hiring project (4) and is then hired exits to ordinary work on the
/// hiring. Going from 3 to 5 is the same job, secured: not a second exit. Double activity (2) is counted by its
/// own indicator, not as an exit: the worker stays in the ESAT (décret n° 2022-1561).
pub fn exits_to_ordinary_work(from: Situation, to: Situation) -> bool {
    let employed_outside =
        |s: Situation| matches!(s, Situation::TransitionWithSupportConvention | Situation::JobRetention);
    employed_outside(to) && !employed_outside(from)
}

/// A stretch of time from `starts_on` up to the day before `ends_before` (none: still running), such as the
/// time a worker spends in one situation until the next begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spell {
    pub starts_on: Date,
    pub ends_before: Option<Date>,
}

impl Spell {
    /// Whether the spell covers at least one day of `from..=to`. A situation left on the day it began covers
    /// no day.
    pub fn overlaps(self, from: Date, to: Date) -> bool {
        self.starts_on <= to && self.ends_before.is_none_or(|end| end > from && end > self.starts_on)
    }
}

/// Whether a period of a convention d'appui from `starts_on` to `ends_on` (both included) is in force on some
/// day of `from..=to` (CASF L344-2-5: each period lasts at most a year).
pub fn support_in_force(starts_on: Date, ends_on: Date, from: Date, to: Date) -> bool {
    starts_on <= to && ends_on >= from
}

/// Whether a period of a convention d'appui counts as a convention concluded: its first period only (a
/// renewal, CASF L344-2-5 « renouvelable deux fois », continues the same convention).
pub fn support_concluded(period_number: i64) -> bool {
    period_number == 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreements::content::WorkerSituation::*;
    use time::macros::date;

    /// Question 10's five situations: which moves are an exit to ordinary work (docs/esat.md, « Indicateurs »).
    #[test]
    fn exits_to_ordinary_work_from_each_situation() {
        let exits: Vec<(usize, usize)> = Situation::ALL
            .iter()
            .flat_map(|from| Situation::ALL.iter().map(move |to| (*from, *to)))
            .filter(|(from, to)| from.can_move_to(*to) && exits_to_ordinary_work(*from, *to))
            .map(|(from, to)| (from.number(), to.number()))
            .collect();
        assert_eq!(exits, [(1, 3), (1, 5), (2, 3), (2, 5), (4, 3), (4, 5)]);
        assert!(!exits_to_ordinary_work(TransitionWithSupportConvention, JobRetention));
        assert!(!exits_to_ordinary_work(ProjectInOrdinaryEmployment, DoubleActivity));
        assert!(!exits_to_ordinary_work(
            ProjectInOrdinaryEmployment,
            LeavingWithoutHiringProject
        ));
    }

    #[test]
    fn spells_at_the_edges_of_a_period() {
        let (from, to) = (date!(2026 - 01 - 01), date!(2026 - 03 - 31));
        let spell = |starts_on, ends_before| Spell { starts_on, ends_before };
        // Running, begun before or on the last day.
        assert!(spell(date!(2025 - 06 - 01), None).overlaps(from, to));
        assert!(spell(date!(2026 - 03 - 31), None).overlaps(from, to));
        assert!(!spell(date!(2026 - 04 - 01), None).overlaps(from, to));
        // Left on the first day: its last day was the day before.
        assert!(!spell(date!(2025 - 06 - 01), Some(date!(2026 - 01 - 01))).overlaps(from, to));
        assert!(spell(date!(2025 - 06 - 01), Some(date!(2026 - 01 - 02))).overlaps(from, to));
        // Left the day it began: no day in the situation.
        assert!(!spell(date!(2026 - 02 - 01), Some(date!(2026 - 02 - 01))).overlaps(from, to));
    }

    // CASF L344-2-5: a period of at most a year, renewable twice.
    #[test]
    fn conventions_d_appui_in_force_and_concluded() {
        let (from, to) = (date!(2026 - 01 - 01), date!(2026 - 12 - 31));
        assert!(support_in_force(date!(2025 - 01 - 01), date!(2026 - 01 - 01), from, to));
        assert!(!support_in_force(
            date!(2025 - 01 - 01),
            date!(2025 - 12 - 31),
            from,
            to
        ));
        assert!(support_in_force(date!(2026 - 12 - 31), date!(2027 - 12 - 30), from, to));
        assert!(!support_in_force(
            date!(2027 - 01 - 01),
            date!(2027 - 12 - 31),
            from,
            to
        ));
        assert!(support_concluded(1));
        assert!(!support_concluded(2) && !support_concluded(3));
    }
}
