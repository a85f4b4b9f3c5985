//! A meeting's documents added from the meeting page, on both databases: the secretariat's file form (same
//! types, size and permission as the API), refusals shown under the file field with nothing saved, a forged
//! form refused, and after success a notice, the document listed and downloadable.

use crate::pages::{csrf, login, page};
use crate::{Backend, TestApp, email, id};
use reqwest::StatusCode as S;
use reqwest::header::{COOKIE, LOCATION};

const BOUNDARY: &str = "passerelle-essai-7f3a";

/// A `multipart/form-data` body as a browser sends the page's form: the token, then the file.
fn multipart(token: &str, file_name: &str, content_type: &str, content: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n--{BOUNDARY}\r\n\
         Content-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Posts the form to `path`: the answer's status, where it leads, the notice cookie it sets and its HTML.
async fn upload(app: &TestApp, session: &str, path: &str, body: Vec<u8>) -> (S, Option<String>, String, String) {
    let r = app
        .http
        .post(app.url(path))
        .header(COOKIE, format!("passerelle_session={session}"))
        .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let to = r.headers().get(LOCATION).map(|v| v.to_str().unwrap().to_owned());
    let notice = crate::pages::notice_cookie(&r);
    (status, to, notice, r.text().await.unwrap())
}

async fn meeting_documents(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ft_token = app.token(&email("ft-dijon")).await;
    let (_, list) = app.get(&ft_token, "/api/v1/committees").await;
    let cta = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "cta")
        .unwrap()
        .clone();
    let (_, full) = app.get(&ft_token, &format!("/api/v1/committees/{}", id(&cta))).await;
    assert_eq!(full["can_manage"], true, "the agency is the CTA's secretary");
    let meeting = format!("/reunions/{}", id(&full["meetings"][0]));
    let action = format!("{meeting}/documents");
    let ft = login(&app, "ft-dijon").await;

    // The secretariat sees the file form; the page sends nobody to the API.
    let (s, html) = page(&app, &ft, &meeting).await;
    assert_eq!(s, S::OK);
    assert!(
        html.contains(&format!("action=\"{action}\" enctype=\"multipart/form-data\"")),
        "{html}"
    );
    assert!(html.contains("name=\"file\"") && html.contains("10 Mo au plus"));
    let section = html
        .split(">Documents</h2>")
        .nth(1)
        .unwrap()
        .split("<h2")
        .next()
        .unwrap();
    assert!(!section.contains("API") && !section.contains("/api/"), "{section}");
    let token = csrf(&html);
    let documents = app.count("meeting_documents").await;

    // Refusals: the page again, the message under the file field, nothing saved.
    let mut pdf = b"%PDF-1.7\n".to_vec();
    let too_big = {
        let mut b = pdf.clone();
        b.resize(10 * 1024 * 1024 + 1, b' ');
        b
    };
    let over_limit = {
        let mut b = pdf.clone();
        b.resize(11 * 1024 * 1024, b' ');
        b
    };
    let cases: Vec<(&str, Vec<u8>, S, &str)> = vec![
        // Above the route's body limit (the API's): cut short, the page still says why.
        (
            "over the body limit",
            multipart(&token, "enorme.pdf", "application/pdf", &over_limit),
            S::PAYLOAD_TOO_LARGE,
            "Le document dépasse 10 Mo",
        ),
        (
            "no file chosen",
            multipart(&token, "", "application/octet-stream", b""),
            S::UNPROCESSABLE_ENTITY,
            "Choisissez le document à joindre.",
        ),
        (
            "empty file",
            multipart(&token, "vide.pdf", "application/pdf", b""),
            S::UNPROCESSABLE_ENTITY,
            "entre 1 octet et 10 Mo",
        ),
        (
            "over 10 MiB",
            multipart(&token, "gros.pdf", "application/pdf", &too_big),
            S::UNPROCESSABLE_ENTITY,
            "entre 1 octet et 10 Mo",
        ),
        (
            "executable",
            multipart(&token, "outil.exe", "application/x-msdownload", b"MZ\x90\x00"),
            S::UNPROCESSABLE_ENTITY,
            "n&#39;est pas accepté",
        ),
        (
            "not a PDF",
            multipart(&token, "faux.pdf", "application/pdf", b"bonjour"),
            S::UNPROCESSABLE_ENTITY,
            "ne correspond pas au type déclaré",
        ),
    ];
    for (case, body, status, message) in cases {
        let (s, to, _, html) = upload(&app, &ft, &action, body).await;
        assert_eq!((s, to), (status, None), "{case}: {html}");
        assert!(html.contains("<h1>Réunion du "), "{case}: the meeting page again");
        let error = html
            .split("id=\"document-error\" class=\"fr-error-text\">")
            .nth(1)
            .unwrap_or_else(|| panic!("{case}: the message under the field: {html}"));
        assert!(error.split("</p>").next().unwrap().contains(message), "{case}: {error}");
        assert!(html.contains("fr-upload-group--error") && html.contains("aria-describedby=\"document-error\""));
        assert_eq!(app.count("meeting_documents").await, documents, "{case}");
    }

    // A forged token is refused whatever the file.
    pdf.extend_from_slice(b"ordre du jour");
    let (s, _, _, _) = upload(
        &app,
        &ft,
        &action,
        multipart("forged", "odj.pdf", "application/pdf", &pdf),
    )
    .await;
    assert_eq!(s, S::FORBIDDEN);
    assert_eq!(app.count("meeting_documents").await, documents);

    // A member who is not the secretariat reads the page without the form and may not add a document.
    let aci = login(&app, "aci-jardins").await;
    let (s, html) = page(&app, &aci, &meeting).await;
    assert!(
        s == S::OK && !html.contains("enctype=\"multipart/form-data\""),
        "{html}"
    );
    let (s, _, _, _) = upload(
        &app,
        &aci,
        &action,
        multipart(&csrf(&html), "odj.pdf", "application/pdf", &pdf),
    )
    .await;
    assert_eq!(s, S::FORBIDDEN);
    assert_eq!(app.count("meeting_documents").await, documents);

    // Success: back to the meeting with « Document ajouté », the document listed and downloadable.
    let (s, to, notice, _) = upload(
        &app,
        &ft,
        &action,
        multipart(&token, "Ordre du jour.pdf", "application/pdf", &pdf),
    )
    .await;
    assert_eq!((s, to.as_deref()), (S::SEE_OTHER, Some(meeting.as_str())));
    assert_eq!(app.count("meeting_documents").await, documents + 1);
    let html = app
        .http
        .get(app.url(&meeting))
        .header(COOKIE, format!("passerelle_session={ft}; {notice}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Document ajouté"), "{html}");
    let link = html
        .split(&format!("href=\"{action}/"))
        .nth(1)
        .map(|rest| format!("{action}/{}", rest.split('"').next().unwrap()))
        .expect("the document is listed");
    assert!(html.contains("Ordre du jour.pdf</a>"), "{html}");
    let r = app
        .http
        .get(app.url(&link))
        .header(COOKIE, format!("passerelle_session={ft}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), S::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), pdf.as_slice());
    // The members see it too.
    assert!(page(&app, &aci, &meeting).await.1.contains("Ordre du jour.pdf</a>"));
}

#[tokio::test]
async fn meeting_documents_on_sqlite() {
    meeting_documents(Backend::Sqlite).await;
}

#[tokio::test]
async fn meeting_documents_on_postgres() {
    meeting_documents(Backend::Postgres).await;
}
