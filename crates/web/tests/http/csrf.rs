//! CSRF on every form, found rather than listed: a crawler signs in as several demo accounts, visits every
//! page it reaches from the home page, and posts each form it finds (with the fields it finds) carrying a
//! forged token. Every answer must be 403 and nothing may change. A page or form added
//! later is covered without touching this test. On the way, no page may show a reader a word of the makers
//! ([`internal_words`]).

use crate::pages::{login, page};
use crate::{Backend, TestApp};
use reqwest::StatusCode as S;
use reqwest::header::COOKIE;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

const ACCOUNTS: &[&str] = &["aci-jardins", "ft-dijon", "esat-suzon", "dea-21", "ddets-21", "admin"];
const MAX_PAGES: usize = 150;

fn decode(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&#x2F;", "/")
}

/// The value of `name="..."` in one tag.
fn attr(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(decode(&tag[start..start + tag[start..].find('"')?]))
}

/// The pieces of `html` that start with `open` and end before the next `>`.
fn tags<'a>(html: &'a str, open: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    html.match_indices(open)
        .filter_map(move |(i, _)| html[i..].find('>').map(|end| &html[i..i + end]))
}

/// What a reader sees of a page: its text, without scripts, styles, tags or attributes.
fn visible_text(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        text.push(' ');
        rest = &rest[open..];
        let skipped = ["<script", "<style"]
            .iter()
            .find(|t| rest.starts_with(**t))
            .and_then(|t| rest.find(&format!("</{}>", &t[1..])));
        rest = match skipped.or_else(|| rest.find('>')) {
            Some(end) => &rest[end + 1..],
            None => "",
        };
    }
    text.push_str(rest);
    decode(&text)
}

/// Words of the makers that must never reach a reader: the texts' working names, ticket numbers, API
/// addresses, and what a programming language prints for an absent value.
fn internal_words(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut found: Vec<String> = ["seed", "/api/v1", "todo", "fixme"]
        .iter()
        .filter(|w| lower.contains(**w))
        .map(|w| (*w).to_owned())
        .collect();
    // « à l'issue de » is French; « issue 5 » is a ticket.
    found.extend(
        lower
            .match_indices("issue ")
            .filter(|(i, w)| lower[i + w.len()..].starts_with(|c: char| c.is_ascii_digit()))
            .map(|_| "issue N".to_owned()),
    );
    found.extend(
        text.split(|c: char| !c.is_alphanumeric() && c != '(')
            .filter(|w| ["None", "Some(", "null", "undefined", "NaN"].contains(w))
            .map(str::to_owned),
    );
    found
}

/// Same-origin pages worth visiting: no static files, no API, no downloads, no logout.
fn links(html: &str) -> Vec<String> {
    tags(html, "href=\"")
        .filter_map(|t| attr(&format!(" {t}\""), "href"))
        .map(|h| h.split('#').next().unwrap_or_default().to_owned())
        .filter(|h| h.starts_with('/') && !h.starts_with("//"))
        .filter(|h| {
            !["/dsfr", "/static", "/api", "/deconnexion"]
                .iter()
                .any(|p| h.starts_with(p))
        })
        .filter(|h| {
            ![
                ".pdf", ".ics", ".xlsx", ".docx", ".csv", ".css", ".js", ".svg", ".png", ".ico",
            ]
            .iter()
            .any(|e| h.split('?').next().unwrap_or_default().ends_with(e))
        })
        .filter(|h| !h.contains("format="))
        .collect()
}

