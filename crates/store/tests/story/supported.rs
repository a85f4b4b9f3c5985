//! Supported employment on the demo territory: a person through the four modules, who
//! sees what, the dashboard's figures, and the skills record with its personal link.

use super::{demo_ctx, postgres_demo, sqlite_demo};
use passerelle_domain::pathways::supported::{
    ActivityInput, EmployerInput, EntryInput, ExitInput, ExitReason, JobInput,
};
use passerelle_domain::person::PersonInput;
use passerelle_store::infra::events;
use passerelle_store::infra::sql::{Executor, Pool, Query, Row, query};
use passerelle_store::pathways::person_pathway::Sector;
use passerelle_store::pathways::supported::{self, NewEntry};
use passerelle_store::{Store, StoreError};
use time::Date;
use time::macros::{date, datetime};

/// A connection pool that counts the statements run through it.
struct Counting {
    pool: Pool,
    statements: usize,
}

impl Executor for Counting {
    fn execute(&mut self, q: Query) -> impl Future<Output = Result<u64, sqlx::Error>> + Send {
        self.statements += 1;
        let mut pool = self.pool.clone();
        async move { pool.execute(q).await }
    }
    fn fetch_all(&mut self, q: Query) -> impl Future<Output = Result<Vec<Row>, sqlx::Error>> + Send {
        self.statements += 1;
        let mut pool = self.pool.clone();
        async move { pool.fetch_all(q).await }
    }
    fn fetch_optional(&mut self, q: Query) -> impl Future<Output = Result<Option<Row>, sqlx::Error>> + Send {
        self.statements += 1;
        let mut pool = self.pool.clone();
        async move { pool.fetch_optional(q).await }
    }
}

fn activity(module: &str, done_on: Date, minutes: i64, employer: Option<&str>) -> ActivityInput {
    ActivityInput {
        module: module.into(),
        done_on: Some(done_on),
        minutes: Some(minutes),
        note: Some("Entretien au local du dispositif".into()),
        employer: employer.map(Into::into),
    }
}

