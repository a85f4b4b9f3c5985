//! Who signs an immersion convention, on both databases (seed 002: an ACI employee discovering ESAT work): the
//! host ESAT sees the convention it hosts and signs as host with its account, and nothing else; the ACI e-mails
//! a signature link to the person, which shows without signing, signs once, and expires.

use super::{demo_ctx, postgres_demo, sqlite_demo};
use passerelle_domain::calendar::add_days;
use passerelle_domain::pathways::immersion::signatories::{LINK_DAYS, Method};
use passerelle_domain::pathways::immersion::{ConventionInput, Party, Schedule, Status};
use passerelle_domain::person::PersonInput;
use passerelle_store::infra::events::history;
use passerelle_store::infra::sql::{Executor, query};
use passerelle_store::pathways::immersion::{NewImmersion, NewSignature};
use passerelle_store::{Store, StoreError};

fn code(e: StoreError) -> &'static str {
    match e {
        StoreError::Invalid(i) => i.code,
        StoreError::Forbidden { code, .. } | StoreError::Conflict { code, .. } => code,
        StoreError::NotFound { .. } => "not_found",
        other => panic!("unexpected {other:?}"),
    }
}

fn sign(party: &str, name: &str) -> NewSignature {
    NewSignature {
        party: party.into(),
        signer_name: name.into(),
        signed_on: None,
    }
}

/// The token of the last link mailed to `to`, read from the outbox.
async fn mailed_token(store: &Store, to: &str) -> String {
    let mut db = store.pool().clone();
    let rows = db
        .fetch_all(query("SELECT body FROM outbox WHERE recipient = $1 ORDER BY created_at").bind(to))
        .await
        .unwrap();
    let body: String = rows.last().expect("a mail to the signer").get("body").unwrap();
    assert!(!body.contains("Lucas"), "the mail does not name the person: {body}");
    let start = body.find("jeton=").expect("a link") + "jeton=".len();
    body[start..].split_whitespace().next().unwrap().to_owned()
}

