//! Migration 0022: three indicators read again from their texts, each rule dated in the
//! domain (`indicators::readings`). Each case is counted by the facts (triggers), the roll-up and the plain union
//! of the sources, and the count follows what the domain's rule says for it, on both databases.

use super::indicator_sources::{committee, meeting, org, transmit};
use super::{postgres_demo, sqlite_demo};
use passerelle_domain::directory::OrganisationKind;
use passerelle_domain::governance::committee::CommitteeKind;
use passerelle_domain::indicators::readings::{minutes_count, orients_candidates};
use passerelle_domain::indicators::{Dimension, Granularity, IndicatorCode as I, PeriodRange, definition};
use passerelle_domain::pathways::iae::SiaeKind;
use passerelle_domain::pathways::iae::referral::StepInput;
use passerelle_store::Store;
use passerelle_store::indicators::{self, Origin, Request, Viewer};
use passerelle_store::infra::sql::{Executor, Pool, query};
use passerelle_store::pathways::iae::referral::NewPrescription;
use time::Date;
use time::macros::date;
use uuid::Uuid;

fn request(from: Date, to: Date, code: I, dimensions: Vec<Dimension>) -> Request {
    Request {
        range: PeriodRange::new(from, to).unwrap(),
        granularity: Granularity::Year,
        dimensions,
        indicators: vec![code],
        as_of: None,
        threshold: 1,
        viewer: Viewer::Public,
    }
}

/// The sum of the indicator's cells over `year`, the same from the facts, the roll-up and the sources.
async fn total(store: &Store, year: i32, code: I) -> f64 {
    let (from, to) = (
        Date::from_calendar_date(year, time::Month::January, 1).unwrap(),
        Date::from_calendar_date(year, time::Month::December, 31).unwrap(),
    );
    let sum = |t: indicators::Table| t.rows.iter().filter_map(|r| r.value).sum::<f64>();
    let whole = request(from, to, code, vec![]);
    let facts = sum(indicators::compute(store, &whole).await.unwrap());
    let plain = sum(indicators::compute_from(store, &whole, Origin::Sources).await.unwrap());
    assert_eq!(facts, plain, "{} in {year}", code.code());
    // The published grain (department x SIAE kind) reads the roll-up's counters.
    if definition(code).allows(Dimension::SiaeKind) {
        let rollup = request(from, to, code, vec![Dimension::Department, Dimension::SiaeKind]);
        let counters = sum(indicators::compute(store, &rollup).await.unwrap());
        assert_eq!(counters, plain, "{} in {year}, roll-up", code.code());
    }
    facts
}

fn email(key: &str) -> String {
    format!("{key}@passerelle.test")
}

async fn id_of(db: &mut Pool, sql: &str) -> Uuid {
    db.fetch_one(query(sql)).await.unwrap().get("id").unwrap()
}

/// Accord régional BFC 2016 fiche 4 (read 2026-12-07): « Nombre de candidats orientés par Pôle emploi ». A
/// prescription counts when France Travail sent it; the SIAE's own (auto-prescription) and the other
/// prescribers' do not.
async fn candidates_oriented(store: &Store) {
    let mut db = store.pool().clone();
    let year = passerelle_store::today().year();
    let siae = org(&mut db, "ei").await;
    let person = id_of(&mut db, "SELECT id FROM persons ORDER BY last_name LIMIT 1").await;
    let diagnosis = id_of(&mut db, "SELECT id FROM iae_diagnoses ORDER BY id LIMIT 1").await;
    let cases = [
        (OrganisationKind::Ei, siae),
        (OrganisationKind::CapEmploi, org(&mut db, "cap_emploi").await),
        (OrganisationKind::MissionLocale, org(&mut db, "mission_locale").await),
        (
            OrganisationKind::FranceTravailAgency,
            org(&mut db, "france_travail_agency").await,
        ),
    ];
    for (kind, prescriber) in cases {
        let before = total(store, year, I::CandidatesOriented).await;
        db.execute(
            query(
                "INSERT INTO prescriptions (id, person_id, prescriber_id, siae_id, diagnosis_id, message, consent_on, \
                 status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'Candidature', $6, 'sent', $7, $7)",
            )
            .bind(Uuid::new_v4())
            .bind(person)
            .bind(prescriber)
            .bind(siae)
            .bind(diagnosis)
            .bind(passerelle_store::today())
            .bind(passerelle_store::infra::clock::now()),
        )
        .await
        .unwrap();
        let counted = total(store, year, I::CandidatesOriented).await - before;
        assert_eq!(counted, f64::from(u8::from(orients_candidates(kind))), "{kind:?}");
    }
}