fn code<T: std::fmt::Debug>(r: Result<T, StoreError>) -> &'static str {
    match r {
        Err(StoreError::Invalid(i)) => i.code,
        Err(StoreError::Forbidden { code, .. } | StoreError::Conflict { code, .. }) => code,
        Err(StoreError::NotFound { .. }) => "not_found",
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn supported_story(store: Store) {
    let dea = demo_ctx(&store, "dea-21").await;
    let cap = demo_ctx(&store, "cap-emploi").await;
    let esat = demo_ctx(&store, "esat-suzon").await;
    let ft = demo_ctx(&store, "ft-dijon").await;
    let scheme = dea.memberships()[0].organisation_id;
    let (cap_id, esat_id) = (
        cap.memberships()[0].organisation_id,
        esat.memberships()[0].organisation_id,
    );
    let person = store
        .persons(&dea)
        .create(
            scheme,
            PersonInput {
                first_name: "Julien".into(),
                last_name: "Perrin".into(),
                consent_data_sharing: true,
                consent_date: Some(date!(2026 - 01 - 05)),
                ..Default::default()
            }
            .validate(date!(2026 - 01 - 05))
            .unwrap(),
        )
        .await
        .unwrap();
    store.persons(&dea).add_follower(person.id, cap_id).await.unwrap();
    store.persons(&dea).add_follower(person.id, esat_id).await.unwrap();

    // Entry by a Cap emploi prescription (L5213-2-1, since 2024); an ESAT cannot prescribe it.
    let spe = |prescriber| NewEntry {
        scheme_id: scheme,
        counsellor_user_id: None,
        prescriber_id: Some(prescriber),
        input: EntryInput {
            route: "spe".into(),
            entered_on: Some(date!(2026 - 01 - 12)),
            prescribed_on: Some(date!(2026 - 01 - 05)),
            ..Default::default()
        },
    };
    let events_before = events::count(&mut store.pool().clone(), None).await.unwrap();
    assert_eq!(
        code(store.enter_supported(&dea, person.id, spe(esat_id), None).await),
        "prescriber_not_spe"
    );
    assert_eq!(
        code(store.enter_supported(&esat, person.id, spe(cap_id), None).await),
        "not_a_member"
    );
    assert_eq!(
        events::count(&mut store.pool().clone(), None).await.unwrap(),
        events_before,
        "nothing written"
    );
    let rec = store.enter_supported(&dea, person.id, spe(cap_id), None).await.unwrap();
    let entry = &rec.entries[0];
    assert_eq!(entry.route_label, "prescription de Cap emploi du 5 janvier 2026");
    assert_eq!(entry.prescriber_name.as_deref(), Some("Cap emploi Côte-d'Or"));
    assert_eq!(
        code(store.enter_supported(&dea, person.id, spe(cap_id), None).await),
        "already_in_scheme"
    );
    let entry_id = entry.id;

    // The individual convention, then the four modules with the time spent.
    store
        .sign_supported_convention(&dea, entry_id, date!(2026 - 01 - 12), None, None)
        .await
        .unwrap();
    assert_eq!(
        code(
            store
                .sign_supported_convention(&dea, entry_id, date!(2026 - 01 - 13), None, None)
                .await
        ),
        "convention_exists"
    );
    for a in [
        activity("assessment", date!(2026 - 01 - 12), 90, None),
        activity("assessment", date!(2026 - 01 - 19), 60, None),
        activity("project", date!(2026 - 02 - 02), 75, None),
        activity("job_search", date!(2026 - 03 - 02), 120, Some("Boulangerie Lenoir")),
    ] {
        store.add_supported_activity(&dea, entry_id, &a, None).await.unwrap();
    }
    // Module (d) needs a job (D5213-88 ff.).
    let support = activity("in_employment", date!(2026 - 04 - 07), 45, Some("boulangerie lenoir"));
    assert_eq!(
        code(store.add_supported_activity(&dea, entry_id, &support, None).await),
        "not_in_employment"
    );
    let job = JobInput {
        employer: "Boulangerie Lenoir".into(),
        position: "Vendeur en boulangerie".into(),
        contract: "cdd".into(),
        starts_on: Some(date!(2026 - 04 - 01)),
        weekly_hours: Some(24),
        ..Default::default()
    };
    store.add_supported_job(&dea, entry_id, &job, None).await.unwrap();
    let rec = store
        .add_supported_activity(&dea, entry_id, &support, None)
        .await
        .unwrap();
    let entry = &rec.entries[0];
    assert_eq!(entry.activities.len(), 5);
    assert_eq!(entry.current_module.map(|m| m.code()), Some("in_employment"));
    let minutes: Vec<(char, i64)> = entry
        .time_spent
        .iter()
        .map(|t| (t.module.letter(), t.minutes))
        .collect();
    assert_eq!(minutes, [('a', 150), ('b', 75), ('c', 120), ('d', 45)]);
    assert_eq!(
        entry.employers,
        ["Boulangerie Lenoir"],
        "one employer, whatever the case of its name"
    );
    let journal = events::history(&mut store.pool().clone(), "person", person.id)
        .await
        .unwrap();
    assert_eq!(
        journal
            .iter()
            .filter(|e| e.action == "supported.activity_added")
            .count(),
        5
    );

    // Who sees what: the prescriber reads but does not write; an ESAT following the person sees no entry;
    // France Travail, which does not follow the person, gets 404.
    assert_eq!(store.supported(&cap, person.id).await.unwrap().entries.len(), 1);
    let note = activity("project", date!(2026 - 02 - 03), 30, None);
    assert_eq!(
        code(store.add_supported_activity(&cap, entry_id, &note, None).await),
        "not_scheme_member"
    );
    assert!(store.supported(&esat, person.id).await.unwrap().entries.is_empty());
    assert_eq!(
        code(store.add_supported_activity(&esat, entry_id, &note, None).await),
        "not_found"
    );
    assert_eq!(code(store.supported(&ft, person.id).await), "not_found");
    let reads = events::history(&mut store.pool().clone(), "person", person.id)
        .await
        .unwrap();
    assert!(
        reads.iter().filter(|e| e.action == "supported.read").count() >= 3,
        "reads are journaled"
    );

    // The dashboard: the scheme's coordinator follows this person; the demo's two counsellors follow theirs.
    store
        .set_counsellor_time(&dea, scheme, dea.user_id().unwrap(), 80)
        .await
        .unwrap();
    assert_eq!(
        code(
            store
                .set_counsellor_time(&dea, scheme, dea.user_id().unwrap(), 120)
                .await
        ),
        "fte_out_of_range"
    );
    let today = passerelle_store::infra::clock::now().date();
    let board = store.supported_dashboard(&dea, today).await.unwrap();
    assert_eq!(board.len(), 1);
    let me = board[0]
        .counsellors
        .iter()
        .find(|c| Some(c.user_id) == dea.user_id())
        .expect("the coordinator follows Julien Perrin");
    assert_eq!((me.people, me.fte_hundredths), (1, Some(80)));
    assert_eq!(me.status.code(), "under");
    assert!(me.explanation.contains("12 à 16"), "{}", me.explanation);
    assert_eq!(
        me.minutes_by_module.iter().sum::<i64>() > 0,
        today <= date!(2027 - 04 - 07)
    );
    let names: Vec<(&str, i64)> = board[0]
        .counsellors
        .iter()
        .map(|c| (c.name.as_str(), c.people))
        .collect();
    assert!(
        names.contains(&("Samir Brahimi", 2)) && names.contains(&("Lucie Masson", 2)),
        "{names:?}"
    );
    assert_eq!((board[0].figures.people, board[0].figures.in_employment), (5, 2));
    assert_eq!(board[0].figures.fte_hundredths, 260);
    assert_eq!(board[0].people_by_module, [1, 1, 1, 2, 0]);
    assert!(
        store.supported_dashboard(&cap, today).await.unwrap().is_empty(),
        "only schemes have a dashboard"
    );

    // The dashboard reads in four statements whatever the number of people: again with 12 more.
    let mut counting = Counting {
        pool: store.pool().clone(),
        statements: 0,
    };
    supported::dashboard(&mut counting, &dea, today).await.unwrap();
    assert_eq!(counting.statements, 4);
    for i in 0..12 {
        let p = store
            .persons(&dea)
            .create(
                scheme,
                PersonInput {
                    first_name: "Personne".into(),
                    last_name: format!("Nombre {i}"),
                    ..Default::default()
                }
                .validate(today)
                .unwrap(),
            )
            .await
            .unwrap();
        let cdaph = NewEntry {
            scheme_id: scheme,
            counsellor_user_id: None,
            prescriber_id: None,
            input: EntryInput {
                route: "cdaph".into(),
                entered_on: Some(date!(2026 - 02 - 02)),
                decided_on: Some(date!(2026 - 01 - 15)),
                valid_until: Some(date!(2031 - 01 - 14)),
                ..Default::default()
            },
        };
        let rec = store.enter_supported(&dea, p.id, cdaph, None).await.unwrap();
        let a = activity("job_search", date!(2026 - 03 - 02), 30, Some(&format!("Employeur {i}")));
        store
            .add_supported_activity(&dea, rec.entries[0].id, &a, None)
            .await
            .unwrap();
    }
    counting.statements = 0;
    let board = supported::dashboard(&mut counting, &dea, today).await.unwrap();
    assert_eq!(counting.statements, 4, "the same four statements");
    assert_eq!((board[0].figures.people, board[0].people_by_module[2]), (17, 13));

    // The skills record, from the supported-employment events, and the person's own link.
    let skills = store.skills_record(&dea, person.id).await.unwrap();
    let text = serde_json::to_string(&skills).unwrap();
    assert!(text.contains("Vendeur en boulangerie, CDD, 24 h par semaine"), "{text}");
    assert!(text.contains("module (a) : évaluation de la situation de la personne"));
    assert!(text.contains("2 h 30 d'accompagnement"));
    assert_eq!(code(store.skills_record(&ft, person.id).await), "not_found");
    assert_eq!(
        code(store.create_skills_record_link(&dea, person.id, scheme, 400).await),
        "link_validity_out_of_range"
    );
    let link = store
        .create_skills_record_link(&dea, person.id, scheme, 30)
        .await
        .unwrap();
    let shared = store.skills_record_by_link(&link.token).await.unwrap();
    assert_eq!((shared.person_id, shared.last_name.as_str()), (person.id, "Perrin"));
    assert_eq!(code(store.skills_record_by_link("0123").await), "not_found");
    store.revoke_skills_record_link(&dea, link.link.id).await.unwrap();
    assert_eq!(code(store.skills_record_by_link(&link.token).await), "not_found");
    // A link of one day made at 23:30 in Paris works until midnight there, not until midnight UTC of the next
    // day (finding 9 of « Integrity and privacy »); in summer Paris is two hours ahead.
    for (made, last_second) in [
        (datetime!(2026-12-06 22:30 UTC), datetime!(2026-12-06 22:59:59 UTC)),
        (datetime!(2026-07-01 21:30 UTC), datetime!(2026-07-01 21:59:59 UTC)),
    ] {
        let day = store
            .create_skills_record_link_at(&dea, person.id, scheme, 1, made)
            .await
            .unwrap();
        assert_eq!(day.link.expires_on, made.date());
        assert!(store.skills_record_by_link_at(&day.token, last_second).await.is_ok());
        let next = last_second + time::Duration::seconds(1);
        assert_eq!(
            code(store.skills_record_by_link_at(&day.token, next).await),
            "not_found"
        );
    }
    assert_eq!(
        code(store.revoke_skills_record_link(&ft, link.link.id).await),
        "not_found"
    );

    // The employer joins the convention signed before the hire (D5213-88 ff.): not before the signature, and
    // once; the journal keeps the employer before.
    let joins = |name: &str, on: Date| EmployerInput {
        employer: name.into(),
        joined_on: Some(on),
    };
    let events_before = events::count(&mut store.pool().clone(), None).await.unwrap();
    assert_eq!(
        code(
            store
                .add_supported_convention_employer(&dea, entry_id, &joins("Boulangerie Lenoir", date!(2026 - 01 - 11)))
                .await
        ),
        "employer_before_convention"
    );
    assert_eq!(
        code(
            store
                .add_supported_convention_employer(&cap, entry_id, &joins("Boulangerie Lenoir", date!(2026 - 04 - 01)))
                .await
        ),
        "not_scheme_member"
    );
    let rec = store
        .add_supported_convention_employer(&dea, entry_id, &joins("Boulangerie Lenoir", date!(2026 - 04 - 01)))
        .await
        .unwrap();
    let convention = rec.entries[0].convention.clone().unwrap();
    assert_eq!(
        (convention.employer.as_deref(), convention.employer_joined_on),
        (Some("Boulangerie Lenoir"), Some(date!(2026 - 04 - 01)))
    );
    assert_eq!(
        code(
            store
                .add_supported_convention_employer(&dea, entry_id, &joins("BOULANGERIE lenoir", date!(2026 - 04 - 02)))
                .await
        ),
        "employer_already_named"
    );

    // The exit has a reason, checked against what the scheme recorded; a refusal writes nothing.
    let exit = |on: Date, reason: &str| ExitInput {
        exited_on: Some(on),
        reason: reason.into(),
    };
    for (refused, expected) in [
        (exit(today, "fired"), "exit_reason_unknown"),
        (exit(today, "decision_ended"), "exit_reason_not_for_route"),
        (exit(date!(2026 - 03 - 31), "other"), "exit_before_job"),
        (exit(date!(2026 - 04 - 06), "employment"), "exit_before_activity"),
        (exit(date!(2026 - 01 - 11), "other"), "exit_date_invalid"),
    ] {
        assert_eq!(
            code(store.exit_supported(&dea, entry_id, &refused, None).await),
            expected
        );
    }
    assert_eq!(
        events::count(&mut store.pool().clone(), None).await.unwrap(),
        events_before + 2,
        "only the employer's joining and the read of the record it answers were written"
    );
    let rec = store
        .exit_supported(&dea, entry_id, &exit(today, "employment"), None)
        .await
        .unwrap();
    assert_eq!(rec.entries[0].exit_reason, Some(ExitReason::Employment));
    assert_eq!(
        rec.entries[0].exit_reason_label,
        Some("emploi durable, sans besoin d'accompagnement")
    );
    assert_eq!(
        code(store.exit_supported(&dea, entry_id, &exit(today, "other"), None).await),
        "entry_closed"
    );
    let later = JobInput {
        starts_on: Some(today + time::Duration::days(1)),
        ..job.clone()
    };
    assert_eq!(
        code(store.add_supported_job(&dea, entry_id, &later, None).await),
        "entry_closed"
    );
    // Counted where the figures use exits: the dashboard by reason, the exit indicator's detail.
    let board = store.supported_dashboard(&dea, today).await.unwrap();
    assert!(
        board[0]
            .figures
            .exits
            .iter()
            .any(|x| x.reason == Some(ExitReason::Employment) && x.people == 1),
        "{:?}",
        board[0].figures.exits
    );
    let fact = store
        .pool()
        .clone()
        .fetch_optional(
            query("SELECT detail FROM indicator_facts WHERE indicator = 'se_exits' AND source_id = $1").bind(entry_id),
        )
        .await
        .unwrap()
        .expect("the exit is a fact");
    assert_eq!(
        fact.get::<Option<String>>("detail").unwrap().as_deref(),
        Some("employment")
    );

    // The person's one history holds supported employment: the scheme and the prescriber see it as theirs,
    // the ESAT following the person by their consent, France Travail not at all; the read is journaled.
    let history = store.person_pathway(&dea, person.id).await.unwrap();
    let titles: Vec<(&str, bool)> = history
        .steps
        .iter()
        .filter(|s| s.sector == Sector::SupportedEmployment || s.title.contains("emploi accompagné"))
        .map(|s| (s.title.as_str(), s.own))
        .collect();
    for title in [
        "Entrée en emploi accompagné (prescription de Cap emploi du 5 janvier 2026)",
        "Convention individuelle d'accompagnement signée",
        "Boulangerie Lenoir rejoint la convention individuelle",
        "Module a de l'emploi accompagné : évaluation de la situation de la personne (2 activités, 2 h 30)",
        "Module d de l'emploi accompagné : accompagnement dans l'emploi (1 activité, 0 h 45)",
        "Emploi trouvé avec l'emploi accompagné chez Boulangerie Lenoir : Vendeur en boulangerie (CDD, 24 h par semaine)",
        "Sortie de l'emploi accompagné : emploi durable, sans besoin d'accompagnement",
    ] {
        assert!(titles.contains(&(title, true)), "{title} in {titles:?}");
    }
    let entry_step = history
        .steps
        .iter()
        .find(|s| s.title.starts_with("Entrée en emploi accompagné"))
        .unwrap();
    assert_eq!((entry_step.on, entry_step.until), (date!(2026 - 01 - 12), Some(today)));
    let by_prescriber = store.person_pathway(&cap, person.id).await.unwrap();
    assert!(
        by_prescriber
            .steps
            .iter()
            .any(|s| s.title.starts_with("Sortie de l'emploi accompagné") && s.own)
    );
    let by_esat = store.person_pathway(&esat, person.id).await.unwrap();
    assert!(
        by_esat
            .steps
            .iter()
            .any(|s| s.title.starts_with("Entrée en emploi accompagné") && !s.own),
        "shared by the person's consent"
    );
    assert_eq!(code(store.person_pathway(&ft, person.id).await), "not_found");
    let reads = events::history(&mut store.pool().clone(), "person", person.id)
        .await
        .unwrap();
    assert!(reads.iter().filter(|e| e.action == "person_pathway.read").count() >= 3);
    store.pool().close().await;
}

#[tokio::test]
async fn supported_on_sqlite() {
    supported_story(sqlite_demo().await).await;
}

#[tokio::test]
async fn supported_on_postgres() {
    supported_story(postgres_demo().await).await;
}
