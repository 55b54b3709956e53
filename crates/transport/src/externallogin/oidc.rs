//! The OpenID Connect relying party: discovery at start-up, the authorization URL (state, nonce,
//! PKCE S256 when the provider offers it), the code exchange, ID token verification (signature
//! against the provider's JWKS, `iss`, `aud`, `exp`, `nonce`, by the `openidconnect` crate) and
//! the userinfo claims, merged as Coder merges them (userinfo wins).

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use domain::externallogin::login::OidcIdentity;
use domain::externallogin::LinkClaims;
use domain::Error;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde_json::{Map, Value};

type Client = CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

/// How the deployment reaches its provider (`CODER_OIDC_*` connection settings).
#[derive(Debug, Clone)]
pub struct OidcClientConfig {
    /// `CODER_OIDC_ISSUER_URL`.
    pub issuer_url: String,
    /// `CODER_OIDC_CLIENT_ID`.
    pub client_id: String,
    /// `CODER_OIDC_CLIENT_SECRET`.
    pub client_secret: String,
    /// `<access URL>/api/v2/users/oidc/callback`.
    pub redirect_url: String,
    /// `CODER_OIDC_SCOPES`.
    pub scopes: Vec<String>,
    /// `CODER_OIDC_AUTH_URL_PARAMS`: extra authorization URL parameters.
    pub auth_url_params: Vec<(String, String)>,
    /// `CODER_OIDC_IGNORE_USERINFO`.
    pub ignore_userinfo: bool,
}

/// Why the provider could not be used.
#[derive(Debug)]
struct HttpError(String);

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HttpError {}

/// The HTTP client every provider call goes through: TLS by the system's OpenSSL, no redirects
/// (a token endpoint must answer itself), a bounded wait.
pub fn http_agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(30)))
        .tls_config(ureq::tls::TlsConfig::builder().provider(ureq::tls::TlsProvider::NativeTls).build())
        .build()
        .into()
}

fn call(agent: &ureq::Agent, req: openidconnect::HttpRequest) -> Result<openidconnect::HttpResponse, HttpError> {
    let mut resp = agent.run(req).map_err(|e| HttpError(e.to_string()))?;
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.body_mut().with_config().limit(4 << 20).read_to_vec().map_err(|e| HttpError(e.to_string()))?;
    let mut out = openidconnect::HttpResponse::new(body);
    *out.status_mut() = status;
    *out.headers_mut() = headers;
    Ok(out)
}

/// A discovered provider.
pub struct OidcProvider {
    client: Client,
    agent: ureq::Agent,
    config: OidcClientConfig,
    pkce: bool,
    userinfo_endpoint: Option<String>,
}

/// What the callback keeps in cookies between the redirect to the provider and its return.
#[derive(Debug, Clone)]
pub struct FlowStart {
    /// Where to send the browser.
    pub url: String,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE verifier, when the provider offers S256.
    pub pkce_verifier: Option<String>,
}

