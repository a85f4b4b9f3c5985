//! Evaluations per second of a 20-event IAE pathway, from parsed input to report.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use passerelle_domain::pathways::iae::{PathwayInput, evaluate};
use std::hint::black_box;

/// A PASS IAE with suspensions (one ended by a hiring), prolongations up to the RQTH cap, refusals of
/// each kind, then a second pathway after a waived waiting period: 13 events accepted, 7 refused.
const SCENARIO: &str = r#"{
  "as_of": "2030-01-01", "siae_kind": "ACI",
  "person": {"birth_date": "1972-01-15", "rqth": true},
  "events": [
    {"kind": "hiring", "date": "2022-01-03"},
    {"kind": "suspension", "from": "2022-03-01", "to": "2022-03-31", "reason": "contract_suspended"},
    {"kind": "suspension", "from": "2022-03-15", "to": "2022-04-15", "reason": "contract_broken"},
    {"kind": "hiring", "date": "2022-03-21"},
    {"kind": "suspension", "from": "2022-09-01", "to": "2022-10-31", "reason": "cta_agreement"},
    {"kind": "suspension", "from": "2023-01-01", "to": "2023-02-28", "reason": "contrat_passerelle"},
    {"kind": "hiring", "date": "2023-06-01"},
    {"kind": "prolongation", "from": "2024-05-22", "to": "2025-05-21", "reason": "training"},
    {"kind": "prolongation", "from": "2025-05-22", "to": "2026-05-21", "reason": "rqth"},
    {"kind": "prolongation", "from": "2026-05-22", "to": "2026-12-31", "reason": "health_context"},
    {"kind": "prolongation", "from": "2026-05-22", "to": "2027-05-21", "reason": "particular_difficulties"},
    {"kind": "agrement_request", "date": "2026-06-01", "request": "prolongation"},
    {"kind": "agrement_decision", "date": "2026-06-02", "decision": "refused"},
    {"kind": "prolongation", "from": "2027-05-22", "to": "2027-06-30", "reason": "rqth"},
    {"kind": "suspension", "from": "2026-06-01", "to": "2026-06-26", "reason": "contract_ended"},
    {"kind": "prolongation", "from": "2027-06-17", "to": "2028-06-15", "reason": "senior_50"},
    {"kind": "hiring", "date": "2029-01-04"},
    {"kind": "hiring", "date": "2029-02-01", "waiver": true},
    {"kind": "suspension", "from": "2029-03-01", "to": "2029-03-15", "reason": "contract_suspended"},
    {"kind": "prolongation", "from": "2031-02-16", "to": "2032-02-15", "reason": "senior_cdi"}
  ]
}"#;

fn pathway(c: &mut Criterion) {
    let input: PathwayInput = serde_json::from_str(SCENARIO).expect("the scenario is valid");
    assert_eq!(input.events.len(), 20);
    let mut group = c.benchmark_group("rules pathway");
    group.throughput(Throughput::Elements(1));
    group.bench_function("evaluate, 20 events", |b| b.iter(|| evaluate(black_box(&input))));
    group.bench_function("parse and evaluate, 20 events", |b| {
        b.iter(|| serde_json::from_str::<PathwayInput>(black_box(SCENARIO)).map(|input| evaluate(&input)))
    });
    group.finish();
}

criterion_group!(benches, pathway);
criterion_main!(benches);
