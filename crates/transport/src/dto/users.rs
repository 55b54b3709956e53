//! User, session and key bodies.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::common::{rfc3339, SlimRole};
use crate::de::null_default;

/// Coder's `codersdk.UserStatus`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
#[schema(as = codersdk::UserStatus)]
pub enum UserStatus {
    /// May log in.
    Active,
    /// Has not logged in yet.
    Dormant,
    /// Locked out.
    Suspended,
}

impl From<domain::user::UserStatus> for UserStatus {
    fn from(s: domain::user::UserStatus) -> Self {
        match s {
            domain::user::UserStatus::Active => UserStatus::Active,
            domain::user::UserStatus::Dormant => UserStatus::Dormant,
            domain::user::UserStatus::Suspended => UserStatus::Suspended,
        }
    }
}

impl From<UserStatus> for domain::user::UserStatus {
    fn from(s: UserStatus) -> Self {
        match s {
            UserStatus::Active => domain::user::UserStatus::Active,
            UserStatus::Dormant => domain::user::UserStatus::Dormant,
            UserStatus::Suspended => domain::user::UserStatus::Suspended,
        }
    }
}

/// Coder's `codersdk.LoginType`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq, Default)]
#[schema(as = codersdk::LoginType)]
pub enum LoginType {
    /// Not set.
    #[default]
    #[serde(rename = "")]
    Unknown,
    /// Email and password.
    #[serde(rename = "password")]
    Password,
    /// GitHub OAuth.
    #[serde(rename = "github")]
    Github,
    /// OpenID Connect.
    #[serde(rename = "oidc")]
    Oidc,
    /// API token.
    #[serde(rename = "token")]
    Token,
    /// No interactive login.
    #[serde(rename = "none")]
    None,
    /// An OAuth2 provider access token (API keys only; Coder's database type, which its SDK enum
    /// omits).
    #[serde(rename = "oauth2_provider_app")]
    OAuth2ProviderApp,
}

impl From<domain::user::LoginType> for LoginType {
    fn from(l: domain::user::LoginType) -> Self {
        use domain::user::LoginType as D;
        match l {
            D::Password => LoginType::Password,
            D::Github => LoginType::Github,
            D::Oidc => LoginType::Oidc,
            D::Token => LoginType::Token,
            D::None => LoginType::None,
            D::OAuth2ProviderApp => LoginType::OAuth2ProviderApp,
        }
    }
}

impl LoginType {
    /// The domain login type, `None` for the unset value.
    pub fn to_domain(self) -> Option<domain::user::LoginType> {
        use domain::user::LoginType as D;
        match self {
            LoginType::Unknown => None,
            LoginType::Password => Some(D::Password),
            LoginType::Github => Some(D::Github),
            LoginType::Oidc => Some(D::Oidc),
            LoginType::Token => Some(D::Token),
            LoginType::None => Some(D::None),
            LoginType::OAuth2ProviderApp => Some(D::OAuth2ProviderApp),
        }
    }
}

/// Coder's `codersdk.User`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::User, example = json!({
    "id": "8f6ad2a6-2a57-4b4c-9d55-3f0b6d3d8b9a", "username": "ada", "name": "Ada Lovelace",
    "email": "ada@example.com", "created_at": "2026-01-02T03:04:05.123456Z",
    "updated_at": "2026-01-02T03:04:05.123456Z", "last_seen_at": "2026-01-02T03:04:05.123456Z",
    "status": "active", "login_type": "password",
    "organization_ids": ["1f9a5c5e-8c53-4ad4-8c59-2f5b9c1d7e30"],
    "roles": [{"name": "owner", "display_name": "Owner"}], "has_ai_seat": false}))]
