//! The sources wired by migration 0015 against a scenario with known counts in 2030 (a year the demo
//! does not touch), on a scheme of its own: the figures of supported employment (Journées nationales de l'emploi accompagné 2020: people accompanied,
//! employers accompanied, people per full-time counsellor, share in employment and within 6 months), the
//! job-retention services (module d, Accord régional BFC 2016 Annex 1 fiche 7) and the tripartite interviews held on time
//! (Accord régional BFC 2016 fiche 7). The value before and after each fact (triggers), a quarter, the value as of a past
//! date, the fact table equal to the plain union of the sources, and the migration's backfill.

use super::{postgres_demo, sqlite_demo};
use passerelle_domain::indicators::{Dimension, Granularity, IndicatorCode as I, PeriodRange};
use passerelle_store::Store;
use passerelle_store::indicators::{self, Origin, Request, Viewer};
use passerelle_store::infra::sql::{Executor, Pool, query};
use time::macros::{date, datetime};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

const SE: [I; 6] = [
    I::SePeopleAccompanied,
    I::SeEmployersAccompanied,
    I::SePeoplePerCounsellor,
    I::SeInEmploymentShare,
    I::SeEmployedWithin6MonthsShare,
    I::JobRetentionServices,
];

pub(super) fn request(from: Date, to: Date, indicators: &[I]) -> Request {
    Request {
        range: PeriodRange::new(from, to).unwrap(),
        granularity: Granularity::Whole,
        dimensions: vec![Dimension::Organisation],
        indicators: indicators.to_vec(),
        as_of: None,
        threshold: 1,
        viewer: Viewer::Public,
    }
}

/// The values of `codes` for `organisation` over `req`, `None` where nothing is counted.
async fn values_of(store: &Store, req: &Request, organisation: Uuid, origin: Origin) -> Vec<Option<f64>> {
    let table = indicators::compute_from(store, req, origin).await.unwrap();
    assert!(table.pending.is_empty() && table.not_along.is_empty(), "{table:?}");
    let org = organisation.to_string();
    req.indicators
        .iter()
        .map(|c| {
            table
                .rows
                .iter()
                .find(|r| r.indicator == c.code() && r.dimensions["organisation"] == org)
                .and_then(|r| r.value)
        })
        .collect()
}

async fn year(store: &Store, scheme: Uuid) -> Vec<Option<f64>> {
    let req = request(date!(2030 - 01 - 01), date!(2030 - 12 - 31), &SE);
    values_of(store, &req, scheme, Origin::Facts).await
}

pub(super) async fn insert(db: &mut Pool, sql: &str, values: Vec<passerelle_store::infra::sql::Value>) {
    let mut q = query(sql.to_owned());
    for v in values {
        q = q.bind(v);
    }
    db.execute(q).await.unwrap();
}

pub(super) async fn organisation(db: &mut Pool, kind: &str, department: &str) -> Uuid {
    let id = Uuid::new_v4();
    insert(
        db,
        "INSERT INTO organisations (id, name, kind, commune, department, search_text, created_at, updated_at) \
         VALUES ($1, $2, $3, 'Lons-le-Saunier', $4, $2, $5, $5)",
        vec![
            id.into(),
            format!("Scénario {kind}").into(),
            kind.into(),
            department.into(),
            passerelle_store::infra::clock::now().into(),
        ],
    )
    .await;
    id
}

pub(super) async fn person(db: &mut Pool, by: Uuid) -> Uuid {
    let id = Uuid::new_v4();
    insert(
        db,
        "INSERT INTO persons (id, first_name, last_name, birth_date, consent_data_sharing, consent_date, \
         created_by_organisation_id, search_text, created_at, updated_at) \
         VALUES ($1, 'Alex', 'Scénario', $2, TRUE, $3, $4, 'alex scenario', $5, $5)",
        vec![
            id.into(),
            date!(1990 - 01 - 01).into(),
            date!(2029 - 01 - 01).into(),
            by.into(),
            passerelle_store::infra::clock::now().into(),
        ],
    )
    .await;
    id
}

async fn user(db: &mut Pool) -> Uuid {
    let id = Uuid::new_v4();
    insert(
        db,
        "INSERT INTO users (id, email, display_name, password_hash, created_at) VALUES ($1, $2, 'Conseiller', '$argon2id$sans-connexion', $3)",
        vec![
            id.into(),
            format!("{}@scenario.test", id.simple()).into(),
            passerelle_store::infra::clock::now().into(),
        ],
    )
    .await;
    id
}

