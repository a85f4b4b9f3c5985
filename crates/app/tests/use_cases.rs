//! The use cases over the demo territory: every document and export they hand over reads back (PDF through
//! `pdftotext`, poppler-utils), and bad input is told apart from a fault.

use passerelle_app::agreements::document::{self, agreement_document, render_agreement};
use passerelle_app::agreements::list::{ListFormat, export_agreements_file};
use passerelle_app::indicators::export::{self, Format, MINIMUM_THRESHOLD, Query};
use passerelle_app::{AppError, FixedClock, privacy};
use passerelle_documents::Format as DocumentFormat;
use passerelle_documents::readback;
use passerelle_domain::calendar::french_date;
use passerelle_fixtures::template::{self, Backend, Content};
use passerelle_store::auth::SessionKind;
use passerelle_store::indicators::{self, Viewer};
use passerelle_store::{AccessContext, Store, StoreError};
use time::macros::{date, datetime};
use uuid::Uuid;

/// The day every test runs on, whatever the date.
const TEST_DAY: time::Date = date!(2026 - 12 - 06);
const CLOCK: FixedClock = FixedClock(datetime!(2026-12-06 10:00 UTC));

async fn demo(backend: Backend) -> Store {
    passerelle_store::infra::clock::start_at(TEST_DAY).expect("one day for every test");
    template::store(backend, Content::Demo)
        .await
        .expect("the database opens (for PostgreSQL, run scripts/test, which starts it)")
}

/// The context of a demo account.
async fn account(store: &Store, key: &str) -> AccessContext {
    let session = store
        .login(
            &format!("{key}@passerelle.test"),
            passerelle_fixtures::demo::DEMO_PASSWORD,
            SessionKind::Api,
        )
        .await
        .unwrap();
    store
        .authenticate(&session.token, SessionKind::Api)
        .await
        .unwrap()
        .unwrap()
        .0
}

