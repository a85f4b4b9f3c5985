//! Hand-checked ESAT cases, the same as in docs/benefits.md where each computation is written out.

use super::{CaseInput, Cents, simulate};
use serde_json::json;

fn case(household: serde_json::Value, earnings: serde_json::Value) -> CaseInput {
    serde_json::from_value(json!({
        "person": {"birth_date": "1990-03-10", "incapacity_rate": 0.8},
        "household": household,
        "earnings": earnings,
        "months": ["2025-06"]
    }))
    .expect("valid case")
}

fn esat_months(from: (i32, u32), to: (i32, u32), entry: serde_json::Value) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    let (mut y, mut m) = from;
    while (y, m) <= to {
        let mut e = entry.clone();
        e["month"] = json!(format!("{y:04}-{m:02}"));
        e["kind"] = json!("esat");
        out.push(e);
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

fn aah(case: &CaseInput) -> (Cents, Vec<String>) {
    let month = simulate(case).expect("simulated").results.remove(0);
    (month.aah, month.explain.aah.reasons)
}

/// Case 1 (D821-10, R243-6 CASF): 850 € taxable each month of 2023, 1 080 € gross of which the ESAT pays 150 €:
/// 1 800 € of ESAT part over 20 815,20 € of SMIC in 2023 is 8,6 %, the 3,5 % tranche (not 5 %, the tranche of
/// the whole pay): 10 200 € x 0,965 = 9 843 € a year, 820,25 € a month; AAH 1 033,32 - 820,25 = 213,07 €.
#[test]
fn esat_reduction_on_the_part_the_esat_finances() {
    let mut earnings = esat_months(
        (2023, 1),
        (2023, 12),
        json!({"net": 850, "gross": 1080, "esat_part": 150}),
    );
    earnings.extend(esat_months((2024, 1), (2025, 6), json!({"net": 850, "gross": 1080})));
    let (amount, reasons) = aah(&case(json!({}), json!(earnings)));
    assert_eq!(amount, Cents(21_307), "{reasons:?}");
    assert!(
        reasons.iter().any(|r| r.contains("8,6 %") && r.contains("3,5 %")),
        "{reasons:?}"
    );
}

/// Case 2 (D821-5, gross amounts): a first ESAT year, nothing in 2023, 1 500 € gross a month: the AAH is capped
/// at the gross SMIC of 1 801,84 € less the gross pay, 301,84 € (the net pay of 1 187,40 € would leave 614,44 €).
/// Without the gross amount, it is estimated from the net pay: 1 187,40 / 0,791598 = 1 500,00 €, the same.
#[test]
fn esat_cap_on_the_gross_pay() {
    let given = esat_months((2025, 1), (2025, 6), json!({"net": 1187.40, "gross": 1500}));
    assert_eq!(aah(&case(json!({}), json!(given))).0, Cents(30_184));
    let estimated = esat_months((2025, 1), (2025, 6), json!({"net": 1187.40}));
    let (amount, reasons) = aah(&case(json!({}), json!(estimated)));
    assert_eq!(amount, Cents(30_184), "{reasons:?}");
    assert!(
        reasons.iter().any(|r| r.contains("estimé à partir du net")),
        "{reasons:?}"
    );
}

/// Case 3 (D821-5, per dependant): the same pay with one child and one ascendant: 130 % of the SMIC,
/// 2 342,39 € - 1 500 € = 842,39 € (one +15 % only would leave 572,12 €).
#[test]
fn esat_cap_per_child_and_ascendant() {
    let given = esat_months((2025, 1), (2025, 6), json!({"net": 1187.40, "gross": 1500}));
    let household = json!({"children": 1, "ascendants": 1});
    assert_eq!(aah(&case(household, json!(given))).0, Cents(84_239));
}

/// D821-9 1° (from 2011-01-01): a job in ordinary employment from March 2025 after months without work: the AAH
/// stays at the full rate (1 016,05 € in March, 1 033,32 € from April) from March to August (the earnings are left out six months), and is reduced from
/// September on, on the quarter June-August (OpenFisca-France reduces it from April).
#[test]
fn new_job_leaves_the_aah_whole_six_months() {
    let earnings: Vec<_> = (3..=10)
        .map(|m| json!({"month": format!("2025-{m:02}"), "net": 900}))
        .collect();
    let case: CaseInput = serde_json::from_value(json!({
        "person": {"birth_date": "1990-03-10", "incapacity_rate": 0.8},
        "earnings": earnings,
        "months": ["2025-03", "2025-04", "2025-05", "2025-06", "2025-07", "2025-08", "2025-09", "2025-10"]
    }))
    .unwrap();
    let results = simulate(&case).unwrap().results;
    for r in &results[..6] {
        assert_eq!(r.aah, r.explain.aah.full_rate, "{}", r.month);
        assert!(
            r.explain.aah.reasons.iter().any(|x| x.contains("D821-9")),
            "{:?}",
            r.explain.aah.reasons
        );
    }
    // September: 2 700 € over June-August, 10 800 € a year: 20 % of the first 6 486,62 € (30 % of the yearly
    // SMIC) and 60 % of the rest = 3 885,35 € a year, 323,78 € a month; AAH 1 033,32 - 323,78 = 709,54 €.
    assert_eq!(results[6].aah, Cents(70_954));
}
