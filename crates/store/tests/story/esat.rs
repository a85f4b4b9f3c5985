//! ESAT pathways and immersions on the demo territory, on both databases: a worker through
//! the situations with double activity, conventions d'appui and the right to return; an immersion from draft to
//! assessment with a refused over-long schedule; the person's history as each organisation sees it.

use super::{count, demo_ctx, postgres_demo, sqlite_demo};
use passerelle_domain::calendar::add_days;
use passerelle_domain::pathways::esat::WorkerInput;
use passerelle_domain::pathways::immersion::{ConventionInput, Schedule, Status};
use passerelle_store::infra::sql::{Executor, query};
use passerelle_store::pathways::esat::{NewSupportConvention, NewWorker, SituationChange};
use passerelle_store::pathways::immersion::{NewAssessment, NewImmersion, NewSignature};
use passerelle_store::pathways::person_pathway::Sector;
use passerelle_store::{Store, StoreError};
use time::Date;
use uuid::Uuid;

fn invalid_code(e: StoreError) -> (&'static str, Option<String>) {
    match e {
        StoreError::Invalid(i) => (i.code, i.field),
        other => panic!("expected an invalid input, got {other:?}"),
    }
}

fn situation(code: &str, since: Date) -> SituationChange {
    SituationChange {
        situation: code.into(),
        since: Some(since),
        ..Default::default()
    }
}

fn support(from: Date, to: Date, renewal_of: Option<Uuid>) -> NewSupportConvention {
    NewSupportConvention {
        employer_name: "Boulangerie du Lac".into(),
        employer_siret: Some("73282932000074".into()),
        savs_name: Some("SAVS de Dijon".into()),
        starts_on: Some(from),
        ends_on: Some(to),
        renewal_of,
    }
}

/// An ESAT-SPE convention between the ESAT and Cap emploi, in force from ten days ago, whose only sheet serves
/// double activity (its signature is the agreements' story; here the status is set directly).
async fn planned_by_agreement(
    store: &Store,
    esat: &passerelle_store::AccessContext,
    esat_id: Uuid,
    cap_id: Uuid,
    today: Date,
) -> Uuid {
    use passerelle_domain::agreements::content::WorkerSituation;
    esat_spe_convention(
        store,
        esat,
        (esat_id, cap_id, "Cap emploi"),
        &[
            (
                "Suivi partagé des travailleurs en double activité",
                WorkerSituation::DoubleActivity,
            ),
            (
                "Aides à la compensation dans l'emploi",
                WorkerSituation::TransitionWithSupportConvention,
            ),
        ],
        today,
    )
    .await
}

/// An ESAT-SPE convention between an ESAT and an SPE party (ESAT, SPE party, its name), signed by both and in
/// force from ten days ago for a year, with one action sheet per (title, situation).
pub(crate) async fn esat_spe_convention(
    store: &Store,
    esat: &passerelle_store::AccessContext,
    (esat_id, spe_id, spe_name): (Uuid, Uuid, &str),
    sheets: &[(&str, passerelle_domain::agreements::content::WorkerSituation)],
    today: Date,
) -> Uuid {
    use passerelle_domain::agreements::content::{ActionSheet, Axis, Party};
    use passerelle_domain::agreements::{AgreementContent, AgreementKind};
    use passerelle_store::infra::sql::{Executor, query};
    let party = |organisation_id, name: &str| Party {
        organisation_id,
        name: name.into(),
        ..Default::default()
    };
    let content = AgreementContent {
        title: format!("Convention ESAT – {spe_name}"),
        parties: vec![party(esat_id, "ESAT"), party(spe_id, spe_name)],
        axes: vec![Axis {
            title: "Accès à l'offre de service".into(),
            theme: None,
            sheets: sheets
                .iter()
                .map(|(title, situation)| ActionSheet {
                    title: (*title).into(),
                    situations: vec![*situation],
                    ..Default::default()
                })
                .collect(),
        }],
        ..Default::default()
    };
    let a = store
        .agreements(esat)
        .create(AgreementKind::EsatSpe, None, content)
        .await
        .unwrap();
    let mut db = store.pool().clone();
    db.execute(
        query("UPDATE agreements SET status = 'in_force', starts_on = $1, ends_on = $2 WHERE id = $3")
            .bind(add_days(today, -10))
            .bind(add_days(today, 355))
            .bind(a.id),
    )
    .await
    .unwrap();
    // Signed by both parties: a convention binds only once every party has signed.
    db.execute(
        query(
            "UPDATE agreement_parties SET signed_on = $1, signed_by_user_id = (SELECT id FROM users ORDER BY email LIMIT 1) \
             WHERE agreement_id = $2",
        )
        .bind(add_days(today, -10))
        .bind(a.id),
    )
    .await
    .unwrap();
    a.id
}

