//! The `passerelle` binary as a user runs it.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_passerelle"))
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
    assert!(results[2]["explain"]["prime_activite"]["reasons"][0].as_str().is_some());

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
                "\"net\":900,\"taxable\":936},\n              {\"month\":\"2025-02\"",
                "\"net\":-1,\"taxable\":936},\n              {\"month\":\"2025-02\"",
            ),
            "amount_invalid",
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
