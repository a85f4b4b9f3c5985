//! The ROME referential on both databases: the import of the shared snapshot (twice gives the same counts, a
//! changed label is updated, the import is journaled), the folded search of the job-title picker, and the
//! code of an offer checked against the loaded referential (only its shape without one).

use super::{count, demo_ctx, postgres_demo, sqlite_demo, step};
use passerelle_domain::pathways::iae::offer::OfferInput;
use passerelle_domain::rome;
use passerelle_fixtures::rome::{VERSION, files};
use passerelle_store::pathways::iae::offer::OfferFilter;
use passerelle_store::rome::Counts;
use passerelle_store::{Store, StoreError};

const MARAICHER: &str = "Ouvrier maraîcher / Ouvrière maraîchère";
const FONTAINE: &str = "Fontaine-lès-Dijon";

fn offer(title: &str, code: &str, place: &str) -> passerelle_domain::pathways::iae::offer::OfferFields {
    OfferInput {
        title: title.into(),
        rome_code: Some(code.into()),
        place: place.into(),
        positions: 2,
        ..Default::default()
    }
    .validate(passerelle_store::today())
    .unwrap()
}

async fn rome_story(store: Store) {
    let aci = demo_ctx(&store, "aci-jardins").await;
    let siae = aci.memberships()[0].organisation_id;

    step("without the referential, a well-formed code is enough");
    assert_eq!(store.rome_version().await.unwrap(), None);
    store
        .create_offer(
            &aci,
            siae,
            offer("Poste d'avant le référentiel", "A9999", "Talant"),
            None,
        )
        .await
        .unwrap();
    assert!(store.search_appellations("maraîcher", 10).await.unwrap().is_empty());

    step("the operator loads the snapshot: 532 codes, 11,118 job titles");
    let first = passerelle_fixtures::rome::load(&store).await;
    let all_new = |n| Counts {
        created: n,
        updated: 0,
        unchanged: 0,
    };
    assert_eq!((first.codes, first.appellations), (all_new(532), all_new(11_118)));
    let version = store.rome_version().await.unwrap().unwrap();
    assert_eq!(
        (version.version, version.codes, version.appellations, version.edition()),
        (
            VERSION,
            532,
            11_118,
            "Référentiel ROME de France Travail, version du 1er mars 2024".to_owned()
        )
    );

    step("a second import of the same files changes nothing");
    let second = passerelle_fixtures::rome::load(&store).await;
    let same = |n| Counts {
        created: 0,
        updated: 0,
        unchanged: n,
    };
    assert_eq!((second.codes, second.appellations), (same(532), same(11_118)));
    assert_eq!(
        (
            count(&store, "rome_codes").await,
            count(&store, "rome_appellations").await
        ),
        (532, 11_118)
    );
    assert_eq!(count(&store, "rome_imports").await, 2);

    step("a snapshot with one label changed updates that row only, and the import is journaled");
    let (codes, titles) = files();
    let mut referential = rome::read(&std::fs::read(codes).unwrap(), &std::fs::read(titles).unwrap()).unwrap();
    referential.families[0].label.push_str(" (nouvel intitulé)");
    let ctx = store.operator_context("test");
    let third = store.import_rome(&ctx, &referential, VERSION, |_| {}).await.unwrap();
    assert_eq!(
        third.codes,
        Counts {
            created: 0,
            updated: 1,
            unchanged: 531
        }
    );
    let mut db = store.pool().clone();
    let journaled: i64 = passerelle_store::infra::sql::Executor::fetch_one(
        &mut db,
        passerelle_store::infra::sql::query("SELECT COUNT(*) AS n FROM events WHERE action = 'rome.imported'"),
    )
    .await
    .unwrap()
    .get("n")
    .unwrap();
    assert_eq!(journaled, 3);

    step("only the platform's operators load it");
    let refused = store
        .import_rome(&aci, &referential, VERSION, |_| {})
        .await
        .unwrap_err();
    assert!(matches!(refused, StoreError::Forbidden { .. }), "{refused:?}");

    step("the picker's search folds accents and case, and finds a code");
    let found = store.search_appellations("maraichere", 50).await.unwrap();
    let wanted = found
        .iter()
        .find(|a| a.label == "Ouvrier maraîcher / Ouvrière maraîchère");
    assert_eq!(
        wanted.map(|a| (a.ogr, a.rome_code.as_str(), a.rome_label.as_str())),
        Some((17506, "A1414", "Horticulture et maraîchage"))
    );
    assert!(
        found
            .iter()
            .all(|a| passerelle_domain::text::fold(&a.label).contains("maraichere"))
    );
    let both_words = store.search_appellations("OUVRIÈRE  maraichere", 50).await.unwrap();
    assert!(both_words.len() < found.len() && both_words.iter().any(|a| a.ogr == 17506));
    let by_code = store.search_appellations("a1414", 50).await.unwrap();
    assert!(!by_code.is_empty() && by_code.iter().all(|a| a.rome_code == "A1414"));
    assert_eq!(store.search_appellations("maraichere", 3).await.unwrap().len(), 3);
    assert!(store.search_appellations("  ", 10).await.unwrap().is_empty());

    step("with the referential, an offer's code must be one of it");
    let refused = store
        .create_offer(&aci, siae, offer(MARAICHER, "A9999", FONTAINE), None)
        .await
        .unwrap_err();
    match refused {
        StoreError::Invalid(i) => {
            assert_eq!((i.code, i.field.as_deref()), ("rome_unknown", Some("rome_code")));
            assert!(i.message.contains("version du 1er mars 2024"), "{}", i.message);
        }
        other => panic!("expected rome_unknown, got {other:?}"),
    }
    let published = store
        .create_offer(&aci, siae, offer(MARAICHER, "A1414", FONTAINE), None)
        .await
        .unwrap();
    assert_eq!(published.rome_label.as_deref(), Some("Horticulture et maraîchage"));

    step("offers filtered by job (code, title or family, folded) and by town (folded)");
    let titles_of = |offers: Vec<passerelle_store::pathways::iae::offer::Offer>| {
        let mut t: Vec<(String, String)> = offers.into_iter().map(|o| (o.title, o.place)).collect();
        t.sort();
        t
    };
    let filtered = |job: &str, town: &str| OfferFilter {
        job: Some(job.into()).filter(|j: &String| !j.is_empty()),
        town: Some(town.into()).filter(|t: &String| !t.is_empty()),
        ..Default::default()
    };
    let ours = (
        "Ouvrier maraîcher / Ouvrière maraîchère".to_owned(),
        "Fontaine-lès-Dijon".to_owned(),
    );
    let demo = ("Ouvrier maraîcher".to_owned(), "Dijon".to_owned());
    for (job, town, expected) in [
        ("a1414", "", vec![demo.clone(), ours.clone()]),
        ("horticulture", "", vec![demo.clone(), ours.clone()]),
        ("MARAICHERE", "", vec![ours.clone()]),
        ("", "fontaine les", vec![ours.clone()]),
        ("maraicher", "LONGVIC", vec![]),
        (
            "tri",
            "longvic",
            vec![("Agent de tri".to_owned(), "Longvic".to_owned())],
        ),
    ] {
        let offers = store.offers(&aci, &filtered(job, town)).await.unwrap();
        assert_eq!(titles_of(offers), expected, "job « {job} », town « {town} »");
    }
    store.pool().close().await;
}

#[tokio::test]
async fn rome_on_sqlite() {
    rome_story(sqlite_demo().await).await;
}

#[tokio::test]
async fn rome_on_postgres() {
    rome_story(postgres_demo().await).await;
}
