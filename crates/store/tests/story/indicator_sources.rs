//! The sources wired by migration 0012 (CTA meetings held, CTA minutes transmitted to a CDIAE (to the
//! « inclusion et IAE » commission since 2024-07-01, migration 0022),
//! mutual-knowledge actions, assessed PMSMP conventions outside SIAE) against a scenario with known counts in
//! 2030 (a year the demo does not touch): the value before and after each new fact (triggers), the fact table
//! equal to the plain union of the sources, and the migration's backfill giving the same facts again.

use super::{postgres_demo, sqlite_demo};
use passerelle_domain::indicators::{Dimension, Granularity, IndicatorCode as I, PeriodRange};
use passerelle_store::Store;
use passerelle_store::indicators::{self, Origin, Request, Viewer};
use passerelle_store::infra::sql::{Executor, Pool, query};
use time::Date;
use time::macros::date;
use uuid::Uuid;

const CODES: [I; 4] = [I::CtaHeld, I::CtaMinutesTransmitted, I::SpeSiaeSessions, I::Immersions];

fn request(dimensions: Vec<Dimension>) -> Request {
    Request {
        range: PeriodRange::new(date!(2030 - 01 - 01), date!(2030 - 12 - 31)).unwrap(),
        granularity: Granularity::Year,
        dimensions,
        indicators: CODES.to_vec(),
        as_of: None,
        threshold: 1,
        viewer: Viewer::Public,
    }
}

/// The four values of the year, `None` where nothing is counted.
async fn values(store: &Store) -> [Option<f64>; 4] {
    let table = indicators::compute(store, &request(vec![])).await.unwrap();
    assert!(table.pending.is_empty(), "{:?}", table.pending);
    CODES.map(|c| {
        table
            .rows
            .iter()
            .find(|r| r.indicator == c.code())
            .and_then(|r| r.value)
    })
}

pub(super) async fn org(db: &mut Pool, kind: &str) -> Uuid {
    db.fetch_one(query("SELECT id FROM organisations WHERE kind = $1 ORDER BY name LIMIT 1").bind(kind))
        .await
        .unwrap()
        .get("id")
        .unwrap()
}

pub(super) async fn committee(db: &mut Pool, kind: &str, secretary: Uuid) -> Uuid {
    let id = Uuid::new_v4();
    db.execute(
        query(
            "INSERT INTO committees (id, kind, name, department, region, frequency, secretary_organisation_id, \
             created_at) VALUES ($1, $2, $3, '21', NULL, 'quarterly', $4, $5)",
        )
        .bind(id)
        .bind(kind)
        .bind(format!("Comité {kind}"))
        .bind(secretary)
        .bind(passerelle_store::infra::clock::now()),
    )
    .await
    .unwrap();
    id
}

pub(super) async fn meeting(db: &mut Pool, committee: Uuid, on: Date, status: &str) -> Uuid {
    let id = Uuid::new_v4();
    db.execute(
        query(
            "INSERT INTO meetings (id, committee_id, held_on, start_time, end_time, place, extraordinary, status, \
             created_at) VALUES ($1, $2, $3, '14:00', '16:00', 'Dijon', FALSE, $4, $5)",
        )
        .bind(id)
        .bind(committee)
        .bind(on)
        .bind(status)
        .bind(passerelle_store::infra::clock::now()),
    )
    .await
    .unwrap();
    id
}

