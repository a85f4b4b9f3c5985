//! The ESAT indicators (Questions incontournables ESAT – SPE, question 12) on a hand-made set at the ESAT de
//! l'Ouche in 2024 and 2025 (its demo worker only leaves without a hiring project in October 2025, counted
//! nowhere, and comes back in 2026): exits to ordinary work by the situation entered, double
//! activity, conventions d'appui concluded and in force, returns under the right to return (CASF L344-2-5),
//! counted and not counted cases at the edges of 2025, a worker who left and came back, quarters, the value as of
//! a past moment, small-count masking, the people behind a figure and an ESAT-SPE convention's targets.

use super::esat::esat_spe_convention;
use super::{demo_ctx, postgres_demo, sqlite_demo};
use passerelle_domain::agreements::content::Target;
use passerelle_domain::indicators::{Dimension, Granularity, IndicatorCode as I, MINIMUM_THRESHOLD, TargetStatus};
use passerelle_domain::pathways::esat::WorkerInput;
use passerelle_domain::person::PersonInput;
use passerelle_store::indicators::{self, Request, Row, Viewer, drill_down, targets};
use passerelle_store::pathways::esat::{NewSupportConvention, NewWorker, SituationChange};
use passerelle_store::{AccessContext, Store};
use time::Date;
use time::macros::{date, datetime};
use uuid::Uuid;

const ESAT: [I; 5] = [
    I::EsatExitsToOrdinaryWork,
    I::EsatDoubleActivity,
    I::EsatSupportConventionsConcluded,
    I::EsatSupportConventionsInForce,
    I::EsatReturns,
];

fn request(from: Date, to: Date, granularity: Granularity, dimensions: Vec<Dimension>) -> Request {
    Request {
        range: passerelle_domain::indicators::PeriodRange::new(from, to).unwrap(),
        granularity,
        dimensions,
        indicators: ESAT.to_vec(),
        as_of: None,
        threshold: 1,
        viewer: Viewer::Public,
    }
}

/// The value of each ESAT indicator for `esat` in `period` (0 where nothing is counted).
fn values(rows: &[Row], esat: Uuid, period: &str) -> Vec<f64> {
    ESAT.iter()
        .map(|c| {
            rows.iter()
                .filter(|r| r.indicator == c.code() && r.period == period)
                .filter(|r| r.dimensions["organisation"] == esat.to_string())
                .map(|r| r.value.unwrap_or(-1.0))
                .sum()
        })
        .collect()
}

fn to(situation: &str, since: Date) -> SituationChange {
    SituationChange {
        situation: situation.into(),
        since: Some(since),
        employer_name: Some("Menuiserie Bertrand".into()),
        esat_minutes: (situation == "double_activity").then_some(17 * 60 + 30),
        employer_minutes: (situation == "double_activity").then_some(17 * 60 + 30),
        ..Default::default()
    }
}

fn support(from: Date, until: Date, renewal_of: Option<Uuid>) -> NewSupportConvention {
    NewSupportConvention {
        employer_name: "Menuiserie Bertrand".into(),
        starts_on: Some(from),
        ends_on: Some(until),
        renewal_of,
        ..Default::default()
    }
}

/// A new worker of the ESAT in situation 1 since `since`, then each move in turn.
async fn worker(
    store: &Store,
    ctx: &AccessContext,
    esat: Uuid,
    name: &str,
    since: Date,
    moves: &[(&str, Date)],
) -> Uuid {
    let person = store
        .persons(ctx)
        .create(
            esat,
            PersonInput {
                first_name: name.into(),
                last_name: "Ouche".into(),
                consent_data_sharing: true,
                consent_date: Some(date!(2023 - 06 - 01)),
                ..Default::default()
            }
            .validate(date!(2026 - 11 - 01))
            .unwrap(),
        )
        .await
        .unwrap()
        .id;
    let scope = store.esat(ctx);
    let w = scope
        .create(
            NewWorker {
                esat_id: esat,
                person_id: person,
                fields: WorkerInput {
                    orientation_decided_on: Some(date!(2023 - 06 - 01)),
                    orientation_valid_until: Some(date!(2033 - 05 - 31)),
                    contract_started_on: Some(date!(2023 - 07 - 01)),
                    professional_project: None,
                }
                .validate()
                .unwrap(),
                situation: to("project_in_ordinary_employment", since),
            },
            None,
        )
        .await
        .unwrap();
    for (situation, on) in moves {
        scope.move_to(w.summary.id, to(situation, *on)).await.unwrap();
    }
    w.summary.id
}