/// Décret 2024-560 of 20 June 2024, in force on 1 July 2024: the CDIAE became the « inclusion et IAE »
/// commission of the departmental employment committee; CTA minutes go to the body of their day (Accord régional
/// BFC 2016 fiche 8).
async fn minutes_to_the_body_of_their_day(store: &Store) {
    let mut db = store.pool().clone();
    let (agency, ddets) = (org(&mut db, "france_travail_agency").await, org(&mut db, "ddets").await);
    let cta = committee(&mut db, "cta", agency).await;
    let held = meeting(&mut db, cta, date!(2024 - 06 - 20), "held").await;
    let cases = [
        (CommitteeKind::Cdiae, date!(2024 - 06 - 28)),
        (CommitteeKind::InclusionCommission, date!(2024 - 06 - 29)),
        (CommitteeKind::Cdiae, date!(2024 - 07 - 01)),
        (CommitteeKind::InclusionCommission, date!(2024 - 07 - 02)),
    ];
    for (kind, on) in cases {
        let to = committee(&mut db, kind.code(), ddets).await;
        let before = total(store, 2024, I::CtaMinutesTransmitted).await;
        transmit(&mut db, held, to, on).await;
        let counted = total(store, 2024, I::CtaMinutesTransmitted).await - before;
        assert_eq!(
            counted,
            f64::from(u8::from(minutes_count(kind, on))),
            "{kind:?} on {on}"
        );
    }
    assert_eq!(total(store, 2024, I::CtaMinutesTransmitted).await, 2.0);
}

/// Under the PASS IAE (from 2021-12-01) there is no extension request: a hiring in another SIAE while the PASS
/// runs is the extension (Accord régional BFC 2016 annexe 4, 2.2.5: « un nouveau contrat de travail signé par une
/// autre SIAE avec une personne agréée »). The demo hired Durand at the ACI on 2026-10-05 with a PASS IAE; the EI
/// hires him on 2026-12-01 through its referral sheet.
async fn extension_by_hiring(store: &Store) {
    let year = 2026;
    assert_eq!(total(store, year, I::Extensions).await, 0.0);
    let mut db = store.pool().clone();
    let ei = id_of(
        &mut db,
        "SELECT id FROM organisations WHERE kind = 'ei' ORDER BY name LIMIT 1",
    )
    .await;
    let (agency, durand) = (
        id_of(
            &mut db,
            "SELECT id FROM organisations WHERE kind = 'france_travail_agency' ORDER BY name LIMIT 1",
        )
        .await,
        id_of(&mut db, "SELECT id FROM persons WHERE last_name = 'Durand'").await,
    );
    let ft = store.login_context_for(&email("ft-dijon")).await.unwrap();
    store
        .create_diagnosis(&ft, agency, durand, SiaeKind::Ei, vec![], None)
        .await
        .unwrap();
    let new = NewPrescription {
        prescriber_id: agency,
        person_id: durand,
        siae_id: ei,
        offer_id: None,
        diagnosis_id: None,
        message: "Suite du parcours dans une autre SIAE.".into(),
        person_consent: true,
        waiting_period_waived: false,
    };
    let p = store.create_prescription(&ft, new, None).await.unwrap();
    let ei_ctx = store.login_context_for(&email("ei-recyclage")).await.unwrap();
    for (status, date) in [
        ("received", None),
        ("interview_planned", Some(date!(2026 - 11 - 25))),
        ("interview_held", None),
        ("hired", Some(date!(2026 - 12 - 01))),
    ] {
        let input = StepInput {
            status: status.to_string(),
            date,
            ..Default::default()
        };
        store.add_referral_step(&ei_ctx, p.id, &input, None).await.unwrap();
    }
    assert_eq!(total(store, year, I::Extensions).await, 1.0);
    // Counted in the EI that hired, on the hiring's day.
    let by_org = request(
        date!(2026 - 12 - 01),
        date!(2026 - 12 - 01),
        I::Extensions,
        vec![Dimension::Organisation],
    );
    let table = indicators::compute(store, &by_org).await.unwrap();
    let cell = table.rows.iter().find(|r| r.value == Some(1.0)).unwrap();
    assert_eq!(cell.dimensions["organisation"], ei.to_string());
}

async fn scenario(store: Store) {
    candidates_oriented(&store).await;
    minutes_to_the_body_of_their_day(&store).await;
    extension_by_hiring(&store).await;
}

#[tokio::test]
async fn dated_readings_on_sqlite() {
    scenario(sqlite_demo().await).await;
}

#[tokio::test]
async fn dated_readings_on_postgres() {
    scenario(postgres_demo().await).await;
}
