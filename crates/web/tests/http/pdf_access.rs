//! Every PDF the system makes is readable by anyone (issue 22): tagged as PDF/UA-1 in French, its fonts embedded
//! as subsets, and a name in Vietnamese or Polish reads back exactly as typed. `accessible` is asserted by each
//! test that downloads a PDF (convention, annual report, person's file, skills documents, immersion convention).

use crate::{Backend, TestApp, email, id, pdf_text, today};
use serde_json::json;

/// Asserts what poppler-utils (`pdfinfo`, `pdffonts`) says of `pdf`: tagged, PDF/UA-1, in French, DejaVu
/// Sans embedded as a subset with its map back to Unicode; returns its text as `pdftotext` reads it.
pub fn accessible(pdf: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("passerelle-{}.pdf", uuid::Uuid::new_v4()));
    std::fs::write(&path, pdf).unwrap();
    let run = |program: &str, args: &[&str]| {
        let out = std::process::Command::new(program)
            .args(args)
            .arg(&path)
            .output()
            .expect("poppler-utils is installed (scripts/setup --test)");
        assert!(out.status.success(), "{program} reads the PDF");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let info = run("pdfinfo", &[]);
    assert!(info.contains("Tagged:          yes"), "{info}");
    let meta = run("pdfinfo", &["-meta"]);
    assert!(
        meta.contains("<pdfuaid:part>1</pdfuaid:part>") && meta.contains("fr-FR"),
        "{meta}"
    );
    let fonts = run("pdffonts", &[]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(
        !rows.is_empty()
            && rows
                .iter()
                .all(|r| r.contains("+DejaVuSans") && r.contains(" yes yes yes ")),
        "{fonts}"
    );
    std::fs::remove_file(&path).ok();
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