async fn story(store: Store) {
    let ouche = demo_ctx(&store, "esat-ouche").await;
    let esat = ouche.memberships()[0].organisation_id;
    let scope = store.esat(&ouche);

    // Anne leaves for a company on the first day of 2025 with a convention d'appui, comes back under the right to
    // return, and leaves again, hired, on the last day: two exits, one return, one convention concluded.
    let anne = worker(&store, &ouche, esat, "Anne", date!(2024 - 01 - 10), &[]).await;
    scope
        .move_to(anne, to("transition_with_support_convention", date!(2025 - 01 - 01)))
        .await
        .unwrap();
    scope
        .add_support_convention(anne, support(date!(2025 - 01 - 01), date!(2025 - 06 - 30), None))
        .await
        .unwrap();
    let back = scope
        .move_to(anne, to("project_in_ordinary_employment", date!(2025 - 07 - 01)))
        .await
        .unwrap();
    assert!(back.history.last().unwrap().is_return);
    scope
        .move_to(anne, to("job_retention", date!(2025 - 12 - 31)))
        .await
        .unwrap();
    // Bruno's double activity stops on the first day of 2025 (his last day in it was in 2024); he leaves without a
    // hiring project (no exit to ordinary work), then is hired: an exit.
    worker(
        &store,
        &ouche,
        esat,
        "Bruno",
        date!(2024 - 03 - 01),
        &[
            ("double_activity", date!(2024 - 06 - 01)),
            ("project_in_ordinary_employment", date!(2025 - 01 - 01)),
            ("leaving_without_hiring_project", date!(2025 - 03 - 01)),
            ("job_retention", date!(2025 - 09 - 01)),
        ],
    )
    .await;
    // Chloé starts a double activity on the last day of 2025.
    worker(
        &store,
        &ouche,
        esat,
        "Chloé",
        date!(2024 - 05 - 01),
        &[("double_activity", date!(2025 - 12 - 31))],
    )
    .await;
    // Denis left in 2024 with a convention d'appui renewed in 2025 (the same convention), then his job is secured
    // (3 to 5: not a second exit).
    let denis = worker(
        &store,
        &ouche,
        esat,
        "Denis",
        date!(2024 - 01 - 01),
        &[("transition_with_support_convention", date!(2024 - 11 - 01))],
    )
    .await;
    let first = scope
        .add_support_convention(denis, support(date!(2024 - 11 - 01), date!(2025 - 10 - 31), None))
        .await
        .unwrap()
        .support_conventions[0]
        .id;
    scope
        .add_support_convention(
            denis,
            support(date!(2025 - 11 - 01), date!(2026 - 10 - 31), Some(first)),
        )
        .await
        .unwrap();
    scope
        .move_to(denis, to("job_retention", date!(2025 - 11 - 15)))
        .await
        .unwrap();

    // [exits, double activity, concluded, in force, returns]
    let by_org = vec![Dimension::Organisation];
    let years = request(
        date!(2024 - 01 - 01),
        date!(2025 - 12 - 31),
        Granularity::Year,
        by_org.clone(),
    );
    let table = indicators::compute(&store, &years).await.unwrap();
    assert!(table.pending.is_empty() && table.not_along.is_empty(), "{table:?}");
    assert_eq!(values(&table.rows, esat, "2025"), [3.0, 1.0, 1.0, 2.0, 1.0]);
    assert_eq!(values(&table.rows, esat, "2024"), [1.0, 1.0, 1.0, 1.0, 0.0]);
    let exits_2025 = table
        .rows
        .iter()
        .find(|r| {
            r.indicator == "esat_exits_to_ordinary_work"
                && r.period == "2025"
                && r.dimensions["organisation"] == esat.to_string()
        })
        .unwrap();
    assert_eq!(exits_2025.people, 2, "Anne's two exits are one person");

    // Quarters: the exits of the first and last days fall in the first and last quarters.
    let quarters = request(
        date!(2025 - 01 - 01),
        date!(2025 - 12 - 31),
        Granularity::Quarter,
        by_org.clone(),
    );
    let rows = indicators::compute(&store, &quarters).await.unwrap().rows;
    let exits: Vec<f64> = ["2025-T1", "2025-T2", "2025-T3", "2025-T4"]
        .iter()
        .map(|q| values(&rows, esat, q)[0])
        .collect();
    assert_eq!(exits, [1.0, 0.0, 1.0, 1.0]);
    assert_eq!(values(&rows, esat, "2025-T3")[4], 1.0, "the return on 1 July");
    assert_eq!(values(&rows, esat, "2025-T2")[1], 0.0, "nobody in double activity");

    // By the situation entered: one with a convention d'appui, two in employment.
    let outcome = request(
        date!(2025 - 01 - 01),
        date!(2025 - 12 - 31),
        Granularity::Whole,
        vec![Dimension::Organisation, Dimension::ExitOutcome],
    );
    let table = indicators::compute(&store, &outcome).await.unwrap();
    let mut by_outcome: Vec<(String, f64)> = table
        .rows
        .iter()
        .filter(|r| r.dimensions["organisation"] == esat.to_string())
        .map(|r| (r.dimensions["exit_outcome"].clone(), r.value.unwrap()))
        .collect();
    by_outcome.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        by_outcome,
        [
            ("job_retention".to_owned(), 2.0),
            ("transition_with_support_convention".to_owned(), 1.0)
        ]
    );
    assert!(table.not_along.contains(&I::EsatReturns), "only exits have an outcome");

    // As of before anything was recorded: nothing.
    let before = Request {
        as_of: Some(datetime!(2020 - 01 - 01 0:00 UTC)),
        ..years.clone()
    };
    let rows = indicators::compute(&store, &before).await.unwrap().rows;
    assert_eq!(values(&rows, esat, "2025"), [0.0; 5]);

    // Published: two people behind the exits are masked; the ESAT's own members see them.
    let published = Request {
        threshold: MINIMUM_THRESHOLD,
        ..years.clone()
    };
    let rows = indicators::compute(&store, &published).await.unwrap().rows;
    assert_eq!(values(&rows, esat, "2025")[0], -1.0, "masked");
    let own = Request {
        viewer: Viewer::Members(vec![esat]),
        ..published
    };
    let rows = indicators::compute(&store, &own).await.unwrap().rows;
    assert_eq!(values(&rows, esat, "2025")[0], 3.0);

    // The people behind the exits of 2025: Anne twice, Bruno once; nobody else may read them.
    let range = passerelle_domain::indicators::PeriodRange::new(date!(2025 - 01 - 01), date!(2025 - 12 - 31)).unwrap();
    let people = drill_down::people(&store, &ouche, I::EsatExitsToOrdinaryWork, esat, range)
        .await
        .unwrap();
    let listed: Vec<(&str, usize)> = people.iter().map(|p| (p.first_name.as_str(), p.dates.len())).collect();
    assert_eq!(listed, [("Anne", 2), ("Bruno", 1)]);
    let suzon = demo_ctx(&store, "esat-suzon").await;
    assert!(
        drill_down::people(&store, &suzon, I::EsatExitsToOrdinaryWork, esat, range)
            .await
            .is_err()
    );

    // An ESAT-SPE convention with Cap emploi measures its targets on the ESAT's figures (question 12).
    let cap = demo_ctx(&store, "cap-emploi").await.memberships()[0].organisation_id;
    let today = passerelle_store::infra::clock::now().date();
    let id = esat_spe_convention(&store, &ouche, (esat, cap, "Cap emploi"), &[], today).await;
    let mut agreement = store.agreements(&ouche).get(id).await.unwrap();
    let target = |indicator: &str, value| Target {
        indicator: indicator.into(),
        period: "2025".into(),
        value,
        unit: "nombre".into(),
    };
    agreement.content.targets = vec![
        target("sorties vers le milieu ordinaire", 4),
        target("esat_returns", 1),
        target("Conventions d'appui en vigueur", 2),
    ];
    let progress = targets::progress_of(&store, &ouche, &agreement, today).await.unwrap();
    let reached: Vec<(Option<f64>, Option<TargetStatus>)> = progress.iter().map(|p| (p.actual, p.status)).collect();
    assert_eq!(
        reached,
        [
            (Some(3.0), Some(TargetStatus::Missed)),
            (Some(1.0), Some(TargetStatus::Achieved)),
            (Some(2.0), Some(TargetStatus::Achieved)),
        ]
    );
    store.pool().close().await;
}

#[tokio::test]
async fn esat_indicators_on_sqlite() {
    story(sqlite_demo().await).await;
}

#[tokio::test]
async fn esat_indicators_on_postgres() {
    story(postgres_demo().await).await;
}
