//! What every handler can reach: the use cases and facts about this server.

use actix_web::web;
use domain::app::App;
use domain::Error;

use crate::error::{ApiError, ApiResult};

/// Facts about the running server that some responses carry.
#[derive(Debug, Clone)]
pub struct ServerInfo {
    /// Semantic version of this build, Coder style (`v2.x.y`).
    pub version: String,
    /// The URL users reach the deployment at.
    pub access_url: String,
    /// Stable id of this deployment.
    pub deployment_id: String,
    /// Whether the session cookie is marked `Secure` (access URL is https).
    pub secure_cookie: bool,
}

/// Shared application state.
pub struct State {
    /// The use cases.
    pub app: App,
    /// Server facts.
    pub info: ServerInfo,
    /// The discovered OpenID Connect provider, when `CODER_OIDC_*` configures one.
    pub oidc: Option<std::sync::Arc<crate::externallogin::oidc::OidcProvider>>,
    /// GitHub, when `CODER_OAUTH2_GITHUB_*` configures it.
    pub github: Option<std::sync::Arc<crate::externallogin::github::GithubProvider>>,
    /// Where agent binaries are served from (`CODER_AGENT_BINARIES_DIR`), if anywhere.
    pub agent_binaries: Option<std::path::PathBuf>,
    /// How long a request may take to be handled, its body included.
    pub request_timeout: std::time::Duration,
    /// The API and login rate limits.
    pub rate_limits: crate::ratelimit::RateLimits,
    /// Which proxies' forwarding headers name the client.
    pub real_ip: crate::realip::RealIpConfig,
    /// Coder's dashboard, when `CODER_SITE_DIR` names a build of it.
    pub site: Option<std::sync::Arc<crate::site::Site>>,
    /// Wakes the inbox `watch` sockets when a user receives a notification.
    pub inbox: std::sync::Arc<crate::provisionerd::wakeup::Wakeup>,
    /// Wakes daemons waiting for work when a job is queued.
    pub jobs: std::sync::Arc<crate::provisionerd::wakeup::JobWakeup>,
}

/// Runs a use case on actix's blocking pool, so diesel never blocks an async worker.
pub async fn blocking<T, F>(state: &web::Data<State>, f: F) -> ApiResult<T>
where
    F: FnOnce(&App) -> domain::Result<T> + Send + 'static,
    T: Send + 'static,
{
    let app = state.app.clone();
    web::block(move || f(&app))
        .await
        .map_err(|e| ApiError(Error::internal("Internal error.", format!("blocking task failed: {e}"))))?
        .map_err(ApiError)
}

/// [`blocking`] for a use case with its own error type (the OAuth2 protocol endpoints, which
/// answer in the RFCs' format, not Coder's envelope).
pub async fn blocking_raw<T, F>(state: &web::Data<State>, f: F) -> ApiResult<T>
where
    F: FnOnce(&App) -> T + Send + 'static,
    T: Send + 'static,
{
    blocking(state, move |app| Ok(f(app))).await
}