/// A counsellor's working time set as `set_counsellor_time` does (the previous one replaced).
async fn working_time(db: &mut Pool, scheme: Uuid, counsellor: Uuid, fte: i64, at: OffsetDateTime) {
    db.execute(
        query("DELETE FROM supported_counsellors WHERE scheme_id = $1 AND user_id = $2")
            .bind(scheme)
            .bind(counsellor),
    )
    .await
    .unwrap();
    insert(
        db,
        "INSERT INTO supported_counsellors (scheme_id, user_id, fte_hundredths, updated_at) VALUES ($1, $2, $3, $4)",
        vec![scheme.into(), counsellor.into(), fte.into(), at.into()],
    )
    .await;
}

struct Scheme {
    id: Uuid,
    counsellor: Uuid,
}

impl Scheme {
    async fn entry(&self, db: &mut Pool, entered: Date, exited: Option<Date>) -> Uuid {
        let id = Uuid::new_v4();
        let person = person(db, self.id).await;
        insert(
            db,
            "INSERT INTO supported_entries (id, person_id, scheme_id, route, decided_on, valid_until, entered_on, \
             counsellor_user_id, exited_on, created_at) VALUES ($1, $2, $3, 'cdaph', $4, $5, $6, $7, $8, $9)",
            vec![
                id.into(),
                person.into(),
                self.id.into(),
                date!(2028 - 06 - 01).into(),
                date!(2033 - 05 - 31).into(),
                entered.into(),
                self.counsellor.into(),
                exited.into(),
                passerelle_store::infra::clock::now().into(),
            ],
        )
        .await;
        id
    }

    async fn activity(&self, db: &mut Pool, entry: Uuid, module: &str, on: Date, employer: Option<&str>) {
        insert(
            db,
            "INSERT INTO supported_activities (id, entry_id, counsellor_user_id, module, done_on, minutes, employer, \
             employer_key, created_at) VALUES ($1, $2, $3, $4, $5, 45, $6, $7, $8)",
            vec![
                Uuid::new_v4().into(),
                entry.into(),
                self.counsellor.into(),
                module.into(),
                on.into(),
                employer.map(str::to_owned).into(),
                employer.map(passerelle_domain::text::fold).into(),
                passerelle_store::infra::clock::now().into(),
            ],
        )
        .await;
    }
}

async fn job(db: &mut Pool, entry: Uuid, employer: &str, starts: Date) {
    insert(
        db,
        "INSERT INTO supported_jobs (id, entry_id, employer, employer_key, position, contract, starts_on, \
         weekly_hours, created_at) VALUES ($1, $2, $3, $4, 'Vendeur', 'cdi', $5, 24, $6)",
        vec![
            Uuid::new_v4().into(),
            entry.into(),
            employer.into(),
            passerelle_domain::text::fold(employer).into(),
            starts.into(),
            passerelle_store::infra::clock::now().into(),
        ],
    )
    .await;
}

async fn convention(db: &mut Pool, entry: Uuid, signed: Date, employer: &str) {
    insert(
        db,
        "INSERT INTO supported_conventions (id, entry_id, signed_on, employer, employer_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        vec![
            Uuid::new_v4().into(),
            entry.into(),
            signed.into(),
            employer.into(),
            passerelle_domain::text::fold(employer).into(),
            passerelle_store::infra::clock::now().into(),
        ],
    )
    .await;
}

/// The tripartite interview of `person` at `siae` due by `due`, as the deadlines engine writes it; `done` once
/// an interview is held.
pub(super) async fn obligation(db: &mut Pool, siae: Uuid, person: Uuid, due: Date, done: bool) {
    let now = passerelle_store::infra::clock::now();
    insert(
        db,
        "INSERT INTO obligations (id, source, source_key, organisation_id, due_on, title, link, rule, done_at, \
         updated_at) VALUES ($1, 'tripartite_interview', $2, $3, $4, 'Entretien', '/', 'Accord régional BFC 2016, fiche 7', $5, $6)",
        vec![
            Uuid::new_v4().into(),
            person.to_string().into(),
            siae.into(),
            due.into(),
            done.then_some(now).into(),
            now.into(),
        ],
    )
    .await;
}

/// A tripartite interview at `siae`, after the deadlines engine set its due date when `due` is given.
pub(super) async fn interview(db: &mut Pool, siae: Uuid, held: Date, due: Option<Date>) {
    let person = person(db, siae).await;
    if let Some(due) = due {
        obligation(db, siae, person, due, true).await;
    }
    held_interview(db, siae, person, held).await;
}

