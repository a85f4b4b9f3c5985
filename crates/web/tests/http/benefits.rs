//! `POST /api/v1/benefits/simulate`: the JSON of `passerelle benefits simulate`, in and out; its errors; and
//! its OpenAPI description against what it really reads and answers.

use crate::{Backend, TestApp, email};
use passerelle_domain::benefits;
use reqwest::StatusCode as S;
use serde_json::{Value, json};
use std::collections::BTreeSet;

const ROUTE: &str = "/api/v1/benefits/simulate";

/// A worker leaving the ESAT for a job in ordinary employment in March 2025.
fn case() -> Value {
    json!({
        "id": "esat-vers-milieu-ordinaire",
        "person": {"birth_date": "1985-05-15", "incapacity_rate": 0.8, "rsdae": false},
        "household": {"couple": false, "children": 0, "ascendants": 0, "housing": "tenant", "housing_benefit": 250,
                      "partner_earnings": 0},
        "earnings": [
            {"month": "2023-06", "kind": "esat", "net": 700, "taxable": 700, "gross": 885, "esat_part": 90},
            {"month": "2024-12", "kind": "esat", "net": 700},
            {"month": "2025-01", "kind": "esat", "net": 700},
            {"month": "2025-02", "kind": "esat", "net": 700},
            {"month": "2025-03", "kind": "ordinary", "net": 1100, "taxable": 1140},
            {"month": "2025-04", "kind": "ordinary", "net": 1100, "taxable": 1140}
        ],
        "months": ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    })
}

/// What the command line writes for this input: it prints `benefits::answer` as JSON (`passerelle-cli`, `benefits.rs`).
fn cli_answer(input: &Value) -> Value {
    let request = benefits::parse_request(&input.to_string()).unwrap();
    serde_json::to_value(benefits::answer(&request).unwrap()).unwrap()
}

