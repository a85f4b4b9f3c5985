//! The storage story: the same operations, run against SQLite and PostgreSQL.
//! PostgreSQL comes from PASSERELLE_TEST_POSTGRES (default: the local server, as `scripts/test` starts it).

use passerelle_domain::directory::{ContactInput, ContactRole, OrganisationInput};
use passerelle_domain::person::PersonInput;
use passerelle_fixtures::template::{self, Backend, Content};
use passerelle_store::auth::{NewUser, Password, SessionKind};
use passerelle_store::directory::{ExternalKey, OrganisationFilter, Upserted};
use passerelle_store::infra::events::{self, Event};
use passerelle_store::infra::sql::{Executor, query};
use passerelle_store::{MemberRole, Store, StoreError};
use time::macros::date;
use uuid::Uuid;

/// The day every story runs on, whatever the date ([`passerelle_store::infra::clock`]).
pub const TEST_DAY: time::Date = date!(2026 - 12 - 06);

/// A local cooperation convention `(title, status)` over `(from, to)`, written straight into the table (the
/// indicators' tests need its rows, not its editing): its id.
pub async fn local_convention(
    db: &mut passerelle_store::infra::sql::Pool,
    (title, status): (&str, &str),
    (from, to): (time::Date, time::Date),
    by: Uuid,
) -> Uuid {
    let id = Uuid::new_v4();
    db.execute(
        query(
            "INSERT INTO agreements (id, kind, title, status, current_version, starts_on, ends_on, \
             created_by_organisation_id, created_at, updated_at) VALUES ($1, 'local_cooperation', $2, $3, 1, $4, \
             $5, $6, $7, $7)",
        )
        .bind(id)
        .bind(title)
        .bind(status)
        .bind(from)
        .bind(to)
        .bind(by)
        .bind(passerelle_store::infra::clock::now()),
    )
    .await
    .unwrap();
    id
}

/// A database of the story's own, copied from this process's template of `content`.
async fn scratch_store(backend: Backend, content: Content) -> Store {
    passerelle_store::infra::clock::start_at(TEST_DAY).expect("one day for every story");
    template::store(backend, content)
        .await
        .expect("the database opens (for PostgreSQL, run scripts/test, which starts it)")
}

async fn sqlite_store() -> Store {
    scratch_store(Backend::Sqlite, Content::Empty).await
}

async fn postgres_store() -> Store {
    scratch_store(Backend::Postgres, Content::Empty).await
}

/// The demo territory on SQLite.
async fn sqlite_demo() -> Store {
    scratch_store(Backend::Sqlite, Content::Demo).await
}

/// The demo territory on PostgreSQL.
async fn postgres_demo() -> Store {
    scratch_store(Backend::Postgres, Content::Demo).await
}

fn org(name: &str, kind: &str, siret: Option<&str>, department: &str) -> OrganisationInput {
    OrganisationInput {
        name: name.into(),
        kind: kind.into(),
        siret: siret.map(Into::into),
        commune: "Dijon".into(),
        department: department.into(),
        ..Default::default()
    }
}

async fn count(store: &Store, table: &str) -> i64 {
    let mut db = store.pool().clone();
    db.fetch_one(query(format!("SELECT COUNT(*) AS n FROM {table}")))
        .await
        .unwrap()
        .get("n")
        .unwrap()
}

/// Names the part of a story that follows, up to the next step: a failing story's output (which the test runner
/// shows) ends with the step that failed, so that a long story needs no bisecting.
fn step(name: &str) {
    println!("step: {name}");
}