/// The POST forms of a page: action (the page itself when absent) and the fields with their first value.
fn post_forms(path: &str, html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    for (i, _) in html.match_indices("<form") {
        let body = &html[i..i + html[i..].find("</form>").unwrap_or(html.len() - i)];
        let open = &body[..body.find('>').unwrap_or(body.len())];
        if attr(open, "method").is_none_or(|m| !m.eq_ignore_ascii_case("post")) {
            continue;
        }
        let action = attr(open, "action")
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| path.to_owned());
        let mut fields: Vec<(String, String)> = Vec::new();
        for open in ["<input", "<textarea", "<button"].iter().flat_map(|o| tags(body, o)) {
            if let Some(name) = attr(open, "name").filter(|n| !fields.iter().any(|(f, _)| f == n)) {
                fields.push((name, attr(open, "value").unwrap_or_default()));
            }
        }
        for (j, _) in body.match_indices("<select") {
            let select = &body[j..];
            if let Some(name) = attr(&select[..select.find('>').unwrap_or(0)], "name") {
                let first = tags(select, "<option")
                    .next()
                    .and_then(|o| attr(o, "value"))
                    .unwrap_or_default();
                fields.push((name, first));
            }
        }
        for (name, value) in &mut fields {
            if name == "csrf" {
                *value = "jeton-contrefait".into();
            }
        }
        out.push((action, fields));
    }
    out
}

async fn forged_tokens(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let before = app.snapshot().await;
    let mut posted: BTreeMap<String, S> = BTreeMap::new();
    let mut visited = 0;
    let mut wording = BTreeMap::new();
    for account in ACCOUNTS {
        let session = login(&app, account).await;
        let mut seen: BTreeSet<String> = BTreeSet::new();
        // The public simulator and « Mot de passe oublié » too: reached from the sign-in page, not from the
        // signed-in ones.
        let mut queue = VecDeque::from([
            "/".to_owned(),
            "/simulateur-public".to_owned(),
            "/mot-de-passe-oublie".to_owned(),
        ]);
        let mut forms = Vec::new();
        while let Some(path) = queue.pop_front() {
            if seen.len() >= MAX_PAGES || !seen.insert(path.clone()) {
                continue;
            }
            let (status, html) = page(&app, &session, &path).await;
            assert!(!status.is_server_error(), "{account}: {path} answered {status}");
            if status != S::OK {
                continue;
            }
            let words = internal_words(&visible_text(&html));
            if !words.is_empty() {
                wording.insert(path.clone(), words);
            }
            queue.extend(links(&html).into_iter().filter(|l| !seen.contains(l)));
            forms.extend(post_forms(&path, &html));
        }
        visited += seen.len();
        for (action, fields) in forms {
            // The form is posted without its token; the logout form last, or the session would end first.
            if posted.contains_key(&format!("{account} {action}")) || action == "/deconnexion" {
                continue;
            }
            let r = app
                .http
                .post(app.url(&action))
                .header(COOKIE, format!("passerelle_session={session}"))
                .form(&fields)
                .send()
                .await
                .unwrap();
            posted.insert(format!("{account} {action}"), r.status());
        }
        let r = app
            .http
            .post(app.url("/deconnexion"))
            .header(COOKIE, format!("passerelle_session={session}"))
            .form(&[("csrf", "jeton-contrefait")])
            .send()
            .await
            .unwrap();
        posted.insert(format!("{account} /deconnexion"), r.status());
    }
    let accepted: Vec<_> = posted.iter().filter(|(_, s)| **s != S::FORBIDDEN).collect();
    assert!(
        accepted.is_empty(),
        "forms answering other than 403 with a forged token: {accepted:?}"
    );
    let actions: BTreeSet<&str> = posted
        .keys()
        .filter_map(|k| k.split_once(' ').map(|(_, a)| a))
        .collect();
    assert!(
        actions.len() >= 20,
        "the crawler found too few forms ({visited} pages): {actions:?}"
    );
    assert_eq!(app.snapshot().await, before, "a forged form changed something");
    assert!(wording.is_empty(), "pages showing internal words: {wording:#?}");
}

#[tokio::test]
async fn forged_tokens_on_sqlite() {
    forged_tokens(Backend::Sqlite).await;
}

#[tokio::test]
async fn forged_tokens_on_postgres() {
    forged_tokens(Backend::Postgres).await;
}