async fn post(app: &TestApp, token: &str, body: &str) -> (S, Value) {
    let r = app
        .http
        .post(app.url(ROUTE))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn simulates_like_the_command_line() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = app.token(&email("esat-suzon")).await;
    let before = app.snapshot().await;

    // One case: the same JSON as the command line, to the cent.
    let (status, answer) = post(&app, &token, &case().to_string()).await;
    assert_eq!(status, S::OK, "{answer}");
    assert_eq!(answer, cli_answer(&case()));
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    let march = &results[2];
    assert_eq!(march["month"], "2025-03");
    assert_eq!(march["earnings"], 1100.0);
    assert_eq!(march["explain"]["aah"]["assessment"], "quarterly");
    let total = ["earnings", "aah", "mva", "prime_activite"]
        .iter()
        .map(|k| march[k].as_f64().unwrap())
        .sum::<f64>();
    assert!((march["total"].as_f64().unwrap() - total).abs() < 0.005, "{march}");
    assert!(
        march["explain"]["aah"]["reasons"][0]
            .as_str()
            .unwrap()
            .starts_with("Évaluation trimestrielle"),
        "{march}"
    );
    // January: ESAT pay only, the annual assessment and the D821-5 cap are explained.
    assert_eq!(results[0]["explain"]["aah"]["assessment"], "annual");
    assert!(results[0]["explain"]["aah"]["esat_cap"].is_number());

    // A batch: `{"cases": [...]}` answers `{"cases": [{"id", "results"}]}`.
    let mut second = case();
    second["id"] = json!("sans-rsdae");
    second["person"]["incapacity_rate"] = json!(0.6);
    let batch = json!({"cases": [case(), second]});
    let (status, answer) = post(&app, &token, &batch.to_string()).await;
    assert_eq!(status, S::OK, "{answer}");
    assert_eq!(answer, cli_answer(&batch));
    assert_eq!(answer["cases"][1]["id"], "sans-rsdae");
    assert_eq!(answer["cases"][1]["results"][0]["aah"], 0.0);
    assert_eq!(
        answer["cases"][1]["results"][0]["explain"]["aah"]["code"],
        "aah_rsdae_missing"
    );

    // A pure computation: nothing written, nothing journaled.
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn bad_input_answers_the_domain_codes() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = app.token(&email("cap-emploi")).await;
    let with = |path: &[&str], value: Value| {
        let mut c = case();
        let mut target = &mut c;
        for key in &path[..path.len() - 1] {
            target = &mut target[*key];
        }
        target[path[path.len() - 1]] = value;
        c.to_string()
    };
    let earning = |i: usize, key: &str, value: Value| {
        let mut c = case();
        c["earnings"][i][key] = value;
        c.to_string()
    };
    let duplicated = {
        let mut c = case();
        c["earnings"][1]["month"] = json!("2025-01");
        c.to_string()
    };
    let mut bad_second = case();
    bad_second["person"]["incapacity_rate"] = json!(1.5);
    let batch = json!({"cases": [case(), bad_second]}).to_string();
    let too_many: Vec<String> = (0..10_001)
        .map(|i| format!("{}-{:02}", 2025 + i % 2, i % 12 + 1))
        .collect();
    let too_large = with(&["months"], json!(too_many));
    let table: Vec<(&str, String, S, &str, Option<&str>)> = vec![
        (
            "not JSON",
            "{\"person\":".into(),
            S::BAD_REQUEST,
            "malformed_json",
            None,
        ),
        (
            "unknown field",
            with(&["salary"], json!(1)),
            S::UNPROCESSABLE_ENTITY,
            "json_invalid",
            None,
        ),
        (
            "wrong type",
            with(&["months"], json!("2025-01")),
            S::UNPROCESSABLE_ENTITY,
            "json_invalid",
            None,
        ),
        (
            "month 13",
            with(&["months"], json!(["2025-13"])),
            S::UNPROCESSABLE_ENTITY,
            "json_invalid",
            None,
        ),
        (
            "unknown housing",
            with(&["household", "housing"], json!("castle")),
            S::UNPROCESSABLE_ENTITY,
            "json_invalid",
            None,
        ),
        (
            "birth date",
            with(&["person", "birth_date"], json!("15/05/1985")),
            S::UNPROCESSABLE_ENTITY,
            "birth_date_invalid",
            Some("person.birth_date"),
        ),
        (
            "incapacity rate",
            with(&["person", "incapacity_rate"], json!(80)),
            S::UNPROCESSABLE_ENTITY,
            "incapacity_rate_invalid",
            Some("person.incapacity_rate"),
        ),
        (
            "children",
            with(&["household", "children"], json!(21)),
            S::UNPROCESSABLE_ENTITY,
            "children_invalid",
            Some("household.children"),
        ),
        (
            "negative housing benefit",
            with(&["household", "housing_benefit"], json!(-1)),
            S::UNPROCESSABLE_ENTITY,
            "amount_invalid",
            Some("household.housing_benefit"),
        ),
        (
            "ascendants",
            with(&["household", "ascendants"], json!(21)),
            S::UNPROCESSABLE_ENTITY,
            "ascendants_invalid",
            Some("household.ascendants"),
        ),
        (
            "partner without a couple",
            with(&["household", "partner_earnings"], json!(800)),
            S::UNPROCESSABLE_ENTITY,
            "partner_earnings_without_couple",
            Some("household.partner_earnings"),
        ),
        (
            "ESAT part above the pay",
            earning(0, "esat_part", json!(900)),
            S::UNPROCESSABLE_ENTITY,
            "esat_part_above_pay",
            Some("earnings[0].esat_part"),
        ),
        (
            "gross below net",
            earning(0, "gross", json!(600)),
            S::UNPROCESSABLE_ENTITY,
            "esat_gross_below_net",
            Some("earnings[0].gross"),
        ),
        (
            "gross of an ordinary job",
            earning(4, "gross", json!(1400)),
            S::UNPROCESSABLE_ENTITY,
            "esat_field_on_ordinary",
            Some("earnings[4].gross"),
        ),
        (
            "duplicated earnings",
            duplicated,
            S::UNPROCESSABLE_ENTITY,
            "earnings_duplicated",
            Some("earnings[2]"),
        ),
        (
            "no month",
            with(&["months"], json!([])),
            S::UNPROCESSABLE_ENTITY,
            "months_missing",
            Some("months"),
        ),
        (
            "before the rules",
            with(&["months"], json!(["2018-01"])),
            S::UNPROCESSABLE_ENTITY,
            "month_before_rules",
            Some("months"),
        ),
        (
            "span over 20 years",
            with(&["months"], json!(["2020-01", "2045-01"])),
            S::UNPROCESSABLE_ENTITY,
            "months_span_too_long",
            Some("months"),
        ),
        (
            "second case of a batch",
            batch,
            S::UNPROCESSABLE_ENTITY,
            "incapacity_rate_invalid",
            Some("cases[1].person.incapacity_rate"),
        ),
        (
            "too many months",
            too_large,
            S::UNPROCESSABLE_ENTITY,
            "simulation_too_large",
            Some("months"),
        ),
    ];
    for (name, body, status, code, field) in table {
        let (got, answer) = post(&app, &token, &body).await;
        assert_eq!(
            (got, answer["error"]["code"].as_str(), answer["error"]["field"].as_str()),
            (status, Some(code), field),
            "{name}: {answer}"
        );
        assert!(
            !answer["error"]["message"].as_str().unwrap_or("").is_empty(),
            "{name}: a message says what to do"
        );
        // The same input on the command line gives the same code (the API adds only malformed_json and its
        // limit of months per request).
        if !["malformed_json", "simulation_too_large"].contains(&code) {
            let cli = benefits::parse_request(&body)
                .and_then(|r| benefits::answer(&r))
                .unwrap_err();
            assert_eq!((cli.code, cli.field.as_deref()), (code, field), "{name}");
        }
    }

    // Authentication first, and JSON only.
    let r = app.http.post(app.url(ROUTE)).json(&case()).send().await.unwrap();
    assert_eq!(r.status(), S::UNAUTHORIZED);
    let r = app
        .http
        .post(app.url(ROUTE))
        .bearer_auth(&token)
        .body(case().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::UNSUPPORTED_MEDIA_TYPE);
}