/// `person`'s tripartite interview held at `siae` on `held`.
pub(super) async fn held_interview(db: &mut Pool, siae: Uuid, person: Uuid, held: Date) {
    insert(
        db,
        "INSERT INTO tripartite_interviews (id, person_id, siae_id, held_on, notes, created_at) \
         VALUES ($1, $2, $3, $4, 'Bilan', $5)",
        vec![
            Uuid::new_v4().into(),
            person.into(),
            siae.into(),
            held.into(),
            passerelle_store::infra::clock::now().into(),
        ],
    )
    .await;
}

const FROM_0015: &str = "-- The facts of what was recorded before this migration.\n";

async fn scenario(store: Store) {
    let mut db = store.pool().clone();
    let db = &mut db;
    // A scheme of its own (the demo's scheme follows people with no exit, who are still in in 2030).
    let s = Scheme {
        id: organisation(db, "supported_employment", "39").await,
        counsellor: user(db).await,
    };
    let other = user(db).await;
    assert_eq!(year(&store, s.id).await, vec![None; 6]);

    // Half a full time from January 2030; the entries: still in since 2029 (counted), entered in March,
    // out in 2029 (not counted), entering in 2031 (not counted), in from February to the end of June (counted,
    // its exit recorded later). Per counsellor: 3 people over 0.5 full time.
    working_time(db, s.id, s.counsellor, 50, datetime!(2030-01-02 9:00 UTC)).await;
    let a = s.entry(db, date!(2029 - 11 - 02), None).await;
    assert_eq!(year(&store, s.id).await[..4], [Some(1.0), None, Some(2.0), Some(0.0)]);
    let b = s.entry(db, date!(2030 - 03 - 01), None).await;
    let c = s.entry(db, date!(2029 - 01 - 10), Some(date!(2029 - 12 - 20))).await;
    s.entry(db, date!(2031 - 01 - 05), None).await;
    assert_eq!(year(&store, s.id).await[0], Some(2.0));
    let e = s.entry(db, date!(2030 - 02 - 01), None).await;
    db.execute(
        query("UPDATE supported_entries SET exited_on = $1 WHERE id = $2")
            .bind(date!(2030 - 06 - 30))
            .bind(e),
    )
    .await
    .unwrap();
    assert_eq!(year(&store, s.id).await[..4], [Some(3.0), None, Some(6.0), Some(0.0)]);

    // Jobs: A's starts more than 6 months after the entry, B's within; both at the same bakery (one employer).
    job(db, a, "Boulangerie Roux", date!(2030 - 09 - 01)).await;
    assert_eq!(
        year(&store, s.id).await[..5],
        [Some(3.0), Some(1.0), Some(6.0), Some(33.3), Some(0.0)]
    );
    job(db, b, "BOULANGERIE Roux", date!(2030 - 05 - 15)).await;
    assert_eq!(
        year(&store, s.id).await[1..5],
        [Some(1.0), Some(6.0), Some(66.7), Some(50.0)]
    );

    // Employers met in modules c and d and through the convention; the one met by C (out in 2029) is not
    // counted. Module d is the job-retention service, counted in the period only.
    s.activity(db, b, "in_employment", date!(2030 - 06 - 01), Some("Garage Martin"))
        .await;
    s.activity(db, e, "job_search", date!(2030 - 03 - 01), Some("Café du Port"))
        .await;
    s.activity(db, c, "job_search", date!(2029 - 03 - 01), Some("Ancien employeur"))
        .await;
    s.activity(db, a, "project", date!(2030 - 01 - 15), None).await;
    convention(db, a, date!(2029 - 11 - 10), "Imprimerie Jurassienne").await;
    s.activity(db, a, "in_employment", date!(2030 - 10 - 01), Some("Boulangerie Roux"))
        .await;
    s.activity(db, a, "in_employment", date!(2031 - 01 - 10), Some("Boulangerie Roux"))
        .await;
    assert_eq!(
        year(&store, s.id).await,
        vec![Some(3.0), Some(4.0), Some(6.0), Some(66.7), Some(50.0), Some(2.0)]
    );

    // The last quarter: E is out, B's employer met in June and E's café are still linked to people in (B),
    // or not (E); one job-retention service.
    let q4 = request(date!(2030 - 10 - 01), date!(2030 - 12 - 31), &SE);
    assert_eq!(
        values_of(&store, &q4, s.id, Origin::Facts).await,
        vec![Some(2.0), Some(3.0), Some(4.0), Some(100.0), Some(50.0), Some(1.0)]
    );
    // On a single day, the counsellors' dashboard's figures: on 1 April, A, B and E in, nobody in employment.
    let day = request(date!(2030 - 04 - 01), date!(2030 - 04 - 01), &SE[..5]);
    assert_eq!(
        values_of(&store, &day, s.id, Origin::Facts).await,
        vec![Some(3.0), Some(2.0), Some(6.0), Some(0.0), None]
    );
    // As of 1 April: E's exit and the jobs were not there yet.
    let mut then = request(date!(2030 - 01 - 01), date!(2030 - 12 - 31), &SE[..5]);
    then.as_of = Some(datetime!(2030-04-01 23:00 UTC));
    assert_eq!(
        values_of(&store, &then, s.id, Origin::Facts).await,
        vec![Some(3.0), Some(2.0), Some(6.0), Some(0.0), None]
    );

    // Tripartite interviews at an SIAE of its own: on time (by the due date), late, and one without a due date
    // (no hiring recorded), not counted.
    let siae = organisation(db, "aci", "39").await;
    let held = |code| request(date!(2030 - 01 - 01), date!(2030 - 12 - 31), &[code, I::InterviewsHeld]);
    let on_time = held(I::InterviewsOnTimeShare);
    assert_eq!(values_of(&store, &on_time, siae, Origin::Facts).await, vec![None, None]);
    interview(db, siae, date!(2030 - 05 - 20), Some(date!(2030 - 05 - 31))).await;
    assert_eq!(
        values_of(&store, &on_time, siae, Origin::Facts).await,
        vec![Some(100.0), Some(1.0)]
    );
    interview(db, siae, date!(2030 - 06 - 10), Some(date!(2030 - 05 - 31))).await;
    interview(db, siae, date!(2030 - 06 - 10), None).await;
    assert_eq!(
        values_of(&store, &on_time, siae, Origin::Facts).await,
        vec![Some(50.0), Some(3.0)]
    );

    // The fact table and the plain union of the sources agree.
    let mut all = SE.to_vec();
    all.push(I::InterviewsOnTimeShare);
    let whole = request(date!(2029 - 01 - 01), date!(2031 - 12 - 31), &all);
    for (org, n) in [(s.id, 6), (siae, 1)] {
        let facts = values_of(&store, &whole, org, Origin::Facts).await;
        assert_eq!(facts, values_of(&store, &whole, org, Origin::Sources).await);
        assert_eq!(facts.iter().flatten().count(), n, "{facts:?}");
    }

    // The backfill of migration 0015, run again on its facts removed, gives the same figures.
    let migration = if db.backend() == "postgres" {
        include_str!("../../migrations/postgres/0015_supported_indicator_sources.sql")
    } else {
        include_str!("../../migrations/sqlite/0015_supported_indicator_sources.sql")
    };
    let backfill = migration.split(FROM_0015).nth(1).unwrap();
    let before = year(&store, s.id).await;
    db.execute(query(
        "DELETE FROM indicator_facts WHERE indicator IN ('se_people_accompanied', 'se_exits', 'se_jobs', \
         'se_employers_accompanied', 'se_counsellor_fte', 'job_retention_services', 'interviews_on_time_share')",
    ))
    .await
    .unwrap();
    assert_eq!(year(&store, s.id).await, vec![None; 6]);
    db.execute(query(backfill.trim_end().trim_end_matches(';')))
        .await
        .unwrap();
    assert_eq!(year(&store, s.id).await, before);
    assert_eq!(
        values_of(&store, &on_time, siae, Origin::Facts).await,
        vec![Some(50.0), Some(3.0)]
    );

    // The working time is a state kept as facts: a full-time counsellor from July makes 1.5 full times at the
    // end of 2030; the first counsellor's time raised in 2031 does not change 2030.
    working_time(db, s.id, other, 100, datetime!(2030-07-01 9:00 UTC)).await;
    assert_eq!(year(&store, s.id).await[2], Some(2.0));
    working_time(db, s.id, s.counsellor, 100, datetime!(2031-01-02 9:00 UTC)).await;
    assert_eq!(year(&store, s.id).await[2], Some(2.0));
    let next = request(
        date!(2031 - 01 - 01),
        date!(2031 - 12 - 31),
        &[I::SePeoplePerCounsellor],
    );
    // 2031: A, B and the entry of January 2031 over 2 full times.
    assert_eq!(values_of(&store, &next, s.id, Origin::Facts).await, vec![Some(1.5)]);
}

#[tokio::test]
async fn indicators_of_supported_employment_on_sqlite() {
    scenario(sqlite_demo().await).await;
}

#[tokio::test]
async fn indicators_of_supported_employment_on_postgres() {
    scenario(postgres_demo().await).await;
}
