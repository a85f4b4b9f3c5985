//! The `passerelle` command end to end: arguments, demo accounts, directory import and export.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn passerelle(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_passerelle"))
        .args(args)
        .env_remove("PASSERELLE_DB")
        .output()
        .expect("the binary runs")
}

/// A name no other test of this run uses.
fn rand_suffix() -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{}-{n}", std::process::id())
}

fn scratch_db() -> String {
    format!(
        "sqlite://{}",
        std::env::temp_dir()
            .join(format!("passerelle-cli-{}.db", rand_suffix()))
            .display()
    )
}

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples")
}

fn exported(db: &str) -> Vec<Value> {
    let out = passerelle(&["export", "structures", "--db", db]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice::<Vec<Value>>(&out.stdout).expect("the export is a JSON array")
}

fn import(db: &str, file: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["import", "structures", file.to_str().unwrap(), "--db", db];
    args.extend_from_slice(extra);
    passerelle(&args)
}

#[test]
fn bad_arguments_exit_2() {
    assert!(passerelle(&["--help"]).status.success());
    for args in [
        &["bogus"][..],
        &["serve", "--addr", "pas-une-adresse"],
        &["import"],
        &["migrate", "--db", "mysql://x"],
        &["export", "structures", "--format", "xml"],
    ] {
        let out = passerelle(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stderr.is_empty());
    }
}

#[test]
fn demo_accounts_are_printed_as_json() {
    let out = passerelle(&["demo", "--print-accounts"]);
    assert!(out.status.success());
    let accounts: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        accounts.len(),
        16,
        "one per demo organisation, and the platform administrator"
    );
    for a in &accounts {
        for key in ["email", "password", "organisation", "kind"] {
            assert!(a[key].as_str().is_some_and(|v| !v.is_empty()), "{a}");
        }
    }
    let kinds: Vec<_> = accounts.iter().map(|a| a["kind"].as_str().unwrap()).collect();
    for kind in [
        "france_travail_agency",
        "cap_emploi",
        "mission_locale",
        "aci",
        "ei",
        "ai",
        "esat",
        "supported_employment",
        "ddets",
        "iae_network",
        "employer",
    ] {
        assert!(kinds.contains(&kind), "{kind}");
    }
}

#[test]
fn demo_loads_once() {
    let db = scratch_db();
    let first = passerelle(&["demo", "--db", &db]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let count = exported(&db).len();
    assert_eq!(count, 15);
    let again = passerelle(&["demo", "--db", &db]);
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("déjà présent"));
    assert_eq!(exported(&db).len(), count);
}

#[test]
fn import_is_idempotent_and_export_round_trips() {
    let db = scratch_db();
    let out = import(&db, &examples().join("structures.json"), &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["created"], 17);
    // The same structures from the CSV file: same (source, id), nothing new.
    let out = import(&db, &examples().join("structures.csv"), &[]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (report["created"].as_i64(), report["unchanged"].as_i64()),
        (Some(0), Some(17)),
        "{report}"
    );
    let first = exported(&db);
    assert_eq!(first.len(), 17);
    // Export, re-import the export: nothing changes.
    let file = std::env::temp_dir().join(format!("passerelle-export-{}.json", rand_suffix()));
    std::fs::write(&file, serde_json::to_vec(&first).unwrap()).unwrap();
    let out = import(&db, &file, &[]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["unchanged"], 17, "{report}");
    let csv = passerelle(&["export", "structures", "--format", "csv", "--db", &db]);
    assert!(String::from_utf8_lossy(&csv.stdout).lines().count() >= 18);
}

#[test]
fn bad_import_files_change_nothing() {
    let db = scratch_db();
    assert!(import(&db, &examples().join("structures.json"), &[]).status.success());
    let before = exported(&db);
    let dir = std::env::temp_dir();
    let malformed = dir.join(format!("malformed-{}.json", rand_suffix()));
    std::fs::write(&malformed, b"[{\"id\": \"x\", ").unwrap();
    let out = import(&db, &malformed, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("file_malformed"));

    // One valid new row, one with an invalid SIRET, one with an unknown postal code.
    let rows = serde_json::json!([
        {"source": "test", "id": "ok", "nom": "Nouvelle structure", "code_postal": "21000", "commune": "Dijon"},
        {"source": "test", "id": "siret", "nom": "SIRET faux", "siret": "13000548100011", "code_postal": "21000", "commune": "Dijon"},
        {"source": "test", "id": "dep", "nom": "Département inconnu", "code_postal": "99000", "commune": "Nulle part"}
    ]);
    let mixed = dir.join(format!("mixed-{}.json", rand_suffix()));
    std::fs::write(&mixed, rows.to_string()).unwrap();
    let out = import(&db, &mixed, &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ligne 2") && stderr.contains("siret_invalid") && stderr.contains("ligne 3"),
        "{stderr}"
    );
    assert_eq!(exported(&db), before, "nothing written");
    let out = import(&db, &mixed, &["--skip-invalid"]);
    assert!(out.status.success());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (report["created"].as_i64(), report["skipped"].as_i64()),
        (Some(1), Some(2))
    );
    assert_eq!(exported(&db).len(), before.len() + 1);

    let unknown = dir.join(format!("structures-{}.xml", rand_suffix()));
    std::fs::write(&unknown, b"<x/>").unwrap();
    assert_eq!(import(&db, &unknown, &[]).status.code(), Some(2));
    assert_eq!(
        import(&db, Path::new("/nonexistent/structures.json"), &[])
            .status
            .code(),
        Some(2)
    );
}
