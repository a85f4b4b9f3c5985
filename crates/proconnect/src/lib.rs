//! Sign-in with ProConnect, the State's identity federation for professionals, as an OpenID Connect client:
//! the authorisation code flow with PKCE (S256), `state` and `nonce`, `acr_values=eidas1`, an optional `idp_hint`,
//! the user's claims read from the userinfo endpoint as a JWT signed by the provider (ProConnect answers it so),
//! and the provider's end-session endpoint at logout. Kept in a crate of its own: `openidconnect` brings an HTTP
//! client and the JOSE machinery that nothing else needs.
//!
//! Where state, nonce and verifier are kept between the two legs is the caller's business (the store keeps them
//! server-side, single use, with an expiry: docs/security.md, « ProConnect »).

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreErrorResponseType, CoreGenderClaim, CoreIdToken, CoreIdTokenClaims,
};
use openidconnect::{
    AccessTokenHash, AdditionalClaims, AuthenticationContextClass, AuthorizationCode, ClientId, ClientSecret,
    CsrfToken, EndSessionUrl, IssuerUrl, LogoutRequest, Nonce, OAuth2TokenResponse, PkceCodeChallenge,
    PkceCodeVerifier, PostLogoutRedirectUrl, ProviderMetadataWithLogout, RedirectUrl, RequestTokenError, TokenResponse,
    UserInfoClaims, reqwest,
};
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use std::time::{Duration, Instant};

/// The level of assurance asked of ProConnect: `eidas1` (« faible »), the one every identity provider of the
/// federation gives; an ID token claiming another level than those accepted here is refused.
pub const ACR_VALUE: &str = "eidas1";
const ACCEPTED_ACR: [&str; 3] = ["eidas1", "eidas2", "eidas3"];
/// The provider's metadata and keys are fetched again after this long, so that a key rotation is followed.
const METADATA_LIFETIME: Duration = Duration::from_secs(3600);
/// A provider that does not answer within this time is taken for unreachable.
const TIMEOUT: Duration = Duration::from_secs(10);

/// How an instance is registered with ProConnect (environment: `PASSERELLE_PROCONNECT_ISSUER`, `_CLIENT_ID`,
/// `_CLIENT_SECRET`), and where the provider sends the browser back.
#[derive(Debug, Clone)]
pub struct Settings {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// `…/connexion/proconnect/retour`
    pub redirect_url: String,
    /// `…/connexion`, where the provider sends the browser after its own logout.
    pub post_logout_redirect_url: String,
}

/// Why a sign-in could not be finished; each has its French page in the web crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("provider unreachable: {0}")]
    Unreachable(String),
    #[error("the provider refused the code (invalid_grant): expired or already used")]
    CodeRefused,
    #[error("the ID token's nonce is not the one sent")]
    NonceMismatch,
    #[error("the provider's answer is not acceptable: {0}")]
    Invalid(String),
    #[error("the provider gave no e-mail address, or one it did not verify")]
    NoVerifiedEmail,
}

/// The ProConnect claims beside the standard ones (`given_name`, `email`): the user's name of use, the SIRET of
/// the organisation they signed in for, and their identifier at their identity provider.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProConnectClaims {
    pub usual_name: Option<String>,
    pub siret: Option<String>,
    pub uid: Option<String>,
}
impl AdditionalClaims for ProConnectClaims {}

/// A person as ProConnect vouches for them, once every check passed.
#[derive(Debug, Clone)]
pub struct Identity {
    /// The provider's stable identifier of the person (`sub`).
    pub subject: String,
    /// The verified e-mail address, folded to lower case.
    pub email: String,
    pub given_name: Option<String>,
    pub usual_name: Option<String>,
    pub siret: Option<String>,
    /// The ID token as received, kept for the logout's `id_token_hint`.
    pub id_token: String,
}

/// What the browser is sent to, and what must be kept until it comes back.
#[derive(Debug, Clone)]
pub struct Authorization {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// The client of one provider; its metadata and keys are discovered at first use, not at start-up, so that a
/// server starts (and password sign-in works) while the provider is down.
pub struct ProConnect {
    settings: Settings,
    http: reqwest::Client,
    metadata: tokio::sync::Mutex<Option<(ProviderMetadataWithLogout, Instant)>>,
}

impl ProConnect {
    pub fn new(settings: Settings) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            // The token and userinfo endpoints must not send us elsewhere (SSRF).
            .redirect(reqwest::redirect::Policy::none())
            .timeout(TIMEOUT)
            .build()
            .map_err(|e| Error::Unreachable(e.to_string()))?;
        Ok(Self {
            settings,
            http,
            metadata: tokio::sync::Mutex::new(None),
        })
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    async fn metadata(&self) -> Result<ProviderMetadataWithLogout, Error> {
        let mut cached = self.metadata.lock().await;
        if let Some((metadata, at)) = cached.as_ref()
            && at.elapsed() < METADATA_LIFETIME
        {
            return Ok(metadata.clone());
        }
        let issuer = IssuerUrl::new(self.settings.issuer.clone()).map_err(|e| Error::Invalid(e.to_string()))?;
        let metadata = ProviderMetadataWithLogout::discover_async(issuer, &self.http)
            .await
            .map_err(|e| Error::Unreachable(error_chain(&e)))?;
        *cached = Some((metadata.clone(), Instant::now()));
        Ok(metadata)
    }