async fn story(store: Store) {
    let today = passerelle_store::infra::clock::now().date();
    let esat = demo_ctx(&store, "esat-suzon").await;
    let other_esat = demo_ctx(&store, "esat-ouche").await;
    let cap = demo_ctx(&store, "cap-emploi").await;
    let esat_id = esat.memberships()[0].organisation_id;
    let cap_id = cap.memberships()[0].organisation_id;
    // A new person of the ESAT, shared with Cap emploi (the demo's workers have their records already).
    let person = store
        .persons(&esat)
        .create(
            esat_id,
            passerelle_domain::person::PersonInput {
                first_name: "Lucie".into(),
                last_name: "Perrin".into(),
                consent_data_sharing: true,
                consent_date: Some(add_days(today, -30)),
                ..Default::default()
            }
            .validate(today)
            .unwrap(),
        )
        .await
        .unwrap()
        .id;
    store.persons(&esat).add_follower(person, cap_id).await.unwrap();
    let (situations_before, immersions_before) = (
        count(&store, "esat_situations").await,
        count(&store, "immersions").await,
    );
    let workers_before = store.esat(&esat).list(None).await.unwrap().len();

    // The worker's record, in situation 1, orientation valid for ten more days.
    let record = |valid_until| WorkerInput {
        orientation_decided_on: Some(Date::from_calendar_date(2021, time::Month::March, 1).unwrap()),
        orientation_valid_until: Some(valid_until),
        contract_started_on: Some(Date::from_calendar_date(2021, time::Month::April, 1).unwrap()),
        professional_project: Some("Vente en boulangerie".into()),
    };
    let start = add_days(today, -400);
    let w = store
        .esat(&esat)
        .create(
            NewWorker {
                esat_id,
                person_id: person,
                fields: record(add_days(today, 10)).validate().unwrap(),
                situation: situation("project_in_ordinary_employment", start),
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(w.summary.situation_number, 1);
    assert!(
        w.summary
            .orientation_warning
            .as_deref()
            .unwrap()
            .contains("dans 10 jour(s)")
    );
    assert_eq!(w.planned_actions.source, "local");
    let scope = store.esat(&esat);

    // Double activity over full time: refused with the hours, nothing written.
    let over = SituationChange {
        esat_minutes: Some(20 * 60),
        employer_minutes: Some(17 * 60 + 30),
        employer_name: Some("Boulangerie du Lac".into()),
        ..situation("double_activity", add_days(start, 30))
    };
    let (code, field) = invalid_code(scope.move_to(w.summary.id, over.clone()).await.unwrap_err());
    assert_eq!(
        (code, field.as_deref()),
        ("double_activity_over_full_time", Some("employer_minutes"))
    );
    assert_eq!(count(&store, "esat_situations").await, situations_before + 1);
    let w = scope
        .move_to(
            w.summary.id,
            SituationChange {
                employer_minutes: Some(15 * 60),
                ..over
            },
        )
        .await
        .unwrap();
    assert_eq!(w.summary.situation_number, 2);
    assert_eq!(w.planned_actions.source, "local");
    // Once an ESAT-SPE convention is in force with a sheet for double activity, the actions come from it.
    let agreement = planned_by_agreement(&store, &esat, esat_id, cap_id, today).await;
    let w = scope.get(w.summary.id).await.unwrap();
    assert_eq!(w.planned_actions.source, "agreement");
    let conventions: Vec<Uuid> = w.planned_actions.conventions.iter().map(|c| c.agreement_id).collect();
    assert_eq!(conventions, [agreement]);
    let titles: Vec<&str> = w.planned_actions.conventions[0]
        .actions
        .iter()
        .map(|a| a.title.as_str())
        .collect();
    assert_eq!(titles, ["Suivi partagé des travailleurs en double activité"]);
    // A second convention, with France Travail (one per SPE party: seed 000, question 10), and a third with the
    // Mission locale that plans nothing for double activity: the actions of both that do are used, not only the
    // latest convention's.
    let ft_id = demo_ctx(&store, "ft-dijon").await.memberships()[0].organisation_id;
    let ml_id = demo_ctx(&store, "ml-dijon").await.memberships()[0].organisation_id;
    let with_ft = esat_spe_convention(
        &store,
        &esat,
        (esat_id, ft_id, "France Travail"),
        &[(
            "Mobilisation de l'offre de service France Travail",
            passerelle_domain::agreements::content::WorkerSituation::DoubleActivity,
        )],
        today,
    )
    .await;
    esat_spe_convention(
        &store,
        &esat,
        (esat_id, ml_id, "Mission locale"),
        &[(
            "Maintien dans l'emploi des jeunes travailleurs",
            passerelle_domain::agreements::content::WorkerSituation::JobRetention,
        )],
        today,
    )
    .await;
    let w = scope.get(w.summary.id).await.unwrap();
    let mut by_convention: Vec<(Uuid, Vec<String>)> = w
        .planned_actions
        .conventions
        .iter()
        .map(|c| (c.agreement_id, c.actions.iter().map(|a| a.title.clone()).collect()))
        .collect();
    by_convention.sort();
    let mut expected = vec![
        (
            agreement,
            vec!["Suivi partagé des travailleurs en double activité".to_string()],
        ),
        (
            with_ft,
            vec!["Mobilisation de l'offre de service France Travail".to_string()],
        ),
    ];
    expected.sort();
    assert_eq!(by_convention, expected);
    // 2 -> 4 is not in the table.
    let (code, _) = invalid_code(
        scope
            .move_to(
                w.summary.id,
                situation("leaving_without_hiring_project", add_days(start, 60)),
            )
            .await
            .unwrap_err(),
    );
    assert_eq!(code, "esat_situation_move_forbidden");

    // Leaving with a convention d'appui: one year, renewed twice, not three times.
    let w = scope
        .move_to(
            w.summary.id,
            situation("transition_with_support_convention", add_days(start, 60)),
        )
        .await
        .unwrap();
    let first = add_days(start, 60);
    // The skills record shows the stay in the ESAT as ended the day the worker left, with the contract's name of
    // the decrees of 2025.
    let stay = || async {
        let record = store.skills_record(&esat, person).await.unwrap();
        let line = record
            .sections
            .iter()
            .flat_map(|s| &s.lines)
            .find(|l| l.title.starts_with("Travail en ESAT"));
        let line = line.expect("the ESAT stay is in the record").clone();
        (line.until, line.title)
    };
    let name = "Travail en ESAT (contrat d'accompagnement par le travail)".to_owned();
    assert_eq!(stay().await, (Some(first), name.clone()));
    let w = scope
        .add_support_convention(w.summary.id, support(first, add_days(first, 364), None))
        .await
        .unwrap();
    let (code, _) = invalid_code(
        scope
            .add_support_convention(
                w.summary.id,
                support(
                    add_days(first, 365),
                    add_days(first, 365 + 366),
                    w.support_conventions.first().map(|c| c.id),
                ),
            )
            .await
            .unwrap_err(),
    );
    assert_eq!(code, "support_convention_too_long");
    let mut last = w.support_conventions[0].id;
    for n in 1..=2 {
        let from = add_days(first, 365 * n);
        let w = scope
            .add_support_convention(w.summary.id, support(from, add_days(from, 200), Some(last)))
            .await
            .unwrap();
        last = w.support_conventions.last().unwrap().id;
        assert_eq!(w.support_conventions.last().unwrap().period_number, n + 1);
    }
    let (code, _) = invalid_code(
        scope
            .add_support_convention(
                w.summary.id,
                support(add_days(first, 365 * 3), add_days(first, 365 * 3 + 10), Some(last)),
            )
            .await
            .unwrap_err(),
    );
    assert_eq!(code, "support_convention_renewals_exhausted");
    // The ESAT has the end of the latest period on its list, with no renewal left (CASF L344-2-5).
    let support_due = || async {
        let horizon = (add_days(first, -1), add_days(first, 365 * 4));
        let list = store.deadlines(&esat, horizon.0, horizon.1, today).await.unwrap();
        list.into_iter()
            .filter(|d| d.source == passerelle_store::obligations::Source::SupportPeriodEnd)
            .filter(|d| d.link == format!("/esat/{}", w.summary.id))
            .collect::<Vec<_>>()
    };
    let due = support_due().await;
    assert_eq!(
        due.iter().map(|d| d.due_on).collect::<Vec<_>>(),
        [add_days(first, 365 * 2 + 200)]
    );
    assert!(due[0].rule.contains("Dernière période possible"), "{}", due[0].rule);

    // The right to return while the orientation is valid, then refused once it has ended.
    let w = scope
        .move_to(w.summary.id, situation("project_in_ordinary_employment", today))
        .await
        .unwrap();
    assert!(w.history.last().unwrap().is_return);
    assert!(
        support_due().await.is_empty(),
        "back in the ESAT, no support period to prepare"
    );
    assert_eq!(
        stay().await,
        (None, name.clone()),
        "back in the ESAT, the stay runs again"
    );
    assert_eq!(
        passerelle_store::infra::events::count(&mut store.pool().clone(), Some("esat_worker.returned"))
            .await
            .unwrap(),
        2,
        "this return and the demo's (David Caron, at the ESAT de l'Ouche)"
    );
    let w = scope
        .update(w.summary.id, record(add_days(today, -1)).validate().unwrap())
        .await
        .unwrap();
    assert!(
        w.summary
            .orientation_warning
            .as_deref()
            .unwrap()
            .starts_with("Orientation expirée")
    );
    let w = scope
        .move_to(w.summary.id, situation("leaving_without_hiring_project", today))
        .await
        .unwrap();
    assert_eq!(stay().await, (Some(today), name.clone()));
    let (code, field) = invalid_code(
        scope
            .move_to(w.summary.id, situation("project_in_ordinary_employment", today))
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (code, field.as_deref()),
        ("esat_return_orientation_expired", Some("since"))
    );
    assert_eq!(scope.get(w.summary.id).await.unwrap().summary.situation_number, 4);
    assert_eq!(w.history.len(), 5);

    // Another ESAT sees nothing of it.
    assert!(matches!(
        store.esat(&other_esat).get(w.summary.id).await,
        Err(StoreError::NotFound { .. })
    ));
    let others = store.esat(&other_esat).list(None).await.unwrap();
    assert!(!others.is_empty() && others.iter().all(|o| o.id != w.summary.id && o.esat_id != esat_id));
    assert_eq!(store.esat(&esat).list(None).await.unwrap().len(), workers_before + 1);

    // An immersion prescribed by Cap emploi, with the ESAT as support structure.
    let convention = |schedule: [i64; 7]| ConventionInput {
        host_name: "Boulangerie du Lac".into(),
        host_siret: "732 829 320 00074".into(),
        tutor_name: "Jeanne Roux".into(),
        objective: "confirm_project".into(),
        starts_on: Some(add_days(today, -2)),
        ends_on: Some(add_days(today, 5)),
        schedule: Schedule(schedule.map(|h| h * 60)),
        ..Default::default()
    };
    let new = |schedule| NewImmersion {
        person_id: person,
        prescriber_id: cap_id,
        support_structure_id: esat_id,
        fields: convention(schedule).validate().unwrap(),
        renewal_of: None,
    };
    let immersions = store.immersions(&esat);
    let (code, field) = invalid_code(
        immersions
            .create(new([10, 10, 10, 10, 10, 0, 0]), None)
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (code, field.as_deref()),
        ("immersion_weekly_hours_exceeded", Some("schedule"))
    );
    assert_eq!(count(&store, "immersions").await, immersions_before);
    let i = immersions.create(new([7, 7, 7, 7, 7, 0, 0]), None).await.unwrap();
    assert_eq!(i.status, Status::Draft);
    assert_eq!(i.weekly_minutes, 35 * 60);
    let i = immersions.submit(i.id).await.unwrap();
    assert_eq!(i.missing_signatures.len(), 4);
    // The deadlines engine holds the signatures for the prescriber and the support structure, due the day
    // before the first day, until the last signature.
    let open_signatures = |store: Store, id: Uuid| async move {
        let mut db = store.pool().clone();
        db.fetch_all(
            query(
                "SELECT due_on FROM obligations WHERE source = 'immersion_signature' AND source_key = $1 \
                 AND done_at IS NULL",
            )
            .bind(id.to_string()),
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<Date>("due_on").unwrap())
        .collect::<Vec<_>>()
    };
    assert_eq!(
        open_signatures(store.clone(), i.id).await,
        vec![add_days(i.starts_on, -1); 2],
        "one for each organisation that has to collect signatures"
    );
    let sign = |party: &str, name: &str| NewSignature {
        party: party.into(),
        signer_name: name.into(),
        signed_on: None,
    };
    for (party, name) in [
        ("beneficiary", "Mélanie Arnaud"),
        ("host_company", "Jeanne Roux"),
        ("support_structure", "ESAT"),
    ] {
        immersions.sign(i.id, sign(party, name)).await.unwrap();
    }
    // The prescriber signs through its own members; the ESAT cannot sign for Cap emploi.
    assert!(matches!(
        immersions.sign(i.id, sign("prescriber", "Cap emploi")).await,
        Err(StoreError::Forbidden {
            code: "not_the_signing_party",
            ..
        })
    ));
    assert!(matches!(
        immersions.sign(i.id, sign("beneficiary", "Mélanie Arnaud")).await,
        Err(StoreError::Conflict {
            code: "immersion_already_signed",
            ..
        })
    ));
    let i = store
        .immersions(&cap)
        .sign(i.id, sign("prescriber", "Cap emploi"))
        .await
        .unwrap();
    assert_eq!(i.status, Status::InProgress, "signed and started two days ago");
    assert!(
        open_signatures(store.clone(), i.id).await.is_empty(),
        "signed: nothing left to do"
    );
    let i = immersions
        .assess(
            i.id,
            NewAssessment {
                assessed_on: Some(today),
                completed: true,
                objective_met: true,
                contract_kind: Some("cdd".into()),
                comment: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(i.status, Status::Assessed);
    assert_eq!(i.assessment.as_ref().unwrap().contract_label, Some("CDD"));
    assert!(matches!(
        immersions.cancel(i.id).await,
        Err(StoreError::Conflict {
            code: "immersion_step_not_allowed",
            ..
        })
    ));
    // Its object was met: no renewal (D5135-3: renewable when the object was not met).
    let renewal = NewImmersion {
        renewal_of: Some(i.id),
        fields: ConventionInput {
            starts_on: Some(add_days(today, 6)),
            ends_on: Some(add_days(today, 12)),
            ..convention([7, 7, 7, 7, 7, 0, 0])
        }
        .validate()
        .unwrap(),
        ..new([7, 7, 7, 7, 7, 0, 0])
    };
    let (code, field) = invalid_code(immersions.create(renewal, None).await.unwrap_err());
    assert_eq!(
        (code, field.as_deref()),
        ("immersion_renewal_object_met", Some("renewal_of"))
    );
    assert!(matches!(
        store.immersions(&other_esat).get(i.id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(
        passerelle_store::infra::events::history(&mut store.pool().clone(), "immersion", i.id)
            .await
            .unwrap()
            .iter()
            .filter(|e| e.action == "immersion.signed")
            .count(),
        4
    );

    // One history: the ESAT sees everything; Cap emploi its immersion and, by the person's consent, the ESAT's steps.
    let all = store.person_pathway(&esat, person).await.unwrap();
    assert_eq!(all.hidden_steps, 0);
    assert!(all.steps.iter().any(|s| s.sector == Sector::Immersion && s.own));
    assert!(all.steps.iter().any(|s| s.title.starts_with("Retour à l'ESAT")));
    assert!(
        all.steps
            .iter()
            .any(|s| s.title.contains("Embauche chez Boulangerie du Lac") && s.title.contains("CDD"))
    );
    let shared = store.person_pathway(&cap, person).await.unwrap();
    assert_eq!(shared.steps.len(), all.steps.len());
    assert!(shared.steps.iter().any(|s| s.sector == Sector::Esat && !s.own));
    // Without consent, Cap emploi keeps its own steps and the others are counted, not shown.
    let p = store.persons(&esat).get(person).await.unwrap();
    let mut input = p.to_input();
    input.consent_data_sharing = false;
    input.consent_date = None;
    store
        .persons(&esat)
        .update(person, input.validate(today).unwrap())
        .await
        .unwrap();
    let own = store.person_pathway(&cap, person).await.unwrap();
    assert!(own.steps.iter().all(|s| s.own), "{:?}", own.steps);
    assert_eq!(own.steps.len() + own.hidden_steps, all.steps.len());
    assert!(own.hidden_steps > 0);
    // An organisation that does not follow the person gets 404.
    assert!(matches!(
        store.person_pathway(&other_esat, person).await,
        Err(StoreError::NotFound { .. })
    ));
    store.pool().close().await;
}

#[tokio::test]
async fn esat_and_immersions_on_sqlite() {
    story(sqlite_demo().await).await;
}

#[tokio::test]
async fn esat_and_immersions_on_postgres() {
    story(postgres_demo().await).await;
}
