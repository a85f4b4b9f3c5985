//! axum's own refusals (a body too large, a wrong content type, a form, query or path that does not
//! deserialise, a method the route does not take) are English plain text. Every one a user can meet is
//! rewritten here, in one place rather than in each handler: the project's JSON error under `/api`, the
//! French error page elsewhere; the English reason is translated (field and kind of fault), never shown.

use crate::error::ApiError;
use crate::pages::error_page;
use crate::pages::session::Nav;
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

/// The longest English reason read back from a refusal (they are one line).
const REASON_BYTES: usize = 16 * 1024;

pub async fn in_french(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    // A form's address typed or reloaded after the form came back (the address bar shows it): the page the form
    // belongs to, one level up, rather than a dead end.
    let form_address = (!api && request.method() == Method::GET).then(|| request.uri().path().to_owned());
    let response = next.run(request).await;
    if !is_framework_refusal(&response) {
        return response;
    }
    let status = response.status();
    if let Some(path) = form_address.filter(|_| status == StatusCode::METHOD_NOT_ALLOWED) {
        let parent = path.trim_end_matches('/').rsplit_once('/').map_or("", |(up, _)| up);
        let parent = if parent.is_empty() { "/" } else { parent };
        return Redirect::to(parent).into_response();
    }
    let reason = axum::body::to_bytes(response.into_body(), REASON_BYTES)
        .await
        .unwrap_or_default();
    let error = refusal(status, &String::from_utf8_lossy(&reason));
    if api {
        error.into_response()
    } else {
        error_page(&Nav::anonymous(), error)
    }
}

/// A client error of axum itself: plain text, or no body at all (405); the project's are JSON or HTML.
fn is_framework_refusal(response: &Response) -> bool {
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_none_or(|v| v.as_bytes().starts_with(b"text/plain"));
    plain
        && matches!(
            response.status(),
            StatusCode::BAD_REQUEST
                | StatusCode::METHOD_NOT_ALLOWED
                | StatusCode::PAYLOAD_TOO_LARGE
                | StatusCode::UNSUPPORTED_MEDIA_TYPE
                | StatusCode::UNPROCESSABLE_ENTITY
        )
}

/// The project's error for a refusal of `status` whose English reason is `english`.
fn refusal(status: StatusCode, english: &str) -> ApiError {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::body_too_large(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::new(
            status,
            "unsupported_media_type",
            "Le contenu envoyé n'a pas le type attendu (en-tête « Content-Type ») : un formulaire pour une page, \
             « application/json » pour l'API.",
        ),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::new(
            status,
            "method_not_allowed",
            "Cette adresse n'accepte pas cette méthode HTTP.",
        ),
        _ => ApiError::new(
            status,
            "invalid_request",
            format!("La demande est mal formée : {}.", french_reason(english)),
        ),
    }
}

/// What serde or axum said in English (`missing field `csrf``, `invalid type: string "a", expected u32 at
/// line 1 column 9`), said in French: the field and the kind of fault, with the place in a JSON body.
pub fn french_reason(english: &str) -> String {
    let quoted = |marker: &str| {
        english
            .split_once(marker)
            .and_then(|(_, rest)| rest.split('`').next())
            .map(str::to_owned)
    };
    let field = field_path(english).map_or(String::new(), |f| format!(" (champ « {f} »)"));
    let place = position(english).map_or(String::new(), |(line, column)| {
        format!(" (ligne {line}, colonne {column})")
    });
    if let Some(f) = quoted("missing field `") {
        format!("le champ « {f} » manque")
    } else if let Some(f) = quoted("unknown field `") {
        format!("le champ « {f} » n'est pas attendu")
    } else if let Some(v) = quoted("unknown variant `") {
        format!("la valeur « {v} » n'est pas reconnue{field}")
    } else if english.contains("invalid type") {
        format!("une valeur n'a pas le type attendu{field}{place}")
    } else if english.contains("UUID parsing failed") {
        format!("un identifiant n'est pas un UUID valide{field}")
    } else if [
        "invalid value",
        "invalid length",
        "invalid digit",
        "Cannot parse",
        "out of range",
    ]
    .iter()
    .any(|m| english.contains(m))
    {
        format!("une valeur n'est pas valide{field}{place}")
    } else if english.contains("EOF while parsing") {
        format!("le JSON s'arrête avant la fin{place}")
    } else if place.is_empty() {
        "son contenu n'a pas pu être lu".to_owned()
    } else {
        format!("le JSON est mal formé{place}")
    }
}

/// The field a reason is about, as serde_path_to_error prefixes it: `person.birth_date: invalid type: ...`.
fn field_path(english: &str) -> Option<&str> {
    let fault = [
        "invalid type",
        "invalid value",
        "invalid length",
        "invalid digit",
        "unknown variant",
        "UUID parsing",
        "out of range",
    ]
    .iter()
    .filter_map(|m| english.find(m))
    .min()?;
    let before = english[..fault].trim_end().trim_end_matches(':');
    let path = before.rsplit(": ").next()?;
    (!path.is_empty() && !path.contains(' ')).then_some(path)
}

/// `at line 3 column 9` in a JSON reason.
fn position(english: &str) -> Option<(u64, u64)> {
    let (_, rest) = english.rsplit_once("at line ")?;
    let mut words = rest.split_whitespace();
    let line = words.next()?.parse().ok()?;
    (words.next()? == "column").then_some(())?;
    let column = words
        .next()?
        .trim_end_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .ok()?;
    Some((line, column))
}

#[cfg(test)]
mod tests {
    use super::french_reason;

    /// The English reasons of serde, serde_json and axum met on bad input, in French.
    #[test]
    fn reasons_in_french() {
        for (english, french) in [
            (
                "Failed to deserialize form body: missing field `csrf`",
                "le champ « csrf » manque",
            ),
            (
                "Failed to deserialize query string: unknown field `x`, expected one of `a`, `b`",
                "le champ « x » n'est pas attendu",
            ),
            (
                "Failed to deserialize the JSON body into the target type: name: invalid type: integer `3`, \
                 expected a string at line 1 column 9",
                "une valeur n'a pas le type attendu (champ « name ») (ligne 1, colonne 9)",
            ),
            (
                "Invalid URL: UUID parsing failed: invalid character: expected an optional prefix",
                "un identifiant n'est pas un UUID valide",
            ),
            (
                "Failed to parse the request body as JSON: EOF while parsing an object at line 1 column 10",
                "le JSON s'arrête avant la fin (ligne 1, colonne 10)",
            ),
            (
                "Failed to parse the request body as JSON: expected value at line 1 column 1",
                "le JSON est mal formé (ligne 1, colonne 1)",
            ),
            (
                "Failed to deserialize query string: kind: unknown variant `z`, expected `a` or `b`",
                "la valeur « z » n'est pas reconnue (champ « kind »)",
            ),
            (
                "Failed to deserialize query string: page: invalid digit found in string",
                "une valeur n'est pas valide (champ « page »)",
            ),
            ("", "son contenu n'a pas pu être lu"),
        ] {
            assert_eq!(french_reason(english), french, "{english}");
        }
    }
}
