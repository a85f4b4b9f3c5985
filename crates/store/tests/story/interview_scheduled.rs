//! The tripartite interview scheduled before it is held (Accord régional BFC 2016, fiche action 7, read
//! 2026-12-07: « Réaliser des entretiens tripartites, 2 à 3 mois avant la fin du contrat ou de l'agrément (SIAE,
//! référent PE et salariés) »; migration 0036). The demo hired Durand at the ACI on 2026-10-05; the ACI records a
//! CDDI to 2027-04-04, so the interview is due from 2027-01-04 to 2027-02-04. Two clicks schedule it at once:
//! one interview is scheduled, the other click is told so. Scheduled, it is still due: the deadlines engine
//! records it missed if nobody records it held; held with the person and the SIAE present, it closes the
//! scheduled one and the obligation.

use super::interview_before_contract_end::{durand_at_the_aci, first_cddi};
use super::{postgres_demo, sqlite_demo};
use passerelle_domain::pathways::iae::interview::{Attendance, ScheduleInput};
use passerelle_store::infra::sql::{Executor, query};
use passerelle_store::obligations::Window;
use passerelle_store::pathways::iae::exit::HeldInterview;
use passerelle_store::{Store, StoreError};
use time::macros::{date, datetime};
use uuid::Uuid;

async fn scenario(store: Store) {
    let mut db = store.pool().clone();
    let (durand, aci_id, aci) = durand_at_the_aci(&store).await;
    store
        .create_contract(&aci, durand, aci_id, first_cddi(), None)
        .await
        .unwrap();

    // After the contract's end: refused with the rule's code, on the date's field.
    let at = |planned_on| ScheduleInput {
        planned_on: Some(planned_on),
        start_time: "10:00".into(),
        remote: false,
        place: Some("Les Jardins de la Combe".into()),
    };
    match store
        .schedule_interview(&aci, durand, aci_id, &at(date!(2027 - 04 - 05)), None)
        .await
    {
        Err(StoreError::Invalid(e)) => assert_eq!(
            (e.code, e.field.as_deref()),
            ("interview_after_end", Some("planned_on"))
        ),
        other => panic!("{other:?}"),
    }

    // Two at once: the write transactions take turns, the unique index keeps one, the other is a conflict.
    let one = at(date!(2027 - 01 - 20));
    let two = at(date!(2027 - 01 - 21));
    let (a, b) = tokio::join!(
        store.schedule_interview(&aci, durand, aci_id, &one, None),
        store.schedule_interview(&aci, durand, aci_id, &two, None)
    );
    let (done, refused) = match (a, b) {
        (Ok(f), Err(e)) | (Err(e), Ok(f)) => (f, e),
        other => panic!("one and only one is scheduled: {other:?}"),
    };
    assert!(
        matches!(&refused, StoreError::Conflict { code, .. } if *code == "interview_already_scheduled"),
        "{refused:?}"
    );
    let scheduled = done.scheduled_interview.expect("scheduled");
    assert!(scheduled.when_and_where.contains("à 10 h 00, Les Jardins de la Combe"));
    let open: i64 = db
        .fetch_one(query("SELECT COUNT(*) AS n FROM scheduled_interviews WHERE person_id = $1").bind(durand))
        .await
        .unwrap()
        .get("n")
        .unwrap();
    assert_eq!(open, 1);

    // The ACI's staff are invited, with the iCalendar invitation.
    let ics: String = db
        .fetch_one(
            query("SELECT attachment FROM outbox WHERE dedupe_key LIKE 'interview:%' AND recipient = $1")
                .bind("aci-jardins@passerelle.test"),
        )
        .await
        .unwrap()
        .get("attachment")
        .unwrap();
    // Either click may win: the invitation is the one scheduled.
    let start = format!(
        "DTSTART;TZID=Europe/Paris:{}T100000",
        scheduled.planned_on.to_string().replace('-', "")
    );
    assert!([date!(2027 - 01 - 20), date!(2027 - 01 - 21)].contains(&scheduled.planned_on));
    assert!(ics.contains("METHOD:REQUEST") && ics.contains(&start), "{ics}");

    // Scheduled and never held: the deadlines engine records the interview missed the day after its due date.
    let report = store
        .scan_deadlines(date!(2027 - 02 - 05), Window::default(), datetime!(2027-02-05 6:00 UTC))
        .await
        .unwrap();
    assert_eq!(report.missed_interviews, 1, "a scheduled interview is not a held one");

    // Held without the person: refused, nothing written. With the person and the SIAE: the scheduled one closes.
    let held = |person| HeldInterview {
        held_on: date!(2026 - 12 - 06),
        notes: "Projet : maraîchage en entreprise.",
        attendance: Some(Attendance {
            person,
            siae: true,
            referent: true,
        }),
    };
    match store.hold_interview(&aci, durand, held(false), None).await {
        Err(StoreError::Invalid(e)) => assert_eq!(e.code, "interview_person_absent"),
        other => panic!("{other:?}"),
    }
    let follow = store.hold_interview(&aci, durand, held(true), None).await.unwrap();
    assert!(follow.scheduled_interview.is_none());
    let interview = follow.interviews.last().unwrap();
    assert_eq!(
        (
            interview.person_present,
            interview.siae_present,
            interview.referent_present
        ),
        (Some(true), Some(true), Some(true))
    );
    let r = db
        .fetch_one(query("SELECT status, interview_id FROM scheduled_interviews WHERE person_id = $1").bind(durand))
        .await
        .unwrap();
    assert_eq!(
        (
            r.get::<String>("status").unwrap(),
            r.get::<Option<Uuid>>("interview_id").unwrap()
        ),
        ("held".to_owned(), Some(interview.id))
    );
    // The database keeps the person's presence too.
    let absent = db
        .execute(query("UPDATE tripartite_interviews SET person_present = FALSE WHERE id = $1").bind(interview.id))
        .await;
    assert!(absent.is_err(), "an interview held without the person breaks a CHECK");
}

#[tokio::test]
async fn interview_scheduled_then_held_on_sqlite() {
    scenario(sqlite_demo().await).await;
}

#[tokio::test]
async fn interview_scheduled_then_held_on_postgres() {
    scenario(postgres_demo().await).await;
}