pub struct User {
    /// Stable identity.
    pub id: Uuid,
    /// Unique login name.
    pub username: String,
    /// Display name; omitted when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Avatar URL; omitted when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub avatar_url: String,
    /// Login email; empty for service accounts.
    #[schema(format = Email)]
    pub email: String,
    /// Creation time.
    #[serde(with = "rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last change.
    #[serde(with = "rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Last authenticated request (`0001-01-01T00:00:00Z` when never).
    #[serde(with = "rfc3339")]
    pub last_seen_at: OffsetDateTime,
    /// Account status.
    pub status: UserStatus,
    /// How the account logs in.
    pub login_type: LoginType,
    /// Admin-managed account that cannot log in; omitted when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_service_account: bool,
    /// Organizations the user belongs to.
    pub organization_ids: Vec<Uuid>,
    /// Explicit site roles.
    pub roles: Vec<SlimRole>,
    /// Whether the user holds an AI seat (always false: no AI governance here).
    pub has_ai_seat: bool,
}

impl User {
    /// Builds the wire form from a user and their organization ids.
    pub fn from_domain(u: &domain::user::User, organization_ids: Vec<Uuid>) -> Self {
        Self {
            id: u.id,
            username: u.username.clone(),
            name: u.name.clone(),
            avatar_url: u.avatar_url.clone(),
            email: u.email.clone(),
            created_at: u.created_at,
            updated_at: u.updated_at,
            last_seen_at: u.last_seen_at,
            status: u.status.into(),
            login_type: u.login_type.into(),
            is_service_account: u.is_service_account,
            organization_ids,
            roles: u.rbac_roles.iter().map(|r| SlimRole::site(r)).collect(),
            has_ai_seat: false,
        }
    }
}

/// Coder's `codersdk.CreateFirstUserRequest`.
#[derive(Debug, Clone, Deserialize, ToSchema, Default)]
#[schema(as = codersdk::CreateFirstUserRequest, example = json!({"email": "admin@example.com", "username": "admin", "name": "Admin", "password": "SomeSecurePassword!"}))]
pub struct CreateFirstUserRequest {
    /// Login email.
    #[serde(default, deserialize_with = "null_default")]
    pub email: String,
    /// Username (1-32 letters, digits and inner hyphens).
    #[serde(default, deserialize_with = "null_default")]
    pub username: String,
    /// Display name.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// Password; must pass Coder's strength check.
    #[serde(default, deserialize_with = "null_default")]
    pub password: String,
    /// Gives the new deployment a 30-day premium trial license, signed by the deployment itself.
    #[serde(default, deserialize_with = "null_default")]
    pub trial: bool,
}

/// Coder's `codersdk.CreateFirstUserResponse`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::CreateFirstUserResponse, example = json!({"user_id": "8f6ad2a6-2a57-4b4c-9d55-3f0b6d3d8b9a", "organization_id": "1f9a5c5e-8c53-4ad4-8c59-2f5b9c1d7e30"}))]
pub struct CreateFirstUserResponse {
    /// The new owner.
    pub user_id: Uuid,
    /// The default organization.
    pub organization_id: Uuid,
}

/// Coder's `codersdk.LoginWithPasswordRequest`.
#[derive(Debug, Clone, Deserialize, ToSchema, Default)]
#[schema(as = codersdk::LoginWithPasswordRequest, example = json!({"email": "admin@example.com", "password": "SomeSecurePassword!"}))]
pub struct LoginWithPasswordRequest {
    /// Login email.
    #[serde(default, deserialize_with = "null_default")]
    #[schema(format = Email)]
    pub email: String,
    /// Password.
    #[serde(default, deserialize_with = "null_default")]
    pub password: String,
}

/// Coder's `codersdk.LoginWithPasswordResponse`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::LoginWithPasswordResponse, example = json!({"session_token": "AbCdEfGhIj-0123456789abcdefghijkl"}))]
pub struct LoginWithPasswordResponse {
    /// The new session's API key, `<id>-<secret>`.
    pub session_token: String,
}

