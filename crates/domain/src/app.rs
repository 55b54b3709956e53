//! The application service: the entry point of every use case.
//!
//! [`App`] owns the store and the deployment settings; the use cases are `impl App` blocks in
//! their own modules (`auth`, `users`, `tokens`, ...). Each takes the authenticated [`Actor`]
//! and reaches data only through [`crate::authz`], which authorizes every read and write.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use uuid::Uuid;

use crate::authcache::AuthCache;
use crate::error::{Error, Result};
use crate::licensing::{Feature, Licensing};
use crate::rbac::Subject;
use crate::store::Repo;
use crate::user::User;

/// Deployment settings that change how use cases behave, named after Coder's.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Lifetime of browser/password sessions (`CODER_SESSION_DURATION`, 24h).
    pub session_duration: Duration,
    /// Lifetime of OAuth2 provider refresh tokens (`CODER_DEFAULT_OAUTH_REFRESH_LIFETIME`, 30 days).
    pub oauth_refresh_lifetime: Duration,
    /// Lifetime of tokens made without one (`CODER_DEFAULT_TOKEN_LIFETIME`, 7 days).
    pub default_token_lifetime: Duration,
    /// Longest token a non-owner may make (`CODER_MAX_TOKEN_LIFETIME`, ~100 years).
    pub max_token_lifetime: Duration,
    /// Longest token an owner may make (`CODER_MAX_ADMIN_TOKEN_LIFETIME`, 7 days).
    pub max_admin_token_lifetime: Duration,
    /// Refuses password logins (`CODER_DISABLE_PASSWORD_AUTH`).
    pub disable_password_auth: bool,
    /// Stops sessions from sliding forward on use (`CODER_DISABLE_SESSION_EXPIRY_REFRESH`).
    pub disable_session_expiry_refresh: bool,
    /// The licensing capability's settings.
    pub licensing: crate::licensing::LicensingConfig,
    /// This build's version, Coder style (`v2.x.y`), for the default support links.
    pub version: String,
    /// `CODER_DOCS_URL`.
    pub docs_url: String,
    /// `CODER_SUPPORT_LINKS`: shown instead of the defaults when licensed.
    pub support_links: Vec<crate::appearance::Link>,
    /// `CODER_NOTIFICATIONS_METHOD`: where notifications go unless a template says otherwise.
    pub notifications_method: String,
    /// `CODER_DISABLE_WORKSPACE_SHARING`.
    pub disable_workspace_sharing: bool,
    /// `CODER_QUIET_HOURS_DEFAULT_SCHEDULE`.
    pub quiet_hours_default: String,
    /// `CODER_ALLOW_CUSTOM_QUIET_HOURS`.
    pub allow_custom_quiet_hours: bool,
    /// `CODER_ACCESS_URL`: where users reach this deployment (the primary proxy's URL).
    pub access_url: String,
    /// `CODER_EXPERIMENTS`: experimental features switched on (`oauth2`).
    pub experiments: Vec<String>,
    /// `CODER_OIDC_*`: OIDC login, when a client id is configured.
    pub oidc: Option<crate::externallogin::OidcSettings>,
    /// `CODER_OAUTH2_GITHUB_*`: GitHub login, when a client id is configured.
    pub github: Option<crate::externallogin::github::GithubSettings>,
    /// SHA-256 of `CODER_SCIM_AUTH_HEADER`, the key SCIM clients present; SCIM is off without it.
    pub scim_key_hash: Option<Vec<u8>>,
    /// SHA-256 of `CODER_PROVISIONER_DAEMON_PSK`, the pre-shared key daemons may present instead
    /// of a provisioner key; refused without it.
    pub provisioner_psk_hash: Option<Vec<u8>>,
    /// `CODER_SSH_KEYGEN_ALGORITHM`: the kind of git SSH key users are given.
    pub ssh_keygen_algorithm: crate::sshkey::KeygenAlgorithm,
    /// `CODER_WILDCARD_ACCESS_URL`: the hostname pattern of workspace applications
    /// (`*.apps.example.com`), reported as the primary region's; empty when unset.
    pub wildcard_access_url: String,
    /// `CODER_DISABLE_OWNER_WORKSPACE_ACCESS`: owners lose SSH and application access to
    /// workspaces that are not theirs.
    pub disable_owner_workspace_exec: bool,
    /// What `GET /deployment/config` shows: the configuration as Coder shapes it.
    pub deployment_config: std::sync::Arc<crate::deployment::config::DeploymentConfig>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            session_duration: Duration::from_secs(24 * 3600),
            oauth_refresh_lifetime: Duration::from_secs(720 * 3600),
            default_token_lifetime: Duration::from_secs(7 * 24 * 3600),
            max_token_lifetime: Duration::from_secs(876_600 * 3600),
            max_admin_token_lifetime: Duration::from_secs(7 * 24 * 3600),
            disable_password_auth: false,
            disable_session_expiry_refresh: false,
            licensing: crate::licensing::LicensingConfig::default(),
            version: "v2.0.0".into(),
            docs_url: "https://coder.com/docs".into(),
            support_links: Vec::new(),
            notifications_method: "smtp".into(),
            disable_workspace_sharing: false,
            quiet_hours_default: crate::quiet_hours::DEFAULT_SCHEDULE.into(),
            allow_custom_quiet_hours: true,
            access_url: String::new(),
            scim_key_hash: None,
            provisioner_psk_hash: None,
            oidc: None,
            github: None,
            experiments: Vec::new(),
            ssh_keygen_algorithm: crate::sshkey::KeygenAlgorithm::Ed25519,
            wildcard_access_url: String::new(),
            disable_owner_workspace_exec: false,
            deployment_config: Default::default(),
        }
    }
}

