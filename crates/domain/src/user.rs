//! User accounts.

use time::OffsetDateTime;
use uuid::Uuid;

/// Account status as Coder defines it: new accounts stay `dormant` until their first login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserStatus {
    /// Can log in and use the deployment.
    Active,
    /// Created but has not logged in yet (or was idle); still allowed to log in.
    Dormant,
    /// Locked out by an administrator.
    Suspended,
}

impl UserStatus {
    /// Every status, for a filter that names them all (an index then serves it).
    pub const ALL: [UserStatus; 3] = [UserStatus::Active, UserStatus::Dormant, UserStatus::Suspended];

    /// The wire and storage spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Active => "active",
            UserStatus::Dormant => "dormant",
            UserStatus::Suspended => "suspended",
        }
    }

    /// Parses the wire spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(UserStatus::Active),
            "dormant" => Some(UserStatus::Dormant),
            "suspended" => Some(UserStatus::Suspended),
            _ => None,
        }
    }
}

/// How an account (or an API key) authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginType {
    /// Email and password.
    Password,
    /// GitHub OAuth.
    Github,
    /// OpenID Connect.
    Oidc,
    /// A long-lived API token (only ever an API key's login type).
    Token,
    /// Cannot log in interactively; used through tokens only.
    None,
    /// An access token the OAuth2 provider issued to an application (only ever an API key's).
    OAuth2ProviderApp,
}

impl LoginType {
    /// The wire and storage spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            LoginType::Password => "password",
            LoginType::Github => "github",
            LoginType::Oidc => "oidc",
            LoginType::Token => "token",
            LoginType::None => "none",
            LoginType::OAuth2ProviderApp => "oauth2_provider_app",
        }
    }

    /// Parses the wire spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "password" => Some(LoginType::Password),
            "github" => Some(LoginType::Github),
            "oidc" => Some(LoginType::Oidc),
            "token" => Some(LoginType::Token),
            "none" => Some(LoginType::None),
            "oauth2_provider_app" => Some(LoginType::OAuth2ProviderApp),
            _ => None,
        }
    }
}

/// A user account as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// Stable identity.
    pub id: Uuid,
    /// Login email; empty for service accounts.
    pub email: String,
    /// Unique (case-insensitively) among live users.
    pub username: String,
    /// Display name; may be empty.
    pub name: String,
    /// Avatar image URL; may be empty.
    pub avatar_url: String,
    /// PHC-style password hash; empty when the account has no password.
    pub hashed_password: String,
    /// How the account logs in.
    pub login_type: LoginType,
    /// Whether the account may log in.
    pub status: UserStatus,
    /// Site-wide roles granted explicitly (the implicit `member` is not stored).
    pub rbac_roles: Vec<String>,
    /// Admin-managed account that cannot log in.
    pub is_service_account: bool,
    /// Soft-deleted accounts are invisible everywhere and free their username and email.
    pub deleted: bool,
    /// When the account was made.
    pub created_at: OffsetDateTime,
    /// Last change to the account row.
    pub updated_at: OffsetDateTime,
    /// Last authenticated request; Coder's zero time when never seen.
    pub last_seen_at: OffsetDateTime,
}