/// Coder's `codersdk.GetUsersResponse`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::GetUsersResponse, example = json!({"users": [{"id": "8f6ad2a6-2a57-4b4c-9d55-3f0b6d3d8b9a", "username": "ada", "email": "ada@example.com", "created_at": "2026-01-02T03:04:05.123456Z", "updated_at": "2026-01-02T03:04:05.123456Z", "last_seen_at": "2026-01-02T03:04:05.123456Z", "status": "active", "login_type": "password", "organization_ids": ["1f9a5c5e-8c53-4ad4-8c59-2f5b9c1d7e30"], "roles": [], "has_ai_seat": false}], "count": 1}))]
pub struct GetUsersResponse {
    /// The page of users.
    pub users: Vec<User>,
    /// How many users match the query in all, regardless of pagination.
    pub count: i64,
}

/// Coder's `codersdk.CreateUserRequestWithOrgs`.
#[derive(Debug, Clone, Deserialize, ToSchema, Default)]
#[schema(as = codersdk::CreateUserRequestWithOrgs, example = json!({
    "email": "ada@example.com", "username": "ada", "name": "Ada Lovelace", "password": "SomeSecurePassword!",
    "login_type": "password", "organization_ids": ["00000000-0000-0000-0000-000000000000"]}))]
pub struct CreateUserRequestWithOrgs {
    /// Login email; required unless `service_account`.
    #[serde(default, deserialize_with = "null_default")]
    #[schema(format = Email)]
    pub email: String,
    /// Username (1-32 letters, digits and inner hyphens).
    #[serde(default, deserialize_with = "null_default")]
    pub username: String,
    /// Display name (at most 128 characters).
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// Password; only for the `password` login type.
    #[serde(default, deserialize_with = "null_default")]
    pub password: String,
    /// Defaults to `password` (`none` for service accounts).
    #[serde(default, deserialize_with = "null_default")]
    #[schema(value_type = LoginType)]
    pub login_type: String,
    /// Defaults to `dormant` until the first login.
    #[serde(default)]
    #[schema(value_type = UserStatus)]
    pub user_status: Option<UserStatus>,
    /// Organizations to join; the nil UUID stands for the default organization.
    #[serde(default, deserialize_with = "null_default")]
    pub organization_ids: Vec<Uuid>,
    /// Legacy single organization, appended to `organization_ids`.
    #[serde(default)]
    #[schema(ignore)]
    pub organization_id: Option<Uuid>,
    /// Admin-managed account that cannot log in (no email, no password).
    #[serde(default, deserialize_with = "null_default")]
    pub service_account: bool,
    /// Site roles to grant at creation.
    #[serde(default, deserialize_with = "null_default")]
    pub roles: Vec<String>,
}

/// Coder's `codersdk.UpdateUserProfileRequest`.
#[derive(Debug, Clone, Deserialize, ToSchema, Default)]
#[schema(as = codersdk::UpdateUserProfileRequest, example = json!({"username": "ada", "name": "Ada Lovelace"}))]
pub struct UpdateUserProfileRequest {
    /// New username.
    #[serde(default, deserialize_with = "null_default")]
    pub username: String,
    /// New display name; omitting it clears it, as in Coder.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
}

/// Coder's `codersdk.UpdateUserPasswordRequest`.
#[derive(Debug, Clone, Deserialize, ToSchema, Default)]
#[schema(as = codersdk::UpdateUserPasswordRequest, example = json!({"old_password": "SomeSecurePassword!", "password": "An0ther-Secure-Passw0rd!"}))]
pub struct UpdateUserPasswordRequest {
    /// The current password; required when changing your own.
    #[serde(default, deserialize_with = "null_default")]
    pub old_password: String,
    /// The new password.
    #[serde(default, deserialize_with = "null_default")]
    pub password: String,
}

/// Coder's `codersdk.UpdateRoles`.
#[derive(Debug, Clone, Deserialize, ToSchema, Default)]
#[schema(as = codersdk::UpdateRoles, example = json!({"roles": ["user-admin"]}))]
pub struct UpdateRoles {
    /// The complete new set of roles.
    #[serde(default, deserialize_with = "null_default")]
    pub roles: Vec<String>,
}