/// What Coder's enterprise server switches on regardless of other settings: the features that
/// need a license and nothing else (`updateEntitlements` in `enterprise/coderd/coderd.go`).
pub fn default_enablements() -> BTreeMap<Feature, bool> {
    [
        Feature::AuditLog,
        Feature::ConnectionLog,
        Feature::TemplateRbac,
        Feature::ExternalProvisionerDaemons,
        Feature::AdvancedTemplateScheduling,
        Feature::WorkspaceProxy,
        Feature::UserRoleManagement,
        Feature::AccessControl,
        Feature::ControlSharedPorts,
        Feature::AiBridge,
    ]
    .into_iter()
    .map(|f| (f, true))
    .collect()
}

/// The use-case layer. Cheap to clone; share one per process.
#[derive(Clone)]
pub struct App {
    /// The store, reachable only through the enforcement layer ([`App::db`], [`App::db_as`]).
    pub(crate) store: crate::authz::Store,
    /// Deployment settings.
    pub settings: Arc<Settings>,
    /// What API keys resolve to, so that most requests authenticate without the database.
    /// The store must report its changes to it (see [`crate::store::ChangeListener`]).
    pub auth_cache: Arc<AuthCache>,
    /// The entitlements this process holds; the store's change feed must reach it too.
    pub licensing: Arc<Licensing>,
    /// The replicas this process last saw.
    pub replicas: Arc<crate::replicas::ReplicaView>,
    /// The last health check of each workspace proxy.
    pub proxy_health: Arc<crate::proxies::ProxyHealth>,
}

/// An authenticated caller: who they are, what they may do, and which key they used.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The user behind the request.
    pub user: User,
    /// Their roles, for authorization.
    pub subject: Subject,
    /// The id of the API key that authenticated this request.
    pub api_key_id: String,
    /// The organizations the user belongs to (loaded with their roles).
    pub organization_ids: Vec<Uuid>,
}

impl App {
    /// Wires the use cases to a store.
    pub fn new(repo: Arc<dyn Repo>, settings: Settings) -> Self {
        Self {
            store: crate::authz::Store::new(repo),
            settings: Arc::new(settings),
            auth_cache: Arc::new(AuthCache::default()),
            licensing: Arc::new(Licensing::default()),
            replicas: Arc::new(Default::default()),
            proxy_health: Arc::new(Default::default()),
        }
    }

    /// Resolves Coder's `{user}` path parameter: `me`, a UUID or a username. Users the actor may
    /// not read are reported as missing.
    pub fn resolve_user(&self, actor: &Actor, param: &str) -> Result<User> {
        let user = self.find_user(actor, param)?;
        self.db(actor).require_visible(crate::rbac::action::READ, &crate::rbac::Object::user(user.id))?;
        Ok(user)
    }

    /// Looks the `{user}` parameter up as the sign-in subject, without the actor's read check:
    /// callers decide what the actor may know (most through [`App::resolve_user`]). Coder does
    /// the same for organization members (`ExtractOrganizationMemberParam` resolves the user
    /// `AsSystemRestricted`), since a caller may manage a membership without reading the user.
    pub fn find_user(&self, actor: &Actor, param: &str) -> Result<User> {
        let user = if param == "me" {
            Some(actor.user.clone())
        } else {
            let db = self.db_as(crate::authz::System::Login);
            if let Ok(id) = Uuid::parse_str(param) {
                db.user_by_id(id)?
            } else {
                db.user_by_username(param)?
            }
        };
        user.ok_or_else(Error::not_found)
    }

    /// Whether the database answers (the `/healthz` probe): one read of a deployment value.
    pub fn probe_database(&self) -> Result<()> {
        self.db_as(crate::authz::System::Site).get_site_config("deployment_id").map(|_| ())
    }

    /// Deployment id, made once and kept.
    pub fn deployment_id(&self) -> Result<String> {
        self.deployment_id_in(&self.db_as(crate::authz::System::Background))
    }

    /// [`App::deployment_id`] through `repo` (which may be an open transaction).
    pub fn deployment_id_in(&self, repo: &crate::authz::Db<'_>) -> Result<String> {
        const KEY: &str = "deployment_id";
        if let Some(id) = repo.get_site_config(KEY)? {
            return Ok(id);
        }
        let id = Uuid::new_v4().to_string();
        let stored = repo.transaction(|tx| match tx.get_site_config(KEY)? {
            Some(existing) => Ok(existing),
            None => {
                tx.put_site_config(KEY, &id)?;
                Ok(id.clone())
            }
        });
        match stored {
            // Another replica stored one first: use theirs.
            Err(e) if e.kind == crate::error::ErrorKind::Conflict => repo.get_site_config(KEY)?.ok_or(e),
            other => other,
        }
    }
}
