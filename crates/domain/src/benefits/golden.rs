//! Golden cases: OpenFisca-France's answers (scripts/golden/benefits_openfisca.py), matched within 0.01 €.

use super::{CaseInput, Cents, Month, simulate};
use serde::Deserialize;

#[derive(Deserialize)]
struct Golden {
    openfisca_france: String,
    cases: Vec<GoldenCase>,
}

#[derive(Deserialize)]
struct GoldenCase {
    case: CaseInput,
    expected: Vec<Expected>,
}

#[derive(Deserialize)]
struct Expected {
    month: Month,
    aah: f64,
    mva: f64,
    prime_activite: f64,
}

fn close(ours: Cents, theirs: f64) -> bool {
    Cents::from_euros(theirs).is_some_and(|t| (ours.0 - t.0).abs() <= 1)
}

#[test]
fn matches_openfisca_within_a_cent() {
    let golden: Golden = serde_json::from_str(include_str!("golden/openfisca.json")).expect("golden file");
    let mut mismatches = Vec::new();
    let mut months = 0;
    for g in &golden.cases {
        let simulation = simulate(&g.case).expect("golden case is valid");
        for (ours, theirs) in simulation.results.iter().zip(&g.expected) {
            assert_eq!(ours.month, theirs.month);
            months += 1;
            let same = close(ours.aah, theirs.aah) && close(ours.mva, theirs.mva);
            if !same || !close(ours.prime_activite, theirs.prime_activite) {
                mismatches.push(format!(
                    "{} {}: aah {} vs {}, mva {} vs {}, prime {} vs {}",
                    g.case.id.as_deref().unwrap_or("?"),
                    ours.month,
                    ours.aah.euros(),
                    theirs.aah,
                    ours.mva.euros(),
                    theirs.mva,
                    ours.prime_activite.euros(),
                    theirs.prime_activite
                ));
            }
        }
    }
    let matched = months - mismatches.len();
    println!(
        "OpenFisca-France {}: {matched}/{months} case-months matched ({:.2} %) over {} cases",
        golden.openfisca_france,
        100.0 * matched as f64 / months as f64,
        golden.cases.len()
    );
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches[..mismatches.len().min(40)].join("\n")
    );
}

/// Library throughput on 10,000 cases x 12 months (the golden cases, repeated):
/// `cargo test --release -p passerelle-domain throughput -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, not a check"]
fn throughput() {
    let golden: Golden = serde_json::from_str(include_str!("golden/openfisca.json")).expect("golden file");
    let cases: Vec<&CaseInput> = golden.cases.iter().map(|g| &g.case).cycle().take(10_000).collect();
    let started = std::time::Instant::now();
    let months: usize = cases.iter().map(|c| simulate(c).expect("valid").results.len()).sum();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{} cases, {months} months in {seconds:.3} s: {:.0} cases/s",
        cases.len(),
        cases.len() as f64 / seconds
    );
}
