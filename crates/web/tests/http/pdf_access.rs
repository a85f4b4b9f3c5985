//! Every PDF the system makes is readable by anyone (issue 22): tagged as PDF/UA-1 in French, its fonts embedded
//! as subsets, and a name in Vietnamese or Polish reads back exactly as typed. `accessible` is asserted by each
//! test that downloads a PDF (convention, annual report, person's file, skills documents, immersion convention).

use crate::{Backend, TestApp, email, id, pdf_text, today};
use serde_json::json;

/// Asserts what makes `pdf` readable by anyone (`passerelle_documents::readback::accessible`); returns its text as
/// `pdftotext` reads it.
pub fn accessible(pdf: &[u8]) -> String {
    passerelle_documents::readback::accessible(pdf);
    pdf_text(pdf, &[])
}

/// A person named in Vietnamese and one in Polish: their file and their skills document print the names.
async fn names_print(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ft = app.token(&email("ft-dijon")).await;
    let ft_id = app.org_id("ft-dijon").await;
    for (first, last) in [("Thị Ánh", "Nguyễn"), ("Łukasz", "Żółć")] {
        let (s, person) = app
            .call(
                &ft,
                reqwest::Method::POST,
                "/api/v1/persons",
                Some(json!({"organisation_id": ft_id, "first_name": first, "last_name": last,
                "birth_date": "1990-03-04", "consent_data_sharing": true, "consent_date": today()})),
            )
            .await;
        assert!(s.is_success(), "{person}");
        for path in [
            format!("/api/v1/persons/{}/file?format=pdf", id(&person)),
            format!("/api/v1/persons/{}/skills-document", id(&person)),
        ] {
            let r = app.http.get(app.url(&path)).bearer_auth(&ft).send().await.unwrap();
            assert_eq!(r.headers()["content-type"], "application/pdf", "{path}");
            let text = accessible(&r.bytes().await.unwrap());
            assert!(text.contains(&format!("{first} {last}")), "{path}: {text}");
        }
    }
}

#[tokio::test]
async fn names_print_on_sqlite() {
    names_print(Backend::Sqlite).await;
}

#[tokio::test]
async fn names_print_on_postgres() {
    names_print(Backend::Postgres).await;
}
