//! Pages at a phone's width, read from the templates themselves (the browser journeys check the pages they
//! visit at 1,280, 1,024 and 375 px; these checks cover every template, visited or not): a table sits in a
//! DSFR scroll region reachable with the keyboard and named, and a group of buttons with icons shows their
//! words.

use std::path::{Path, PathBuf};

fn templates() -> Vec<(String, String)> {
    fn visit(dir: &Path, root: &Path, found: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                visit(&path, root, found);
            } else if path.extension().is_some_and(|e| e == "html") {
                let name = path.strip_prefix(root).unwrap().display().to_string();
                found.push((name, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut found = Vec::new();
    visit(&root, &root, &mut found);
    assert!(found.len() > 30, "the templates are found");
    found
}

/// What is wrong with the tables of one template: each `<table` must follow a `table::scroll` call or a
/// `fr-table__container` with tabindex="0", role="region" and a name, with no other table in between.
fn table_problems(name: &str, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (at, _) in text.match_indices("<table") {
        let before = &text[..at];
        let opener = [before.rfind("table::scroll("), before.rfind("fr-table__container")]
            .into_iter()
            .flatten()
            .max();
        let Some(opener) = opener.filter(|&o| before.rfind("</table>").is_none_or(|end| end < o)) else {
            problems.push(format!("{name}: a table outside a scroll region"));
            continue;
        };
        let tag_end = text[opener..].find('>').map_or(text.len(), |e| opener + e);
        let tag = &text[opener..tag_end];
        let named = tag.contains("aria-label=") || tag.contains("aria-labelledby=");
        if tag.starts_with("fr-table__container")
            && !(tag.contains(r#"tabindex="0""#) && tag.contains(r#"role="region""#) && named)
        {
            problems.push(format!(
                "{name}: a table's scroll region without tabindex=\"0\", role=\"region\" and a name"
            ));
        }
    }
    problems
}

/// What is wrong with the groups of buttons of one template: a DSFR group whose buttons have an icon shows
/// only the icons unless the group has `fr-btns-group--icon-left`.
fn button_problems(name: &str, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (at, _) in text.match_indices(r#"<ul class="fr-btns-group"#) {
        let group = &text[at..text[at..].find("</ul>").map_or(text.len(), |e| at + e)];
        let class = &group[..group.find('>').unwrap_or(group.len())];
        if group.contains("fr-btn--icon-left") && !class.contains("fr-btns-group--icon-left") {
            problems.push(format!("{name}: {class}> hides its buttons' words"));
        }
    }
    problems
}

#[test]
fn every_table_scrolls_in_a_named_keyboard_region() {
    let problems: Vec<String> = templates().iter().flat_map(|(n, t)| table_problems(n, t)).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn groups_of_buttons_with_icons_show_their_words() {
    let problems: Vec<String> = templates().iter().flat_map(|(n, t)| button_problems(n, t)).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checks_see_what_is_wrong() {
    let bare = r#"<div class="fr-table__container"><div class="fr-table__content"><table></table>"#;
    assert_eq!(table_problems("t", bare).len(), 1);
    let outside = "{% call table::scroll(\"A\") %}<table></table>{% endcall %}<table></table>";
    assert_eq!(table_problems("t", outside).len(), 1);
    let good = r#"<div class="fr-table__container" tabindex="0" role="region" aria-label="A"><table></table>"#;
    assert!(table_problems("t", good).is_empty());
    assert!(table_problems("t", "{% call table::scroll(\"A\") %}<table></table>{% endcall %}").is_empty());
    let icons =
        r#"<ul class="fr-btns-group"><li><a class="fr-btn fr-icon-add-line fr-btn--icon-left">Ajouter</a></li></ul>"#;
    assert_eq!(button_problems("t", icons).len(), 1);
    let shown = icons.replace(r#""fr-btns-group""#, r#""fr-btns-group fr-btns-group--icon-left""#);
    assert!(button_problems("t", &shown).is_empty());
}
