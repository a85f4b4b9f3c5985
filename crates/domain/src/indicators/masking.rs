//! Small-count masking (statistical disclosure control): a cell counting fewer than `threshold` people is
//! masked (primary), then, as long as a row or a column of the table holds exactly one masked cell among
//! several, its smallest other cell is masked too (secondary), so that no masked cell can be recovered by
//! subtracting the shown cells from the row or column total. A cell of zero people is shown (it discloses no
//! one) unless it is needed as a secondary cell and no non-zero cell is left. The rule « each row and each
//! column holds none or at least two masked cells » is the usual one of official statistics (Insee, secret
//! statistique); docs/indicators.md says what it does not cover.

use crate::invalid::Invalid;
use serde::Serialize;

/// The floor of the masking threshold in every view the server publishes: no cell counting fewer people is
/// shown outside its own organisation (statistical secrecy). A caller may raise it, never lower it.
pub const MINIMUM_THRESHOLD: u64 = 5;

/// The threshold a caller asked for (the floor when none), refused below `floor`: lowering it would unmask
/// exactly the cells the floor protects, so it is an error rather than silently raised (the caller learns
/// that the figures it gets are masked at the floor).
pub fn threshold(asked: Option<u64>, floor: u64) -> Result<u64, Invalid> {
    match asked {
        None => Ok(floor.max(1)),
        Some(t) if t >= floor.max(1) => Ok(t),
        Some(t) => Err(Invalid::new(
            "threshold_invalid",
            format!(
                "Le seuil de masquage ne descend pas sous {floor} personne(s) (secret statistique) : {t} est refusé, \
                 un seuil plus haut est accepté."
            ),
        )
        .on("threshold")),
    }
}

/// Why a cell is masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MaskReason {
    /// Fewer people than the threshold.
    Primary,
    /// Masked so that a primary cell cannot be recovered from the totals.
    Secondary,
}

/// One cell of the table to mask: its place and how many people it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub row: usize,
    pub col: usize,
    pub people: u64,
    /// Shown whatever its count: the viewer's own organisation (seen unmasked by its members); never taken
    /// as a secondary cell either, since the viewer knows it.
    pub exempt: bool,
}

/// The mask of each cell of `cells` (same order). Rows and columns are the cells' own indices; a table
/// holds the cells that exist (a missing cell is a structural zero, known to all, never masked).
pub fn mask(cells: &[Cell], threshold: u64) -> Vec<Option<MaskReason>> {
    let primary = cells
        .iter()
        .map(|c| (!c.exempt && c.people > 0 && c.people < threshold).then_some(MaskReason::Primary))
        .collect();
    protect(cells, primary)
}

/// Adds the secondary cells to a mask already decided (`out`, same order as `cells`): for views that get
/// masked cells from elsewhere and publish a total over them (the annual report's quarters against the
/// year's target). A masked cell's `people` is not read.
pub fn protect(cells: &[Cell], mut out: Vec<Option<MaskReason>>) -> Vec<Option<MaskReason>> {
    // The cells of each row and of each column, in key order, found once: a table of one dimension is one
    // row of thousands of cells (one per agreement), which a search per key would read thousands of times.
    let lines = [Line::Row, Line::Col].map(|line| {
        let mut members: std::collections::BTreeMap<usize, Vec<usize>> = std::collections::BTreeMap::new();
        for (i, c) in cells.iter().enumerate() {
            members.entry(line.of(c)).or_default().push(i);
        }
        members
    });
    loop {
        let mut changed = false;
        for line in &lines {
            for members in line.values() {
                let masked = members.iter().filter(|&&i| out[i].is_some()).count();
                if masked != 1 || members.len() < 2 {
                    continue;
                }
                // The smallest shown cell, preferring one that counts someone.
                let partner = members
                    .iter()
                    .copied()
                    .filter(|&i| out[i].is_none() && !cells[i].exempt)
                    .min_by_key(|&i| (cells[i].people == 0, cells[i].people, i));
                if let Some(p) = partner {
                    out[p] = Some(MaskReason::Secondary);
                    changed = true;
                }
            }
        }
        if !changed {
            return out;
        }
    }
}

#[derive(Clone, Copy)]
enum Line {
    Row,
    Col,
}