async fn story(store: Store) {
    let today = passerelle_store::infra::clock::now().date();
    let aci = demo_ctx(&store, "aci-jardins").await;
    let host = demo_ctx(&store, "esat-ouche").await;
    let other_esat = demo_ctx(&store, "esat-suzon").await;
    let aci_id = aci.memberships()[0].organisation_id;
    let host_id = host.memberships()[0].organisation_id;
    let mut db = store.pool().clone();
    let host_siret: String = db
        .fetch_one(query("SELECT siret FROM organisations WHERE id = $1").bind(host_id))
        .await
        .unwrap()
        .get("siret")
        .unwrap();
    let person = store
        .persons(&aci)
        .create(
            aci_id,
            PersonInput {
                first_name: "Lucas".into(),
                last_name: "Bernard".into(),
                ..Default::default()
            }
            .validate(today)
            .unwrap(),
        )
        .await
        .unwrap()
        .id;
    let fields = ConventionInput {
        host_name: "ESAT de la Vallée de l'Ouche".into(),
        host_siret,
        tutor_name: "Paul Girard".into(),
        tutor_email: Some("p.girard@example.fr".into()),
        objective: "discover_trade".into(),
        starts_on: Some(add_days(today, 10)),
        ends_on: Some(add_days(today, 14)),
        schedule: Schedule([420, 420, 420, 420, 420, 0, 0]),
        ..Default::default()
    }
    .validate()
    .unwrap();
    let i = store
        .immersions(&aci)
        .create(
            NewImmersion {
                person_id: person,
                prescriber_id: aci_id,
                support_structure_id: aci_id,
                fields,
                renewal_of: None,
            },
            None,
        )
        .await
        .unwrap();

    // The host ESAT finds the convention in its list and on its page; another ESAT does not.
    let hosted = store.immersions(&host);
    assert!(hosted.list().await.unwrap().iter().any(|h| h.id == i.id));
    let seen = hosted.get(i.id).await.unwrap();
    assert_eq!(seen.host_organisation_id, Some(host_id));
    assert_eq!(
        seen.signable_parties,
        [Party::HostCompany],
        "the host signs as host only"
    );
    assert_eq!(
        code(store.immersions(&other_esat).get(i.id).await.unwrap_err()),
        "not_found"
    );
    // It signs, it does not keep the convention: no sending, no cancelling.
    assert_eq!(code(hosted.submit(i.id).await.unwrap_err()), "not_an_immersion_party");
    store.immersions(&aci).submit(i.id).await.unwrap();
    assert_eq!(code(hosted.cancel(i.id).await.unwrap_err()), "not_an_immersion_party");
    assert_eq!(
        code(hosted.sign(i.id, sign("prescriber", "ESAT")).await.unwrap_err()),
        "not_the_signing_party"
    );
    // Its own signature waits on its to-do list (and so on its home and menu), until it signs.
    let link = format!("/immersions/{}", i.id);
    let waiting = |todo: Vec<passerelle_store::pathways::todo::TodoItem>| {
        todo.into_iter()
            .any(|t| t.what == "immersion_signatures" && t.link == link)
    };
    assert!(
        waiting(store.todo(&host).await.unwrap()),
        "the host's signature is on its to-do list"
    );
    assert!(!waiting(store.todo(&other_esat).await.unwrap()));
    let i = hosted.sign(i.id, sign("host_company", "Paul Girard")).await.unwrap();
    assert!(
        !waiting(store.todo(&host).await.unwrap()),
        "signed: nothing left for the host"
    );
    assert!(
        waiting(store.todo(&aci).await.unwrap()),
        "the prescriber still waits for the others"
    );
    assert_eq!(i.signatures[0].party, Party::HostCompany);
    assert_eq!(i.signatures[0].method, Method::Account);
    assert!(i.signable_parties.is_empty());
    let keeper = store.immersions(&aci);
    assert_eq!(
        keeper.get(i.id).await.unwrap().signable_parties,
        [Party::Beneficiary, Party::Prescriber, Party::SupportStructure]
    );

    // Links go to those without an account, for a signature still expected, sent by the keepers only.
    let url = "https://passerelle.example";
    let link = |party: &'static str, to: &'static str| keeper.send_signature_link(i.id, party, to, url);
    assert_eq!(
        code(link("prescriber", "x@example.fr").await.unwrap_err()),
        "signature_link_party_not_allowed"
    );
    assert_eq!(
        code(link("host_company", "x@example.fr").await.unwrap_err()),
        "immersion_already_signed"
    );
    assert_eq!(
        code(link("beneficiary", "pas-une-adresse").await.unwrap_err()),
        "email_invalid"
    );
    assert_eq!(
        code(
            hosted
                .send_signature_link(i.id, "beneficiary", "x@example.fr", url)
                .await
                .unwrap_err()
        ),
        "not_an_immersion_party"
    );
    let first = link("beneficiary", "lucas.old@example.fr").await.unwrap();
    assert_eq!(first.valid_until, add_days(today, LINK_DAYS));
    let old = mailed_token(&store, "lucas.old@example.fr").await;
    link("beneficiary", "lucas@example.fr").await.unwrap();
    let token = mailed_token(&store, "lucas@example.fr").await;
    assert_eq!(token.len(), 64, "256 random bits");
    // The second link replaces the first (sent to a wrong address): the first no longer opens nor signs.
    for refused in [
        store.signature_link(&old).await.unwrap_err(),
        store.sign_by_link(&old, "203.0.113.10").await.unwrap_err(),
    ] {
        assert_eq!(code(refused), "signature_link_replaced");
    }

    // Opening shows the convention and signs nothing (mail scanners open links).
    let shown = store.signature_link(&token).await.unwrap();
    assert_eq!(
        (shown.party, shown.signer_name.as_str()),
        (Party::Beneficiary, "Lucas Bernard")
    );
    assert!(shown.immersion.missing_signatures.contains(&Party::Beneficiary));
    assert!(
        store.signature_link(&token).await.is_ok(),
        "opening twice spends nothing"
    );
    assert_eq!(
        code(store.signature_link("0123abcd").await.unwrap_err()),
        "signature_link_unknown"
    );
    // The server's clock only runs forward: the first link is aged in the database.
    db.execute(
        query("UPDATE immersion_signature_links SET created_at = $1, expires_at = $2 WHERE email = $3")
            .bind(passerelle_store::infra::clock::now().unix_timestamp() - LINK_DAYS * 86_400 - 1)
            .bind(passerelle_store::infra::clock::now().unix_timestamp() - 1)
            .bind("lucas.old@example.fr"),
    )
    .await
    .unwrap();
    assert_eq!(
        code(store.signature_link(&old).await.unwrap_err()),
        "signature_link_expired"
    );
    assert_eq!(
        code(store.sign_by_link(&old, "203.0.113.9").await.unwrap_err()),
        "signature_link_expired"
    );

    // Signing spends the link; a second use is refused and nothing changes.
    let signed = store.sign_by_link(&token, "203.0.113.9").await.unwrap();
    let s = signed
        .immersion
        .signatures
        .iter()
        .find(|s| s.party == Party::Beneficiary)
        .unwrap();
    assert_eq!(
        (s.signer_name.as_str(), s.signed_on, s.method),
        ("Lucas Bernard", today, Method::Link)
    );
    assert_eq!(
        code(store.sign_by_link(&token, "203.0.113.9").await.unwrap_err()),
        "signature_link_used"
    );
    assert_eq!(
        code(store.signature_link(&token).await.unwrap_err()),
        "signature_link_used"
    );
    assert_eq!(keeper.get(i.id).await.unwrap().signatures.len(), 2);

    // Journaled: the link sent, read, and the signature, with the link's address as actor.
    let events = history(&mut db, "immersion", i.id).await.unwrap();
    let by_link: Vec<_> = events
        .iter()
        .filter(|e| e.action == "immersion.signed_by_link")
        .collect();
    assert_eq!(by_link.len(), 1);
    assert!(
        by_link[0].actor_label.contains("lucas@example.fr"),
        "{}",
        by_link[0].actor_label
    );
    assert_eq!(
        events.iter().filter(|e| e.action == "immersion.read_by_link").count(),
        2
    );
    assert_eq!(
        events
            .iter()
            .filter(|e| e.action == "immersion.signature_link_sent")
            .count(),
        2
    );

    // The keepers sign for their organisation; the fourth signature makes the convention signed.
    keeper
        .sign(i.id, sign("prescriber", "Les Jardins de la Combe"))
        .await
        .unwrap();
    let i = keeper
        .sign(i.id, sign("support_structure", "Les Jardins de la Combe"))
        .await
        .unwrap();
    assert_eq!(i.status, Status::Signed);
    store.pool().close().await;
}

#[tokio::test]
async fn immersion_signatures_on_sqlite() {
    story(sqlite_demo().await).await;
}

#[tokio::test]
async fn immersion_signatures_on_postgres() {
    story(postgres_demo().await).await;
}