    fn client(
        &self,
        metadata: ProviderMetadataWithLogout,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        Error,
    > {
        let redirect =
            RedirectUrl::new(self.settings.redirect_url.clone()).map_err(|e| Error::Invalid(e.to_string()))?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(self.settings.client_secret.clone())),
        )
        .set_redirect_uri(redirect))
    }

    /// The provider's authorisation URL, with fresh random state, nonce and PKCE verifier (S256);
    /// `idp_hint` names the identity provider to go straight to.
    pub async fn authorize(&self, idp_hint: Option<&str>) -> Result<Authorization, Error> {
        let client = self.client(self.metadata().await?)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(openidconnect::Scope::new("email".into()))
            .add_scope(openidconnect::Scope::new("given_name".into()))
            .add_scope(openidconnect::Scope::new("usual_name".into()))
            .add_scope(openidconnect::Scope::new("siret".into()))
            .add_scope(openidconnect::Scope::new("uid".into()))
            .add_auth_context_value(AuthenticationContextClass::new(ACR_VALUE.into()))
            .set_pkce_challenge(challenge);
        if let Some(hint) = idp_hint.filter(|h| !h.is_empty()) {
            request = request.add_extra_param("idp_hint", hint);
        }
        let (url, state, nonce) = request.url();
        Ok(Authorization {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Exchanges the code (with the PKCE verifier), checks the ID token (signature, issuer, audience, expiry,
    /// nonce, level of assurance, access token hash) and reads the claims from the signed userinfo JWT.
    pub async fn finish(&self, code: &str, nonce: &str, pkce_verifier: &str) -> Result<Identity, Error> {
        let client = self.client(self.metadata().await?)?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| Error::Invalid(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                RequestTokenError::ServerResponse(r) if *r.error() == CoreErrorResponseType::InvalidGrant => {
                    Error::CodeRefused
                }
                RequestTokenError::Request(e) => Error::Unreachable(error_chain(&e)),
                other => Error::Invalid(error_chain(&other)),
            })?;
        let id_token = tokens.id_token().ok_or_else(|| Error::Invalid("no ID token".into()))?;
        let verifier = client.id_token_verifier();
        let claims: &CoreIdTokenClaims =
            id_token
                .claims(&verifier, &Nonce::new(nonce.to_owned()))
                .map_err(|e| match e {
                    openidconnect::ClaimsVerificationError::InvalidNonce(_) => Error::NonceMismatch,
                    other => Error::Invalid(error_chain(&other)),
                })?;
        if let Some(acr) = claims.auth_context_ref()
            && !ACCEPTED_ACR.contains(&acr.as_str())
        {
            return Err(Error::Invalid(format!("level of assurance {}", acr.as_str())));
        }
        if let Some(expected) = claims.access_token_hash() {
            let signing = id_token.signing_alg().map_err(|e| Error::Invalid(e.to_string()))?;
            let key = id_token
                .signing_key(&verifier)
                .map_err(|e| Error::Invalid(e.to_string()))?;
            let actual = AccessTokenHash::from_token(tokens.access_token(), signing, key)
                .map_err(|e| Error::Invalid(e.to_string()))?;
            if actual != *expected {
                return Err(Error::Invalid("access token hash".into()));
            }
        }
        let subject = claims.subject().clone();
        let info: UserInfoClaims<ProConnectClaims, CoreGenderClaim> = client
            .user_info(tokens.access_token().clone(), Some(subject.clone()))
            .map_err(|e| Error::Invalid(e.to_string()))?
            .require_signed_response(true)
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                openidconnect::UserInfoError::Request(e) => Error::Unreachable(error_chain(&e)),
                other => Error::Invalid(error_chain(&other)),
            })?;
        // ProConnect's identity providers verify the addresses they give; one marked unverified is refused.
        if info.email_verified() == Some(false) {
            return Err(Error::NoVerifiedEmail);
        }
        let email = info
            .email()
            .map(|e| e.as_str().trim().to_lowercase())
            .filter(|e| e.contains('@'))
            .ok_or(Error::NoVerifiedEmail)?;
        let given_name = info
            .given_name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str().to_owned());
        let extra = info.additional_claims();
        Ok(Identity {
            subject: subject.as_str().to_owned(),
            email,
            given_name,
            usual_name: extra.usual_name.clone(),
            siret: extra.siret.clone(),
            id_token: id_token.to_string(),
        })
    }

    /// Where to send the browser so that the provider ends its session too: its end-session endpoint with the
    /// ID token of the sign-in as `id_token_hint`, back to the login page. `None` when the provider has none.
    pub async fn end_session_url(&self, id_token: &str) -> Result<Option<String>, Error> {
        let metadata = self.metadata().await?;
        let Some(endpoint) = metadata.additional_metadata().end_session_endpoint.clone() else {
            return Ok(None);
        };
        let token = CoreIdToken::from_str(id_token).map_err(|e| Error::Invalid(e.to_string()))?;
        let back = PostLogoutRedirectUrl::new(self.settings.post_logout_redirect_url.clone())
            .map_err(|e| Error::Invalid(e.to_string()))?;
        let url = LogoutRequest::from(EndSessionUrl::from_url(endpoint.url().clone()))
            .set_id_token_hint(&token)
            .set_post_logout_redirect_uri(back)
            .set_state(CsrfToken::new_random())
            .http_get_url();
        Ok(Some(url.to_string()))
    }
}

/// An error with its causes, for the server's log (never shown to the user).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
