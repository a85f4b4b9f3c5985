//! The `passerelle` command end to end: the `rules` contract of issue 3, invalid input included.

use serde_json::{Value, json};
use std::io::Write;
use std::process::{Command, Stdio};

struct Run {
    code: i32,
    stdout: Value,
    stderr: Value,
}

fn passerelle(args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_passerelle"))
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
    let diagnosis = json!({"date": "2025-03-10", "siae_kind": "ETTI", "author": "employer", "criteria": ["th", "qpv"]});
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

    let pairs = json!({"date": "2025-03-10", "siae_kind": "AI", "author": "employer", "criteria": ["deld", "detld"]});
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
}
