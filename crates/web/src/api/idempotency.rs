//! The one idempotency mechanism of creation routes: a request carrying an
//! `Idempotency-Key` header that already created a record answers that record (with the same status and
//! `Idempotent-Replayed: true`) and creates nothing.

use crate::error::{ApiError, ApiResult};
use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use passerelle_store::infra::idempotency::IdempotencyKey;
use passerelle_store::{AccessContext, Store, StoreError};
use uuid::Uuid;

pub const HEADER: &str = "idempotency-key";

/// The raw `Idempotency-Key` header, if sent.
pub struct IdempotencyHeader(Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyHeader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.headers.get(HEADER) {
            None => Ok(Self(None)),
            Some(v) => v.to_str().map(|s| Self(Some(s.to_owned()))).map_err(|_| {
                ApiError::bad_request(
                    "idempotency_key_invalid",
                    "L'en-tête « Idempotency-Key » doit être en ASCII.",
                )
            }),
        }
    }
}

/// A creation answered once per key: `create` runs with the key (claimed in its transaction) unless the key
/// already created something, which `get` then reads (the record, or the record it was added to). Both
/// answers have the status `status`.
pub async fn create_once<T, C, CF, G, GF>(
    store: &Store,
    ctx: &AccessContext,
    header: IdempotencyHeader,
    (scope, status): (&'static str, StatusCode),
    create: C,
    get: G,
) -> ApiResult<(StatusCode, HeaderMap, Json<T>)>
where
    C: FnOnce(Option<IdempotencyKey>) -> CF,
    CF: Future<Output = Result<T, StoreError>>,
    G: FnOnce(Uuid) -> GF,
    GF: Future<Output = Result<T, StoreError>>,
{
    // A malformed header is a malformed request (400, as a non-ASCII one above), not a refused record.
    let key = header
        .0
        .as_deref()
        .map(|k| IdempotencyKey::new(scope, k))
        .transpose()
        .map_err(|i| ApiError::from(i).with_status(StatusCode::BAD_REQUEST))?;
    let replay = |id| async move {
        let mut headers = HeaderMap::new();
        headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
        Ok((status, headers, Json(get(id).await?)))
    };
    if let Some(k) = &key
        && let Some(id) = store.replayed(ctx, k).await?
    {
        return replay(id).await;
    }
    match (create(key.clone()).await, &key) {
        (Ok(created), _) => Ok((status, HeaderMap::new(), Json(created))),
        // A concurrent retry committed first: answer its record.
        (
            Err(StoreError::Conflict {
                code: "idempotency_key_in_use",
                message,
            }),
            Some(k),
        ) => match store.replayed(ctx, k).await? {
            Some(id) => replay(id).await,
            None => Err(ApiError::new(StatusCode::CONFLICT, "idempotency_key_in_use", message)),
        },
        (Err(e), _) => Err(e.into()),
    }
}

/// What a creation answers: its status, the replay header when replayed, the record.
pub type Created<T> = (StatusCode, HeaderMap, Json<T>);