impl Line {
    fn of(self, c: &Cell) -> usize {
        match self {
            Self::Row => c.row,
            Self::Col => c.col,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MaskReason::{Primary as P, Secondary as S};
    use proptest::prelude::*;
    use rstest::rstest;

    fn grid(rows: &[Vec<u64>]) -> Vec<Cell> {
        rows.iter()
            .enumerate()
            .flat_map(|(r, cols)| {
                cols.iter().enumerate().map(move |(c, &people)| Cell {
                    row: r,
                    col: c,
                    people,
                    exempt: false,
                })
            })
            .collect()
    }

    /// Fewer than 5 people masked, with secondary cells so that totals reveal nothing.
    #[rstest]
    // Nothing small: nothing masked.
    #[case(vec![vec![10, 20], vec![30, 40]], 5, vec![None, None, None, None])]
    // A small cell in a 2x2 table: its row and column partners, then the last cell to protect those.
    #[case(vec![vec![3, 20], vec![30, 40]], 5, vec![Some(P), Some(S), Some(S), Some(S)])]
    // 3x3: the smallest partners are chosen, the rest is shown.
    #[case(vec![vec![2, 50, 9], vec![40, 60, 8], vec![70, 80, 90]], 5,
        vec![Some(P), None, Some(S), Some(S), None, Some(S), None, None, None])]
    // Two small cells in one row protect each other along the row; columns need partners.
    #[case(vec![vec![2, 3, 50], vec![40, 60, 70]], 5, vec![Some(P), Some(P), None, Some(S), Some(S), None])]
    // One row (a breakdown along one dimension, its total shown): the next smallest is masked.
    #[case(vec![vec![12, 4, 7, 30]], 5, vec![None, Some(P), Some(S), None])]
    // Zero counts nobody: shown.
    #[case(vec![vec![0, 12, 30]], 5, vec![None, None, None])]
    // A configurable threshold.
    #[case(vec![vec![12, 4, 7, 30]], 10, vec![None, Some(P), Some(P), None])]
    #[case(vec![vec![12, 4, 7, 30]], 1, vec![None, None, None, None])]
    // A zero is taken as partner only when no counting cell is left.
    #[case(vec![vec![3, 0]], 5, vec![Some(P), Some(S)])]
    fn tables(#[case] rows: Vec<Vec<u64>>, #[case] threshold: u64, #[case] expected: Vec<Option<MaskReason>>) {
        assert_eq!(mask(&grid(&rows), threshold), expected);
    }

    /// A caller may raise the threshold, never lower it below the floor (finding 3 of « Integrity and privacy »).
    #[rstest]
    #[case(None, 5, Ok(5))]
    #[case(Some(5), 5, Ok(5))]
    #[case(Some(11), 5, Ok(11))]
    #[case(Some(1), 5, Err("threshold_invalid"))]
    #[case(Some(4), 5, Err("threshold_invalid"))]
    #[case(Some(0), 1, Err("threshold_invalid"))]
    #[case(Some(1), 1, Ok(1))]
    fn the_floor_cannot_be_lowered(
        #[case] asked: Option<u64>,
        #[case] floor: u64,
        #[case] expected: Result<u64, &str>,
    ) {
        assert_eq!(threshold(asked, floor).map_err(|e| e.code), expected);
    }

    /// Cells masked elsewhere get their partners: one masked quarter among four visible ones takes the smallest.
    #[test]
    fn protect_adds_partners_to_a_given_mask() {
        let cells = grid(&[vec![0, 9, 6, 30]]);
        assert_eq!(
            protect(&cells, vec![Some(P), None, None, None]),
            vec![Some(P), None, Some(S), None]
        );
    }

    /// The viewer's own cell is shown and never the partner: the other small cell takes a third one.
    #[test]
    fn own_cells_are_shown_and_not_partners() {
        let mut cells = grid(&[vec![2, 3, 9, 40]]);
        cells[0].exempt = true;
        assert_eq!(mask(&cells, 5), vec![None, Some(P), Some(S), None]);
    }

    proptest! {
        /// No row or column of several cells is left with exactly one masked cell, and every small cell is masked.
        #[test]
        fn no_masked_cell_alone_in_its_line(values in prop::collection::vec(0u64..12, 1..30), width in 1usize..6) {
            let cells: Vec<Cell> = values.iter().enumerate()
                .map(|(i, &people)| Cell { row: i / width, col: i % width, people, exempt: false })
                .collect();
            let out = mask(&cells, 5);
            for (c, m) in cells.iter().zip(&out) {
                if c.people > 0 && c.people < 5 { prop_assert_eq!(*m, Some(P)); }
            }
            for line in [Line::Row, Line::Col] {
                for key in cells.iter().map(|c| line.of(c)) {
                    let members: Vec<usize> = (0..cells.len()).filter(|&i| line.of(&cells[i]) == key).collect();
                    let masked = members.iter().filter(|&&i| out[i].is_some()).count();
                    prop_assert!(members.len() < 2 || masked != 1);
                }
            }
        }
    }
}
