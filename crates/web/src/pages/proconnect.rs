//! « S'identifier avec ProConnect » (docs/security.md, « ProConnect sign-in »): the button's route sends the
//! browser to the provider, its return opens a session or shows why not, on a French page with a stable code.
//! The `state` is kept server-side with the nonce and the PKCE verifier (the store, single use) and in a cookie
//! of this browser, so that a return started in another browser (a login forced by an attacker's link) fails.

use super::login::safe_next;
use super::session::{Nav, SESSION_COOKIE, constant_time_eq, cookie, set_cookie};
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
pub use passerelle_proconnect::ProConnect;
use passerelle_proconnect::{Error, Settings};
use passerelle_store::StoreError;
use passerelle_store::auth::proconnect::{
    INVITATION_REQUIRED, PENDING_SECS, PendingSignIn, VouchedIdentity, state_invalid,
};
use serde::Deserialize;

/// The browser's half of the `state`, until the provider sends it back.
pub const STATE_COOKIE: &str = "passerelle_proconnect";
/// Where the provider sends the browser back, under the public address.
pub const RETURN_PATH: &str = "/connexion/proconnect/retour";

/// The client of the configured provider, its return and logout addresses under `public_url`.
pub fn client(issuer: &str, client_id: &str, client_secret: &str, public_url: &str) -> Result<ProConnect, String> {
    let public_url = public_url.trim_end_matches('/');
    ProConnect::new(Settings {
        issuer: issuer.trim().to_owned(),
        client_id: client_id.trim().to_owned(),
        client_secret: client_secret.to_owned(),
        redirect_url: format!("{public_url}{RETURN_PATH}"),
        post_logout_redirect_url: format!("{public_url}/connexion"),
    })
    .map_err(|e| e.to_string())
}

/// Why a sign-in through ProConnect stopped, as the person reads it.
#[derive(Template, WebTemplate)]
#[template(path = "proconnect_refused.html")]
struct Refused {
    nav: Nav,
    title: &'static str,
    code: &'static str,
    message: String,
    /// Only an administrator's invitation helps: no button to try again.
    invitation: bool,
}

fn refused(status: StatusCode, code: &'static str, message: impl Into<String>) -> Response {
    let (title, invitation) = match code {
        INVITATION_REQUIRED => ("Une invitation est nécessaire", true),
        "proconnect_cancelled" => ("Connexion annulée", false),
        "proconnect_unreachable" => ("ProConnect ne répond pas", false),
        _ => ("Connexion impossible", false),
    };
    let page = Refused {
        nav: Nav::anonymous(),
        title,
        code,
        message: message.into(),
        invitation,
    };
    let mut response = (status, page).into_response();
    response.headers_mut().append(header::SET_COOKIE, forget_state());
    response
}

fn forget_state() -> axum::http::HeaderValue {
    // `Secure` is irrelevant to a deletion; the attributes match the cookie's.
    axum::http::HeaderValue::from_static("passerelle_proconnect=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// Each failure of the client, as its page.
fn provider_refusal(e: &Error) -> Response {
    tracing::warn!(error = %e, "ProConnect : connexion refusée");
    match e {
        Error::Unreachable(_) => refused(
            StatusCode::BAD_GATEWAY,
            "proconnect_unreachable",
            "ProConnect ne répond pas pour le moment. Réessayez dans quelques minutes, ou connectez-vous avec \
             votre adresse et votre mot de passe.",
        ),
        Error::CodeRefused => refused(
            StatusCode::BAD_REQUEST,
            "proconnect_code_refused",
            "ProConnect n'a pas reconnu cette connexion : elle a expiré ou a déjà servi. Recommencez depuis la \
             page de connexion.",
        ),
        Error::NonceMismatch => refused(
            StatusCode::BAD_REQUEST,
            "proconnect_nonce_invalid",
            "La réponse de ProConnect ne correspond pas à la connexion demandée depuis ce navigateur. \
             Recommencez depuis la page de connexion.",
        ),
        Error::Invalid(_) => refused(
            StatusCode::BAD_GATEWAY,
            "proconnect_answer_invalid",
            "La réponse de ProConnect n'a pas pu être vérifiée. Recommencez depuis la page de connexion.",
        ),
        Error::NoVerifiedEmail => refused(
            StatusCode::FORBIDDEN,
            "proconnect_email_unverified",
            "ProConnect n'a pas transmis d'adresse électronique vérifiée : la connexion ne peut pas aboutir.",
        ),
    }
}

fn not_configured() -> Response {
    super::error_page(
        &Nav::anonymous(),
        ApiError::new(
            StatusCode::NOT_FOUND,
            "proconnect_not_configured",
            "La connexion avec ProConnect n'est pas proposée sur ce service.",
        ),
    )
}

#[derive(Deserialize)]
pub struct Start {
    suite: Option<String>,
    /// The identity provider to go straight to, passed on to ProConnect.
    idp_hint: Option<String>,
}

/// « S'identifier avec ProConnect »: a fresh state, nonce and verifier kept, then the provider's page.
pub async fn start(State(state): State<AppState>, Query(q): Query<Start>) -> Response {
    let Some(proconnect) = state.proconnect.as_deref() else {
        return not_configured();
    };
    let authorization = match proconnect.authorize(q.idp_hint.as_deref()).await {
        Ok(a) => a,
        Err(e) => return provider_refusal(&e),
    };
    let pending = PendingSignIn {
        nonce: authorization.nonce,
        pkce_verifier: authorization.pkce_verifier,
        next_path: safe_next(q.suite.as_deref()),
    };
    if let Err(e) = state.store.begin_proconnect(&authorization.state, &pending).await {
        return super::error_page(&Nav::anonymous(), e.into());
    }
    let mut response = Redirect::to(&authorization.url).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, STATE_COOKIE, &authorization.state, PENDING_SECS),
    );
    response
}

