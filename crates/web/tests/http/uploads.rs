//! Uploads: the one route that takes a file (a meeting's documents; the directory import goes through the
//! command line) checks its size, its declared type and that the bytes are of that type; an over-large JSON
//! body is refused too. Each refusal is a 4xx with a machine code and leaves the data as it was.

use crate::{Backend, TestApp, email, id};
use reqwest::StatusCode as S;
use serde_json::Value;

const MIB: usize = 1024 * 1024;

async fn uploads(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ft = app.token(&email("ft-dijon")).await;
    let (s, list) = app.get(&ft, "/api/v1/committees").await;
    assert_eq!(s, S::OK);
    let cta = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "cta")
        .unwrap()
        .clone();
    let (_, full) = app.get(&ft, &format!("/api/v1/committees/{}", id(&cta))).await;
    assert_eq!(full["can_manage"], true, "the agency is the CTA's secretary");
    let meeting = id(&full["meetings"][0]);
    let post = |content_type: &'static str, body: Vec<u8>| {
        app.http
            .post(app.url(&format!("/api/v1/meetings/{meeting}/documents?file_name=piece.pdf")))
            .bearer_auth(&ft)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let pdf = |len: usize| {
        let mut b = b"%PDF-1.7\n".to_vec();
        b.resize(len, b' ');
        b
    };
    let cases: Vec<(&str, &'static str, Vec<u8>, S, &str)> = vec![
        (
            "empty",
            "application/pdf",
            Vec::new(),
            S::UNPROCESSABLE_ENTITY,
            "document_size_invalid",
        ),
        // Within the route's body limit, above the store's 10 MiB.
        (
            "10 MiB + 1",
            "application/pdf",
            pdf(10 * MIB + 1),
            S::UNPROCESSABLE_ENTITY,
            "document_size_invalid",
        ),
        // Above the route's body limit: refused before it is read.
        (
            "11 MiB",
            "application/pdf",
            pdf(11 * MIB),
            S::PAYLOAD_TOO_LARGE,
            "body_too_large",
        ),
        (
            "executable",
            "application/x-msdownload",
            b"MZ\x90\x00".to_vec(),
            S::UNPROCESSABLE_ENTITY,
            "document_type_not_allowed",
        ),
        (
            "HTML",
            "text/html",
            b"<script>alert(1)</script>".to_vec(),
            S::UNPROCESSABLE_ENTITY,
            "document_type_not_allowed",
        ),
        (
            "no type",
            "",
            b"%PDF-1.7".to_vec(),
            S::UNPROCESSABLE_ENTITY,
            "document_type_not_allowed",
        ),
        (
            "executable said PDF",
            "application/pdf",
            b"MZ\x90\x00".to_vec(),
            S::UNPROCESSABLE_ENTITY,
            "document_content_mismatch",
        ),
        (
            "HTML said PNG",
            "image/png",
            b"<html></html>".to_vec(),
            S::UNPROCESSABLE_ENTITY,
            "document_content_mismatch",
        ),
        (
            "PDF said DOCX",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"%PDF-1.7".to_vec(),
            S::UNPROCESSABLE_ENTITY,
            "document_content_mismatch",
        ),
        (
            "binary said text",
            "text/plain",
            b"bilan\x00\xff".to_vec(),
            S::UNPROCESSABLE_ENTITY,
            "document_content_mismatch",
        ),
    ];
    for (what, content_type, body, status, code) in cases {
        let (documents, events) = (app.count("meeting_documents").await, app.count("events").await);
        let r = post(content_type, body).await.unwrap();
        let got = r.status();
        let json: Value = r.json().await.unwrap_or(Value::Null);
        assert_eq!(
            (got, json["error"]["code"].as_str()),
            (status, Some(code)),
            "{what}: {json}"
        );
        assert!(
            !json["error"]["message"].as_str().unwrap_or("").is_empty(),
            "{what}: a message in French"
        );
        assert_eq!(app.count("meeting_documents").await, documents, "{what}: no document");
        assert_eq!(app.count("events").await, events, "{what}: no event");
    }
    // What the types allow is accepted, at the limit too.
    for (content_type, body) in [
        ("image/png", b"\x89PNG\r\n\x1a\n....".to_vec()),
        ("text/plain; charset=utf-8", "Relevé de décisions".as_bytes().to_vec()),
        ("application/pdf", pdf(10 * MIB)),
    ] {
        let r = post(content_type, body).await.unwrap();
        assert_eq!(r.status(), S::CREATED, "{content_type}");
    }

    // A JSON body over the server's 1 MiB: 413 with its code, nothing created.
    let before = app.snapshot().await;
    let r = app
        .http
        .post(app.url("/api/v1/persons"))
        .bearer_auth(&ft)
        .header("content-type", "application/json")
        .body(format!("{{\"first_name\": \"{}\"}}", "a".repeat(2 * MIB)))
        .send()
        .await
        .unwrap();
    let got = r.status();
    let json: Value = r.json().await.unwrap_or(Value::Null);
    assert_eq!(
        (got, json["error"]["code"].as_str()),
        (S::PAYLOAD_TOO_LARGE, Some("body_too_large"))
    );
    assert_eq!(app.snapshot().await, before);
}

#[tokio::test]
async fn uploads_on_sqlite() {
    uploads(Backend::Sqlite).await;
}

#[tokio::test]
async fn uploads_on_postgres() {
    uploads(Backend::Postgres).await;
}