/// Coder's `codersdk.UserLoginType`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::UserLoginType, example = json!({"login_type": "password"}))]
pub struct UserLoginType {
    /// How the user logs in.
    pub login_type: LoginType,
}

/// Coder's `codersdk.AuthMethod`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::AuthMethod)]
pub struct AuthMethod {
    /// Whether the method is offered.
    pub enabled: bool,
}

/// Coder's `codersdk.GithubAuthMethod`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::GithubAuthMethod)]
pub struct GithubAuthMethod {
    /// Whether GitHub login is offered.
    pub enabled: bool,
    /// Whether Coder's default GitHub app is in use.
    pub default_provider_configured: bool,
}

/// Coder's `codersdk.OIDCAuthMethod`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::OIDCAuthMethod)]
pub struct OidcAuthMethod {
    /// Whether OIDC login is offered.
    pub enabled: bool,
    /// Text of the sign-in button.
    #[serde(rename = "signInText")]
    pub sign_in_text: String,
    /// Icon of the sign-in button.
    #[serde(rename = "iconUrl")]
    pub icon_url: String,
}

/// Coder's `codersdk.AuthMethods`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::AuthMethods, example = json!({"password": {"enabled": true}, "github": {"enabled": false, "default_provider_configured": false}, "oidc": {"enabled": false, "signInText": "", "iconUrl": ""}}))]
pub struct AuthMethods {
    /// Password login.
    pub password: AuthMethod,
    /// GitHub login.
    pub github: GithubAuthMethod,
    /// OIDC login.
    pub oidc: OidcAuthMethod,
    /// Terms of service users must accept; omitted when unset.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub terms_of_service_url: String,
}

/// Coder's `codersdk.ValidateUserPasswordRequest`.
#[derive(Debug, Clone, Deserialize, ToSchema, Default)]
#[schema(as = codersdk::ValidateUserPasswordRequest, example = json!({"password": "SomeSecurePassword!"}))]
pub struct ValidateUserPasswordRequest {
    /// The candidate password.
    #[serde(default, deserialize_with = "null_default")]
    pub password: String,
}

/// Coder's `codersdk.ValidateUserPasswordResponse`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = codersdk::ValidateUserPasswordResponse, example = json!({"valid": false, "details": "insecure password, try including more special characters, using uppercase letters, using numbers or using a longer password"}))]
pub struct ValidateUserPasswordResponse {
    /// Whether the password would be accepted.
    pub valid: bool,
    /// Why not, when it would not.
    pub details: String,
}

/// Coder's `codersdk.OIDCClaimsResponse`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::OIDCClaimsResponse, example = json!({"claims": {"sub": "alice", "email": "alice@example.com", "groups": ["eng"]}}))]
pub struct OidcClaimsResponse {
    /// The merged claims of the latest OIDC login: the ID token's and the userinfo endpoint's,
    /// userinfo winning on conflict.
    #[schema(value_type = Object)]
    pub claims: serde_json::Map<String, serde_json::Value>,
}

/// Coder's `codersdk.ExternalAuthDevice`: a GitHub device flow in progress.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = codersdk::ExternalAuthDevice, example = json!({"device_code": "3584d83530557fdd1f46af8289938c8ef79f9dc5", "user_code": "WDJB-MJHT", "verification_uri": "https://github.com/login/device", "expires_in": 900, "interval": 5}))]
pub struct ExternalAuthDevice {
    /// Polled at the callback as `code`.
    pub device_code: String,
    /// What the person types at `verification_uri`.
    pub user_code: String,
    /// Where they type it.
    pub verification_uri: String,
    /// Seconds the codes live.
    pub expires_in: i64,
    /// Seconds to wait between polls.
    pub interval: i64,
}

/// The end of a GitHub device login.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"redirect_url": "/"}))]
pub struct GithubDeviceLogin {
    /// Where the client goes now (a path on this server).
    pub redirect_url: String,
}