impl OidcProvider {
    /// Discovers the provider (`<issuer>/.well-known/openid-configuration` and its JWKS); the
    /// server does not start without it.
    pub fn discover(config: OidcClientConfig) -> Result<Self, String> {
        let agent = http_agent();
        let http = |req| call(&agent, req);
        let issuer =
            IssuerUrl::new(config.issuer_url.clone()).map_err(|e| format!("CODER_OIDC_ISSUER_URL {:?}: {e}", config.issuer_url))?;
        let metadata = CoreProviderMetadata::discover(&issuer, &http)
            .map_err(|e| format!("OIDC discovery at {:?} failed: {}", config.issuer_url, error_chain(&e)))?;
        // The fields `openidconnect` does not model, read from the same document.
        let doc_url = format!("{}/.well-known/openid-configuration", config.issuer_url.trim_end_matches('/'));
        let doc: Value = agent
            .get(&doc_url)
            .call()
            .map_err(|e| format!("OIDC discovery at {doc_url:?} failed: {e}"))?
            .body_mut()
            .read_json()
            .map_err(|e| format!("OIDC discovery at {doc_url:?}: {e}"))?;
        let pkce = doc["code_challenge_methods_supported"].as_array().is_some_and(|m| m.iter().any(|v| v == "S256"));
        let userinfo_endpoint = metadata.userinfo_endpoint().map(|u| u.url().to_string());
        let redirect =
            RedirectUrl::new(config.redirect_url.clone()).map_err(|e| format!("OIDC redirect URL {:?}: {e}", config.redirect_url))?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(config.client_id.clone()),
            Some(ClientSecret::new(config.client_secret.clone())),
        )
        .set_redirect_uri(redirect);
        Ok(Self { client, agent, config, pkce, userinfo_endpoint })
    }

    /// The authorization URL for `state`, with a fresh nonce and PKCE verifier.
    pub fn start(&self, state: &str) -> FlowStart {
        let state = state.to_string();
        let mut req =
            self.client.authorize_url(CoreAuthenticationFlow::AuthorizationCode, move || CsrfToken::new(state), Nonce::new_random);
        for s in self.config.scopes.iter().filter(|s| s.as_str() != "openid") {
            req = req.add_scope(Scope::new(s.clone()));
        }
        for (k, v) in &self.config.auth_url_params {
            req = req.add_extra_param(k.clone(), v.clone());
        }
        let mut pkce_verifier = None;
        if self.pkce {
            let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
            req = req.set_pkce_challenge(challenge);
            pkce_verifier = Some(verifier.secret().clone());
        }
        let (url, _, nonce) = req.url();
        FlowStart { url: url.to_string(), nonce: nonce.secret().clone(), pkce_verifier }
    }

    /// Whether the flow uses PKCE.
    pub fn uses_pkce(&self) -> bool {
        self.pkce
    }

    /// Exchanges the code and verifies what comes back: the identity, or Coder's error.
    pub fn complete(&self, code: &str, pkce_verifier: Option<String>, nonce: &str) -> Result<OidcIdentity, Error> {
        let http = |req| call(&self.agent, req);
        let mut exchange = self
            .client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| Error::internal("Failed exchanging Oauth code.", e.to_string()))?;
        if let Some(v) = pkce_verifier {
            exchange = exchange.set_pkce_verifier(PkceCodeVerifier::new(v));
        }
        let tokens = exchange.request(&http).map_err(|e| Error::internal("Failed exchanging Oauth code.", error_chain(&e)))?;
        let id_token = tokens.id_token().ok_or_else(|| {
            Error::bad_request("id_token not found in response payload. Ensure your OIDC callback is configured correctly!")
        })?;
        let verified = id_token
            .claims(&self.client.id_token_verifier(), &Nonce::new(nonce.to_string()))
            .map_err(|e| Error::bad_request("Failed to verify OIDC token.").with_detail(error_chain(&e)))?;
        let issuer = verified.issuer().to_string();
        let id_token_claims = payload(&id_token.to_string()).map_err(|e| Error::internal("Failed to extract OIDC claims.", e))?;
        let mut user_info_claims = Map::new();
        if !self.config.ignore_userinfo {
            if let Some(endpoint) = &self.userinfo_endpoint {
                user_info_claims = self.userinfo(endpoint, tokens.access_token().secret())?;
                // OIDC Core §5.3.2: a userinfo answer about someone else must not be used.
                if user_info_claims.get("sub").is_some_and(|s| Some(s) != id_token_claims.get("sub")) {
                    return Err(Error::bad_request("Failed to obtain user information claims.")
                        .with_detail("The UserInfo endpoint answered for a different subject than the ID token."));
                }
            }
        }
        let mut merged = id_token_claims.clone();
        for (k, v) in &user_info_claims {
            merged.insert(k.clone(), v.clone());
        }
        Ok(OidcIdentity { issuer, claims: LinkClaims { id_token_claims, user_info_claims, merged_claims: merged } })
    }

    fn userinfo(&self, endpoint: &str, access_token: &str) -> Result<Map<String, Value>, Error> {
        let fail = |d: String| {
            Error::internal(
                "Failed to obtain user information claims.",
                format!("The attempt to fetch claims via the UserInfo endpoint failed: {d}"),
            )
        };
        let mut resp =
            self.agent.get(endpoint).header("Authorization", &format!("Bearer {access_token}")).call().map_err(|e| fail(e.to_string()))?;
        if !resp.status().is_success() {
            return Err(fail(format!("status {}", resp.status())));
        }
        let v: Value = resp.body_mut().read_json().map_err(|e| Error::internal("Failed to unmarshal user info claims.", e.to_string()))?;
        match v {
            Value::Object(m) => Ok(m),
            _ => Err(Error::internal("Failed to unmarshal user info claims.", "not a JSON object")),
        }
    }
}

/// The claims of a (verified) compact JWT.
fn payload(jwt: &str) -> Result<Map<String, Value>, String> {
    let part = jwt.split('.').nth(1).ok_or("the ID token is not a compact JWT")?;
    let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).map_err(|e| e.to_string())?;
    serde_json::from_slice(&bytes).map_err(|e| e.to_string())
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}
