//! Two versions of an agreement side by side, as a reader compares texts: each element that changed, under its
//! name, with the words taken out struck through and the words put in underlined (word by word, by the
//! `similar` crate's diff), instead of a table of whole texts as wide as the longest article.

use super::{SECTION, parse_id};
use crate::pages::kit::{Crumbs, PageResult};
use crate::pages::session::{Nav, Visitor};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use passerelle_store::agreements::Agreement;
use serde::Deserialize;
use similar::{ChangeTag, TextDiff};

/// A run of words of the comparison: kept, taken out of the older version or put into the newer one.
pub struct Words {
    pub change: Change,
    pub text: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Kept,
    Removed,
    Added,
}

/// One element that differs between the versions.
pub struct Difference {
    pub label: String,
    /// « ajouté », « supprimé » or « modifié ».
    pub what: &'static str,
    pub words: Vec<Words>,
}

/// The words of `before` and `after` as runs a reader follows: everything changed between two kept words is one
/// run taken out then one run put in (« un an. » → « trois ans. », not word against word).
pub fn words(before: &str, after: &str) -> Vec<Words> {
    let mut runs: Vec<Words> = Vec::new();
    let (mut removed, mut added) = (String::new(), String::new());
    let push = |runs: &mut Vec<Words>, change: Change, text: &str| match runs.last_mut() {
        Some(run) if run.change == change => run.text.push_str(text),
        _ if text.is_empty() => {}
        _ => runs.push(Words {
            change,
            text: text.to_owned(),
        }),
    };
    let flush = |runs: &mut Vec<Words>, removed: &mut String, added: &mut String| {
        // The spaces after the last changed word stay between the change and what follows.
        let changed = if removed.trim().is_empty() { &*added } else { &*removed };
        let space = changed[changed.trim_end().len()..].to_owned();
        push(runs, Change::Removed, removed.trim_end());
        push(runs, Change::Added, added.trim_end());
        push(runs, Change::Kept, &space);
        removed.clear();
        added.clear();
    };
    for change in TextDiff::from_words(before, after).iter_all_changes() {
        let value = change.value();
        match change.tag() {
            ChangeTag::Delete => removed.push_str(value),
            ChangeTag::Insert => added.push_str(value),
            ChangeTag::Equal if value.trim().is_empty() && !(removed.is_empty() && added.is_empty()) => {
                removed.push_str(value);
                added.push_str(value);
            }
            ChangeTag::Equal => {
                flush(&mut runs, &mut removed, &mut added);
                push(&mut runs, Change::Kept, value);
            }
        }
    }
    flush(&mut runs, &mut removed, &mut added);
    runs
}

#[derive(Template, WebTemplate)]
#[template(path = "agreement_compare.html")]
pub struct ComparePage {
    nav: Nav,
    a: Agreement,
    from: i64,
    to: i64,
    differences: Vec<Difference>,
}

#[derive(Deserialize)]
pub struct CompareQuery {
    de: Option<i64>,
    a: Option<i64>,
}

pub async fn compare(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(q): Query<CompareQuery>,
) -> PageResult<ComparePage> {
    let id = parse_id(&id)?;
    let scope = state.store.agreements(&visitor.ctx);
    let a = scope.get(id).await?;
    let to = q.a.unwrap_or(a.current_version);
    let from = q.de.unwrap_or(to - 1).max(1);
    let differences = scope
        .compare(id, from, to)
        .await?
        .changes
        .into_iter()
        .map(|c| Difference {
            what: match (&c.before, &c.after) {
                (None, _) => "ajouté",
                (_, None) => "supprimé",
                _ => "modifié",
            },
            words: words(c.before.as_deref().unwrap_or(""), c.after.as_deref().unwrap_or("")),
            label: c.label,
        })
        .collect();
    Ok(ComparePage {
        nav: visitor
            .nav(SECTION)
            .trail(Crumbs::agreement(a.id, &a.title).here("Comparaison des versions")),
        a,
        from,
        to,
        differences,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_taken_out_and_put_in() {
        let runs = words("La convention dure un an.", "La convention dure trois ans.");
        let shown: Vec<(bool, bool, &str)> = runs
            .iter()
            .map(|w| (w.change == Change::Removed, w.change == Change::Added, w.text.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                (false, false, "La convention dure "),
                (true, false, "un an."),
                (false, true, "trois ans."),
            ]
        );
        assert!(
            words("même texte", "même texte")
                .iter()
                .all(|w| w.change == Change::Kept)
        );
        let runs = words("jusqu'au 31 décembre 2028 inclus", "jusqu'au 31 décembre 2029 inclus");
        let text: Vec<&str> = runs.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(text, ["jusqu'au 31 décembre ", "2028", "2029", " inclus"]);
        let text: Vec<String> = words("un bon", "un très bon").into_iter().map(|w| w.text).collect();
        assert_eq!(text, ["un ", "très", " bon"]);
    }
}
