//! The `passerelle` command end to end: arguments, demo accounts, directory import and export, benefits, rules.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The day every test runs on, whatever the date: the binaries start their clock there ([`passerelle_store::infra::clock`]).
const TEST_DAY: &str = "2026-12-06";

/// A command running one of the project's binaries on the tests' day.
fn binary(path: &str) -> Command {
    let mut command = Command::new(path);
    command.env(passerelle_store::infra::clock::TODAY_VARIABLE, TEST_DAY);
    command
}

fn passerelle(args: &[&str]) -> Output {
    crate::binary(env!("CARGO_BIN_EXE_passerelle"))
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
        19,
        "one per demo organisation, the platform administrator and the two supported-employment counsellors"
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
    assert_eq!(count, 16);
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

/// `passerelle benefits simulate`, as a user runs it.
mod benefits {
    use std::io::Write;
    use std::process::{Output, Stdio};

    fn run(args: &[&str], stdin: &str) -> Output {
        let mut child = crate::binary(env!("CARGO_BIN_EXE_passerelle"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("stdin written");
        child.wait_with_output().expect("the binary ends")
    }

    fn json(output: &Output) -> serde_json::Value {
        serde_json::from_slice(&output.stdout).expect("JSON on stdout")
    }

    const ONE: &str = r#"{"id":"a","person":{"birth_date":"1985-05-15","incapacity_rate":0.8,"rsdae":false},
      "household":{"couple":false,"children":0,"housing":"tenant","housing_benefit":0},
      "earnings":[{"month":"2025-01","kind":"ordinary","net":900,"taxable":936},
                  {"month":"2025-02","kind":"ordinary","net":900,"taxable":936}],
      "months":["2024-12","2025-01","2025-02"]}"#;

    #[test]
    fn benefits_simulate() {
        // One case: results month by month, in euros.
        let out = run(&["benefits", "simulate"], ONE);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
        let body = json(&out);
        let results = body["results"].as_array().expect("results");
        assert_eq!(results.len(), 3);
        assert_eq!(results[0]["month"], "2024-12");
        assert_eq!(results[0]["aah"], 1016.05); // full rate, no earnings
        assert_eq!(results[1]["aah"], 1016.05); // first month of work: the previous quarter had none
        assert_eq!(results[2]["explain"]["aah"]["assessment"], "quarterly");
        // Second month of work: the January earnings are left out for six months (D821-9 1°).
        assert_eq!(results[2]["aah"], 1016.05);
        assert!(results[2]["explain"]["prime_activite"]["reasons"][0].as_str().is_some());
        // The optional inputs: ascendants, the partner's earnings, the ESAT's gross pay and part.
        let more = ONE
            .replace(
                "\"couple\":false",
                "\"couple\":true,\"ascendants\":1,\"partner_earnings\":1200",
            )
            .replace(
                "{\"month\":\"2025-02\",\"kind\":\"ordinary\",\"net\":900,\"taxable\":936}",
                "{\"month\":\"2025-02\",\"kind\":\"esat\",\"net\":700,\"gross\":885,\"esat_part\":90}",
            );
        let out = run(&["benefits", "simulate"], &more);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));

        // A batch, read from a file.
        let path = std::env::temp_dir().join(format!("passerelle-benefits-{}.json", std::process::id()));
        std::fs::write(&path, format!(r#"{{"cases":[{ONE},{ONE}]}}"#)).expect("input written");
        let out = run(
            &["benefits", "simulate", "--input", path.to_str().expect("utf-8 path")],
            "",
        );
        let _ = std::fs::remove_file(&path);
        assert!(out.status.success());
        let body = json(&out);
        assert_eq!(body["cases"].as_array().map(Vec::len), Some(2));
        assert_eq!(body["cases"][1]["id"], "a");
        assert_eq!(body["cases"][1]["results"][0]["aah"], 1016.05);

        // Invalid input: exit code 2 and a JSON error, whatever the mistake.
        for (input, code) in [
            ("not json", "json_invalid"),
            (&ONE.replace("0.8,", "80,"), "incapacity_rate_invalid"),
            (&ONE.replace("1985-05-15", "1985-13-15"), "birth_date_invalid"),
            (
                &ONE.replace(
                    "\"net\":900,\"taxable\":936},\n                  {\"month\":\"2025-02\"",
                    "\"net\":-1,\"taxable\":936},\n                  {\"month\":\"2025-02\"",
                ),
                "amount_invalid",
            ),
            (
                &ONE.replace(
                    "\"housing_benefit\":0}",
                    "\"housing_benefit\":0,\"partner_earnings\":500}",
                ),
                "partner_earnings_without_couple",
            ),
            (
                &ONE.replace(r#"["2024-12","2025-01","2025-02"]"#, r#"["2015-01"]"#),
                "month_before_rules",
            ),
            (
                &ONE.replace(r#"["2024-12","2025-01","2025-02"]"#, "[]"),
                "months_missing",
            ),
            (
                &format!(
                    r#"{{"cases":[{ONE},{}]}}"#,
                    ONE.replace("2025-02\",\"kind\":\"ordinary\"", "2025-01\",\"kind\":\"ordinary\"")
                ),
                "earnings_duplicated",
            ),
        ] {
            let out = run(&["benefits", "simulate"], input);
            assert_eq!(out.status.code(), Some(2), "{input}");
            assert_eq!(json(&out)["error"]["code"], code, "{input}");
        }
        let out = run(&["benefits", "simulate", "--input", "/nonexistent/passerelle.json"], "");
        assert_eq!(out.status.code(), Some(2));
    }
}

/// `passerelle rules ...`: the stable contract for integrators, invalid input included.
mod rules {
    use serde_json::{Value, json};
    use std::io::Write;
    use std::process::Stdio;

    struct Run {
        code: i32,
        stdout: Value,
        stderr: Value,
    }

    fn passerelle(args: &[&str], stdin: &str) -> Run {
        let mut child = crate::binary(env!("CARGO_BIN_EXE_passerelle"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        let output = child.wait_with_output().unwrap();
        let parse = |bytes: &[u8]| {
            let text = String::from_utf8_lossy(bytes);
            if text.trim().is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&text).expect("JSON output")
            }
        };
        Run {
            code: output.status.code().unwrap(),
            stdout: parse(&output.stdout),
            stderr: parse(&output.stderr),
        }
    }

    /// Asserts an invalid-input answer: exit 2, nothing on stdout, `{"error":{"code","message"}}` on stderr.
    fn assert_invalid(run: &Run, code: &str) {
        assert_eq!(run.code, 2, "{:?}", run.stderr);
        assert_eq!(run.stdout, Value::Null);
        assert_eq!(run.stderr["error"]["code"], code, "{:?}", run.stderr);
        assert!(run.stderr["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }

    #[test]
    fn holidays() {
        let run = passerelle(&["rules", "holidays", "--year", "2025"], "");
        assert_eq!(run.code, 0);
        let days = run.stdout.as_array().unwrap();
        assert_eq!(days.len(), 11);
        assert_eq!(days[0], json!({"date": "2025-01-01", "name": "Jour de l'an"}));
        let dates: Vec<&str> = days.iter().map(|d| d["date"].as_str().unwrap()).collect();
        assert!(dates.is_sorted());
        assert!(dates.contains(&"2025-06-09"), "Whit Monday");

        let run = passerelle(&["rules", "holidays", "--year", "2025", "--department", "57"], "");
        assert_eq!(run.stdout.as_array().unwrap().len(), 13);
        let run = passerelle(&["rules", "holidays", "--year", "2025", "--department", "976"], "");
        assert!(
            run.stdout
                .as_array()
                .unwrap()
                .contains(&json!({"date": "2025-04-27", "name": "Abolition de l'esclavage"}))
        );

        assert_invalid(
            &passerelle(&["rules", "holidays", "--year", "1899"], ""),
            "year_out_of_range",
        );
        assert_invalid(
            &passerelle(&["rules", "holidays", "--year", "deux"], ""),
            "year_invalid",
        );
        let unknown = passerelle(&["rules", "holidays", "--year", "2025", "--department", "99"], "");
        assert_invalid(&unknown, "department_unknown");
    }

    #[test]
    fn working_days() {
        let nth = |from: &str, days: &str, department: Option<&str>| {
            let mut args = vec!["rules", "working-days", "--from", from, "--days", days];
            args.extend(department.iter().flat_map(|d| ["--department", d]));
            passerelle(&args, "")
        };
        assert_eq!(nth("2025-04-17", "1", None).stdout, json!({"date": "2025-04-18"}));
        assert_eq!(nth("2025-04-17", "1", Some("67")).stdout, json!({"date": "2025-04-22"}));
        assert_eq!(nth("2025-03-10", "5", None).stdout, json!({"date": "2025-03-17"}));
        assert_invalid(&nth("2025-04-17", "0", None), "days_invalid");
        assert_invalid(&nth("2025-04-17", "-1", None), "days_invalid");
        assert_invalid(&nth("2025-02-30", "1", None), "date_invalid");
        assert_invalid(&nth("17/04/2025", "1", None), "date_invalid");
    }

    #[test]
    fn eligibility() {
        let diagnosis =
            json!({"date": "2025-03-10", "siae_kind": "ETTI", "author": "employer", "criteria": ["th", "qpv"]});
        let run = passerelle(&["rules", "eligibility"], &diagnosis.to_string());
        assert_eq!(run.code, 0);
        assert_eq!(run.stdout["eligible"], true);
        assert_eq!(run.stdout["expires_on"], "2025-06-10");
        assert_eq!(run.stdout["reasons"][0]["code"], "level_2_criteria");

        let path = std::env::temp_dir().join(format!("passerelle-eligibility-{}.json", std::process::id()));
        let aci = json!({"date": "2025-08-31", "siae_kind": "ACI", "author": "authorized_prescriber", "criteria": []});
        std::fs::write(&path, aci.to_string()).unwrap();
        let run = passerelle(&["rules", "eligibility", "--input", path.to_str().unwrap()], "");
        std::fs::remove_file(&path).unwrap();
        assert_eq!(
            (run.stdout["eligible"].clone(), run.stdout["expires_on"].clone()),
            (json!(true), json!("2026-02-28"))
        );

        let aci = json!({"date": "2025-03-10", "siae_kind": "ACI", "author": "employer", "criteria": ["th", "qpv"]});
        let run = passerelle(&["rules", "eligibility"], &aci.to_string());
        assert_eq!(run.stdout["eligible"], false);

        let pairs =
            json!({"date": "2025-03-10", "siae_kind": "AI", "author": "employer", "criteria": ["deld", "detld"]});
        assert_invalid(
            &passerelle(&["rules", "eligibility"], &pairs.to_string()),
            "exclusive_criteria",
        );
        for invalid in [
            r#"{"date":"2025-03-10","siae_kind":"AI","author":"employer","criteria":["lottery"]}"#,
            r#"{"date":"2025-03-10","siae_kind":"GEIQ","author":"employer","criteria":[]}"#,
            r#"{"date":"10/03/2025","siae_kind":"AI","author":"employer","criteria":[]}"#,
            r#"{"date":"2025-03-10","siae_kind":"AI","author":"employer","criteria":[],"note":"x"}"#,
            r#"not json"#,
        ] {
            assert_invalid(&passerelle(&["rules", "eligibility"], invalid), "input_invalid");
        }
        let missing = passerelle(&["rules", "eligibility", "--input", "/nonexistent/diagnosis.json"], "");
        assert_invalid(&missing, "input_unreadable");
    }

    fn pathway(events: Value) -> Value {
        json!({
            "as_of": "2025-03-01",
            "siae_kind": "ACI",
            "person": {"birth_date": "1972-01-15", "rqth": false},
            "events": events,
        })
    }

    #[test]
    fn pathway_pass_iae() {
        let mut input = pathway(json!([
            {"kind": "hiring", "date": "2023-01-02"},
            {"kind": "suspension", "from": "2023-06-01", "to": "2023-07-30", "reason": "contract_suspended"},
            {"kind": "suspension", "from": "2023-07-01", "to": "2023-07-10", "reason": "cta_agreement"},
            {"kind": "hiring", "date": "2023-07-01", "waiver": false},
            {"kind": "prolongation", "from": "2025-01-01", "to": "2025-12-31", "reason": "senior_50"},
            {"kind": "prolongation", "from": "2025-01-31", "to": "2026-01-30", "reason": "senior_50"},
        ]));
        input["as_of"] = json!("2025-01-30");
        let run = passerelle(&["rules", "pathway"], &input.to_string());
        assert_eq!(run.code, 0, "{:?}", run.stderr);
        let out = run.stdout;
        // 2023-01-02 + 729 days = 2024-12-31; + 60 days of suspension, less the 30 after the hiring of 07-01:
        // 2025-01-30, then a year of prolongation starting the day after.
        assert_eq!(out["regime"], "pass_iae");
        assert_eq!(out["start"], "2023-01-02");
        assert_eq!(out["end"], "2026-01-30");
        assert_eq!(out["status"], "valid");
        assert_eq!(out["waiting_period_until"], "2028-01-30");
        let accepted: Vec<(u64, bool, &str)> = out["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["index"].as_u64().unwrap(),
                    e["accepted"].as_bool().unwrap(),
                    e["code"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            accepted,
            [
                (0, true, "approval_started"),
                (1, true, "suspension_accepted"),
                (2, false, "suspension_overlap"),
                (3, true, "suspension_ended_by_hiring"),
                (4, false, "prolongation_start"),
                (5, true, "prolongation_accepted"),
            ]
        );
        assert!(out["events"][2]["message"].as_str().unwrap().contains("chevauche"));
        assert_eq!(out["requests"], json!([]));
    }

    #[test]
    fn pathway_agrement() {
        let mut input = pathway(json!([
            {"kind": "hiring", "date": "2020-02-03"},
            {"kind": "agrement_request", "date": "2020-02-03", "request": "initial"},
            {"kind": "agrement_request", "date": "2021-11-25", "request": "prolongation"},
            {"kind": "agrement_decision", "date": "2021-11-26", "decision": "refused", "motive": "Dossier incomplet"},
            {"kind": "agrement_request", "date": "2021-11-29", "request": "suspension"},
        ]));
        input["as_of"] = json!("2021-12-01");
        input["siae_kind"] = json!("ETTI");
        let run = passerelle(&["rules", "pathway"], &input.to_string());
        assert_eq!(run.code, 0, "{:?}", run.stderr);
        assert_eq!(run.stdout["regime"], "agrement");
        assert_eq!(run.stdout["end"], "2022-02-02");
        assert_eq!(
            run.stdout["requests"],
            json!([
                {"index": 1, "deadline": "2020-02-05", "outcome": "tacit"},
                {"index": 2, "deadline": "2021-11-29", "outcome": "refused"},
                {"index": 4, "deadline": "2021-12-01", "outcome": "pending"},
            ])
        );
    }

    #[test]
    fn pathway_invalid_input() {
        let cases = [
            (
                pathway(json!([{"kind": "dismissal", "date": "2023-01-02"}])),
                "input_invalid",
            ),
            (
                pathway(json!([{"kind": "hiring", "date": "2023-01-02", "by": "x"}])),
                "input_invalid",
            ),
            (
                pathway(
                    json!([{"kind": "suspension", "from": "2023-01-02", "to": "2023-02-30", "reason": "contract_broken"}]),
                ),
                "input_invalid",
            ),
            (
                pathway(json!([{"kind": "prolongation", "from": "2023-01-02", "to": "2023-02-01", "reason": "bored"}])),
                "input_invalid",
            ),
            (pathway(json!([])), "no_hiring"),
            (
                pathway(json!([{"kind": "hiring", "date": "1850-01-02"}])),
                "date_out_of_range",
            ),
        ];
        for (input, code) in cases {
            assert_invalid(&passerelle(&["rules", "pathway"], &input.to_string()), code);
        }
        let mut unknown = pathway(json!([{"kind": "hiring", "date": "2020-02-03"}]));
        unknown["department"] = json!("975");
        assert_invalid(
            &passerelle(&["rules", "pathway"], &unknown.to_string()),
            "department_unknown",
        );
    }

    // The agrément's deadline in the SIAE's department (« Accord régional de coopération Bourgogne-Franche-Comté
    // (2016) », annexe 4, 2.2.2: 2 working days for an ETTI; Good Friday 2019-04-19 is a holiday in Moselle),
    // and a decision naming its request among two open ones (the other stays tacit).
    #[test]
    fn pathway_agrement_in_moselle() {
        let mut input = pathway(json!([
            {"kind": "hiring", "date": "2019-04-01"},
            {"kind": "agrement_request", "date": "2019-04-18", "request": "extension"},
            {"kind": "agrement_request", "date": "2019-04-18", "request": "suspension"},
            {"kind": "agrement_decision", "date": "2019-04-23", "decision": "granted"},
            {"kind": "agrement_decision", "date": "2019-04-23", "decision": "granted", "request": 2},
        ]));
        input["as_of"] = json!("2019-05-01");
        input["siae_kind"] = json!("ETTI");
        input["department"] = json!("57");
        let run = passerelle(&["rules", "pathway"], &input.to_string());
        assert_eq!(run.code, 0, "{:?}", run.stderr);
        assert_eq!(
            run.stdout["requests"],
            json!([
                {"index": 1, "deadline": "2019-04-24", "outcome": "tacit"},
                {"index": 2, "deadline": "2019-04-24", "outcome": "granted"},
            ])
        );
        assert_eq!(run.stdout["events"][3]["code"], "agrement_request_ambiguous");
    }
}

// `passerelle agreement render ID --format pdf|docx|html --output FILE`.
#[test]
fn agreements_are_listed_and_rendered() {
    let db = scratch_db();
    assert!(passerelle(&["demo", "--db", &db]).status.success());
    let list = passerelle(&["agreement", "list", "--db", &db]);
    assert!(list.status.success(), "{}", String::from_utf8_lossy(&list.stderr));
    let list: Value = serde_json::from_slice(&list.stdout).unwrap();
    let regional = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "regional")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let csv = passerelle(&["agreement", "list", "--format", "csv", "--db", &db]);
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert!(
        csv.starts_with("identifiant,type,titre,statut,version,début,fin\n"),
        "{csv}"
    );
    assert!(
        csv.contains("Accord régional de coopération Bourgogne-Franche-Comté,en vigueur,2,"),
        "{csv}"
    );
    let dir = std::env::temp_dir().join(format!("passerelle-render-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // The same list as an XLSX workbook, read back by Python's zipfile and XML parser.
    let book = dir.join("conventions.xlsx");
    let out = passerelle(&[
        "agreement",
        "list",
        "--format",
        "xlsx",
        "--output",
        book.to_str().unwrap(),
        "--db",
        &db,
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let read = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/xlsx_rows.py"))
        .arg(&book)
        .output()
        .expect("python3 is installed");
    assert!(read.status.success(), "{}", String::from_utf8_lossy(&read.stderr));
    let sheets: Value = serde_json::from_slice(&read.stdout).unwrap();
    let rows = sheets["Conventions"].as_array().unwrap();
    assert_eq!(
        rows[0],
        serde_json::json!(["identifiant", "type", "titre", "statut", "version", "début", "fin"])
    );
    assert_eq!(rows.len(), 3, "{sheets}");
    let regional_row = rows.iter().find(|r| r[0] == regional.as_str()).unwrap();
    assert_eq!(
        regional_row,
        &serde_json::json!([
            regional,
            "Accord régional de coopération",
            "Accord régional de coopération Bourgogne-Franche-Comté",
            "en vigueur",
            "2",
            "2016-12-08",
            "2027-12-31"
        ])
    );
    assert!(sheets["Échéances"][0][0] == "date", "{sheets}");
    // Without a file to write, the workbook is refused with a French message (exit code 2).
    let refused = passerelle(&["agreement", "list", "--format", "xlsx", "--db", &db]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--output"));
    for (format, magic) in [("pdf", &b"%PDF"[..]), ("docx", &b"PK"[..]), ("html", &b"<!doctype"[..])] {
        let file = dir.join(format!("accord.{format}"));
        let out = passerelle(&[
            "agreement",
            "render",
            &regional,
            "--format",
            format,
            "--output",
            file.to_str().unwrap(),
            "--db",
            &db,
        ]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(std::fs::read(&file).unwrap().starts_with(magic), "{format}");
    }
    let text = Command::new("pdftotext")
        .arg(dir.join("accord.pdf"))
        .arg("-")
        .output()
        .unwrap();
    // The current version is the avenant of 2018: France Travail was still Pôle emploi.
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    assert!(
        text.contains("Pôle emploi") && !text.contains("France Travail"),
        "{text}"
    );
    let missing = passerelle(&[
        "agreement",
        "render",
        "pas-un-id",
        "--format",
        "pdf",
        "--output",
        "x.pdf",
        "--db",
        &db,
    ]);
    assert_eq!(missing.status.code(), Some(2));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn the_outbox_reports_and_needs_a_relay_to_deliver() {
    let db = scratch_db();
    let out = passerelle(&["outbox", "status", "--db", &db]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let counts: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(counts, serde_json::json!({"pending": 0, "sent": 0, "failed": 0}));
    let out = passerelle(&["outbox", "deliver", "--db", &db]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--smtp-relay"));
    // Nothing is due: a pass sends nothing and does not even reach the relay.
    let out = passerelle(&["outbox", "deliver", "--db", &db, "--smtp-relay", "127.0.0.1:9"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        r#"{"failed":0,"retried":0,"sent":0}"#
    );
    // A sender that is not an address would fail every mail: refused before any.
    let out = passerelle(&[
        "outbox",
        "deliver",
        "--db",
        &db,
        "--smtp-relay",
        "127.0.0.1:9",
        "--mail-from",
        "Passerelle <pas une adresse>",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("adresse d'expéditeur invalide"));
}

/// `passerelle indicators` on the demo territory: JSON rows, CSV, an XLSX with a sheet per family read back,
/// and bad input refused with exit code 2 and a French message.
#[test]
fn indicators_are_computed_and_exported() {
    let db = scratch_db();
    assert!(passerelle(&["demo", "--db", &db]).status.success());
    let year = &TEST_DAY[..4];
    let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
    let base = ["indicators", "--db", &db, "--from", &from, "--to", &to];
    let run = |extra: &[&str]| passerelle(&[&base[..], extra].concat());

    let out = run(&["--threshold", "1", "--by", "department"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let table: Value = serde_json::from_slice(&out.stdout).unwrap();
    let oriented = table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["indicator"] == "candidates_oriented")
        .unwrap();
    // The demo sends 3 prescriptions in Côte-d'Or, 2 by France Travail (the third by the Mission locale is not a
    // candidate « orienté par Pôle emploi »).
    assert_eq!(
        oriented,
        &serde_json::json!({"indicator": "candidates_oriented", "period": format!("{from}/{to}"),
            "dimensions": {"department": "21"}, "value": 2.0, "masked": false})
    );
    // Every declared indicator is computed; the demo's supported-employment scheme follows 4 people in Côte-d'Or.
    assert_eq!(table["pending"], serde_json::json!([]), "{table}");
    let accompanied = table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["indicator"] == "se_people_accompanied")
        .unwrap();
    assert_eq!(
        (&accompanied["dimensions"]["department"], &accompanied["value"]),
        (&"21".into(), &4.0.into())
    );

    // Published with the default threshold: fewer than 5 people, masked.
    let out = run(&["--indicators", "candidates_oriented,offers_deposited"]);
    let table: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = table["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{table}");
    let oriented = rows.iter().find(|r| r["indicator"] == "candidates_oriented").unwrap();
    assert_eq!(
        (oriented["value"].clone(), oriented["masked"].clone()),
        (Value::Null, Value::Bool(true))
    );

    let out = run(&["--format", "csv", "--threshold", "1", "--by", "siae_kind"]);
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(
        csv.starts_with("indicateur,libellé,période,Type de SIAE,valeur,masqué\n"),
        "{csv}"
    );
    assert!(
        csv.contains(&format!(
            "offers_deposited,Offres d'emploi des SIAE déposées,{from}/{to},ACI,2,non"
        )),
        "{csv}"
    );

    let book = std::env::temp_dir().join(format!("passerelle-indicators-{}.xlsx", rand_suffix()));
    let out = run(&[
        "--format",
        "xlsx",
        "--by",
        "quarter,siae_kind",
        "--threshold",
        "1",
        "-o",
        book.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let read = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/xlsx_rows.py"))
        .arg(&book)
        .output()
        .expect("python3 is installed");
    let sheets: Value = serde_json::from_slice(&read.stdout).unwrap();
    let entry = sheets["Entrée en parcours"].as_array().unwrap();
    assert_eq!(
        entry[0],
        serde_json::json!(["indicateur", "libellé", "période", "Type de SIAE", "valeur", "masqué"])
    );
    assert!(
        entry.iter().any(|r| r[0] == "hirings" && r[3] == "ACI" && r[4] == "1"),
        "{sheets}"
    );
    assert!(
        sheets["Non calculés"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r[0] == "se_people_accompanied" && r[2] == "pas selon ces dimensions")
    );

    for (extra, message) in [
        (&["--from", "2026-13-01"][..], "date invalide pour from"),
        (&["--to", "2020-01-01"], "précède son début"),
        (&["--by", "commune"], "dimension inconnue : « commune »"),
        (&["--by", "month,year"], "une seule découpe"),
        (&["--indicators", "bonheur"], "indicateur inconnu : « bonheur »"),
        (&["--threshold", "0"], "seuil de masquage"),
        (&["--format", "ods"], "Le format « ods » n'est pas proposé"),
        (&["--format", "xlsx"], "précisez --output"),
    ] {
        // A date given in `extra` replaces the default one.
        let from_arg = if extra[0] == "--from" { extra[1] } else { &from };
        let to_arg = if extra[0] == "--to" { extra[1] } else { &to };
        let rest = if matches!(extra[0], "--from" | "--to") {
            &extra[2..]
        } else {
            extra
        };
        let out = passerelle(
            &[
                &["indicators", "--db", &db, "--from", from_arg, "--to", to_arg][..],
                rest,
            ]
            .concat(),
        );
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{extra:?}: {stderr}");
    }
}
#[test]
fn the_deadlines_scan_sends_one_digest_a_day() {
    let db = scratch_db();
    let out = passerelle(&["demo", "--db", &db]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let scan = |extra: &[&str]| {
        let mut args = vec!["deadlines", "scan", "--db", &db, "--ahead-days", "60"];
        args.extend_from_slice(extra);
        passerelle(&args)
    };
    let out = scan(&[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let first: Value = serde_json::from_slice(&out.stdout).unwrap();
    // The demo CTA's decision is due within 30 days: its owner's users get a digest.
    assert!(first["digests"].as_u64().unwrap() >= 1, "{first}");
    assert!(first["agreements_refreshed"].as_u64().unwrap() >= 1, "{first}");
    let again: Value = serde_json::from_slice(&scan(&[]).stdout).unwrap();
    assert_eq!(
        (
            again["digests"].as_u64(),
            again["notified"].as_u64(),
            again["missed_interviews"].as_u64()
        ),
        (Some(0), Some(0), Some(0))
    );
    // Bad input: a French message and exit code 2.
    let out = scan(&["--on", "31/12/2026"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("AAAA-MM-JJ"));
}

/// Reminders without cron: `serve` does the day's deadlines pass itself, and a scan run afterwards the same day
/// (by cron, or another server) finds nothing more to send.
#[test]
fn the_server_does_the_daily_pass_itself() {
    use passerelle_store::infra::sql::{Executor, query};
    let db = scratch_db();
    assert!(passerelle(&["demo", "--db", &db]).status.success());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let store = runtime.block_on(passerelle_store::Store::open(&db)).unwrap();
    let count = |sql: &'static str| {
        let row = runtime.block_on(store.pool().clone().fetch_one(query(sql))).unwrap();
        row.get::<i64>("n").unwrap()
    };
    let done = "SELECT COUNT(*) AS n FROM daily_tasks WHERE done_on IS NOT NULL";
    assert_eq!(count(done), 0);
    let (mut server, _) = serve(&db, &["--deadlines-every", "1"]);
    let passed = (0..100).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        count(done) == 1
    });
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(passed, "the server did not do the day's pass");
    assert!(count("SELECT COUNT(*) AS n FROM notifications") > 0);
    let out = passerelle(&["deadlines", "scan", "--db", &db]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let again: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (again["notified"].as_u64(), again["digests"].as_u64()),
        (Some(0), Some(0)),
        "{again}"
    );
}

fn scratch_file(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("passerelle-{name}-{}", rand_suffix()))
}

fn assert_refused(out: &Output, says: &str) {
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(says),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Backup and restore of the embedded database: a copy that restores to the same directory, and every
/// mistake refused with exit 2 before anything is changed.
#[test]
fn sqlite_backup_and_restore() {
    let db = scratch_db();
    assert!(passerelle(&["demo", "--db", &db]).status.success());
    let saved = scratch_file("sauvegarde.db");
    let out = passerelle(&["backup", "--db", &db, "--output", saved.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("16 organisations"));
    let size = std::fs::metadata(&saved).unwrap().len();
    assert_refused(
        &passerelle(&["backup", "--db", &db, "--output", saved.to_str().unwrap()]),
        "existe déjà",
    );
    assert_eq!(
        std::fs::metadata(&saved).unwrap().len(),
        size,
        "the first backup is untouched"
    );

    let target = scratch_db();
    let out = passerelle(&["restore", "--db", &target, "--input", saved.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(exported(&target), exported(&db));
    // The restored database now exists: replacing it needs --force.
    assert_refused(
        &passerelle(&["restore", "--db", &target, "--input", saved.to_str().unwrap()]),
        "--force",
    );
    let junk = scratch_file("pas-une-base.db");
    std::fs::write(&junk, "bonjour").unwrap();
    assert_refused(
        &passerelle(&["restore", "--db", &target, "--input", junk.to_str().unwrap(), "--force"]),
        "n'est pas une sauvegarde",
    );
    assert_eq!(exported(&target), exported(&db), "a refused restore changes nothing");
    let forced = passerelle(&[
        "restore",
        "--db",
        &target,
        "--input",
        saved.to_str().unwrap(),
        "--force",
    ]);
    assert!(forced.status.success(), "{}", String::from_utf8_lossy(&forced.stderr));
    assert_refused(&passerelle(&["backup", "--db", "mysql://x", "--output", "x"]), "mysql");
}

/// The same with PostgreSQL's own tools, on the local server.
#[test]
fn postgres_backup_and_restore() {
    let (db, target) = (postgres_scratch("source"), postgres_scratch("cible"));
    assert!(passerelle(&["demo", "--db", &db]).status.success());
    let saved = scratch_file("sauvegarde.dump");
    let out = passerelle(&["backup", "--db", &db, "--output", saved.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let junk = scratch_file("pas-une-archive.dump");
    std::fs::write(&junk, "bonjour").unwrap();
    assert_refused(
        &passerelle(&["restore", "--db", &target, "--input", junk.to_str().unwrap()]),
        "n'est pas une sauvegarde",
    );
    let out = passerelle(&["restore", "--db", &target, "--input", saved.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(exported(&target), exported(&db));
    assert_refused(
        &passerelle(&["restore", "--db", &target, "--input", saved.to_str().unwrap()]),
        "--force",
    );
    let forced = passerelle(&[
        "restore",
        "--db",
        &target,
        "--input",
        saved.to_str().unwrap(),
        "--force",
    ]);
    assert!(forced.status.success(), "{}", String::from_utf8_lossy(&forced.stderr));
    assert_eq!(exported(&target), exported(&db));
}

fn load(args: &[&str]) -> Value {
    report(load_run(args))
}

fn load_run(args: &[&str]) -> Output {
    crate::binary(env!("CARGO_BIN_EXE_passerelle-load"))
        .args(args)
        .output()
        .expect("passerelle-load runs")
}

/// The JSON report of a successful run.
fn report(out: Output) -> Value {
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the report is JSON")
}

fn postgres_scratch(name: &str) -> String {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let name = format!("passerelle_cli_{name}_{}", uuid::Uuid::new_v4().simple());
    runtime
        .block_on(passerelle_store::infra::sql::create_postgres_database(
            &passerelle_store::infra::sql::scratch_postgres_admin_url(),
            &name,
        ))
        .expect("PostgreSQL is reachable (scripts/test starts it)")
}

/// The server killed with SIGKILL three times under writes and reads keeps every acknowledged write, with
/// nothing half-written, and has journaled every read it answered (group commit of the journal of reads, issue
/// 20), on both databases (the long run is scripts/load).
#[test]
fn crash_keeps_every_acknowledged_write() {
    for db in [scratch_db(), postgres_scratch("crash")] {
        let report = load(&["crash", "--db", &db, "--rounds", "3", "--writers", "4"]);
        assert!(report["writes_acknowledged"].as_u64().unwrap() > 0, "{report}");
        assert!(report["reads_answered"].as_u64().unwrap() > 0, "{report}");
        for field in [
            "errors",
            "missing_writes",
            "persons_without_event",
            "events_without_person",
            "reads_without_entry",
        ] {
            assert_eq!(report[field], 0, "{field} in {report}");
        }
    }
}

/// A short run of the mixed journeys: no error, every route measured, every acknowledged write read back, and
/// no personal data in the server's log.
#[test]
fn journeys_run_without_error() {
    let db = scratch_db();
    assert!(passerelle(&["demo", "--db", &db]).status.success());
    let log_path = scratch_file("serveur.log");
    let (mut server, base) = serve_logging(&db, &[], std::fs::File::create(&log_path).unwrap());
    let pid = server.id().to_string();
    let args = [
        "journeys",
        "--base",
        &base,
        "--users",
        "12",
        "--seconds",
        "4",
        "--think-ms",
        "20",
        "--server-pid",
        &pid,
    ];
    let out = load_run(&args);
    let refused = load_run(&["journeys", "--base", &base, "--users", "0"]);
    server.kill().unwrap();
    assert_eq!(
        refused.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let report = report(out);
    assert_eq!(report["errors"], 0, "{report}");
    assert_eq!(report["missing_writes"], 0, "{report}");
    assert!(report["writes_acknowledged"].as_u64().unwrap() > 0, "{report}");
    for route in [
        "GET /api/v1/persons",
        "GET /api/v1/persons/{id}",
        "POST /api/v1/persons",
        "GET /api/v1/referent",
    ] {
        assert!(
            report["routes"][route]["count"].as_u64().unwrap() > 0,
            "{route} in {report}"
        );
    }
    assert!(report["server_memory_kib"]["peak"].as_u64().unwrap() > 0, "{report}");
    // Resident memory sampled each second of the 4 s run (issue 20).
    let series = report["server_memory_kib"]["series"].as_array().unwrap();
    assert!(series.len() >= 3, "{report}");
    assert!(series.iter().all(|kib| kib.as_u64().is_some_and(|k| k > 0)), "{report}");
    // The server's log at debug level holds no personal data: no names written, no e-mail, no password.
    let log = std::fs::read_to_string(&log_path).unwrap();
    std::fs::remove_file(&log_path).unwrap();
    assert!(log.contains("écoute sur"), "the log was captured: {log}");
    for personal in ["Charge", "Usager", "@passerelle.test", "passerelle-demo-2026"] {
        assert!(!log.contains(personal), "{personal} in the server's log");
    }
}

/// `passerelle serve --db db` on a free port, once it accepts connections; its base URL.
fn serve(db: &str, more: &[&str]) -> (std::process::Child, String) {
    serve_logging(db, more, std::process::Stdio::null())
}

fn serve_logging(db: &str, more: &[&str], log: impl Into<std::process::Stdio>) -> (std::process::Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut server = crate::binary(env!("CARGO_BIN_EXE_passerelle"))
        .args(["serve", "--db", db, "--addr", &addr])
        .args(more)
        .env("RUST_LOG", "debug")
        .stderr(log)
        .spawn()
        .unwrap();
    let up = (0..400).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        std::net::TcpStream::connect(&addr).is_ok()
    });
    if !up {
        server.kill().unwrap();
        panic!("the server on {db} does not answer");
    }
    (server, format!("http://{addr}"))
}

/// Two servers on one PostgreSQL: a session opened on one works on the other (and its logout too), the outbox
/// that both deliver every second sends each mail exactly once, and the day's deadlines pass that both run is done
/// once (its digests enqueued once, each sent once).
#[test]
fn two_servers_share_sessions_and_send_each_mail_once() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let db = postgres_scratch("deux_serveurs");
    assert!(passerelle(&["demo", "--db", &db]).status.success());
    let sink = runtime.block_on(passerelle_mail::sink::Sink::start(0)).unwrap();
    passerelle_store::infra::clock::start_at(time::macros::date!(2026 - 12 - 06)).unwrap();
    let store = runtime.block_on(passerelle_store::Store::open(&db)).unwrap();
    const MAILS: usize = 300;
    for n in 0..MAILS {
        let mail = passerelle_store::infra::outbox::OutgoingMail {
            dedupe_key: format!("essai:{n}"),
            to: format!("personne{n}@passerelle.test"),
            subject: format!("Message {n}"),
            text: "Bonjour".into(),
            attachment: None,
        };
        assert!(
            runtime
                .block_on(store.enqueue_mail(&mail, passerelle_store::infra::clock::now()))
                .unwrap()
        );
    }
    let relay = ["--smtp-relay", sink.address.as_str(), "--mail-every", "1"];
    let (mut a, base_a) = serve(&db, &relay);
    let (mut b, base_b) = serve(&db, &relay);

    let http = reqwest::Client::new();
    let sessions = runtime.block_on(async {
        let login = http
            .post(format!("{base_a}/api/v1/auth/login"))
            .json(&serde_json::json!({"email": "ft-dijon@passerelle.test", "password": "passerelle-demo-2026"}))
            .send()
            .await?
            .json::<Value>()
            .await?;
        let token = login["token"].as_str().unwrap_or_default().to_owned();
        let me = |base: String| {
            let (http, token) = (http.clone(), token.clone());
            async move {
                http.get(format!("{base}/api/v1/me"))
                    .bearer_auth(token)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
            }
        };
        let on_b = me(base_b.clone()).await?;
        http.post(format!("{base_b}/api/v1/auth/logout"))
            .bearer_auth(&token)
            .send()
            .await?;
        let on_a_after_logout = me(base_a.clone()).await?;
        Ok::<_, reqwest::Error>((on_b, on_a_after_logout))
    });

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while runtime.block_on(store.outbox_counts()).unwrap().sent <= MAILS as i64 && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    // One more pass of each server: nothing may go twice afterwards.
    std::thread::sleep(std::time::Duration::from_millis(2500));
    a.kill().unwrap();
    b.kill().unwrap();
    assert_eq!(
        sessions.unwrap(),
        (200, 401),
        "a session is one across servers, its logout too"
    );
    let enqueued = |sql: &'static str| {
        use passerelle_store::infra::sql::{Executor, query};
        let row = runtime.block_on(store.pool().clone().fetch_one(query(sql))).unwrap();
        row.get::<i64>("n").unwrap()
    };
    let digests = enqueued("SELECT COUNT(*) AS n FROM outbox WHERE dedupe_key LIKE 'digest:%'");
    assert!(digests > 0, "the day's pass enqueued its digests");
    let total = enqueued("SELECT COUNT(*) AS n FROM outbox");
    assert_eq!(total, MAILS as i64 + digests);
    let counts = runtime.block_on(store.outbox_counts()).unwrap();
    assert_eq!((counts.sent, counts.pending, counts.failed), (total, 0, 0));
    let mut subjects: Vec<String> = sink
        .received()
        .iter()
        .filter_map(|m| {
            m.data
                .lines()
                .find_map(|l| l.strip_prefix("Subject: ").map(str::to_owned))
        })
        .collect();
    assert_eq!(subjects.len(), total as usize, "each mail reached the relay once");
    subjects.retain(|s| s.starts_with("Message "));
    subjects.sort();
    subjects.dedup();
    assert_eq!(subjects.len(), MAILS, "no mail went twice");
}

/// The retention rule from the command line: a dry run by default, a period too short refused with exit 2.
#[test]
fn retention_reports_before_it_anonymises() {
    let db = scratch_db();
    assert!(passerelle(&["demo", "--db", &db]).status.success());
    let out = passerelle(&["retention", "--db", &db]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (report["inactive_days"].as_u64(), report["applied"].as_bool()),
        (Some(730), Some(false))
    );
    assert_eq!(report["count"], 0, "the demo's persons are active: {report}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("rapport à blanc"));
    assert_refused(
        &passerelle(&["retention", "--db", &db, "--inactive-days", "5"]),
        "au moins 30 jours",
    );
    let applied = passerelle(&["retention", "--db", &db, "--apply"]);
    assert!(applied.status.success());
    assert_eq!(
        serde_json::from_slice::<Value>(&applied.stdout).unwrap()["applied"],
        true
    );
}

/// `passerelle import rome` on both databases, with the snapshot beside the repository (`../shared/data/rome`;
/// the test fails without it): a row refused with its file and line writes nothing, a bad version is refused,
/// the first import creates every row and the second changes none.
#[test]
fn rome_import_is_idempotent_and_refuses_bad_rows_with_their_line() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/rome");
    let (codes, titles) = (dir.join("romes.csv"), dir.join("appellations.csv"));
    let published = std::fs::read_to_string(&titles)
        .unwrap_or_else(|e| panic!("the ROME referential is needed at {} ({e})", dir.display()));
    let mut lines: Vec<&str> = published.split("\r\n").collect();
    lines[4] = "12345;Z12;Métier sans code;Métier sans code";
    let broken = scratch_file("appellations.csv");
    std::fs::write(&broken, lines.join("\r\n")).unwrap();
    let run = |db: &str, titles: &Path, version: &str| {
        passerelle(&[
            "import",
            "rome",
            "--codes",
            codes.to_str().unwrap(),
            "--titles",
            titles.to_str().unwrap(),
            "--version",
            version,
            "--db",
            db,
        ])
    };
    for db in [scratch_db(), postgres_scratch("rome")] {
        assert_refused(
            &run(&db, &broken, "2024-03-01"),
            "appellations.csv, ligne 5 : Le code ROME « Z12 »",
        );
        assert_refused(&run(&db, &titles, "mars 2024"), "AAAA-MM-JJ");
        assert_refused(&run(&db, &titles, "2027-01-01"), "postérieure à aujourd'hui");
        let created = report(run(&db, &titles, "2024-03-01"));
        assert_eq!(
            (&created["codes"]["created"], &created["appellations"]["created"]),
            (&Value::from(532), &Value::from(11_118)),
            "the refused imports wrote nothing: {created}"
        );
        let again = report(run(&db, &titles, "2024-03-01"));
        assert_eq!(
            (
                &again["codes"]["unchanged"],
                &again["appellations"]["unchanged"],
                &again["appellations"]["created"]
            ),
            (&Value::from(532), &Value::from(11_118), &Value::from(0)),
            "{again}"
        );
    }
}

/// `serve --theme dsfr` refuses to start, before opening any database, unless the operator declares a State
/// service accepting the DSFR's terms of use (docs/themes.md); accepted, it then looks for the DSFR's files.
#[test]
fn the_dsfr_theme_needs_its_terms_accepted() {
    let db = scratch_db();
    let refused = passerelle(&["serve", "--theme", "dsfr", "--db", &db]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("réservé aux services de l'État") && stderr.contains("--accept-dsfr-terms"),
        "{stderr}"
    );
    let missing = passerelle(&[
        "serve",
        "--theme",
        "dsfr",
        "--accept-dsfr-terms",
        "--dsfr-dir",
        "/nonexistent",
        "--db",
        &db,
    ]);
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(missing.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("introuvable dans /nonexistent"), "{stderr}");
    let unknown = passerelle(&["serve", "--theme", "marianne", "--db", &db]);
    assert_eq!(unknown.status.code(), Some(2));
}

/// `passerelle synth --years`: the people spread over several years in order (a national history for the
/// indicators' benchmark, docs/indicators.md), hirings in each of them; a span beyond ten years exits with 2.
#[test]
fn synth_spreads_people_over_years() {
    let db = scratch_db();
    let out = passerelle(&[
        "synth", "--db", &db, "--people", "300", "--year", "2015", "--years", "4",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = passerelle(&[
        "indicators",
        "--db",
        &db,
        "--from",
        "2015-01-01",
        "--to",
        "2018-12-31",
        "--by",
        "year",
        "--indicators",
        "candidates_oriented",
        "--threshold",
        "1",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let table: Value = serde_json::from_slice(&out.stdout).unwrap();
    let per_year: Vec<(String, f64)> = table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["period"].as_str().unwrap().to_owned(), r["value"].as_f64().unwrap()))
        .collect();
    let years: Vec<&str> = per_year.iter().map(|(y, _)| y.as_str()).collect();
    assert_eq!(years, ["2015", "2016", "2017", "2018"], "{table}");
    // 75 people a year, each sent once to an SIAE in their year, most of them by France Travail.
    assert!(per_year.iter().all(|(_, n)| (20.0..=75.0).contains(n)), "{per_year:?}");

    for years in ["0", "11"] {
        let out = passerelle(&["synth", "--db", &db, "--people", "10", "--years", years]);
        assert_eq!(out.status.code(), Some(2), "{years}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("--years : de 1 à 10 ans"));
    }
}
