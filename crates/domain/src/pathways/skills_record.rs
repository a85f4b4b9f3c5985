//! The skills record (carnet de parcours et de compétences, Convergences ESAT – IAE): the person's own record of the
//! experiences, trainings, supports and skills of their pathway, built from the events the system holds.
//! Each scheme adds its entries through a source of the store; here are the entries and their order.

use serde::{Deserialize, Serialize};
use time::Date;

labelled_codes! {
    /// The sections of the record, in the order they are printed.
    Section {
        Experience => "experience", "Expériences professionnelles";
        Training => "training", "Formations";
        Support => "support", "Accompagnements";
        Skill => "skill", "Compétences";
    }
}

/// One line of the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub section: Section,
    pub from: Date,
    pub until: Option<Date>,
    /// What it was ("Ouvrier maraîcher, CDDI de 26 h par semaine").
    pub title: String,
    /// Who it was with.
    pub organisation: String,
    pub detail: Option<String>,
}

/// The entries grouped by section in printing order, each section oldest first; empty sections are left out.
pub fn by_section(mut entries: Vec<Entry>) -> Vec<(Section, Vec<Entry>)> {
    entries.sort_by(|a, b| (a.from, &a.title).cmp(&(b.from, &b.title)));
    Section::ALL
        .iter()
        .map(|s| {
            (
                *s,
                entries.iter().filter(|e| e.section == *s).cloned().collect::<Vec<_>>(),
            )
        })
        .filter(|(_, e)| !e.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn e(section: Section, from: Date, title: &str) -> Entry {
        Entry {
            section,
            from,
            until: None,
            title: title.into(),
            organisation: "X".into(),
            detail: None,
        }
    }

    #[test]
    fn sections_in_order_entries_by_date() {
        let grouped = by_section(vec![
            e(Section::Skill, date!(2026 - 01 - 01), "tri"),
            e(Section::Experience, date!(2026 - 03 - 01), "b"),
            e(Section::Experience, date!(2025 - 03 - 01), "a"),
        ]);
        let shape: Vec<(Section, Vec<&str>)> = grouped
            .iter()
            .map(|(s, es)| (*s, es.iter().map(|e| e.title.as_str()).collect()))
            .collect();
        assert_eq!(
            shape,
            [(Section::Experience, vec!["a", "b"]), (Section::Skill, vec!["tri"])]
        );
    }
}