/// The text of a PDF, one space between words.
fn pdf_text(pdf: &[u8]) -> String {
    passerelle_documents::readback::text(pdf, &[])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Each version of each format of a demo agreement, named after it; an unknown agreement is bad input.
async fn agreement_documents(backend: Backend) {
    let store = demo(backend).await;
    let ctx = store.operator_context("test");
    let first = store.agreements(&ctx).list().await.unwrap().remove(0);
    let (agreement, doc) = agreement_document(&store, &ctx, &CLOCK, first.id, None).await.unwrap();
    assert_eq!(agreement.id, first.id);
    for (format, magic, content_type) in [
        (DocumentFormat::Pdf, &b"%PDF-1.7"[..], "application/pdf"),
        (
            DocumentFormat::Docx,
            &b"PK"[..],
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (DocumentFormat::Html, &b"<!doctype"[..], "text/html; charset=utf-8"),
    ] {
        let file = render_agreement(&store, &ctx, &CLOCK, first.id, format, Some(1))
            .await
            .unwrap();
        assert_eq!(
            file.file_name,
            format!("convention-{}-v1.{}", first.id, format.extension())
        );
        assert_eq!(file.content_type, content_type);
        assert!(file.bytes.starts_with(magic), "{format:?}");
        // The text is there: read back from the PDF, from the DOCX's document part and in the HTML.
        let signatures = match format {
            DocumentFormat::Pdf => pdf_text(&file.bytes).contains("Signatures"),
            DocumentFormat::Docx => readback::zip_part(&file.bytes, "word/document.xml").contains("Signatures"),
            DocumentFormat::Html => contains(&file.bytes, "Signatures"),
        };
        assert!(signatures, "{format:?}");
    }
    let pdf = render_agreement(&store, &ctx, &CLOCK, first.id, DocumentFormat::Pdf, None)
        .await
        .unwrap();
    let text = pdf_text(&pdf.bytes);
    let title: String = doc.title.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains(&title) && text.contains("Page 1 sur"), "{title}: {text}");

    let unknown = render_agreement(&store, &ctx, &CLOCK, Uuid::new_v4(), DocumentFormat::Pdf, None)
        .await
        .unwrap_err();
    assert!(
        matches!(unknown, AppError::Store(StoreError::NotFound { .. })) && unknown.is_bad_input(),
        "{unknown:?}"
    );
    let format = document::format("odt").unwrap_err();
    assert_eq!(
        (format.code, format.field.as_deref()),
        ("format_unknown", Some("format"))
    );
    assert_eq!(document::format(" docx ").unwrap(), DocumentFormat::Docx);
}

#[tokio::test]
async fn agreement_documents_on_sqlite() {
    agreement_documents(Backend::Sqlite).await;
}

#[tokio::test]
async fn agreement_documents_on_postgres() {
    agreement_documents(Backend::Postgres).await;
}

#[tokio::test]
async fn agreements_list_as_spreadsheets() {
    let store = demo(Backend::Sqlite).await;
    let ctx = store.operator_context("test");
    let count = store.agreements(&ctx).list().await.unwrap().len();
    let csv = export_agreements_file(&store, &ctx, ListFormat::Csv).await.unwrap();
    assert_eq!(
        (csv.file_name.as_str(), csv.content_type),
        ("conventions.csv", "text/csv; charset=utf-8")
    );
    let text = String::from_utf8(csv.bytes).unwrap();
    assert!(
        text.starts_with("identifiant,type,titre,statut,version,début,fin\n"),
        "{text}"
    );
    assert_eq!(text.lines().count(), count + 1, "{text}");
    let xlsx = export_agreements_file(&store, &ctx, ListFormat::Xlsx).await.unwrap();
    assert_eq!(xlsx.file_name, "conventions.xlsx");
    assert!(readback::zip_part(&xlsx.bytes, "xl/workbook.xml").contains("Échéances"));
    let bad = ListFormat::parse("ods").unwrap_err();
    assert_eq!((bad.code, bad.field.as_deref()), ("format_unknown", Some("format")));
}

#[tokio::test]
async fn indicators_in_each_format() {
    let store = demo(Backend::Sqlite).await;
    let query = Query {
        from: "2026-01-01".into(),
        to: "2026-12-31".into(),
        by: Some("department,quarter".into()),
        ..Default::default()
    };
    let request = query.request(Viewer::Public, MINIMUM_THRESHOLD).unwrap();
    let table = indicators::compute(&store, &request).await.unwrap();
    assert!(!table.rows.is_empty());
    let json: serde_json::Value =
        serde_json::from_slice(&export::render(&table, &request.dimensions, Format::Json)).unwrap();
    assert_eq!(json["rows"].as_array().unwrap().len(), table.rows.len());
    let csv = export::download(&table, &request.dimensions, Format::Csv);
    assert_eq!(csv.file_name, "indicateurs.csv");
    let csv = String::from_utf8(csv.bytes).unwrap();
    assert!(
        csv.starts_with("indicateur,libellé,période,Département,valeur,masqué\n"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), table.rows.len() + 1);
    let xlsx = export::download(&table, &request.dimensions, Format::Xlsx);
    assert!(xlsx.bytes.starts_with(b"PK") && xlsx.content_type.contains("spreadsheetml"));
}

#[test]
fn indicators_query_is_parsed_at_the_edge() {
    let query = Query {
        from: "2026-01-01".into(),
        to: "2026-03-31".into(),
        as_of: Some("2026-02-01".into()),
        ..Default::default()
    };
    let request = query.request(Viewer::Public, MINIMUM_THRESHOLD).unwrap();
    // « As of a day » is the end of that day.
    assert_eq!(request.as_of, Some(datetime!(2026-02-01 23:59:59 UTC)));
    let bad = Query {
        from: "01/01/2026".into(),
        ..query.clone()
    };
    let e = bad.request(Viewer::Public, MINIMUM_THRESHOLD).unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), ("date_invalid", Some("from")));
    let low = Query {
        threshold: Some(2),
        ..query.clone()
    };
    assert_eq!(
        low.request(Viewer::Public, MINIMUM_THRESHOLD).unwrap_err().code,
        "threshold_invalid"
    );
    let format = Query {
        format: Some("ods".into()),
        ..query
    };
    assert_eq!(format.format().unwrap_err().code, "format_unknown");
}

/// Kevin Durand, followed by the ACI of the demo.
async fn durand(store: &Store, ctx: &AccessContext) -> Uuid {
    let page = store.persons(ctx).list(Some("Durand"), 1, 10).await.unwrap();
    page.items.iter().find(|p| p.last_name == "Durand").unwrap().id
}

