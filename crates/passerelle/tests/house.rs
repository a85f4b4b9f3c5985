//! The house rules of the workspace (docs/architecture.md), checked on the sources: arrows between crates point
//! down (the commands never know the web crate: the binary ties them together), the store has no import circle and
//! no rule wording, pages do not reach into the API, and no source file outgrows a reader's hour (700 lines before
//! its inline tests); the indicator migrations are what their generator writes.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const LONGEST: usize = 700;

fn crates() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.rs` file under `dir`, sorted.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The code a reader reads: the lines before an inline test module.
fn code(text: &str) -> Vec<&str> {
    text.lines().take_while(|l| l.trim() != "#[cfg(test)]").collect()
}

fn is_comment(line: &str) -> bool {
    line.trim_start().starts_with("//")
}

fn crate_sources(name: &str) -> Vec<PathBuf> {
    sources(&crates().join(name).join("src"))
}

fn workspace_crates() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(crates())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("Cargo.toml").exists())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn no_source_file_is_longer_than_a_reader_can_hold() {
    let long: Vec<String> = workspace_crates()
        .iter()
        .flat_map(|c| crate_sources(c))
        .filter_map(|path| {
            let lines = code(&read(&path)).len();
            (lines > LONGEST).then(|| format!("{} ({lines} lines)", path.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "files over {LONGEST} lines before their tests: {long:#?}"
    );
}

/// The passerelle crates a crate's manifest depends on (normal dependencies only).
fn dependencies(name: &str) -> BTreeSet<String> {
    let manifest = read(&crates().join(name).join("Cargo.toml"));
    let mut section = String::new();
    let mut found = BTreeSet::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line.to_owned();
        } else if section == "[dependencies]"
            && let Some(dep) = line.strip_prefix("passerelle-")
        {
            found.insert(dep.split(['.', ' ', '=']).next().unwrap().to_owned());
        }
    }
    found
}

#[test]
fn arrows_between_crates_point_down() {
    // cli/web -> app -> store -> domain; fixtures beside the store; documents and mail are leaves over the domain;
    // proconnect (the OpenID Connect client) a leaf under web;
    // the binary (crates/passerelle) on top ties the commands to the web server.
    let allowed: BTreeMap<&str, &[&str]> = BTreeMap::from([
        ("domain", &[][..]),
        ("mail", &[]),
        ("documents", &["domain"]),
        ("store", &["domain", "mail", "documents"]),
        ("fixtures", &["domain", "store"]),
        ("app", &["domain", "store", "documents", "mail"]),
        ("web", &["domain", "store", "documents", "app", "proconnect"]),
        ("proconnect", &[]),
        ("cli", &["domain", "store", "documents", "app", "fixtures"]),
        ("passerelle", &["cli", "web", "store", "fixtures"]),
    ]);
    for name in workspace_crates() {
        let permitted = allowed
            .get(name.as_str())
            .unwrap_or_else(|| panic!("crate {name} has no place in the house"));
        for dep in dependencies(&name) {
            assert!(permitted.contains(&dep.as_str()), "{name} depends on {dep}");
        }
    }
}

#[test]
fn the_commands_do_not_know_the_web_crate() {
    for path in crate_sources("cli") {
        assert!(
            !read(&path).contains("passerelle_web"),
            "{} uses the web crate",
            path.display()
        );
    }
}

#[test]
fn pages_do_not_reach_into_the_api() {
    for path in sources(&crates().join("web/src/pages")) {
        for line in code(&read(&path)).iter().filter(|l| !is_comment(l)) {
            assert!(!line.contains("crate::api"), "{}: {line}", path.display());
        }
    }
}

#[test]
fn the_store_holds_no_rule_wording() {
    // A rule's wording (and its legal source) lives in the domain, once; the store may cite one in a comment.
    let sources_of_rules = [
        " art. ",
        "(art. ",
        "Code du travail",
        "R5132",
        "L5132",
        "D5132",
        "Accord régional",
        "Guide de la CCL",
    ];
    let wordings: Vec<String> = crate_sources("store")
        .iter()
        .flat_map(|path| {
            code(&read(path))
                .into_iter()
                .filter(|l| !is_comment(l) && sources_of_rules.iter().any(|s| l.contains(s)))
                .map(|l| format!("{}: {}", path.display(), l.trim()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(wordings.is_empty(), "rule wording in the store: {wordings:#?}");
}

/// A store module's path (`pathways::iae::prescriptions`) from its file.
fn module_of(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap().with_extension("");
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .filter(|p| p != "mod" && p != "lib")
        .collect();
    parts.join("::")
}

/// Every path after `crate::` in a file, groups unfolded: `crate::{a::B, c::{D, E}}` gives `a::B`, `c`.
fn imports(text: &str) -> Vec<String> {
    let path_end = |s: &str| {
        s.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(s.len())
    };
    let mut found = Vec::new();
    for (start, _) in text.match_indices("crate::") {
        let rest = &text[start + "crate::".len()..];
        let Some(group) = rest.strip_prefix('{') else {
            found.push(rest[..path_end(rest)].trim_end_matches(':').to_owned());
            continue;
        };
        // The items at the group's first level, each cut at its own nested group.
        let (mut depth, mut item_start) = (0, 0);
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    found.push(group[item_start..i].trim().to_owned());
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    found.push(group[item_start..i].trim().to_owned());
                    item_start = i + 1;
                }
                _ => {}
            }
        }
    }
    found
        .into_iter()
        .map(|item| item[..path_end(&item)].trim_end_matches(':').to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

/// The module a `crate::a::b::Item` path names: the longest known module that prefixes it.
fn target<'a>(modules: &'a BTreeSet<String>, path: &str) -> Option<&'a String> {
    let parts: Vec<&str> = path.split("::").collect();
    (1..=parts.len())
        .rev()
        .find_map(|n| modules.get(&parts[..n].join("::")))
}

#[test]
fn the_store_has_no_import_circle() {
    let root = crates().join("store/src");
    let files = sources(&root);
    let modules: BTreeSet<String> = files.iter().map(|p| module_of(&root, p)).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in &files {
        let from = module_of(&root, path);
        // Doc links name modules without depending on them.
        let text: String = read(path)
            .lines()
            .filter(|l| !is_comment(l))
            .collect::<Vec<_>>()
            .join("\n");
        for to in imports(&text).iter().filter_map(|p| target(&modules, p)) {
            // A module and its ancestors (a folder's mod.rs re-exporting its parts) are one unit.
            let related = to.is_empty()
                || from.is_empty()
                || from.starts_with(&format!("{to}::"))
                || to.starts_with(&format!("{from}::"))
                || *to == from;
            if !related {
                edges.entry(from.clone()).or_default().insert(to.clone());
            }
        }
    }
    // Depth-first search for a back edge; the first circle found is reported whole.
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut circle = path[at..].to_vec();
            circle.push(node.to_owned());
            return Some(circle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(circle) = visit(next, edges, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    for module in &modules {
        let circle = visit(module, &edges, &mut Vec::new(), &mut done);
        assert!(
            circle.is_none(),
            "import circle in the store: {}",
            circle.unwrap().join(" -> ")
        );
    }
}

/// The indicator migrations are written by `scripts/indicator-migration.py` from one description of the sources:
/// a migration copied by hand would drift from it (a later reading would start from a stale view).
#[test]
fn indicator_migrations_are_the_generators() {
    let root = crates().join("..");
    let out = std::env::temp_dir().join(format!("passerelle-generated-{}", std::process::id()));
    for dialect in ["sqlite", "postgres"] {
        fs::create_dir_all(out.join("crates/store/migrations").join(dialect)).unwrap();
    }
    let run = std::process::Command::new("python3")
        .arg(root.join("scripts/indicator-migration.py"))
        .arg(&out)
        .status()
        .expect("python3 runs the generator");
    assert!(run.success());
    let mut compared = 0;
    for dialect in ["sqlite", "postgres"] {
        let dir = out.join("crates/store/migrations").join(dialect);
        for entry in fs::read_dir(&dir).unwrap() {
            let generated = entry.unwrap().path();
            let landed = root
                .join("crates/store/migrations")
                .join(dialect)
                .join(generated.file_name().unwrap());
            assert!(
                read(&generated) == read(&landed),
                "{} differs from what the generator writes",
                landed.display()
            );
            compared += 1;
        }
    }
    fs::remove_dir_all(&out).ok();
    assert_eq!(compared, 12, "six migrations on each database");
}
