//! The counters of the grids by region x SIAE kind (migration 0046) and by agreement (0047), and the whole-range
//! requests that are exactly one month, quarter or year: the same rows as the facts, distinct people exact
//! (a person counted in two departments of a region, or by two parties of an agreement, counts once), and an
//! agreement's counters follow its parties when they join or leave; on both databases.

use super::{postgres_demo, sqlite_demo};
use passerelle_domain::directory::department::DEPARTMENTS;
use passerelle_domain::indicators::{Dimension, Granularity, PeriodRange};
use passerelle_store::Store;
use passerelle_store::indicators::{self, Request, Row, Viewer};
use passerelle_store::infra::sql::{Executor, Pool, query};
use time::Date;
use time::macros::date;
use uuid::Uuid;

const YEAR: PeriodRange = PeriodRange {
    from: date!(2024 - 01 - 01),
    to: date!(2024 - 12 - 31),
};

fn ask(range: PeriodRange, granularity: Granularity, dimensions: &[Dimension]) -> Request {
    Request {
        range,
        granularity,
        dimensions: dimensions.to_vec(),
        indicators: Vec::new(),
        as_of: None,
        threshold: 1,
        viewer: Viewer::Public,
    }
}

/// The rows of the request as served (by the counters), after checking that the facts give the same.
async fn counted(store: &Store, req: &Request) -> Vec<Row> {
    let served = indicators::compute(store, req).await.unwrap().rows;
    // A value « as of now » is the same figure read from the facts.
    let mut now = req.clone();
    now.as_of = Some(passerelle_store::infra::clock::now());
    let from_facts = indicators::compute(store, &now).await.unwrap().rows;
    assert!(!served.is_empty());
    assert_eq!(served, from_facts, "{:?} {:?}", req.granularity, req.dimensions);
    served
}

/// Every grid the counters serve, for 2024.
async fn all_grids_agree(store: &Store) {
    let region = [Dimension::Region, Dimension::SiaeKind];
    let department = [Dimension::SiaeKind, Dimension::Department];
    let spring = PeriodRange::new(date!(2024 - 04 - 01), date!(2024 - 06 - 30)).unwrap();
    for (range, granularity, dims) in [
        (YEAR, Granularity::Month, &region[..]),
        (YEAR, Granularity::Quarter, &region[..]),
        (YEAR, Granularity::Year, &region[..]),
        (YEAR, Granularity::Whole, &region[..]),
        (spring, Granularity::Whole, &region[..]),
        (YEAR, Granularity::Whole, &department[..]),
        (YEAR, Granularity::Quarter, &[Dimension::Agreement][..]),
        (YEAR, Granularity::Year, &[Dimension::Agreement][..]),
        (YEAR, Granularity::Whole, &[Dimension::Agreement][..]),
    ] {
        counted(store, &ask(range, granularity, dims)).await;
    }
}

fn value(rows: &[Row], code: &str, period: &str, dimension: &str, key: &str) -> Option<f64> {
    rows.iter()
        .find(|r| r.indicator == code && r.period == period && r.dimensions.get(dimension).is_some_and(|v| v == key))
        .and_then(|r| r.value)
}

async fn fact(db: &mut Pool, code: &str, on: Date, organisation: Uuid, department: &str, person: Uuid, value: i64) {
    db.execute(
        query(
            "INSERT INTO indicator_facts (indicator, occurred_on, recorded_at, organisation_id, department, \
             siae_kind, person_id, source_id, detail, value) VALUES ($1, $2, $3, $4, $5, 'ACI', $6, $7, NULL, $8)",
        )
        .bind(code)
        .bind(on)
        .bind(passerelle_store::infra::clock::now())
        .bind(organisation)
        .bind(department)
        .bind(person)
        .bind(Uuid::new_v4())
        .bind(value),
    )
    .await
    .unwrap();
}

async fn party(db: &mut Pool, agreement: Uuid, organisation: Uuid, joins: bool) {
    let q = if joins {
        query("INSERT INTO agreement_parties (agreement_id, organisation_id, position) VALUES ($1, $2, 0)")
    } else {
        query("DELETE FROM agreement_parties WHERE agreement_id = $1 AND organisation_id = $2")
    };
    db.execute(q.bind(agreement).bind(organisation)).await.unwrap();
}