async fn story(store: Store) {
    let op = store.operator_context("test");

    step("Directory: create, search with accents, department through territories");
    let agency = store
        .create_organisation(
            &op,
            org(
                "Agence France Travail Dijon",
                "france_travail_agency",
                Some("13000548100010"),
                "21",
            )
            .validate()
            .unwrap(),
            None,
        )
        .await
        .unwrap();
    let aci = store
        .create_organisation(
            &op,
            org("Les Jardins d'Été", "aci", None, "21").validate().unwrap(),
            None,
        )
        .await
        .unwrap();
    let mut network = org("Réseau IAE Bourgogne-Franche-Comté", "iae_network", None, "25");
    network.territories = vec!["21".into(), "71".into()];
    let network = store
        .create_organisation(&op, network.validate().unwrap(), None)
        .await
        .unwrap();
    assert_eq!(network.territories, vec!["21", "71"]);

    let found = store
        .list_organisations(
            &op,
            &OrganisationFilter {
                text: Some("jardins ETE".into()),
                per_page: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(found.items.iter().map(|o| o.id).collect::<Vec<_>>(), vec![aci.id]);
    let in_21 = store
        .list_organisations(
            &op,
            &OrganisationFilter {
                department: Some("21".into()),
                per_page: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(in_21.total, 3, "the network covers 21 through its territories");
    let past_the_end = store
        .list_organisations(
            &op,
            &OrganisationFilter {
                page: 99,
                per_page: 2,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (past_the_end.items.len(), past_the_end.total),
        (0, 3),
        "the total survives a page past the end"
    );

    step("A duplicate SIRET is refused and nothing is written, neither the row nor an event");
    let (orgs, evts) = (count(&store, "organisations").await, count(&store, "events").await);
    let err = store
        .create_organisation(
            &op,
            org("Doublon", "ei", Some("13000548100010"), "21").validate().unwrap(),
            None,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                code: "siret_taken",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        (count(&store, "organisations").await, count(&store, "events").await),
        (orgs, evts)
    );

    step("A failed write inside a transaction leaves neither the change nor its event");
    let mut tx = store.begin().await.unwrap();
    let key = ExternalKey {
        source: "test".into(),
        external_id: "x1".into(),
    };
    let (id, what) = store
        .upsert_organisation(
            &mut tx,
            &op,
            &key,
            &org("Éphémère", "ai", None, "21").validate().unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(what, Upserted::Created);
    let bad = events::record(&mut tx, &op, Event::new("organisation", id, "")).await;
    assert!(bad.is_err(), "the journal refuses an event without action");
    drop(tx);
    assert_eq!(
        (count(&store, "organisations").await, count(&store, "events").await),
        (orgs, evts)
    );
    assert!(matches!(
        store.organisation(&op, id).await,
        Err(StoreError::NotFound { .. })
    ));

    step("Re-import is idempotent");
    for expected in [Upserted::Created, Upserted::Unchanged] {
        let mut tx = store.begin().await.unwrap();
        let (_, what) = store
            .upsert_organisation(
                &mut tx,
                &op,
                &key,
                &org("Durable", "ai", None, "21").validate().unwrap(),
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(what, expected);
    }

    step("Contacts and roles with a substitute (degraded mode)");
    let holder = store
        .create_contact(
            &op,
            aci.id,
            ContactInput {
                first_name: "Thomas".into(),
                last_name: "Girard".into(),
                ..Default::default()
            }
            .validate()
            .unwrap(),
        )
        .await
        .unwrap();
    let substitute = store
        .create_contact(
            &op,
            aci.id,
            ContactInput {
                first_name: "Léa".into(),
                last_name: "Mercier".into(),
                ..Default::default()
            }
            .validate()
            .unwrap(),
        )
        .await
        .unwrap();
    let role = store
        .assign_role(
            &op,
            aci.id,
            ContactRole::SiaeCorrespondent,
            holder.id,
            Some(substitute.id),
        )
        .await
        .unwrap();
    assert_eq!(role.acting.id, holder.id);
    let role = store
        .update_role(&op, role.id, holder.id, Some(substitute.id), true)
        .await
        .unwrap();
    assert_eq!(
        role.acting.id, substitute.id,
        "the substitute acts while the holder is absent"
    );
    let foreign = store
        .create_contact(
            &op,
            agency.id,
            ContactInput {
                first_name: "Marc".into(),
                last_name: "Lefèvre".into(),
                ..Default::default()
            }
            .validate()
            .unwrap(),
        )
        .await
        .unwrap();
    let err = store
        .update_role(&op, role.id, foreign.id, None, false)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid(ref i) if i.code == "contact_not_in_organisation"),
        "{err:?}"
    );
    assert!(matches!(
        store.archive_contact(&op, substitute.id).await,
        Err(StoreError::Conflict {
            code: "contact_holds_role",
            ..
        })
    ));

    step("Authorisation dates are checked in the domain and in the database");
    let a = store
        .create_authorisation(
            &op,
            aci.id,
            "Préfet",
            date!(2024 - 01 - 01),
            Some(date!(2024 - 12 - 31)),
            date!(2025 - 06 - 01),
        )
        .await
        .unwrap();
    assert!(!a.in_force);
    assert!(
        store
            .create_authorisation(
                &op,
                aci.id,
                "Préfet",
                date!(2024 - 01 - 01),
                Some(date!(2023 - 12 - 31)),
                date!(2025 - 06 - 01)
            )
            .await
            .is_err()
    );

    step("Accounts, login, failures and lockout");
    let password = "correct horse battery 1";
    for (email, org_id) in [("aci@test.fr", aci.id), ("ft@test.fr", agency.id)] {
        store
            .create_user(
                &op,
                NewUser {
                    email,
                    display_name: email,
                    password: Password::Typed(password),
                    platform_admin: false,
                    memberships: &[(org_id, MemberRole::Admin)],
                },
            )
            .await
            .unwrap();
    }
    assert!(matches!(
        store.create_user(&op, NewUser { email: "weak@test.fr", display_name: "w", password: Password::Typed("short"), platform_admin: false, memberships: &[] }).await,
        Err(StoreError::Invalid(ref i)) if i.code == "password_too_weak"
    ));
    // An already hashed password is stored as is, once it reads as a PHC string.
    let unreadable = NewUser {
        email: "hash@test.fr",
        display_name: "h",
        password: Password::Hashed("argon2"),
        platform_admin: false,
        memberships: &[],
    };
    assert!(matches!(
        store.create_user(&op, unreadable).await,
        Err(StoreError::Invalid(ref i)) if i.code == "password_hash_invalid"
    ));
    let hash: String = store
        .pool()
        .clone()
        .fetch_one(query("SELECT password_hash FROM users WHERE email = $1").bind("aci@test.fr"))
        .await
        .unwrap()
        .get("password_hash")
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    let aci_session = store.login("ACI@test.fr ", password, SessionKind::Api).await.unwrap();
    let (aci_ctx, _) = store
        .authenticate(&aci_session.token, SessionKind::Api)
        .await
        .unwrap()
        .unwrap();
    assert!(
        store
            .authenticate(&aci_session.token, SessionKind::Web)
            .await
            .unwrap()
            .is_none(),
        "an API token is not a web session"
    );
    let ft_ctx = store
        .login("ft@test.fr", password, SessionKind::Web)
        .await
        .unwrap()
        .context;
    for _ in 0..5 {
        assert!(matches!(
            store.login("ft@test.fr", "wrong password 1", SessionKind::Web).await,
            Err(StoreError::BadCredentials)
        ));
    }
    assert!(matches!(
        store.login("ft@test.fr", password, SessionKind::Web).await,
        Err(StoreError::TooManyAttempts { .. })
    ));
    store.logout(&aci_session.token).await.unwrap();
    assert!(
        store
            .authenticate(&aci_session.token, SessionKind::Api)
            .await
            .unwrap()
            .is_none()
    );

    step("Persons: visible only to the organisations that follow them; every read is journaled");
    let input = PersonInput {
        first_name: "Camille".into(),
        last_name: "Martin".into(),
        ..Default::default()
    };
    let p = store
        .persons(&aci_ctx)
        .create(aci.id, input.validate(date!(2026 - 11 - 23)).unwrap())
        .await
        .unwrap();
    assert!(matches!(
        store.persons(&ft_ctx).get(p.id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(store.persons(&ft_ctx).list(None, 1, 50).await.unwrap().total, 0);
    assert!(matches!(
        store.persons(&aci_ctx).add_follower(p.id, agency.id).await,
        Err(StoreError::Conflict {
            code: "consent_required",
            ..
        })
    ));
    let mut consented = input.clone();
    consented.consent_data_sharing = true;
    consented.consent_date = Some(date!(2026 - 11 - 20));
    store
        .persons(&aci_ctx)
        .update(p.id, consented.validate(date!(2026 - 11 - 23)).unwrap())
        .await
        .unwrap();
    let shared = store.persons(&aci_ctx).add_follower(p.id, agency.id).await.unwrap();
    assert_eq!(shared.followers.len(), 2);
    let listed = store.persons(&aci_ctx).list(Some("martin"), 1, 10).await.unwrap();
    assert_eq!(
        (listed.total, listed.items[0].followers.len()),
        (1, 2),
        "lists carry the followers"
    );
    let reads_before = events::count(&mut store.pool().clone(), Some("person.read"))
        .await
        .unwrap();
    assert_eq!(store.persons(&ft_ctx).get(p.id).await.unwrap().last_name, "Martin");
    assert_eq!(
        events::count(&mut store.pool().clone(), Some("person.read"))
            .await
            .unwrap(),
        reads_before + 1
    );
    assert!(matches!(
        store.persons(&aci_ctx).add_follower(p.id, network.id).await,
        Err(StoreError::Forbidden {
            code: "indicators_only",
            ..
        })
    ));
    let history = events::history(&mut store.pool().clone(), "person", p.id)
        .await
        .unwrap();
    let actions: Vec<_> = history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "person.created",
            "person.updated",
            "person.follower_added",
            "person.read"
        ]
    );

    step("Archiving is an event, not a deletion");
    let archived = store.archive_organisation(&op, network.id).await.unwrap();
    assert!(archived.archived);
    let listed = store
        .list_organisations(
            &op,
            &OrganisationFilter {
                per_page: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(listed.items.iter().all(|o| o.id != network.id));
    assert_eq!(store.organisation(&op, network.id).await.unwrap().id, network.id);
    assert!(matches!(
        store.archive_organisation(&op, network.id).await,
        Err(StoreError::Conflict {
            code: "already_archived",
            ..
        })
    ));

    step("A session brings its user's memberships, those of archived organisations left out");
    store
        .create_user(
            &op,
            NewUser {
                email: "two@test.fr",
                display_name: "Deux structures",
                password: Password::Typed(password),
                platform_admin: false,
                memberships: &[
                    (agency.id, MemberRole::Member),
                    (network.id, MemberRole::Member),
                    (aci.id, MemberRole::Admin),
                ],
            },
        )
        .await
        .unwrap();
    let session = store.login("two@test.fr", password, SessionKind::Web).await.unwrap();
    let (ctx, _) = store
        .authenticate(&session.token, SessionKind::Web)
        .await
        .unwrap()
        .unwrap();
    let mut expected = vec![
        (aci.name.clone(), MemberRole::Admin),
        (agency.name.clone(), MemberRole::Member),
    ];
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    let held: Vec<(String, MemberRole)> = ctx
        .memberships()
        .iter()
        .map(|m| (m.organisation_name.clone(), m.role))
        .collect();
    assert_eq!(held, expected);
    assert_eq!(ctx.display_name(), "Deux structures");

    step("The demo territory loads once");
    assert!(passerelle_fixtures::demo::load(&store).await.unwrap());
    assert!(!passerelle_fixtures::demo::load(&store).await.unwrap());
    store.pool().close().await;
}

#[tokio::test]
async fn story_on_sqlite() {
    story(sqlite_store().await).await;
}

#[tokio::test]
async fn story_on_postgres() {
    story(postgres_store().await).await;
}

/// The context of a demo account.
async fn demo_ctx(store: &Store, key: &str) -> passerelle_store::AccessContext {
    let email = format!("{key}@passerelle.test");
    let session = store
        .login(&email, passerelle_fixtures::demo::DEMO_PASSWORD, SessionKind::Api)
        .await
        .unwrap();
    store
        .authenticate(&session.token, SessionKind::Api)
        .await
        .unwrap()
        .unwrap()
        .0
}

/// Agreements on the demo territory: who sees what, signatures, notice, versions, refused steps.
async fn agreements_story(store: Store) {
    use passerelle_domain::agreements::lifecycle::{Action, Status};
    use passerelle_store::agreements::Act;
    let act = |action, on| Act {
        action,
        on: Some(on),
        organisation_id: None,
        reason: None,
        content: None,
        committee_meeting_id: None,
    };
    let titles = |list: Vec<passerelle_store::agreements::AgreementSummary>| {
        list.into_iter().map(|a| a.kind.code()).collect::<Vec<_>>()
    };
    let (agency, aci, esat, ddets) = (
        demo_ctx(&store, "ft-dijon").await,
        demo_ctx(&store, "aci-jardins").await,
        demo_ctx(&store, "esat-suzon").await,
        demo_ctx(&store, "ddets-21").await,
    );
    // Parties, their branches, the parties of a child and the State services of the territory see them.
    for ctx in [&agency, &aci, &ddets] {
        assert_eq!(
            titles(store.agreements(ctx).list().await.unwrap()),
            ["regional", "local_cooperation"]
        );
    }
    assert!(store.agreements(&esat).list().await.unwrap().is_empty());
    // A DDETS sees the agreements with a party in its department.
    let op = store.operator_context("test");
    let doubs = store
        .create_organisation(
            &op,
            org("DDETS du Doubs", "ddets", None, "25").validate().unwrap(),
            None,
        )
        .await
        .unwrap();
    let email = "ddets25@test.fr";
    let password = passerelle_fixtures::demo::DEMO_PASSWORD;
    let memberships = [(doubs.id, MemberRole::Admin)];
    let user = NewUser {
        email,
        display_name: email,
        password: Password::Typed(password),
        platform_admin: false,
        memberships: &memberships,
    };
    store.create_user(&op, user).await.unwrap();
    let session = store.login(email, password, SessionKind::Api).await.unwrap();
    let ddets_25 = store
        .authenticate(&session.token, SessionKind::Api)
        .await
        .unwrap()
        .unwrap()
        .0;
    // The regional agreement has a party in Doubs (the IAE networks, in Besançon); the CCL has none.
    assert_eq!(titles(store.agreements(&ddets_25).list().await.unwrap()), ["regional"]);
    let list = store.agreements(&aci).list().await.unwrap();
    let (regional, ccl) = (list[0].id, list[1].id);
    assert!(matches!(
        store.agreements(&esat).get(ccl).await,
        Err(StoreError::NotFound { .. })
    ));

    // The regional agreement of Accord régional BFC 2016: 3 axes, 8 action sheets, an avenant kept as version 2.
    let r = store.agreements(&ddets).get(regional).await.unwrap();
    assert_eq!(
        (r.content.axes.len(), r.content.sheets().count(), r.versions.len()),
        (3, 8, 2)
    );
    assert_eq!(r.children.len(), 1);
    let cmp = store.agreements(&ddets).compare(regional, 1, 2).await.unwrap();
    assert!(cmp.changes.iter().any(|c| c.label == "Durée"), "{:?}", cmp.changes);

    // The CCL is complete and waits for the ACI's signature; the agency has signed already.
    let c = store.agreements(&aci).get(ccl).await.unwrap();
    assert_eq!(c.status, Status::InSignature);
    assert_eq!(store.agreements(&aci).checklist(ccl).await.unwrap().score, 100);
    assert_eq!(c.content.correspondents[0].name, "Sophie Bernard");
    assert_eq!(c.content.correspondents[0].substitute_name, "Karim Haddad");
    let events_before = events::count(&mut store.pool().clone(), None).await.unwrap();
    for (ctx, step, code) in [
        (&agency, Action::Sign, "already_signed"),
        (&ddets, Action::Sign, "not_party_representative"),
        (&ddets, Action::Reopen, "not_party_admin"),
        (&aci, Action::GiveNotice, "transition_not_allowed"),
    ] {
        let err = store
            .agreements(ctx)
            .act(ccl, act(step, date!(2026 - 11 - 20)))
            .await
            .unwrap_err();
        let got = match err {
            StoreError::Conflict { code, .. } | StoreError::Forbidden { code, .. } => code,
            other => panic!("{other:?}"),
        };
        assert_eq!(got, code, "{step:?}");
    }
    assert_eq!(
        events::count(&mut store.pool().clone(), None).await.unwrap(),
        events_before
    );
    let (_, change) = store
        .agreements(&aci)
        .act(ccl, act(Action::Sign, date!(2026 - 11 - 20)))
        .await
        .unwrap();
    assert_eq!(change.to, Status::InForce);
    assert!(matches!(
        store.agreements(&aci).update_draft(ccl, c.content.clone()).await,
        Err(StoreError::Conflict {
            code: "agreement_not_draft",
            ..
        })
    ));

    // Termination with three months' notice; the regional agreement is untouched.
    let (after, change) = store
        .agreements(&aci)
        .act(ccl, act(Action::GiveNotice, date!(2026 - 11 - 20)))
        .await
        .unwrap();
    assert_eq!(change.to, Status::Terminating);
    assert_eq!(after.terminates_on, Some(date!(2027 - 02 - 20)));
    assert_eq!(
        events::count(&mut store.pool().clone(), Some("agreement.give_notice"))
            .await
            .unwrap(),
        1
    );
    let lapse = store
        .agreements(&aci)
        .act(ccl, act(Action::Lapse, date!(2026 - 12 - 01)))
        .await
        .unwrap_err();
    assert!(
        matches!(lapse, StoreError::Invalid(ref i) if i.code == "lapse_cause_required"),
        "{lapse:?}"
    );

    // An ESAT-SPE draft missing Questions incontournables ESAT – SPE's items cannot go to signature.
    let esat_id = esat.memberships()[0].organisation_id;
    let cap = demo_ctx(&store, "cap-emploi").await.memberships()[0].organisation_id;
    let mut draft = passerelle_domain::agreements::AgreementContent {
        title: "Convention ESAT – Cap emploi".into(),
        ..Default::default()
    };
    for id in [esat_id, cap] {
        draft.parties.push(passerelle_domain::agreements::content::Party {
            organisation_id: id,
            name: "Partie".into(),
            ..Default::default()
        });
    }
    let d = store
        .agreements(&esat)
        .create(
            passerelle_domain::agreements::AgreementKind::EsatSpe,
            Some(regional),
            draft.clone(),
        )
        .await;
    assert!(
        matches!(d, Err(StoreError::Invalid(ref i)) if i.code == "agreement_parent_not_found"),
        "{d:?}"
    );
    let d = store
        .agreements(&esat)
        .create(passerelle_domain::agreements::AgreementKind::EsatSpe, None, draft)
        .await
        .unwrap();
    let list = store.agreements(&esat).checklist(d.id).await.unwrap();
    assert!(list.missing.contains(&"worker_situations") && list.missing.contains(&"reciprocity"));
    let err = store
        .agreements(&esat)
        .act(d.id, act(Action::Submit, date!(2026 - 11 - 20)))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { code: "checklist_incomplete", ref message } if message.contains("cinq situations"))
    );
    store.pool().close().await;
}

#[tokio::test]
async fn agreements_on_sqlite() {
    agreements_story(sqlite_demo().await).await;
}

#[tokio::test]
async fn agreements_on_postgres() {
    agreements_story(postgres_demo().await).await;
}

/// The outbox through a relay outage: nothing is lost while the relay is down, every mail is
/// delivered exactly once when it comes back, and two workers running at once never send the same mail.
async fn outbox_story(store: Store) {
    use passerelle_mail::Relay;
    use passerelle_mail::sink::Sink;
    use passerelle_store::infra::outbox::{Delivery, DeliveryReport, OutgoingMail};
    let sink = Sink::start(0).await.unwrap();
    let delivery = |worker: &str| Delivery {
        relay: Relay::new(sink.address.clone()),
        from: "Passerelle <no-reply@passerelle.test>".into(),
        worker: worker.into(),
        batch: 7,
        lease_seconds: 300,
    };
    let mail = |n: usize| OutgoingMail {
        dedupe_key: format!("digest:{n}:2026-06-01"),
        to: format!("user{n}@passerelle.test"),
        subject: format!("Vos échéances n° {n}"),
        text: "Bonjour,\nvoici vos échéances.".into(),
        attachment: (n == 0).then(|| {
            (
                "reunion.ics".into(),
                "text/calendar; charset=utf-8".into(),
                "BEGIN:VCALENDAR".into(),
            )
        }),
    };
    let t0 = time::macros::datetime!(2026-06-01 08:00 UTC);
    for n in 0..3 {
        assert!(store.enqueue_mail(&mail(n), t0).await.unwrap());
    }
    // The same mail enqueued again (a retried request, a second scheduler pass) is not added.
    assert!(!store.enqueue_mail(&mail(1), t0).await.unwrap());
    assert_eq!(count(&store, "outbox").await, 3);

    sink.set_up(false);
    let down = store.deliver_outbox(&delivery("a"), t0).await.unwrap();
    assert_eq!(
        down,
        DeliveryReport {
            sent: 0,
            retried: 3,
            failed: 0
        }
    );
    assert_eq!(store.outbox_counts().await.unwrap().pending, 3);
    // Not due again before the backoff.
    sink.set_up(true);
    assert_eq!(
        store.deliver_outbox(&delivery("a"), t0).await.unwrap(),
        DeliveryReport::default()
    );
    assert!(sink.received().is_empty());

    let t1 = t0 + time::Duration::seconds(61);
    assert_eq!(store.deliver_outbox(&delivery("a"), t1).await.unwrap().sent, 3);
    assert_eq!(
        store.deliver_outbox(&delivery("b"), t1).await.unwrap(),
        DeliveryReport::default()
    );
    let received = sink.received();
    assert_eq!(received.len(), 3);
    assert!(
        received
            .iter()
            .any(|r| r.to == ["user0@passerelle.test"] && r.data.contains("text/calendar"))
    );
    assert_eq!(store.outbox_counts().await.unwrap().sent, 3);

    // Two workers at once over 40 mails: each mail leaves once.
    for n in 3..43 {
        store.enqueue_mail(&mail(n), t1).await.unwrap();
    }
    let (worker_a, worker_b) = (delivery("a"), delivery("b"));
    let (a, b) = tokio::join!(store.deliver_outbox(&worker_a, t1), store.deliver_outbox(&worker_b, t1));
    assert_eq!(a.unwrap().sent + b.unwrap().sent, 40);
    let mut ids: Vec<String> = sink
        .received()
        .iter()
        .filter_map(|r| r.data.lines().find(|l| l.starts_with("Message-ID")).map(str::to_owned))
        .collect();
    assert_eq!(ids.len(), 43);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 43, "no mail sent twice");
    store.pool().close().await;
}

#[tokio::test]
async fn outbox_on_sqlite() {
    outbox_story(sqlite_store().await).await;
}

#[tokio::test]
async fn outbox_on_postgres() {
    outbox_story(postgres_store().await).await;
}

/// A figure: e-mails per second through the outbox to a local SMTP sink, one SMTP session per mail.
/// `cargo test --release -p passerelle-store --test story outbox_throughput -- --ignored --nocapture`
#[tokio::test]
#[ignore]
async fn outbox_throughput() {
    use passerelle_mail::{Relay, sink::Sink};
    use passerelle_store::infra::outbox::{Delivery, OutgoingMail};
    for (backend, store) in [("SQLite", sqlite_store().await), ("PostgreSQL", postgres_store().await)] {
        let sink = Sink::start(0).await.unwrap();
        let now = passerelle_store::infra::clock::now();
        let mut tx = store.begin().await.unwrap();
        for n in 0..2_000 {
            let mail = OutgoingMail {
                dedupe_key: format!("bench:{n}"),
                to: format!("user{n}@passerelle.test"),
                subject: "Vos échéances de la semaine".into(),
                text: "Bonjour,\n".repeat(40),
                attachment: None,
            };
            passerelle_store::infra::outbox::enqueue(&mut tx, &mail, now)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        let delivery = Delivery {
            relay: Relay::new(sink.address.clone()),
            from: "no-reply@passerelle.test".into(),
            worker: "bench".into(),
            batch: 100,
            lease_seconds: 300,
        };
        let started = std::time::Instant::now();
        let report = store.deliver_outbox(&delivery, now).await.unwrap();
        let seconds = started.elapsed().as_secs_f64();
        assert_eq!((report.sent, sink.received().len()), (2_000, 2_000));
        println!(
            "{backend}: 2,000 mails in {seconds:.2} s, {:.0} mails/s",
            2_000.0 / seconds
        );
    }
}

mod indicators {
    //! Every computed indicator against a scenario with known counts, masking, value as of a past
    //! moment; both databases.

    use super::{demo_ctx, postgres_demo, postgres_store, sqlite_demo, sqlite_store};
    use passerelle_domain::indicators::{Dimension, Granularity, IndicatorCode, PeriodRange};
    use passerelle_domain::pathways::iae::exit::{ActionInput, ExitOutcome};
    use passerelle_domain::pathways::iae::referral::StepInput;
    use passerelle_domain::pathways::iae::suspension::SuspensionReason;
    use passerelle_store::Store;
    use passerelle_store::indicators::{self, Request, Row, Viewer};
    use passerelle_store::infra::sql::{Executor, query};
    use passerelle_store::pathways::iae::exit::NewExitReview;
    use time::Date;
    use time::macros::date;
    use uuid::Uuid;

    fn request(dimensions: Vec<Dimension>, threshold: u64) -> Request {
        Request {
            range: PeriodRange::new(date!(2026 - 01 - 01), date!(2026 - 12 - 31)).unwrap(),
            granularity: Granularity::Year,
            dimensions,
            indicators: Vec::new(),
            as_of: None,
            threshold,
            viewer: Viewer::Public,
        }
    }

    fn value(rows: &[Row], code: IndicatorCode) -> Option<f64> {
        let found: Vec<&Row> = rows.iter().filter(|r| r.indicator == code.code()).collect();
        assert!(found.len() <= 1, "{} : {found:?}", code.code());
        found.first().and_then(|r| r.value)
    }

    async fn id_of(store: &Store, table: &str, column: &str, name: &str) -> Uuid {
        let mut db = store.pool().clone();
        db.fetch_one(query(format!("SELECT id FROM {table} WHERE {column} = $1")).bind(name))
            .await
            .unwrap()
            .get("id")
            .unwrap()
    }

    async fn action(
        store: &Store,
        ctx: &passerelle_store::AccessContext,
        person: Uuid,
        org: Uuid,
        kind: &str,
        on: Date,
        hours: Option<i64>,
    ) {
        let a = ActionInput {
            kind: kind.into(),
            title: format!("Action {kind}"),
            starts_on: Some(on),
            ends_on: None,
            hours,
        }
        .validate(on)
        .unwrap();
        store.add_action(ctx, person, org, a, None).await.unwrap();
    }

    /// The demo territory, then one person's whole pathway written through the store as users do.
    async fn scenario(store: Store) {
        let aci = demo_ctx(&store, "aci-jardins").await;
        let ei = demo_ctx(&store, "ei-recyclage").await;
        let aci_id = id_of(&store, "organisations", "name", "Les Jardins de la Combe").await;
        let durand = id_of(&store, "persons", "last_name", "Durand").await;
        let diallo = id_of(&store, "persons", "last_name", "Diallo").await;
        let diallo_prescription: Uuid = store
            .pool()
            .clone()
            .fetch_one(query("SELECT id FROM prescriptions WHERE person_id = $1").bind(diallo))
            .await
            .unwrap()
            .get("id")
            .unwrap();
        let refusal = StepInput {
            status: "refused".into(),
            motive: Some("no_position".into()),
            ..Default::default()
        };
        store
            .add_referral_step(&ei, diallo_prescription, &refusal, None)
            .await
            .unwrap();
        action(
            &store,
            &aci,
            durand,
            aci_id,
            "training",
            date!(2026 - 10 - 10),
            Some(35),
        )
        .await;
        action(&store, &aci, durand, aci_id, "poec", date!(2026 - 10 - 20), Some(70)).await;
        action(&store, &aci, durand, aci_id, "immersion", date!(2026 - 10 - 15), None).await;
        action(&store, &aci, durand, aci_id, "spe_service", date!(2026 - 10 - 12), None).await;
        store
            .record_registration(&aci, durand, aci_id, true, date!(2026 - 10 - 05), None)
            .await
            .unwrap();
        store
            .suspend_approval(
                &aci,
                durand,
                date!(2026 - 11 - 01),
                date!(2026 - 11 - 20),
                SuspensionReason::ContractSuspended,
                None,
            )
            .await
            .unwrap();
        store
            .hold_interview(
                &aci,
                durand,
                passerelle_store::pathways::iae::exit::HeldInterview {
                    held_on: date!(2026 - 11 - 10),
                    notes: "Bilan à mi-parcours",
                    attendance: None,
                },
                None,
            )
            .await
            .unwrap();
        // The exit comes after the hiring of 5 October (an exit dated before it is refused, exit_before_hiring).
        let review = NewExitReview {
            exit_on: date!(2026 - 11 - 30),
            outcome: ExitOutcome::Cdi,
            skills: "Maraîchage, travail en équipe",
            recommendations: None,
        };
        let follow_up = store.record_exit(&aci, durand, review, None).await.unwrap();
        let review_id = follow_up.exit_reviews[0].id;
        // The clock of a test does not move: the six months until the follow-up is due have passed.
        store
            .pool()
            .clone()
            .execute(
                query("UPDATE exit_reviews SET follow_up_on = $1 WHERE id = $2")
                    .bind(passerelle_store::today())
                    .bind(review_id),
            )
            .await
            .unwrap();
        store
            .record_exit_follow_up(&aci, review_id, true, true, None)
            .await
            .unwrap();

        // A signed local convention covering the ACI with the France Travail agency (its referent).
        let mut db = store.pool().clone();
        let agency = id_of(&store, "organisations", "name", "Agence France Travail Dijon Drapeau").await;
        let user: Uuid = db
            .fetch_one(query("SELECT id FROM users LIMIT 1"))
            .await
            .unwrap()
            .get("id")
            .unwrap();
        let ccl = crate::local_convention(
            &mut db,
            ("CCL test", "in_force"),
            (date!(2026 - 03 - 01), date!(2027 - 02 - 28)),
            agency,
        )
        .await;
        for (i, org) in [agency, aci_id].into_iter().enumerate() {
            db.execute(
                query(
                    "INSERT INTO agreement_parties (agreement_id, organisation_id, position, signed_on, signed_by_user_id) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(ccl)
                .bind(org)
                .bind(i as i64)
                .bind(date!(2026 - 02 - 20))
                .bind(user),
            )
            .await
            .unwrap();
        }
        let siae: i64 = db
            .fetch_one(query(
                "SELECT COUNT(*) AS n FROM organisations WHERE kind IN ('aci','ei','eiti','ai','etti')",
            ))
            .await
            .unwrap()
            .get("n")
            .unwrap();

        let table = indicators::compute(&store, &request(vec![], 1)).await.unwrap();
        let rows = &table.rows;
        use IndicatorCode as I;
        let expected: &[(IndicatorCode, Option<f64>)] = &[
            // demo: 3 prescriptions, 2 by France Travail (Durand, Diallo; Marchal's is the Mission locale's,
            // not a candidate « orienté par Pôle emploi », Accord régional BFC 2016 fiche 4); 4 offers;
            // Durand hired on 5 October, a hiring dated before its prescription (entered after the fact): no
            // delay to measure.
            (I::CandidatesOriented, Some(2.0)),
            (I::OffersDeposited, Some(4.0)),
            (I::Hirings, Some(1.0)),
            (I::HiringRefusals, Some(1.0)),
            (I::MedianDaysToHiring, None),
            (I::TrainingHours, Some(105.0)),
            (I::Trainees, Some(1.0)),
            (I::PreHireTrainings, Some(1.0)),
            (I::Immersions, Some(1.0)),
            (I::SpeServices, Some(1.0)),
            (I::SpeRegisteredShare, Some(100.0)),
            (I::Suspensions, Some(1.0)),
            (I::InterviewsHeld, Some(1.0)),
            // Held in November, long before its due date (2 months before the end of the PASS IAE).
            (I::InterviewsOnTimeShare, Some(100.0)),
            (I::Exits, Some(1.0)),
            (I::SpeRegistered6MonthsShare, Some(100.0)),
            (I::Prolongations, None),
            (I::Extensions, None),
            (I::ApprovalRefusals, None),
            (I::LocalConventionsShare, Some(indicators_share(1, siae))),
            (I::SpeReferentShare, Some(indicators_share(1, siae))),
            // The ESAT du Suzon: Fontaine hired at the clinic in January, Arnaud in double activity from March,
            // Masson's convention d'appui of 2025 renewed in September (no new one); the ESAT de l'Ouche: Caron
            // back in February under the right to return.
            (I::EsatExitsToOrdinaryWork, Some(1.0)),
            (I::EsatDoubleActivity, Some(1.0)),
            (I::EsatSupportConventionsConcluded, None),
            (I::EsatSupportConventionsInForce, Some(1.0)),
            (I::EsatReturns, Some(1.0)),
        ];
        for (code, want) in expected {
            assert_eq!(value(rows, *code), *want, "{}", code.code());
        }
        assert!(table.pending.is_empty(), "every declared indicator is computed");

        // By exit outcome: only the exits break down that way.
        let by_outcome = indicators::compute(&store, &request(vec![Dimension::ExitOutcome], 1))
            .await
            .unwrap();
        let outcomes = |code: IndicatorCode| -> Vec<&str> {
            by_outcome
                .rows
                .iter()
                .filter(|r| r.indicator == code.code())
                .map(|r| r.dimensions["exit_outcome"].as_str())
                .collect()
        };
        assert_eq!(outcomes(I::Exits), ["cdi"]);
        // An ESAT worker's exit, by the situation entered.
        assert_eq!(outcomes(I::EsatExitsToOrdinaryWork), ["job_retention"]);
        assert_eq!(by_outcome.rows.len(), 2);
        assert!(by_outcome.not_along.contains(&I::Hirings));

        // The value as of a past moment is what was computed then, whatever was recorded since.
        let then = passerelle_store::infra::clock::now();
        let before = indicators::compute(&store, &request(vec![Dimension::Department, Dimension::SiaeKind], 1))
            .await
            .unwrap();
        action(
            &store,
            &aci,
            durand,
            aci_id,
            "training",
            date!(2026 - 10 - 25),
            Some(20),
        )
        .await;
        let mut past = request(vec![Dimension::Department, Dimension::SiaeKind], 1);
        past.as_of = Some(then);
        let replayed = indicators::compute(&store, &past).await.unwrap();
        assert_eq!(replayed.rows, before.rows);
        let now = indicators::compute(&store, &request(vec![], 1)).await.unwrap();
        assert_eq!(value(&now.rows, I::TrainingHours), Some(125.0));

        // The same figures from the plain GROUP BY over the recorded tables.
        let plain = indicators::compute_from(
            &store,
            &request(vec![Dimension::Department, Dimension::SiaeKind], 1),
            indicators::Origin::Sources,
        )
        .await
        .unwrap();
        let facts = indicators::compute(&store, &request(vec![Dimension::Department, Dimension::SiaeKind], 1))
            .await
            .unwrap();
        assert_eq!(plain.rows, facts.rows);

        // With the default threshold, a single person's figures are masked in the published table.
        let masked = indicators::compute(&store, &request(vec![], 5)).await.unwrap();
        let hirings = masked.rows.iter().find(|r| r.indicator == "hirings").unwrap();
        assert!(hirings.masked && hirings.value.is_none());
        // Offers count no one: shown.
        assert_eq!(value(&masked.rows, I::OffersDeposited), Some(4.0));
    }

    /// Facts of `people` distinct people in a cell (department, SIAE kind, organisation).
    async fn facts(store: &Store, department: &str, kind: &str, organisation: Uuid, people: usize) {
        let mut db = store.pool().clone();
        for _ in 0..people {
            db.execute(
                query(
                    "INSERT INTO indicator_facts (indicator, occurred_on, recorded_at, organisation_id, department, \
                     siae_kind, person_id, source_id, detail, value) VALUES ('hirings', $1, $2, $3, $4, $5, $6, $7, NULL, 1)",
                )
                .bind(date!(2026 - 03 - 10))
                .bind(passerelle_store::infra::clock::now())
                .bind(organisation)
                .bind(department)
                .bind(kind)
                .bind(Uuid::new_v4())
                .bind(Uuid::new_v4()),
            )
            .await
            .unwrap();
        }
    }

    /// Masking on a department x SIAE kind table: the small cell, then its row and column
    /// partners, so that no masked cell can be recovered from the department or kind totals.
    async fn masking(store: Store) {
        let orgs: Vec<Uuid> = (0..6).map(|_| Uuid::new_v4()).collect();
        let cells = [
            ("21", "ACI", 3),
            ("21", "EI", 10),
            ("25", "ACI", 8),
            ("25", "EI", 12),
            ("39", "ACI", 20),
            ("39", "EI", 30),
        ];
        for ((dep, kind, n), org) in cells.iter().zip(&orgs) {
            facts(&store, dep, kind, *org, *n).await;
        }
        let mut req = request(vec![Dimension::Department, Dimension::SiaeKind], 5);
        req.indicators = vec![IndicatorCode::Hirings];
        let table = indicators::compute(&store, &req).await.unwrap();
        let shown: Vec<(String, String, Option<f64>)> = table
            .rows
            .iter()
            .map(|r| {
                (
                    r.dimensions["department"].clone(),
                    r.dimensions["siae_kind"].clone(),
                    r.value,
                )
            })
            .collect();
        let s = |d: &str, k: &str, v: Option<f64>| (d.to_owned(), k.to_owned(), v);
        assert_eq!(
            shown,
            vec![
                s("21", "ACI", None),
                s("21", "EI", None),
                s("25", "ACI", None),
                s("25", "EI", None),
                s("39", "ACI", Some(20.0)),
                s("39", "EI", Some(30.0))
            ]
        );
        assert!(table.rows.iter().all(|r| r.masked == r.value.is_none()));

        // By organisation: the members of the 3-person SIAE see their own figure, the other small cell of
        // the line is protected by another partner.
        req.dimensions = vec![Dimension::Organisation];
        req.viewer = Viewer::Members(vec![orgs[0]]);
        let own = indicators::compute(&store, &req).await.unwrap();
        let of = |o: Uuid| {
            own.rows
                .iter()
                .find(|r| r.dimensions["organisation"] == o.to_string())
                .unwrap()
                .value
        };
        assert_eq!(of(orgs[0]), Some(3.0));
        assert_eq!(
            own.rows.iter().filter(|r| r.masked).count(),
            0,
            "no small cell but the viewer's own"
        );
        req.viewer = Viewer::Public;
        let public = indicators::compute(&store, &req).await.unwrap();
        let masked: Vec<bool> = orgs
            .iter()
            .map(|o| {
                public
                    .rows
                    .iter()
                    .find(|r| r.dimensions["organisation"] == o.to_string())
                    .unwrap()
                    .masked
            })
            .collect();
        // 3 masked (primary), 8 the smallest other (secondary).
        assert_eq!(masked, vec![true, false, true, false, false, false]);
    }

    /// One fact, as the triggers write it.
    #[allow(clippy::too_many_arguments)]
    async fn fact(
        store: &Store,
        indicator: &str,
        on: Date,
        department: &str,
        kind: Option<&str>,
        person: Option<Uuid>,
        detail: Option<&str>,
        value: i64,
    ) {
        let mut db = store.pool().clone();
        db.execute(
            query(
                "INSERT INTO indicator_facts (indicator, occurred_on, recorded_at, organisation_id, department, \
                 siae_kind, person_id, source_id, detail, value) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(indicator)
            .bind(on)
            .bind(passerelle_store::infra::clock::now())
            .bind(Uuid::new_v4())
            .bind(department)
            .bind(kind)
            .bind(person)
            .bind(Uuid::new_v4())
            .bind(detail)
            .bind(value),
        )
        .await
        .unwrap();
    }

    /// The roll-up (migration 0013) gives the same rows as the facts, for whole months,
    /// quarters and the year along department x SIAE kind; clipped periods and past moments read the facts.
    async fn rollup(store: Store) {
        let [a, b, c, d] = [(); 4].map(|_| Some(Uuid::new_v4()));
        let aci = Some("ACI");
        // Written out of date order: the later hiring of A first.
        fact(&store, "hirings", date!(2025 - 02 - 20), "21", aci, a, None, 1).await;
        fact(&store, "hirings", date!(2025 - 01 - 10), "21", aci, a, None, 1).await;
        fact(&store, "hirings", date!(2025 - 04 - 02), "21", aci, b, None, 1).await;
        fact(&store, "hirings", date!(2025 - 03 - 31), "21", None, c, None, 1).await;
        fact(&store, "hirings", date!(2025 - 03 - 05), "25", Some("EI"), a, None, 1).await;
        fact(
            &store,
            "offers_deposited",
            date!(2025 - 03 - 01),
            "25",
            Some("EI"),
            None,
            None,
            1,
        )
        .await;
        fact(
            &store,
            "offers_deposited",
            date!(2025 - 03 - 02),
            "25",
            Some("EI"),
            None,
            None,
            1,
        )
        .await;
        fact(
            &store,
            "spe_registered_share",
            date!(2025 - 03 - 01),
            "21",
            aci,
            a,
            None,
            1,
        )
        .await;
        fact(
            &store,
            "spe_registered_share",
            date!(2025 - 01 - 05),
            "21",
            aci,
            a,
            None,
            0,
        )
        .await;
        fact(
            &store,
            "spe_registered_share",
            date!(2025 - 02 - 01),
            "21",
            aci,
            b,
            None,
            0,
        )
        .await;
        fact(
            &store,
            "spe_registered_share",
            date!(2025 - 08 - 01),
            "21",
            aci,
            b,
            None,
            1,
        )
        .await;
        fact(
            &store,
            "training_hours",
            date!(2025 - 01 - 15),
            "21",
            aci,
            a,
            Some("training"),
            35,
        )
        .await;
        fact(
            &store,
            "training_hours",
            date!(2025 - 02 - 15),
            "21",
            aci,
            a,
            Some("poec"),
            10,
        )
        .await;
        fact(
            &store,
            "training_hours",
            date!(2025 - 05 - 01),
            "21",
            aci,
            b,
            Some("training"),
            20,
        )
        .await;
        fact(
            &store,
            "median_days_to_hiring",
            date!(2025 - 01 - 10),
            "21",
            aci,
            a,
            None,
            12,
        )
        .await;
        fact(
            &store,
            "median_days_to_hiring",
            date!(2025 - 04 - 02),
            "21",
            aci,
            b,
            None,
            30,
        )
        .await;
        // A hiring entered after the fact, dated before its prescription: no delay to measure, left out.
        fact(
            &store,
            "median_days_to_hiring",
            date!(2025 - 05 - 20),
            "21",
            aci,
            a,
            None,
            -40,
        )
        .await;
        fact(
            &store,
            "exits",
            date!(2025 - 06 - 30),
            "25",
            Some("EI"),
            d,
            Some("cdi"),
            1,
        )
        .await;
        fact(
            &store,
            "exits",
            date!(2025 - 12 - 31),
            "25",
            Some("EI"),
            d,
            Some("cdd"),
            1,
        )
        .await;

        let year = PeriodRange::new(date!(2025 - 01 - 01), date!(2025 - 12 - 31)).unwrap();
        let ask = |range: PeriodRange, granularity: Granularity, dimensions: Vec<Dimension>, threshold: u64| Request {
            range,
            granularity,
            dimensions,
            indicators: Vec::new(),
            as_of: None,
            threshold,
            viewer: Viewer::Public,
        };
        let at = |rows: &[Row], code: &str, period: &str, department: &str, kind: &str| {
            rows.iter()
                .find(|r| {
                    r.indicator == code
                        && r.period == period
                        && r.dimensions["department"] == department
                        && r.dimensions["siae_kind"] == kind
                })
                .and_then(|r| r.value)
        };
        let dk = vec![Dimension::Department, Dimension::SiaeKind];
        let kd = vec![Dimension::SiaeKind, Dimension::Department];
        let spring = PeriodRange::new(date!(2025 - 03 - 01), date!(2025 - 08 - 31)).unwrap();
        let mut whole_quarter = None;
        for (range, granularity, dims) in [
            (year, Granularity::Quarter, dk.clone()),
            (year, Granularity::Month, dk.clone()),
            (year, Granularity::Year, kd.clone()),
            (spring, Granularity::Month, kd.clone()),
        ] {
            for threshold in [1, 2] {
                let rolled = indicators::compute(&store, &ask(range, granularity, dims.clone(), threshold))
                    .await
                    .unwrap();
                let mut now = ask(range, granularity, dims.clone(), threshold);
                now.as_of = Some(passerelle_store::infra::clock::now());
                let from_facts = indicators::compute(&store, &now).await.unwrap();
                assert!(!rolled.rows.is_empty());
                assert_eq!(rolled.rows, from_facts.rows, "{granularity:?} {dims:?} {threshold}");
                if granularity == Granularity::Quarter && threshold == 1 {
                    whole_quarter = Some(rolled.rows);
                }
            }
        }
        let q = whole_quarter.unwrap();
        assert_eq!(at(&q, "hirings", "2025-T1", "21", "ACI"), Some(2.0));
        assert_eq!(at(&q, "hirings", "2025-T1", "21", ""), Some(1.0));
        assert_eq!(at(&q, "offers_deposited", "2025-T1", "25", "EI"), Some(2.0));
        assert_eq!(at(&q, "spe_registered_share", "2025-T1", "21", "ACI"), Some(50.0));
        assert_eq!(at(&q, "trainees", "2025-T1", "21", "ACI"), Some(1.0));
        assert_eq!(at(&q, "training_hours", "2025-T1", "21", "ACI"), Some(45.0));
        assert_eq!(at(&q, "median_days_to_hiring", "2025-T2", "21", "ACI"), Some(30.0));
        // Two people hired in that cell, but the median measures one of them: masked from 2 people on.
        let masked = indicators::compute(&store, &ask(year, Granularity::Quarter, dk.clone(), 2))
            .await
            .unwrap();
        assert_eq!(at(&masked.rows, "median_days_to_hiring", "2025-T2", "21", "ACI"), None);
        assert_eq!(at(&q, "exits", "2025-T4", "25", "EI"), Some(1.0));

        // A range that clips its months reads the facts: the facts of 10 and 15 January are out.
        let clipped = ask(
            PeriodRange::new(date!(2025 - 01 - 16), date!(2025 - 03 - 31)).unwrap(),
            Granularity::Quarter,
            dk.clone(),
            1,
        );
        let rows = indicators::compute(&store, &clipped).await.unwrap().rows;
        assert_eq!(at(&rows, "training_hours", "2025-T1", "21", "ACI"), Some(10.0));
        assert_eq!(at(&rows, "spe_registered_share", "2025-T1", "21", "ACI"), Some(50.0));

        // The value as of a past moment reads the facts recorded until then; the roll-up has the later ones.
        let then = passerelle_store::infra::clock::now();
        fact(&store, "hirings", date!(2025 - 02 - 01), "21", aci, b, None, 1).await;
        let mut past = ask(year, Granularity::Quarter, dk.clone(), 1);
        past.as_of = Some(then);
        let rows = indicators::compute(&store, &past).await.unwrap().rows;
        assert_eq!(rows, q);
        let rows = indicators::compute(&store, &ask(year, Granularity::Quarter, dk.clone(), 1))
            .await
            .unwrap()
            .rows;
        assert_eq!(at(&rows, "hirings", "2025-T1", "21", "ACI"), Some(3.0));

        // The whole-period table is the roll-up's: a fact removed behind its back does not change it.
        let mut db = store.pool().clone();
        db.execute(query(
            "DELETE FROM indicator_facts WHERE indicator = 'offers_deposited'",
        ))
        .await
        .unwrap();
        let rows = indicators::compute(&store, &ask(year, Granularity::Quarter, dk, 1))
            .await
            .unwrap()
            .rows;
        assert_eq!(at(&rows, "offers_deposited", "2025-T1", "25", "EI"), Some(2.0));
    }

    #[tokio::test]
    async fn indicators_rollup_on_sqlite() {
        rollup(sqlite_store().await).await;
    }

    #[tokio::test]
    async fn indicators_rollup_on_postgres() {
        rollup(postgres_store().await).await;
    }

    #[tokio::test]
    async fn masking_on_sqlite() {
        masking(sqlite_store().await).await;
    }

    #[tokio::test]
    async fn masking_on_postgres() {
        masking(postgres_store().await).await;
    }

    fn indicators_share(part: i64, whole: i64) -> f64 {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }

    #[tokio::test]
    async fn indicators_on_sqlite() {
        scenario(sqlite_demo().await).await;
    }

    #[tokio::test]
    async fn indicators_on_postgres() {
        scenario(postgres_demo().await).await;
    }
}
/// Governance on the demo territory: who sees a committee, the frequency check, the 10-day agenda
/// rule, invitations read back by an independent iCalendar parser and delivered exactly once through a relay
/// outage, agenda items, documents, minutes validated by the deliberative members, transmission, the
/// extraordinary meeting, action items and the deadlines engine's scan and digest.
async fn governance_story(store: Store) {
    use passerelle_domain::calendar::add_days;
    use passerelle_domain::governance::{AgendaNotice, CommitteeKind, FrequencyStatus, MemberVote};
    use passerelle_mail::{Relay, sink::Sink};
    use passerelle_store::governance::committees::{NewCommittee, NewMember};
    use passerelle_store::governance::meetings::{NewDecision, NewMeeting};
    use passerelle_store::governance::mutual_knowledge::NewMutualKnowledgeAction;
    use passerelle_store::infra::outbox::Delivery;
    use passerelle_store::obligations::{Source, Window};
    let today = passerelle_store::infra::clock::now().date();
    let ft = demo_ctx(&store, "ft-dijon").await;
    let aci = demo_ctx(&store, "aci-jardins").await;
    let ddets = demo_ctx(&store, "ddets-21").await;
    let outsider = demo_ctx(&store, "employeur-boulangerie").await;
    let org = |ctx: &passerelle_store::AccessContext| ctx.memberships()[0].organisation_id;

    step("The demo CTA: seen by its members and secretary, 404 for anyone else");
    let list = store.committees(&ft).await.unwrap();
    let cta = list
        .iter()
        .find(|c| c.kind == CommitteeKind::Cta)
        .expect("demo CTA")
        .clone();
    assert!(store.committees(&aci).await.unwrap().iter().any(|c| c.id == cta.id));
    assert!(
        !store
            .committees(&outsider)
            .await
            .unwrap()
            .iter()
            .any(|c| c.id == cta.id)
    );
    assert!(matches!(
        store.committee(&outsider, cta.id).await,
        Err(StoreError::NotFound { .. })
    ));
    let cta = store.committee(&ft, cta.id).await.unwrap();
    assert!(cta.can_manage);
    assert!(!store.committee(&aci, cta.id).await.unwrap().can_manage);
    // The regional agreement's roadmap (Accord régional BFC 2016 annex 3) became action items, and so did the decision.
    assert!(cta.action_items.iter().any(|i| i.origin == "roadmap"));
    assert!(cta.action_items.iter().any(|i| i.origin == "decision"));

    step("Frequency: a CTA with only 3 meetings last year is flagged (Accord régional BFC 2016 fiche 8)");
    let member = |organisation_id, vote, email: &str| NewMember {
        organisation_id,
        person_name: Some("Référent".into()),
        email: Some(email.into()),
        vote,
        by_right: true,
    };
    let new_committee = |kind, name: &str| NewCommittee {
        kind,
        name: name.into(),
        department: Some("21".into()),
        region: None,
        frequency: None,
        agenda_notice_days: None,
        secretary_organisation_id: org(&ft),
        agreement_ids: Vec::new(),
        members: vec![
            member(org(&aci), MemberVote::Deliberative, "aci@passerelle.test"),
            member(org(&ddets), MemberVote::Consultative, "ddets@passerelle.test"),
        ],
    };
    let meeting = |held_on| NewMeeting {
        held_on,
        start_time: "09:30".into(),
        end_time: "12:00".into(),
        place: Some("Dijon".into()),
        video_link: None,
        extraordinary: false,
        termination_agreement_id: None,
    };
    let three = store
        .create_committee(&ft, new_committee(CommitteeKind::Cta, "CTA de Beaune"), None)
        .await
        .unwrap();
    let last_year = today.year() - 1;
    for (month, day) in [(2, 10), (5, 12), (12, 8)] {
        let on = time::Date::from_calendar_date(last_year, time::Month::try_from(month).unwrap(), day).unwrap();
        store.create_meeting(&ft, three.id, meeting(on), None).await.unwrap();
    }
    let report = &store.committee(&ft, three.id).await.unwrap().frequency_reports[1];
    assert_eq!((report.year, report.held, report.required), (last_year, 3, 4));
    assert_eq!(report.status, FrequencyStatus::Missed);
    assert_eq!(report.gaps[0].code, "quarter_without_meeting");

    step("Bad input changes nothing");
    let before = count(&store, "meetings").await;
    let mut bad = meeting(today);
    bad.place = None;
    assert!(
        matches!(store.create_meeting(&ft, three.id, bad, None).await, Err(StoreError::Invalid(e)) if e.code == "meeting_place_required")
    );
    let mut bad = meeting(today);
    bad.end_time = "08:00".into();
    assert!(
        matches!(store.create_meeting(&ft, three.id, bad, None).await, Err(StoreError::Invalid(e)) if e.code == "meeting_ends_before_start")
    );
    assert!(matches!(
        store.create_meeting(&aci, three.id, meeting(today), None).await,
        Err(StoreError::Forbidden { .. })
    ));
    assert_eq!(count(&store, "meetings").await, before);

    step(
        "The 10-day rule of the regional steering committee (Accord régional BFC 2016 article 3): a warning, never a refusal",
    );
    let regional = store
        .create_committee(
            &ft,
            new_committee(CommitteeKind::RegionalSteering, "Comité de pilotage régional"),
            None,
        )
        .await
        .unwrap();
    assert_eq!(regional.agenda_notice_days, Some(10));
    let soon = store
        .create_meeting(&ft, regional.id, meeting(add_days(today, 5)), None)
        .await
        .unwrap();
    assert!(
        matches!(&soon.agenda_notice, Some(AgendaNotice::Late { warning, .. }) if warning.code == "agenda_not_sent")
    );
    assert!(soon.warnings.iter().any(|w| w.code == "agenda_not_sent"));
    let later = store
        .create_meeting(&ft, regional.id, meeting(add_days(today, 30)), None)
        .await
        .unwrap();
    assert_eq!(
        later.agenda_notice,
        Some(AgendaNotice::Due {
            due_on: add_days(today, 20)
        })
    );
    step("The secretary's obligation to send the agenda is in the deadlines, 10 days before");
    let due = store
        .deadlines(&ft, add_days(today, -30), add_days(today, 60), today)
        .await
        .unwrap();
    assert!(
        due.iter()
            .any(|d| d.source == Source::AgendaSending && d.due_on == add_days(today, 20))
    );
    assert!(due.iter().any(|d| d.source == Source::AgendaSending && d.overdue));
    assert!(
        store
            .deadlines(&aci, add_days(today, -30), add_days(today, 60), today)
            .await
            .unwrap()
            .iter()
            .all(|d| d.source != Source::AgendaSending)
    );

    step("Agenda built with the members: an SIAE proposes, the secretary accepts; an outsider cannot");
    let m = store
        .propose_agenda_item(&aci, later.id, org(&aci), "Accès aux formations POEC", None)
        .await
        .unwrap();
    let item = m.agenda.iter().find(|a| a.status == "proposed").unwrap().id;
    assert!(matches!(
        store
            .propose_agenda_item(&outsider, later.id, org(&outsider), "x", None)
            .await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.decide_agenda_item(&aci, later.id, item, true).await,
        Err(StoreError::Forbidden { .. })
    ));
    let m = store.decide_agenda_item(&ft, later.id, item, true).await.unwrap();
    assert_eq!(m.agenda[0].status, "accepted");

    step("Documents: type and size checked, bytes kept");
    assert!(
        matches!(store.attach_meeting_document(&ft, later.id, "virus.exe", "application/x-msdownload", vec![1]).await, Err(StoreError::Invalid(e)) if e.code == "document_type_not_allowed")
    );
    assert!(
        matches!(store.attach_meeting_document(&ft, later.id, "vide.pdf", "application/pdf", vec![]).await, Err(StoreError::Invalid(e)) if e.code == "document_size_invalid")
    );
    let pdf = b"%PDF-1.4 bilan".to_vec();
    let m = store
        .attach_meeting_document(&ft, later.id, "bilan.pdf", "application/pdf", pdf.clone())
        .await
        .unwrap();
    let doc = store.meeting_document(&aci, later.id, m.documents[0].id).await.unwrap();
    assert_eq!((doc.file_name.as_str(), doc.content), ("bilan.pdf", pdf));
    assert!(
        store
            .meeting_document(&outsider, later.id, m.documents[0].id)
            .await
            .is_err()
    );

    step("The invitation read back by the `ical` crate: one event, Paris time, deliberative members required");
    let ics = store.meeting_invitation(&aci, later.id).await.unwrap();
    let mut parser = ical::IcalParser::new(ics.as_bytes());
    let calendar = parser.next().expect("a calendar").expect("valid iCalendar");
    assert_eq!((calendar.events.len(), calendar.timezones.len()), (1, 1));
    let props = &calendar.events[0].properties;
    let values = |name: &str| -> Vec<String> {
        props
            .iter()
            .filter(|p| p.name == name)
            .filter_map(|p| p.value.clone())
            .collect()
    };
    assert_eq!(values("UID"), [format!("{}@passerelle", later.id)]);
    let start = add_days(today, 30);
    assert_eq!(
        values("DTSTART"),
        [format!(
            "{}{:02}{:02}T093000",
            start.year(),
            u8::from(start.month()),
            start.day()
        )]
    );
    assert!(values("DESCRIPTION")[0].contains("Accès aux formations POEC"));
    let attendees: Vec<_> = props.iter().filter(|p| p.name == "ATTENDEE").collect();
    assert_eq!(attendees.len(), 2);
    let role_of = |email: &str| {
        let a = attendees
            .iter()
            .find(|a| a.value.as_deref() == Some(&format!("mailto:{email}")))
            .unwrap();
        a.params.as_ref().unwrap().iter().find(|(k, _)| k == "ROLE").unwrap().1[0].clone()
    };
    assert_eq!(role_of("aci@passerelle.test"), "REQ-PARTICIPANT");
    assert_eq!(role_of("ddets@passerelle.test"), "OPT-PARTICIPANT");

    step("Invitations through the outbox, across a relay outage: nothing lost, each delivered exactly once");
    let sink = Sink::start(0).await.unwrap();
    let delivery = Delivery {
        relay: Relay::new(sink.address.clone()),
        from: "Passerelle <no-reply@passerelle.test>".into(),
        worker: "governance".into(),
        batch: 50,
        lease_seconds: 300,
    };
    // Empty the demo's outbox first: only the invitations count below.
    let t0 = passerelle_store::infra::clock::now();
    store.deliver_outbox(&delivery, t0).await.unwrap();
    let already = sink.received().len();
    let sent = store.send_invitations(&ft, later.id, t0).await.unwrap();
    assert_eq!(sent.invitation_sequence, 1);
    assert!(matches!(sent.agenda_notice, Some(AgendaNotice::OnTime { .. })));
    assert!(matches!(
        store.send_invitations(&aci, later.id, t0).await,
        Err(StoreError::Forbidden { .. })
    ));
    sink.set_up(false);
    let down = store.deliver_outbox(&delivery, t0).await.unwrap();
    assert_eq!((down.sent, down.retried), (0, 2));
    sink.set_up(true);
    let t1 = t0 + time::Duration::seconds(61);
    assert_eq!(store.deliver_outbox(&delivery, t1).await.unwrap().sent, 2);
    assert_eq!(
        store
            .deliver_outbox(&delivery, t1 + time::Duration::hours(2))
            .await
            .unwrap()
            .sent,
        0
    );
    let received = sink.received();
    assert_eq!(received.len() - already, 2);
    for email in ["aci@passerelle.test", "ddets@passerelle.test"] {
        let mails: Vec<_> = received.iter().filter(|r| r.to == [email]).collect();
        assert_eq!(mails.len(), 1, "{email} invited once");
        assert!(mails[0].data.contains("text/calendar"));
    }
    step("Sent late: recorded with its warning");
    let late = store.send_invitations(&ft, soon.id, t1).await.unwrap();
    assert!(
        matches!(&late.agenda_notice, Some(AgendaNotice::Late { warning, .. }) if warning.code == "agenda_sent_late")
    );
    let due = store
        .deadlines(&ft, add_days(today, -30), add_days(today, 60), today)
        .await
        .unwrap();
    assert!(
        !due.iter()
            .any(|d| d.source == Source::AgendaSending && d.link.contains(&soon.id.to_string()))
    );

    step("Called off: the invited members get the cancellation (METHOD:CANCEL, next sequence); once only");
    let mails = count(&store, "outbox").await;
    let cancelled = store.cancel_meeting(&ft, soon.id, t1).await.unwrap();
    assert_eq!(
        (cancelled.status.as_str(), cancelled.invitation_sequence),
        ("cancelled", 2)
    );
    assert_eq!(count(&store, "outbox").await, mails + 2);
    let ics = store.meeting_invitation(&aci, soon.id).await.unwrap();
    assert!(ics.contains("METHOD:CANCEL") && ics.contains("STATUS:CANCELLED"));
    assert!(matches!(
        store.cancel_meeting(&ft, soon.id, t1).await,
        Err(StoreError::Conflict {
            code: "meeting_not_planned",
            ..
        })
    ));

    step("Minutes and decisions of a held meeting, validated by the deliberative members only");
    let held = store
        .create_meeting(&ft, three.id, meeting(add_days(today, -3)), None)
        .await
        .unwrap();
    let aci_member = held.members.iter().find(|x| x.organisation_id == org(&aci)).unwrap().id;
    let ddets_member = held
        .members
        .iter()
        .find(|x| x.organisation_id == org(&ddets))
        .unwrap()
        .id;
    let held = store
        .record_attendance(
            &ft,
            held.id,
            &[(aci_member, "present".into()), (ddets_member, "excused".into())],
        )
        .await
        .unwrap();
    assert_eq!(held.status, "held");
    assert!(
        matches!(store.record_attendance(&ft, held.id, &[(aci_member, "là".into())]).await, Err(StoreError::Invalid(e)) if e.code == "presence_unknown")
    );
    let decision = |owner| NewDecision {
        text: "Organiser une visite croisée".into(),
        owner_organisation_id: owner,
        due_on: Some(add_days(today, -1)),
    };
    assert!(
        matches!(store.write_minutes(&ft, held.id, "Compte rendu", &[decision(org(&outsider))]).await, Err(StoreError::Invalid(e)) if e.code == "decision_owner_not_member")
    );
    let held = store
        .write_minutes(&ft, held.id, "Compte rendu de la réunion", &[decision(org(&aci))])
        .await
        .unwrap();
    assert_eq!(held.decisions.len(), 1);
    assert!(held.decisions[0].overdue);
    assert!(matches!(
        store.validate_minutes(&ddets, held.id).await,
        Err(StoreError::Forbidden {
            code: "minutes_deliberative_only",
            ..
        })
    ));
    assert!(matches!(
        store.transmit_minutes(&ft, held.id, regional.id).await,
        Err(StoreError::Conflict {
            code: "minutes_not_validated",
            ..
        })
    ));
    let held = store.validate_minutes(&aci, held.id).await.unwrap();
    assert_eq!(held.minutes_validated_on, Some(today));
    assert!(matches!(
        store.write_minutes(&ft, held.id, "Autre", &[]).await,
        Err(StoreError::Conflict {
            code: "minutes_already_validated",
            ..
        })
    ));
    step("Transmitted to another committee (CTA -> CDIAE / commission), recorded once");
    store.transmit_minutes(&ft, held.id, regional.id).await.unwrap();
    let held = store.transmit_minutes(&ft, held.id, regional.id).await.unwrap();
    assert_eq!(held.transmissions.len(), 1);

    step("Overdue action items surface for their owner; closing one closes its obligation");
    let overdue = store.overdue_action_items(&aci).await.unwrap();
    assert!(overdue.iter().any(|i| i.id == held.decisions[0].id));
    let aci_due = store.deadlines(&aci, add_days(today, -30), today, today).await.unwrap();
    assert!(aci_due.iter().any(|d| d.source == Source::ActionItem && d.overdue));
    assert!(matches!(
        store.set_action_item_status(&ddets, held.decisions[0].id, "done").await,
        Err(StoreError::Forbidden { .. })
    ));
    let done = store
        .set_action_item_status(&aci, held.decisions[0].id, "done")
        .await
        .unwrap();
    assert!(!done.overdue);
    assert!(
        !store
            .deadlines(&aci, add_days(today, -30), today, today)
            .await
            .unwrap()
            .iter()
            .any(|d| d.source == Source::ActionItem && d.overdue)
    );

    step("An extraordinary meeting on a termination request, for an agreement the committee steers only");
    let agreement = cta.agreements[0].id;
    let extraordinary = NewMeeting {
        extraordinary: true,
        termination_agreement_id: Some(agreement),
        ..meeting(add_days(today, 15))
    };
    assert!(
        matches!(store.create_meeting(&ft, three.id, extraordinary.clone(), None).await, Err(StoreError::Invalid(e)) if e.code == "termination_agreement_not_steered")
    );
    let m = store.create_meeting(&ft, cta.id, extraordinary, None).await.unwrap();
    assert!(m.extraordinary && m.termination_agreement_id == Some(agreement));

    step("The daily scan: organisations told once in the application, one digest per user and day");
    store
        .create_meeting(&ft, regional.id, meeting(add_days(today, 12)), None)
        .await
        .unwrap();
    let first = store.scan_deadlines(today, Window::default(), t1).await.unwrap();
    assert!(first.due > 0 && first.notified > 0 && first.digests > 0, "{first:?}");
    let again = store.scan_deadlines(today, Window::default(), t1).await.unwrap();
    assert_eq!((again.notified, again.digests), (0, 0));
    assert!(
        store
            .notifications(&ft)
            .await
            .unwrap()
            .iter()
            .any(|n| n.subject_type == "obligation")
    );

    step("Mutual-knowledge actions, counted per period for the indicators (Accord régional BFC 2016 fiche 2)");
    let action = |kind: &str, held_on| NewMutualKnowledgeAction {
        kind: kind.into(),
        held_on,
        topic: "Présentation de l'offre de service".into(),
        department: "21".into(),
        participants: 12,
        organisers: vec![org(&ft)],
        participant_organisations: vec![org(&aci)],
    };
    store
        .create_mutual_knowledge_action(&ft, action("visit", today), None)
        .await
        .unwrap();
    store
        .create_mutual_knowledge_action(&ft, action("webinar", add_days(today, -400)), None)
        .await
        .unwrap();
    assert!(matches!(
        store
            .create_mutual_knowledge_action(&aci, action("visit", today), None)
            .await,
        Err(StoreError::Forbidden { .. })
    ));
    assert!(
        matches!(store.create_mutual_knowledge_action(&ft, action("apéritif", today), None).await, Err(StoreError::Invalid(e)) if e.code == "mutual_knowledge_kind_unknown")
    );
    let counts = store
        .count_mutual_knowledge_actions(add_days(today, -30), today, Some("21"))
        .await
        .unwrap();
    let of = |kind: &str| {
        counts
            .iter()
            .find(|c| c.kind == kind)
            .map(|c| (c.actions, c.participants))
            .unwrap()
    };
    assert_eq!((of("visit"), of("webinar")), ((1, 12), (0, 0)));
    assert_eq!(store.mutual_knowledge_actions(&aci).await.unwrap().len(), 2);
    assert!(store.mutual_knowledge_actions(&outsider).await.unwrap().is_empty());
    store.pool().close().await;
}

#[tokio::test]
async fn governance_on_sqlite() {
    governance_story(sqlite_demo().await).await;
}

#[tokio::test]
async fn governance_on_postgres() {
    governance_story(postgres_demo().await).await;
}

/// A figure: the daily scan over 100,000 open obligations (spread over four years, so that about
/// 3 % fall in the scan's window), and one user's month of deadlines.
/// `cargo test --release -p passerelle-store --test story deadlines_scan_figures -- --ignored --nocapture`
#[tokio::test]
#[ignore]
async fn deadlines_scan_figures() {
    use passerelle_domain::calendar::add_days;
    use passerelle_store::obligations::Window;
    for (backend, store) in [("SQLite", sqlite_demo().await), ("PostgreSQL", postgres_demo().await)] {
        let ctx = demo_ctx(&store, "aci-jardins").await;
        let organisation = ctx.memberships()[0].organisation_id;
        let today = passerelle_store::infra::clock::now().date();
        let now = passerelle_store::infra::clock::now();
        let mut tx = store.begin().await.unwrap();
        for n in 0..100_000i64 {
            tx.execute(
                query(
                    "INSERT INTO obligations (id, source, source_key, organisation_id, due_on, title, link, rule, \
                     updated_at) VALUES ($1, 'approval_end', $2, $3, $4, $5, '/echeances', 'R5132-1-8', $6)",
                )
                .bind(Uuid::new_v4())
                .bind(format!("bench:{n}"))
                .bind(organisation)
                .bind(add_days(today, n % 1_460 - 730))
                .bind(format!("Fin du PASS IAE n° {n}"))
                .bind(now),
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        let started = std::time::Instant::now();
        let report = store.scan_deadlines(today, Window::default(), now).await.unwrap();
        let scan = started.elapsed();
        let started = std::time::Instant::now();
        let again = store.scan_deadlines(today, Window::default(), now).await.unwrap();
        let rescan = started.elapsed();
        let started = std::time::Instant::now();
        let month = store.deadlines(&ctx, today, add_days(today, 30), today).await.unwrap();
        let list = started.elapsed();
        assert!(
            report.due >= 3_000 && again.digests == 0 && month.len() >= 2_000,
            "{report:?}"
        );
        println!(
            "{backend}: scan of 100,000 open obligations: {} due in the window, first scan {:.0} ms (notifying \
             {}), second scan {:.0} ms; one user's 30 days ({} rows) {:.0} ms",
            report.due,
            scan.as_secs_f64() * 1e3,
            report.notified,
            rescan.as_secs_f64() * 1e3,
            month.len(),
            list.as_secs_f64() * 1e3
        );
    }
}

/// A backup taken while persons are being created holds every creation acknowledged before it began, and
/// nothing half-written: each person in the copy has its creation event. The copy restores to a working
/// database.
#[tokio::test]
async fn backup_under_load_keeps_every_acknowledged_write() {
    let store = sqlite_demo().await;
    let ctx = demo_ctx(&store, "aci-jardins").await;
    let aci = ctx.default_organisation().unwrap().organisation_id;
    let demo_persons = count(&store, "persons").await;
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (store, ctx, acknowledged, stop) = (store.clone(), ctx.clone(), acknowledged.clone(), stop.clone());
            tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let input = PersonInput {
                        first_name: format!("Écrivain{w}"),
                        last_name: format!("Numéro{n}"),
                        ..Default::default()
                    };
                    let fields = input.validate(date!(2026 - 11 - 23)).unwrap();
                    let person = store.persons(&ctx).create(aci, fields).await.unwrap();
                    acknowledged.lock().unwrap().push(person.id);
                    n += 1;
                }
            })
        })
        .collect();
    while acknowledged.lock().unwrap().len() < 200 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let before_backup: Vec<Uuid> = acknowledged.lock().unwrap().clone();
    let path = std::env::temp_dir().join(format!("passerelle-backup-{}.db", Uuid::new_v4()));
    let summary = store.backup_to(&path).await.unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    let total = acknowledged.lock().unwrap().len();
    // The copy holds what was acknowledged before it began, and nothing that was never written.
    assert!(
        summary.persons >= demo_persons + before_backup.len() as i64,
        "{summary:?}"
    );
    assert!(summary.persons <= demo_persons + total as i64, "{summary:?}");
    assert!(
        matches!(
            store.backup_to(&path).await,
            Err(passerelle_store::infra::backup::BackupError::Exists(_))
        ),
        "an existing file is never overwritten"
    );

    let restored_path = std::env::temp_dir().join(format!("passerelle-restored-{}.db", Uuid::new_v4()));
    let restored = passerelle_store::infra::backup::restore(&path, &restored_path, false)
        .await
        .unwrap();
    assert_eq!((restored.persons, restored.events), (summary.persons, summary.events));
    let copy = Store::open(&format!("sqlite://{}", restored_path.display()))
        .await
        .unwrap();
    let mut db = copy.pool().clone();
    for id in &before_backup {
        let row = db
            .fetch_optional(query("SELECT id FROM persons WHERE id = $1").bind(*id))
            .await
            .unwrap();
        assert!(row.is_some(), "person {id} acknowledged before the backup is missing");
    }
    let orphans: i64 = db
        .fetch_one(query(
            "SELECT COUNT(*) AS n FROM persons p WHERE NOT EXISTS (SELECT 1 FROM events e \
             WHERE e.entity_id = p.id AND e.action = 'person.created')",
        ))
        .await
        .unwrap()
        .get("n")
        .unwrap();
    assert_eq!(orphans, 0, "every person of the copy has its creation event");

    // A file that is not a backup is refused before anything is replaced.
    let junk = std::env::temp_dir().join(format!("passerelle-junk-{}.db", Uuid::new_v4()));
    std::fs::write(&junk, "pas une base").unwrap();
    let err = passerelle_store::infra::backup::restore(&junk, &restored_path, true)
        .await
        .unwrap_err();
    assert!(err.is_input(), "{err}");
    assert_eq!(count(&copy, "persons").await, summary.persons);
    // Nor does a restore replace a database unless asked.
    assert!(matches!(
        passerelle_store::infra::backup::restore(&path, &restored_path, false).await,
        Err(passerelle_store::infra::backup::BackupError::TargetExists(_))
    ));
}

/// The retention rule: a person without activity for longer than the period is reported by a dry run that
/// changes nothing, then anonymised with an event; reads do not count as activity.
async fn retention_story(store: Store) {
    use passerelle_store::privacy::retention::DEFAULT_INACTIVE_DAYS;
    let ctx = demo_ctx(&store, "aci-jardins").await;
    let aci = ctx.default_organisation().unwrap().organisation_id;
    let create = |last_name: &'static str| {
        let (store, ctx) = (store.clone(), ctx.clone());
        async move {
            let input = PersonInput {
                first_name: "Dominique".into(),
                last_name: last_name.into(),
                email: Some("dominique@exemple.fr".into()),
                ..Default::default()
            };
            let fields = input.validate(date!(2026 - 11 - 23)).unwrap();
            store.persons(&ctx).create(aci, fields).await.unwrap().id
        }
    };
    let (old, recent) = (create("Ancienne").await, create("Récente").await);
    let three_years_ago = passerelle_store::infra::clock::now() - time::Duration::days(3 * 365);
    let mut db = store.pool().clone();
    db.execute(
        query("UPDATE persons SET updated_at = $2 WHERE id = $1")
            .bind(old)
            .bind(three_years_ago),
    )
    .await
    .unwrap();
    db.execute(
        query("UPDATE events SET occurred_at = $2 WHERE entity_id = $1")
            .bind(old)
            .bind(three_years_ago),
    )
    .await
    .unwrap();
    // A read today is not activity.
    store.persons(&ctx).get(old).await.unwrap();
    // An obligation about the person names them by first name and initial.
    db.execute(
        query(
            "INSERT INTO obligations (id, source, source_key, organisation_id, due_on, title, link, rule, updated_at) \
             VALUES ($1, 'approval_end', $2, $3, $4, 'Fin du PASS IAE de Dominique A.', '/', 'R5132-1-8', $5)",
        )
        .bind(Uuid::new_v4())
        .bind(old.to_string())
        .bind(aci)
        .bind(date!(2027 - 01 - 01))
        .bind(passerelle_store::infra::clock::now()),
    )
    .await
    .unwrap();

    let operator = store.operator_context("conservation");
    let today = passerelle_store::infra::clock::now().date();
    let dry = store
        .retention(&operator, DEFAULT_INACTIVE_DAYS, today, false)
        .await
        .unwrap();
    let concerned: Vec<Uuid> = dry.persons.iter().map(|p| p.person_id).collect();
    assert!(concerned.contains(&old), "{dry:?}");
    assert!(!concerned.contains(&recent), "{dry:?}");
    assert_eq!(
        store.persons(&ctx).get(old).await.unwrap().last_name,
        "Ancienne",
        "a dry run changes nothing"
    );
    assert_eq!(events::count(&mut db, Some("person.anonymised")).await.unwrap(), 0);

    let done = store
        .retention(&operator, DEFAULT_INACTIVE_DAYS, today, true)
        .await
        .unwrap();
    assert_eq!(done.count, dry.count);
    let p = store.persons(&ctx).get(old).await.unwrap();
    assert_eq!(
        (p.first_name.as_str(), p.last_name.as_str(), p.email),
        ("Personne", "anonymisée", None)
    );
    assert_eq!(store.persons(&ctx).get(recent).await.unwrap().last_name, "Récente");
    assert_eq!(
        events::count(&mut db, Some("person.anonymised")).await.unwrap(),
        done.count as i64
    );
    let named: i64 = db
        .fetch_one(query("SELECT COUNT(*) AS n FROM events WHERE entity_id = $1 AND after_data IS NOT NULL AND action <> 'person.anonymised'").bind(old))
        .await
        .unwrap()
        .get("n")
        .unwrap();
    assert_eq!(named, 0, "the journal no longer holds the person's states");
    let titled: i64 = db
        .fetch_one(query("SELECT COUNT(*) AS n FROM obligations WHERE title LIKE '%Dominique%' OR (done_at IS NULL AND source_key = $1)").bind(old.to_string()))
        .await
        .unwrap()
        .get("n")
        .unwrap();
    assert_eq!(
        titled, 0,
        "the obligations about the person are closed and no longer name them"
    );
    let again = store
        .retention(&operator, DEFAULT_INACTIVE_DAYS, today, false)
        .await
        .unwrap();
    assert!(again.persons.iter().all(|p| p.person_id != old), "anonymised once");
}

#[tokio::test]
async fn retention_on_sqlite() {
    retention_story(sqlite_demo().await).await;
}

#[tokio::test]
async fn retention_on_postgres() {
    retention_story(postgres_demo().await).await;
}

#[path = "story/esat.rs"]
mod esat;
// Supported employment and the skills record.
#[path = "story/supported.rs"]
mod supported;
// The indicator sources of migration 0012.
#[path = "story/indicator_sources.rs"]
mod indicator_sources;

#[path = "story/indicator_supported.rs"]
mod indicator_supported;
// Candidates oriented, extensions and CTA minutes, read again from their texts (migration 0022).
#[path = "story/indicator_readings.rs"]
mod indicator_readings;
// The tripartite interview before a short contract's end, in the reminders and the indicator.
#[path = "story/interview_before_contract_end.rs"]
mod interview_before_contract_end;
// A one-year local convention's yearly review.
#[path = "story/one_year_review.rs"]
mod one_year_review;
// The tripartite interviews due and never held (migration 0019).
#[path = "story/missed_interviews.rs"]
mod missed_interviews;

// The recovery codes of the second factor.
#[path = "story/second_factor.rs"]
mod second_factor;

/// Who may hold names, in the store itself (not only the web): an employer records no person and is not made a
/// follower; a follower row of such a kind, written before the rule, opens nothing.
async fn names_story(store: Store) {
    let employer = demo_ctx(&store, "employeur-boulangerie").await;
    let agency = demo_ctx(&store, "ft-dijon").await;
    let employer_id = employer.memberships()[0].organisation_id;
    let refused = |r: Result<passerelle_store::person::Person, StoreError>| {
        matches!(
            r,
            Err(StoreError::Forbidden {
                code: "employer_holds_no_names",
                ..
            })
        )
    };
    let fields = PersonInput {
        first_name: "Alex".into(),
        last_name: "Nouveau".into(),
        ..Default::default()
    }
    .validate(date!(2026 - 11 - 01))
    .unwrap();
    assert!(refused(store.persons(&employer).create(employer_id, fields).await));
    let durand = store.persons(&agency).list(Some("durand"), 1, 10).await.unwrap().items[0].id;
    assert!(refused(store.persons(&agency).add_follower(durand, employer_id).await));
    store
        .pool()
        .clone()
        .execute(
            query("INSERT INTO person_followers (person_id, organisation_id, since) VALUES ($1, $2, $3)")
                .bind(durand)
                .bind(employer_id)
                .bind(passerelle_store::infra::clock::now()),
        )
        .await
        .unwrap();
    assert!(matches!(
        store.persons(&employer).get(durand).await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(store.persons(&employer).list(None, 1, 10).await.unwrap().total, 0);
}

#[tokio::test]
async fn employers_hold_no_names_on_sqlite() {
    names_story(sqlite_demo().await).await;
}

#[tokio::test]
async fn employers_hold_no_names_on_postgres() {
    names_story(postgres_demo().await).await;
}

#[path = "story/schemas.rs"]
mod schemas;

// Write transactions one at a time, unique clashes as conflicts.
#[path = "story/write_lock.rs"]
mod write_lock;
// The reminder to register again at France Travail at the end of a CDDI.
#[path = "story/reregistration.rs"]
mod reregistration;
// The extraordinary steering committee a regional agreement's termination request needs.
#[path = "story/termination_committee.rs"]
mod termination_committee;
// ESAT follow-up shared with the SPE parties.
#[path = "story/esat_sharing.rs"]
mod esat_sharing;
// Orientation to an authorised prescriber, its answer, and who sees it.
#[path = "story/orientations.rs"]
mod orientations;
// ESAT indicators: exits to ordinary work, double activity, conventions d'appui, returns.
#[path = "story/indicator_esat.rs"]
mod indicator_esat;
// Benefit simulations saved in a person's record, who sees and deletes them.
#[path = "story/benefit_simulations.rs"]
mod benefit_simulations;
// Who signs an immersion: the host structure with its account, the person and the tutor from a link.
#[path = "story/immersion_signatures.rs"]
mod immersion_signatures;
// The State's decisions recorded by the DDETS: an SIAE's State convention (its CCL lapses), the AI's cap waiver.
#[path = "story/ddets_decisions.rs"]
mod ddets_decisions;
// Avenants from the regional steering committee; a CCL between an SPE organisation and an SIAE.
#[path = "story/avenant_parties.rs"]
mod avenant_parties;
// The tripartite interview scheduled (one at a time), still due until held, closed when held.
#[path = "story/interview_scheduled.rs"]
mod interview_scheduled;
// The ROME referential: import, folded search, offers' codes checked against it.
#[path = "story/rome.rs"]
mod rome;
// The directory in the data·inclusion format, checked against the schema's JSON Schema files; FINESS numbers.
#[path = "story/data_inclusion.rs"]
mod data_inclusion;
// The counters of the region x SIAE kind and agreement grids (migrations 0046, 0047), exact distinct people.
#[path = "story/indicator_counters.rs"]
mod indicator_counters;
// The journal of reads by group commit: every read under concurrency journaled, a failed commit fails the read.
#[path = "story/read_journal.rs"]
mod read_journal;