#[derive(Deserialize)]
pub struct Return {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// The provider's answer: the state checked against this browser's cookie and spent, the code exchanged and the
/// tokens checked, then the account's session; or the page saying why not.
pub async fn finish(State(state): State<AppState>, headers: HeaderMap, Query(q): Query<Return>) -> Response {
    let Some(proconnect) = state.proconnect.as_deref() else {
        return not_configured();
    };
    let returned = q.state.unwrap_or_default();
    let ours = cookie(&headers, STATE_COOKIE).unwrap_or("");
    if returned.is_empty() || !constant_time_eq(ours.as_bytes(), returned.as_bytes()) {
        return store_refusal(state_invalid());
    }
    let pending = match state.store.take_proconnect(&returned).await {
        Ok(p) => p,
        Err(e) => return store_refusal(e),
    };
    if let Some(error) = q.error {
        tracing::info!(%error, "ProConnect : connexion non accordée");
        let (code, message) = if error == "access_denied" {
            (
                "proconnect_cancelled",
                "Vous avez annulé la connexion avec ProConnect. Vous pouvez recommencer, ou vous connecter avec \
                 votre adresse et votre mot de passe.",
            )
        } else {
            (
                "proconnect_refused",
                "ProConnect n'a pas accordé la connexion. Recommencez depuis la page de connexion.",
            )
        };
        return refused(StatusCode::FORBIDDEN, code, message);
    }
    let Some(code) = q.code.filter(|c| !c.is_empty()) else {
        return store_refusal(state_invalid());
    };
    let identity = match proconnect.finish(&code, &pending.nonce, &pending.pkce_verifier).await {
        Ok(identity) => identity,
        Err(e) => return provider_refusal(&e),
    };
    let vouched = VouchedIdentity {
        subject: &identity.subject,
        email: &identity.email,
        siret: identity.siret.as_deref(),
        id_token: &identity.id_token,
    };
    match state.store.sign_in_with_proconnect(vouched).await {
        Ok(session) => {
            let mut response = Redirect::to(&pending.next_path).into_response();
            let headers = response.headers_mut();
            headers.append(
                header::SET_COOKIE,
                set_cookie(&state, SESSION_COOKIE, &session.token, 8 * 3600),
            );
            headers.append(header::SET_COOKIE, forget_state());
            response
        }
        Err(e) => store_refusal(e),
    }
}

/// A refusal of the store (state, invitation) as its page; anything else as the error page.
fn store_refusal(e: StoreError) -> Response {
    let e = ApiError::from(e);
    match e.code {
        "proconnect_state_invalid" => refused(StatusCode::BAD_REQUEST, "proconnect_state_invalid", e.message),
        INVITATION_REQUIRED => refused(StatusCode::FORBIDDEN, INVITATION_REQUIRED, e.message),
        _ => super::error_page(&Nav::anonymous(), e),
    }
}

/// Where the browser goes after the local session ended: the provider's end-session endpoint when the session
/// came from ProConnect, else the login page. A provider down at that moment still leaves the user signed out
/// here.
pub async fn after_logout(state: &AppState, id_token: Option<&str>) -> String {
    if let (Some(proconnect), Some(id_token)) = (state.proconnect.as_deref(), id_token) {
        match proconnect.end_session_url(id_token).await {
            Ok(Some(url)) => return url,
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "ProConnect : déconnexion chez le fournisseur impossible"),
        }
    }
    "/connexion".to_owned()
}

/// The routes of the sign-in with ProConnect.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/connexion/proconnect", get(start))
        .route(RETURN_PATH, get(finish))
}