pub(super) async fn transmit(db: &mut Pool, meeting: Uuid, to: Uuid, on: Date) {
    db.execute(
        query(
            "INSERT INTO minutes_transmissions (id, meeting_id, to_committee_id, transmitted_on, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(Uuid::new_v4())
        .bind(meeting)
        .bind(to)
        .bind(on)
        .bind(passerelle_store::infra::clock::now()),
    )
    .await
    .unwrap();
}

async fn mutual_knowledge(db: &mut Pool, by: Uuid, kind: &str, on: Date) {
    db.execute(
        query(
            "INSERT INTO mutual_knowledge_actions (id, kind, held_on, topic, department, participants, \
             created_by_organisation_id, created_at) VALUES ($1, $2, $3, 'Présentation des SIAE', '21', 12, $4, $5)",
        )
        .bind(Uuid::new_v4())
        .bind(kind)
        .bind(on)
        .bind(by)
        .bind(passerelle_store::infra::clock::now()),
    )
    .await
    .unwrap();
}

async fn immersion(db: &mut Pool, person: Uuid, prescriber: Uuid, support: Uuid, status: &str) -> Uuid {
    let id = Uuid::new_v4();
    db.execute(
        query(
            "INSERT INTO immersions (id, person_id, prescriber_id, support_structure_id, host_name, host_siret, \
             tutor_name, objective, starts_on, ends_on, schedule, weekly_minutes, status, explanation, \
             created_by_organisation_id, created_at, updated_at) VALUES ($1, $2, $3, $4, 'Boulangerie', \
             '12345678901234', 'Tuteur', 'discover_trade', $5, $6, '[]', 2100, $7, '', $3, $8, $8)",
        )
        .bind(id)
        .bind(person)
        .bind(prescriber)
        .bind(support)
        .bind(date!(2030 - 05 - 04))
        .bind(date!(2030 - 05 - 15))
        .bind(status)
        .bind(passerelle_store::infra::clock::now()),
    )
    .await
    .unwrap();
    id
}

async fn set_status(db: &mut Pool, table: &str, id: Uuid, status: &str) {
    db.execute(
        query(format!("UPDATE {table} SET status = $1 WHERE id = $2"))
            .bind(status)
            .bind(id),
    )
    .await
    .unwrap();
}

async fn scenario(store: Store) {
    let mut db = store.pool().clone();
    let agency = org(&mut db, "france_travail_agency").await;
    let ddets = org(&mut db, "ddets").await;
    let esat = org(&mut db, "esat").await;
    let aci = org(&mut db, "aci").await;
    let person: Uuid = db
        .fetch_one(query("SELECT id FROM persons ORDER BY last_name LIMIT 1"))
        .await
        .unwrap()
        .get("id")
        .unwrap();
    assert_eq!(values(&store).await, [None; 4]);

    let cta = committee(&mut db, "cta", agency).await;
    // In 2030 the minutes go to the « inclusion et IAE » commission, which took the CDIAE's place on
    // 2024-07-01 (décret 2024-560); a committee still recorded as a CDIAE no longer counts (E8: this
    // scenario sent them to a CDIAE in 2030 and locked the error in).
    let commission = committee(&mut db, "inclusion_commission", ddets).await;
    let cdiae = committee(&mut db, "cdiae", ddets).await;
    let regional = committee(&mut db, "regional_steering", ddets).await;

    // A CTA meeting counts once held (attendance or minutes recorded turn it to held), not while planned.
    let first = meeting(&mut db, cta, date!(2030 - 03 - 10), "planned").await;
    assert_eq!(values(&store).await[0], None);
    set_status(&mut db, "meetings", first, "held").await;
    assert_eq!(values(&store).await[0], Some(1.0));
    // Recorded as held at once: counted; cancelled, or another kind of committee: not counted.
    meeting(&mut db, cta, date!(2030 - 06 - 01), "held").await;
    let cancelled = meeting(&mut db, cta, date!(2030 - 09 - 01), "planned").await;
    set_status(&mut db, "meetings", cancelled, "cancelled").await;
    let steering = meeting(&mut db, regional, date!(2030 - 04 - 01), "held").await;
    // Held in 2029: outside the period.
    meeting(&mut db, cta, date!(2029 - 12 - 15), "held").await;
    assert_eq!(values(&store).await[0], Some(2.0));

    // Minutes of a CTA sent to the commission count; to another committee (the CDIAE, gone since 2024), or
    // from another committee, not.
    assert_eq!(values(&store).await[1], None);
    transmit(&mut db, first, commission, date!(2030 - 03 - 20)).await;
    assert_eq!(values(&store).await[1], Some(1.0));
    transmit(&mut db, first, regional, date!(2030 - 03 - 21)).await;
    transmit(&mut db, first, cdiae, date!(2030 - 03 - 22)).await;
    transmit(&mut db, steering, commission, date!(2030 - 04 - 10)).await;
    assert_eq!(values(&store).await[1], Some(1.0));

    // Every mutual-knowledge action held in the period.
    mutual_knowledge(&mut db, agency, "visit", date!(2030 - 02 - 02)).await;
    assert_eq!(values(&store).await[2], Some(1.0));
    mutual_knowledge(&mut db, aci, "webinar", date!(2030 - 10 - 02)).await;
    mutual_knowledge(&mut db, aci, "webinar", date!(2029 - 10 - 02)).await;
    assert_eq!(values(&store).await[2], Some(2.0));

    // A PMSMP convention at an ESAT counts once assessed (a signed one may still be cancelled); at an SIAE it
    // is the accompaniment action « immersion » that counts, so the convention is not counted twice.
    let at_esat = immersion(&mut db, person, agency, esat, "draft").await;
    for status in ["awaiting_signatures", "signed"] {
        set_status(&mut db, "immersions", at_esat, status).await;
    }
    assert_eq!(values(&store).await[3], None);
    set_status(&mut db, "immersions", at_esat, "assessed").await;
    assert_eq!(values(&store).await[3], Some(1.0));
    let at_aci = immersion(&mut db, person, agency, aci, "signed").await;
    set_status(&mut db, "immersions", at_aci, "assessed").await;
    let dropped = immersion(&mut db, person, agency, esat, "signed").await;
    set_status(&mut db, "immersions", dropped, "cancelled").await;
    assert_eq!(values(&store).await, [Some(2.0), Some(1.0), Some(2.0), Some(1.0)]);

    // The fact table and the plain union of the sources agree, cell by cell.
    let by = vec![Dimension::Department, Dimension::Organisation];
    let facts = indicators::compute(&store, &request(by.clone())).await.unwrap();
    let plain = indicators::compute_from(&store, &request(by.clone()), Origin::Sources)
        .await
        .unwrap();
    assert_eq!(facts.rows, plain.rows);
    assert_eq!(facts.rows.len(), 5, "{:?}", facts.rows);

    // The backfill of migration 0012, run again on facts removed, gives the same facts.
    let migration = if db.backend() == "postgres" {
        include_str!("../../migrations/postgres/0012_indicator_sources.sql")
    } else {
        include_str!("../../migrations/sqlite/0012_indicator_sources.sql")
    };
    let backfill = migration
        .split("-- The facts of what was recorded before this migration.\n")
        .nth(1)
        .unwrap();
    let mut delete = query("DELETE FROM indicator_facts WHERE indicator IN (");
    for (i, c) in CODES.iter().enumerate() {
        delete.push_bound(if i == 0 { "{}" } else { ", {}" }, c.code());
    }
    delete.push_sql(")");
    db.execute(delete).await.unwrap();
    assert_eq!(values(&store).await, [None; 4]);
    db.execute(query(backfill.trim_end().trim_end_matches(';')))
        .await
        .unwrap();
    let again = indicators::compute(&store, &request(by)).await.unwrap();
    assert_eq!(again.rows, facts.rows);
}

#[tokio::test]
async fn indicators_of_new_sources_on_sqlite() {
    scenario(sqlite_demo().await).await;
}

#[tokio::test]
async fn indicators_of_new_sources_on_postgres() {
    scenario(postgres_demo().await).await;
}