#[tokio::test]
async fn person_file_and_skills_document_read_back() {
    let store = demo(Backend::Sqlite).await;
    let ctx = account(&store, "aci-jardins").await;
    let id = durand(&store, &ctx).await;

    let file = privacy::person_file_pdf(&store, &ctx, id).await.unwrap();
    assert_eq!(file.file_name, format!("donnees-{id}.pdf"));
    assert_eq!(file.content_type, "application/pdf");
    let text = pdf_text(&file.bytes);
    for expected in [
        "Données détenues sur Kevin Durand",
        "Identité et coordonnées",
        "Journal des opérations sur la fiche",
    ] {
        assert!(text.contains(expected), "« {expected} » in {text}");
    }

    let skills = passerelle_app::pathways::iae::skills_document(&store, &ctx, &CLOCK, id)
        .await
        .unwrap();
    assert_eq!(skills.file_name, format!("competences-{id}.pdf"));
    let text = pdf_text(&skills.bytes);
    for expected in [
        "Compétences acquises et formations suivies".to_owned(),
        "Kevin Durand".to_owned(),
        // Dated by the clock it is given.
        format!("Document établi le {} par Passerelle", french_date(TEST_DAY)),
    ] {
        assert!(text.contains(&expected), "« {expected} » in {text}");
    }

    // Someone the caller does not follow is not found, as anyone unknown.
    let outsider = account(&store, "esat-suzon").await;
    let e = privacy::person_file_pdf(&store, &outsider, id).await.unwrap_err();
    assert!(
        e.is_bad_input() && matches!(e, AppError::Store(StoreError::NotFound { .. })),
        "{e:?}"
    );
}

/// The deadlines' daily pass that every server runs: done once a day whatever the number of servers, taken over
/// by another server when the one that claimed it stopped, and done again the next day.
async fn daily_pass(backend: Backend) {
    use passerelle_app::deadlines::daily_pass;
    use passerelle_store::infra::daily::DailyTask;
    let store = demo(backend).await;
    let notifications = || async {
        use passerelle_store::infra::sql::{Executor, query};
        let row = store
            .pool()
            .clone()
            .fetch_one(query("SELECT COUNT(*) AS n FROM notifications"))
            .await
            .unwrap();
        row.get::<i64>("n").unwrap()
    };
    let before = notifications().await;
    // Two servers at once: one does the pass, the other finds it taken.
    let (a, b) = tokio::join!(daily_pass(&store, &CLOCK, "a"), daily_pass(&store, &CLOCK, "b"));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(a.is_some() != b.is_some(), "{a:?} / {b:?}");
    let scan = a.or(b).unwrap();
    assert!(scan.report.due > 0 && scan.report.notified > 0, "{scan:?}");
    assert_eq!(notifications().await, before + scan.report.notified as i64);
    // Done for the day: later ticks do nothing.
    let later = FixedClock(datetime!(2026-12-06 18:00 UTC));
    assert_eq!(daily_pass(&store, &later, "b").await.unwrap(), None);

    // The next day a server claims it and stops before the end: the others wait for its lease, then take over.
    let next_day = FixedClock(datetime!(2026-12-07 06:00 UTC));
    assert!(
        store
            .claim_daily(DailyTask::Deadlines, next_day.0.date(), "stopped", next_day.0, 15 * 60)
            .await
            .unwrap()
    );
    assert_eq!(daily_pass(&store, &next_day, "b").await.unwrap(), None);
    let after_lease = FixedClock(datetime!(2026-12-07 06:16 UTC));
    let taken_over = daily_pass(&store, &after_lease, "b").await.unwrap();
    assert!(taken_over.is_some());
    // The day's notifications were sent the day before; nothing is told twice.
    assert_eq!(taken_over.unwrap().report.notified, 0);
    assert_eq!(daily_pass(&store, &after_lease, "c").await.unwrap(), None);
}

#[tokio::test]
async fn daily_pass_on_sqlite() {
    daily_pass(Backend::Sqlite).await;
}

#[tokio::test]
async fn daily_pass_on_postgres() {
    daily_pass(Backend::Postgres).await;
}