async fn counters(store: Store) {
    let mut db = store.pool().clone();
    let orgs: Vec<Uuid> = db
        .fetch_all(query(
            "SELECT id FROM organisations WHERE kind IN ('aci', 'ei', 'ai') ORDER BY name LIMIT 3",
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("id").unwrap())
        .collect();
    let [a, b, c] = [orgs[0], orgs[1], orgs[2]];
    let agreement = crate::local_convention(
        &mut db,
        ("CCL compteurs", "draft"),
        (date!(2024 - 01 - 01), date!(2026 - 12 - 31)),
        a,
    )
    .await;
    party(&mut db, agreement, a, true).await;
    party(&mut db, agreement, b, true).await;

    let [p1, p2, p3] = [(); 3].map(|_| Uuid::new_v4());
    // P1 hired in Côte-d'Or by A and in the Doubs by B, both in Bourgogne-Franche-Comté (27), in one quarter.
    fact(&mut db, "hirings", date!(2024 - 01 - 15), a, "21", p1, 1).await;
    fact(&mut db, "hirings", date!(2024 - 02 - 10), b, "25", p1, 1).await;
    // P2 in Paris (Île-de-France, 11) by C, out of the agreement.
    fact(&mut db, "hirings", date!(2024 - 05 - 02), c, "75", p2, 1).await;
    // P3 trained twice by A and B (one trainee), registered to the SPE in one department, then not in the other.
    fact(&mut db, "training_hours", date!(2024 - 03 - 01), a, "21", p3, 35).await;
    fact(&mut db, "training_hours", date!(2024 - 03 - 20), b, "25", p3, 10).await;
    fact(&mut db, "spe_registered_share", date!(2024 - 03 - 02), a, "21", p3, 1).await;
    fact(&mut db, "spe_registered_share", date!(2024 - 03 - 03), b, "25", p2, 0).await;
    all_grids_agree(&store).await;

    let bfc = |rows: &[Row], code: &str, period: &str| {
        rows.iter()
            .find(|r| {
                r.indicator == code
                    && r.period == period
                    && r.dimensions["region"] == "27"
                    && r.dimensions["siae_kind"] == "ACI"
            })
            .and_then(|r| r.value)
    };
    let region = counted(
        &store,
        &ask(YEAR, Granularity::Quarter, &[Dimension::Region, Dimension::SiaeKind]),
    )
    .await;
    assert_eq!(bfc(&region, "hirings", "2024-T1"), Some(2.0));
    assert_eq!(bfc(&region, "trainees", "2024-T1"), Some(1.0));
    assert_eq!(bfc(&region, "training_hours", "2024-T1"), Some(45.0));
    assert_eq!(bfc(&region, "spe_registered_share", "2024-T1"), Some(50.0));
    let whole = counted(
        &store,
        &ask(YEAR, Granularity::Whole, &[Dimension::Region, Dimension::SiaeKind]),
    )
    .await;
    assert_eq!(bfc(&whole, "trainees", "2024-01-01/2024-12-31"), Some(1.0));

    let by_agreement = |rows: &[Row], code: &str| value(rows, code, "2024", "agreement", &agreement.to_string());
    let year = ask(YEAR, Granularity::Year, &[Dimension::Agreement]);
    let rows = counted(&store, &year).await;
    assert_eq!(by_agreement(&rows, "hirings"), Some(2.0));
    assert_eq!(by_agreement(&rows, "trainees"), Some(1.0));

    // C joins: its hiring of P2 counts; B leaves: P3 still trained by A, P1 still hired by A.
    party(&mut db, agreement, c, true).await;
    all_grids_agree(&store).await;
    assert_eq!(by_agreement(&counted(&store, &year).await, "hirings"), Some(3.0));
    party(&mut db, agreement, b, false).await;
    all_grids_agree(&store).await;
    let rows = counted(&store, &year).await;
    assert_eq!(by_agreement(&rows, "hirings"), Some(2.0));
    assert_eq!(by_agreement(&rows, "trainees"), Some(1.0));
    assert_eq!(by_agreement(&rows, "training_hours"), Some(35.0));
    // Every party leaves and comes back, as an edit of the agreement does.
    for org in [a, c] {
        party(&mut db, agreement, org, false).await;
    }
    assert_eq!(by_agreement(&counted(&store, &year).await, "hirings"), None);
    for org in [a, b, c] {
        party(&mut db, agreement, org, true).await;
    }
    all_grids_agree(&store).await;

    // The region and agreement tables are the counters': a fact removed behind their back does not change them.
    db.execute(query("DELETE FROM indicator_facts WHERE indicator = 'training_hours'"))
        .await
        .unwrap();
    let rows = indicators::compute(&store, &year).await.unwrap().rows;
    assert_eq!(by_agreement(&rows, "training_hours"), Some(45.0));
    let rows = indicators::compute(
        &store,
        &ask(YEAR, Granularity::Quarter, &[Dimension::Region, Dimension::SiaeKind]),
    )
    .await
    .unwrap()
    .rows;
    assert_eq!(bfc(&rows, "training_hours", "2024-T1"), Some(45.0));

    // The counters' department -> region table is the domain's.
    let mut table: Vec<(String, String)> = db
        .fetch_all(query("SELECT department, region FROM department_regions"))
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get("department").unwrap(), r.get("region").unwrap()))
        .collect();
    table.sort();
    let mut domain: Vec<(String, String)> = DEPARTMENTS
        .iter()
        .map(|d| (d.code.to_owned(), d.region_code.to_owned()))
        .collect();
    domain.sort();
    assert_eq!(table, domain);
}

#[tokio::test]
async fn indicator_counters_on_sqlite() {
    counters(sqlite_demo().await).await;
}

#[tokio::test]
async fn indicator_counters_on_postgres() {
    counters(postgres_demo().await).await;
}
