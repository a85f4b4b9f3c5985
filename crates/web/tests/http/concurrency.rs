//! Every decision under concurrency, generated from one table as the route matrix is: for each state transition,
//! N conflicting requests fired at once over HTTP, on SQLite and PostgreSQL. The expected number win (one, or all
//! where each request is a new record of its own), the others are refused with a documented code, none answers
//! 500, and the records and the journal hold what the winners did and nothing more.

use crate::{Backend, TestApp, email, id, today};
use passerelle_store::infra::sql::{Executor, query};
use reqwest::Method;
use reqwest::StatusCode as S;
use serde_json::{Value, json};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use time::Duration;
use uuid::Uuid;

/// Requests fired at once on each transition.
const N: usize = 8;

/// One request of a race.
struct Shot {
    token: String,
    method: Method,
    path: String,
    body: Option<Value>,
}

impl Shot {
    fn post(token: &str, path: impl Into<String>, body: Option<Value>) -> Self {
        Self {
            token: token.to_owned(),
            method: Method::POST,
            path: path.into(),
            body,
        }
    }
}

/// What a transition's set-up prepares: the requests to fire at once and what must hold afterwards.
struct Race {
    shots: Vec<Shot>,
    /// How many of the requests succeed.
    winners: usize,
    /// The error codes the others may answer (4xx).
    refusals: &'static [&'static str],
    /// Counts after the race: a `SELECT COUNT(*) AS n FROM ...` with `$1` bound to the record, and its value.
    counts: Vec<(&'static str, Uuid, i64)>,
}

type Setup = for<'a> fn(&'a TestApp) -> Pin<Box<dyn Future<Output = Race> + 'a>>;

/// Every state transition of the system that a race could decide twice; adding one is adding an entry.
const TRANSITIONS: &[(&str, Setup)] = &[
    ("referral sheet: final steps", |app| Box::pin(referral_final_steps(app))),
    ("person: the same follower", |app| Box::pin(same_follower(app))),
    ("ESAT: the same worker", |app| Box::pin(same_esat_worker(app))),
    ("ESAT: a situation move", |app| Box::pin(esat_situation_move(app))),
    ("PASS IAE: a prolongation decision", |app| {
        Box::pin(prolongation_decision(app))
    }),
    ("PASS IAE: the same suspension", |app| Box::pin(same_suspension(app))),
    ("immersion: the same signature", |app| {
        Box::pin(immersion_signature(app))
    }),
    ("agreement: the last signature", |app| {
        Box::pin(agreement_signature(app))
    }),
    ("agreement: avenants", |app| Box::pin(avenants(app))),
    ("agreement: an avenant's last signature and a refusal", |app| {
        Box::pin(avenant_last_signature_or_refusal(app))
    }),
    ("meeting: minutes validation", |app| Box::pin(minutes_validation(app))),
];

/// Fires the shots at once (all connected, then released together); answers status and body of each.
async fn fire(app: &TestApp, shots: Vec<Shot>) -> Vec<(S, Value)> {
    let gate = Arc::new(tokio::sync::Barrier::new(shots.len()));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, shot) in shots.into_iter().enumerate() {
        let (http, url, gate) = (app.http.clone(), app.url(&shot.path), gate.clone());
        tasks.spawn(async move {
            let mut req = http.request(shot.method, url).bearer_auth(shot.token);
            if let Some(b) = shot.body {
                req = req.json(&b);
            }
            gate.wait().await;
            let r = req.send().await.unwrap();
            let status = r.status();
            let text = r.text().await.unwrap();
            (i, status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
        });
    }
    let mut answers: Vec<(usize, S, Value)> = tasks.join_all().await;
    answers.sort_by_key(|(i, ..)| *i);
    answers.into_iter().map(|(_, s, v)| (s, v)).collect()
}

async fn count(app: &TestApp, from: &str, subject: Uuid) -> i64 {
    let mut db = app.store.pool().clone();
    db.fetch_one(query(format!("SELECT COUNT(*) AS n FROM {from}")).bind(subject))
        .await
        .unwrap()
        .get("n")
        .unwrap()
}