/// The properties a schema of the OpenAPI document declares.
fn properties(spec: &Value, schema: &str) -> BTreeSet<String> {
    spec["components"]["schemas"][schema]["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("no schema {schema} in the OpenAPI document"))
        .keys()
        .cloned()
        .collect()
}

fn keys(value: &Value) -> BTreeSet<String> {
    value.as_object().unwrap().keys().cloned().collect()
}

#[tokio::test]
async fn openapi_describes_what_the_route_reads_and_answers() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let spec = app.openapi().await;
    let operation = &spec["paths"][ROUTE]["post"];
    assert_eq!(operation["tags"][0], "benefits");
    assert!(operation["security"][0]["bearer"].is_array());
    for status in ["200", "400", "401", "422"] {
        assert!(operation["responses"][status].is_object(), "{status} documented");
    }

    // The input: the documented properties are those the domain reads (every field of the test case).
    let input = case();
    for (schema, value) in [
        ("BenefitsCase", &input),
        ("BenefitsPerson", &input["person"]),
        ("BenefitsHousehold", &input["household"]),
    ] {
        assert_eq!(properties(&spec, schema), keys(value), "{schema}");
    }
    // Earnings: an ordinary entry and an ESAT one together use every field.
    let earning_keys: BTreeSet<String> = keys(&input["earnings"][4])
        .union(&keys(&input["earnings"][0]))
        .cloned()
        .collect();
    assert_eq!(properties(&spec, "BenefitsEarning"), earning_keys);
    assert_eq!(properties(&spec, "BenefitsBatch"), BTreeSet::from(["cases".to_owned()]));

    // The output: every property answered is documented, and every documented one answered (the ESAT cap
    // only for ESAT pay).
    let answer = cli_answer(&input);
    let january = &answer["results"][0];
    for (schema, value) in [
        ("BenefitsSimulation", &answer),
        ("BenefitsMonth", january),
        ("BenefitsExplanation", &january["explain"]),
        ("AahExplanation", &january["explain"]["aah"]),
        ("PrimeActiviteExplanation", &january["explain"]["prime_activite"]),
        (
            "PrimeActiviteMonth",
            &january["explain"]["prime_activite"]["quarter"][0],
        ),
    ] {
        assert_eq!(properties(&spec, schema), keys(value), "{schema}");
    }
    let batch = cli_answer(&json!({"cases": [input]}));
    assert_eq!(properties(&spec, "BenefitsCasesAnswer"), keys(&batch));
    assert_eq!(properties(&spec, "BenefitsCaseResult"), keys(&batch["cases"][0]));
}