/// Runs every race and reports all that went wrong, not only the first.
async fn races(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut wrong = Vec::new();
    for (name, setup) in TRANSITIONS {
        let race = setup(&app).await;
        let answers = fire(&app, race.shots).await;
        let won = answers.iter().filter(|(s, _)| s.is_success()).count();
        if won != race.winners {
            wrong.push(format!("{name}: {won} winners, not {}: {answers:?}", race.winners));
        }
        for (s, body) in answers.iter().filter(|(s, _)| !s.is_success()) {
            let code = body["error"]["code"].as_str().unwrap_or_default();
            if !(s.is_client_error() && race.refusals.contains(&code)) {
                wrong.push(format!("{name}: refused with {s} {body}"));
            }
        }
        for (from, subject, expected) in race.counts {
            let n = count(&app, from, subject).await;
            if n != expected {
                wrong.push(format!("{name}: {n} rows, not {expected}, in {from}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_decision_has_one_winner_on_sqlite() {
    races(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_decision_has_one_winner_on_postgres() {
    races(Backend::Postgres).await;
}

fn uuid(v: &Value) -> Uuid {
    id(v).parse().unwrap()
}

/// A person recorded by `org_key`, with their agreement to sharing.
async fn person(app: &TestApp, token: &str, org_key: &str, last_name: &str) -> Uuid {
    let body = json!({"organisation_id": app.org_id(org_key).await, "first_name": "Camille", "last_name": last_name,
        "birth_date": "1980-05-04", "consent_data_sharing": true, "consent_date": today()});
    let (s, p) = app.call(token, Method::POST, "/api/v1/persons", Some(body)).await;
    assert_eq!(s, S::CREATED, "{p}");
    uuid(&p)
}

/// A referral sheet sent by France Travail to the ACI for a new person, diagnosed eligible.
async fn referral(app: &TestApp, last_name: &str) -> (Uuid, Uuid) {
    let ft = app.token(&email("ft-dijon")).await;
    let (ft_id, aci_id) = (app.org_id("ft-dijon").await, app.org_id("aci-jardins").await);
    let pid = person(app, &ft, "ft-dijon", last_name).await;
    let diagnosis = json!({"organisation_id": ft_id, "siae_kind": "ACI", "criteria": ["deld", "th"]});
    let path = format!("/api/v1/persons/{pid}/diagnoses");
    let (s, d) = app.call(&ft, Method::POST, &path, Some(diagnosis)).await;
    assert_eq!(s, S::CREATED, "{d}");
    let prescription = json!({"prescriber_id": ft_id, "person_id": pid, "siae_id": aci_id,
        "message": "Souhaite travailler en extérieur.", "person_consent": true});
    let (s, p) = app
        .call(&ft, Method::POST, "/api/v1/prescriptions", Some(prescription))
        .await;
    assert_eq!(s, S::CREATED, "{p}");
    (pid, uuid(&p))
}

async fn referral_final_steps(app: &TestApp) -> Race {
    let (ft, aci) = (
        app.token(&email("ft-dijon")).await,
        app.token(&email("aci-jardins")).await,
    );
    let (pid, sheet) = referral(app, "Fournier").await;
    let steps = format!("/api/v1/prescriptions/{sheet}/steps");
    let shots = (0..N)
        .map(|i| match i % 3 {
            0 => Shot::post(&aci, &steps, Some(json!({"status": "hired", "date": today()}))),
            1 => Shot::post(
                &aci,
                &steps,
                Some(json!({"status": "refused", "motive": "no_position"})),
            ),
            _ => Shot::post(
                &ft,
                &steps,
                Some(json!({"status": "withdrawn", "motive": "situation_changed"})),
            ),
        })
        .collect();
    Race {
        shots,
        winners: 1,
        refusals: &["referral_transition_invalid"],
        counts: vec![
            ("referral_steps WHERE prescription_id = $1", sheet, 2),
            (
                "events WHERE entity_id = $1 AND action IN ('referral.hired', 'referral.refused', 'referral.withdrawn')",
                sheet,
                1,
            ),
            (
                "iae_pathway_events WHERE person_id = $1 AND kind = 'hiring' AND seq > 1",
                pid,
                0,
            ),
        ],
    }
}

async fn same_follower(app: &TestApp) -> Race {
    let ft = app.token(&email("ft-dijon")).await;
    let pid = person(app, &ft, "ft-dijon", "Garnier").await;
    let body = json!({"organisation_id": app.org_id("cap-emploi").await});
    let path = format!("/api/v1/persons/{pid}/followers");
    Race {
        shots: (0..N).map(|_| Shot::post(&ft, &path, Some(body.clone()))).collect(),
        winners: 1,
        refusals: &["already_following"],
        counts: vec![
            ("person_followers WHERE person_id = $1", pid, 2),
            (
                "events WHERE entity_id = $1 AND action = 'person.follower_added'",
                pid,
                1,
            ),
        ],
    }
}

/// A person followed by the ESAT de la Suzon, and its token.
async fn esat_person(app: &TestApp, last_name: &str) -> (String, Uuid) {
    let esat = app.token(&email("esat-suzon")).await;
    let pid = person(app, &esat, "esat-suzon", last_name).await;
    (esat, pid)
}

fn esat_worker_body(pid: Uuid) -> Value {
    json!({"person_id": pid, "orientation_decided_on": "2022-01-10",
        "orientation_valid_until": (today() + Duration::days(300)).to_string(), "contract_started_on": "2022-02-01",
        "situation": {"situation": "project_in_ordinary_employment", "since": "2022-02-01"}})
}

async fn same_esat_worker(app: &TestApp) -> Race {
    let (esat, pid) = esat_person(app, "Henry").await;
    let body = esat_worker_body(pid);
    Race {
        shots: (0..N)
            .map(|_| Shot::post(&esat, "/api/v1/esat/workers", Some(body.clone())))
            .collect(),
        winners: 1,
        refusals: &["esat_worker_exists"],
        counts: vec![("esat_workers WHERE person_id = $1", pid, 1)],
    }
}

async fn esat_situation_move(app: &TestApp) -> Race {
    let (esat, pid) = esat_person(app, "Lambert").await;
    let (s, w) = app
        .call(&esat, Method::POST, "/api/v1/esat/workers", Some(esat_worker_body(pid)))
        .await;
    assert_eq!(s, S::CREATED, "{w}");
    let worker = uuid(&w);
    let double = json!({"situation": "double_activity", "since": (today() - Duration::days(20)).to_string(),
        "esat_minutes": 1200, "employer_minutes": 900, "employer_name": "Restaurant Le Cèdre"});
    let path = format!("/api/v1/esat/workers/{worker}/situations");
    Race {
        shots: (0..N).map(|_| Shot::post(&esat, &path, Some(double.clone()))).collect(),
        winners: 1,
        refusals: &["esat_situation_move_forbidden"],
        counts: vec![("esat_situations WHERE worker_id = $1", worker, 2)],
    }
}

/// A person hired by the ACI through a referral 400 days ago: their PASS IAE is open, and a prolongation may be
/// asked (from 12 months before its end, RULES.md 1.4). Answers the person and the ACI's token.
async fn hired(app: &TestApp, last_name: &str) -> (Uuid, String) {
    let aci = app.token(&email("aci-jardins")).await;
    let (pid, sheet) = referral(app, last_name).await;
    let (s, b) = app
        .call(
            &aci,
            Method::POST,
            &format!("/api/v1/prescriptions/{sheet}/steps"),
            Some(json!({"status": "hired", "date": today() - Duration::days(400)})),
        )
        .await;
    assert_eq!(s, S::OK, "{b}");
    (pid, aci)
}

async fn prolongation_decision(app: &TestApp) -> Race {
    let (pid, aci) = hired(app, "Mercier").await;
    let ft = app.token(&email("ft-dijon")).await;
    let (_, a) = app.get(&aci, &format!("/api/v1/persons/{pid}/approval")).await;
    let end: time::Date = serde_json::from_value(a["end"].clone()).unwrap();
    let request = json!({"reason": "rqth", "to": end + Duration::days(120), "justification": "Accompagnement santé"});
    let (s, a) = app
        .call(
            &aci,
            Method::POST,
            &format!("/api/v1/persons/{pid}/approval/prolongations"),
            Some(request),
        )
        .await;
    assert_eq!(s, S::OK, "{a}");
    let request_id = a["prolongation_requests"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/prolongation-requests/{request_id}/decision");
    Race {
        shots: (0..N)
            .map(|_| Shot::post(&ft, &path, Some(json!({"accept": true}))))
            .collect(),
        winners: 1,
        refusals: &["prolongation_already_decided"],
        counts: vec![(
            "iae_pathway_events WHERE person_id = $1 AND kind = 'prolongation'",
            pid,
            1,
        )],
    }
}

async fn same_suspension(app: &TestApp) -> Race {
    let (pid, aci) = hired(app, "Roux").await;
    let body = json!({"from": today(), "to": today() + Duration::days(19), "reason": "contract_suspended"});
    let path = format!("/api/v1/persons/{pid}/approval/suspensions");
    Race {
        shots: (0..N).map(|_| Shot::post(&aci, &path, Some(body.clone()))).collect(),
        winners: 1,
        refusals: &["suspension_overlap"],
        counts: vec![(
            "iae_pathway_events WHERE person_id = $1 AND kind = 'suspension'",
            pid,
            1,
        )],
    }
}

async fn immersion_signature(app: &TestApp) -> Race {
    let (esat, pid) = esat_person(app, "Bonnet").await;
    let (esat_id, cap_id) = (app.org_id("esat-suzon").await, app.org_id("cap-emploi").await);
    let followers = format!("/api/v1/persons/{pid}/followers");
    let (s, b) = app
        .call(
            &esat,
            Method::POST,
            &followers,
            Some(json!({"organisation_id": cap_id})),
        )
        .await;
    assert_eq!(s, S::OK, "{b}");
    let day = |offset: i64| (today() + Duration::days(offset)).to_string();
    let convention = json!({"person_id": pid, "prescriber_id": cap_id, "support_structure_id": esat_id,
        "host_name": "Restaurant Le Cèdre", "host_siret": "732 829 320 00074", "tutor_name": "Paul Girard",
        "objective": "confirm_project", "starts_on": day(3), "ends_on": day(10),
        "schedule": [420, 420, 420, 420, 420, 0, 0]});
    let cap = app.token(&email("cap-emploi")).await;
    let (s, i) = app
        .call(&cap, Method::POST, "/api/v1/immersions", Some(convention))
        .await;
    assert_eq!(s, S::CREATED, "{i}");
    let immersion = uuid(&i);
    let (s, b) = app
        .call(
            &esat,
            Method::POST,
            &format!("/api/v1/immersions/{immersion}/submit"),
            None,
        )
        .await;
    assert_eq!(s, S::OK, "{b}");
    let path = format!("/api/v1/immersions/{immersion}/signatures");
    let body = json!({"party": "beneficiary", "signer_name": "Camille Bonnet"});
    Race {
        shots: (0..N).map(|_| Shot::post(&esat, &path, Some(body.clone()))).collect(),
        winners: 1,
        refusals: &["immersion_already_signed"],
        counts: vec![("immersion_signatures WHERE immersion_id = $1", immersion, 1)],
    }
}

/// The demo's local cooperation convention, which waits for the ACI's signature.
async fn demo_ccl(app: &TestApp, token: &str) -> Uuid {
    let (s, list) = app.get(token, "/api/v1/agreements").await;
    assert_eq!(s, S::OK);
    let ccl = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "local_cooperation");
    uuid(ccl.unwrap())
}

async fn agreement_signature(app: &TestApp) -> Race {
    let aci = app.token(&email("aci-jardins")).await;
    let ccl = demo_ccl(app, &aci).await;
    let path = format!("/api/v1/agreements/{ccl}/actions");
    let signatures = "events WHERE entity_id = $1 AND action = 'agreement.sign'";
    let signed = count(app, signatures, ccl).await;
    Race {
        shots: (0..N)
            .map(|_| Shot::post(&aci, &path, Some(json!({"action": "sign"}))))
            .collect(),
        winners: 1,
        refusals: &["transition_not_allowed"],
        counts: vec![(signatures, ccl, signed + 1)],
    }
}

/// One avenant pending at a time: of N proposals at once one is pending, the others are refused.
async fn avenants(app: &TestApp) -> Race {
    let aci = app.token(&email("aci-jardins")).await;
    let ccl = demo_ccl(app, &aci).await;
    let (s, a) = app.get(&aci, &format!("/api/v1/agreements/{ccl}")).await;
    assert_eq!(s, S::OK, "{a}");
    let path = format!("/api/v1/agreements/{ccl}/amendments");
    let body = json!({"reason": "Mise à jour des contacts", "content": a["content"]});
    Race {
        shots: (0..N).map(|_| Shot::post(&aci, &path, Some(body.clone()))).collect(),
        winners: 1,
        refusals: &["amendment_pending"],
        counts: vec![(
            "agreement_amendments WHERE agreement_id = $1 AND status = 'pending'",
            ccl,
            1,
        )],
    }
}

/// The last signature of an avenant and a refusal at once (the agency has signed, the ACI both signs and
/// refuses): exactly one wins, the other finds no avenant pending any more.
async fn avenant_last_signature_or_refusal(app: &TestApp) -> Race {
    let (aci, ft) = (
        app.token(&email("aci-jardins")).await,
        app.token(&email("ft-dijon")).await,
    );
    let ccl = demo_ccl(app, &aci).await;
    let path = format!("/api/v1/agreements/{ccl}/pending-amendment/actions");
    let (s, b) = app
        .call(&ft, Method::POST, &path, Some(json!({"action": "sign"})))
        .await;
    assert_eq!(s, S::OK, "{b}");
    let closed = "agreement_amendments WHERE agreement_id = $1 AND status IN ('adopted', 'declined')";
    let closed_before = count(app, closed, ccl).await;
    let decisions =
        "events WHERE entity_id = $1 AND action IN ('agreement.amendment_sign', 'agreement.amendment_decline')";
    let decided = count(app, decisions, ccl).await;
    Race {
        shots: (0..N)
            .map(|i| {
                let action = if i % 2 == 0 { "sign" } else { "decline" };
                Shot::post(&aci, &path, Some(json!({ "action": action })))
            })
            .collect(),
        winners: 1,
        refusals: &["no_pending_amendment"],
        counts: vec![
            (closed, ccl, closed_before + 1),
            (decisions, ccl, decided + 1),
            (
                "agreement_amendments WHERE agreement_id = $1 AND status = 'pending'",
                ccl,
                0,
            ),
            // Adopted: one version more; declined: none. Either way the header points at the last version.
            (
                "agreements WHERE id = $1 AND current_version = (SELECT MAX(number) FROM agreement_versions v \
                 WHERE v.agreement_id = agreements.id)",
                ccl,
                1,
            ),
        ],
    }
}

/// Every deliberative member of the demo CTA validates its past meeting's minutes at once, twice each: all are
/// accepted (validating again changes nothing), and the minutes are validated once all have.
async fn minutes_validation(app: &TestApp) -> Race {
    let aci = app.token(&email("aci-jardins")).await;
    let (_, list) = app.get(&aci, "/api/v1/committees").await;
    let cta = list.as_array().unwrap().iter().find(|c| c["kind"] == "cta").unwrap();
    let (s, cta) = app.get(&aci, &format!("/api/v1/committees/{}", id(cta))).await;
    assert_eq!(s, S::OK, "{cta}");
    let past =
        cta["meetings"].as_array().unwrap().iter().find(|m| {
            m["held_on"].as_str().unwrap() < today().to_string().as_str() && m["minutes_validated_on"].is_null()
        });
    let meeting = uuid(past.expect("the demo CTA has a past meeting"));
    let organisations = app
        .store
        .all_organisations(&app.store.operator_context("test"))
        .await
        .unwrap();
    let mut tokens = Vec::new();
    for m in cta["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["vote"] == "deliberative")
    {
        let org = organisations
            .iter()
            .find(|o| o.id.to_string() == m["organisation_id"])
            .unwrap();
        tokens.push(app.token(&email(org.external_id.as_deref().unwrap())).await);
    }
    let path = format!("/api/v1/meetings/{meeting}/minutes/validation");
    let shots: Vec<Shot> = tokens
        .iter()
        .chain(&tokens)
        .map(|t| Shot::post(t, &path, None))
        .collect();
    Race {
        winners: shots.len(),
        shots,
        refusals: &[],
        counts: vec![
            (
                "minutes_validations WHERE meeting_id = $1",
                meeting,
                tokens.len() as i64,
            ),
            (
                "meetings WHERE id = $1 AND minutes_validated_on IS NOT NULL",
                meeting,
                1,
            ),
        ],
    }
}
