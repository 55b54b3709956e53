//! External login: signing in through an OpenID Connect provider (and, later, GitHub), as Coder
//! does it. The protocol work (discovery, the code exchange, ID token verification, userinfo)
//! happens at the edge; what reaches this module is a verified identity's claims, and here are
//! Coder's rules for them: which claims name the user, who may sign up, how an identity finds
//! or creates its account (`user_links`), and the IdP sync applied at each login.

pub mod claims;
pub mod github;
pub mod login;

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use uuid::Uuid;

use crate::user::LoginType;

/// The deployment's OIDC settings (`CODER_OIDC_*`), the parts the login rules read.
#[derive(Debug, Clone)]
pub struct OidcSettings {
    /// `CODER_OIDC_ALLOW_SIGNUPS` (true).
    pub allow_signups: bool,
    /// `CODER_OIDC_EMAIL_DOMAIN`: allowed email domains; empty allows any.
    pub email_domains: Vec<String>,
    /// `CODER_OIDC_IGNORE_EMAIL_VERIFIED`.
    pub ignore_email_verified: bool,
    /// `CODER_OIDC_USERNAME_FIELD` (`preferred_username`).
    pub username_field: String,
    /// `CODER_OIDC_NAME_FIELD` (`name`).
    pub name_field: String,
    /// `CODER_OIDC_EMAIL_FIELD` (`email`).
    pub email_field: String,
    /// `CODER_OIDC_SIGN_IN_TEXT` (`OpenID Connect`).
    pub sign_in_text: String,
    /// `CODER_OIDC_ICON_URL`.
    pub icon_url: String,
    /// `CODER_OIDC_SIGNUPS_DISABLED_TEXT`.
    pub signups_disabled_text: String,
    /// `CODER_OIDC_GROUP_FIELD`: the legacy group sync of the default organization.
    pub group_field: String,
    /// `CODER_OIDC_GROUP_MAPPING`: claim value → group name.
    pub group_mapping: BTreeMap<String, String>,
    /// `CODER_OIDC_GROUP_AUTO_CREATE`.
    pub group_auto_create: bool,
    /// `CODER_OIDC_GROUP_REGEX_FILTER`.
    pub group_regex_filter: Option<String>,
    /// `CODER_OIDC_ALLOWED_GROUPS`: only members of one of these may sign in.
    pub allowed_groups: Vec<String>,
    /// `CODER_OIDC_USER_ROLE_FIELD`: site role sync.
    pub user_role_field: String,
    /// `CODER_OIDC_USER_ROLE_MAPPING`: claim value → site roles.
    pub user_role_mapping: BTreeMap<String, Vec<String>>,
    /// `CODER_OIDC_USER_ROLE_DEFAULT`: site roles every OIDC user gets.
    pub user_role_default: Vec<String>,
    /// `CODER_OIDC_ORGANIZATION_FIELD`: organization sync when no setting is stored.
    pub organization_field: String,
    /// `CODER_OIDC_ORGANIZATION_MAPPING`.
    pub organization_mapping: BTreeMap<String, Vec<Uuid>>,
    /// `CODER_OIDC_ORGANIZATION_ASSIGN_DEFAULT` (true).
    pub organization_assign_default: bool,
}

impl Default for OidcSettings {
    fn default() -> Self {
        Self {
            allow_signups: true,
            email_domains: Vec::new(),
            ignore_email_verified: false,
            username_field: "preferred_username".into(),
            name_field: "name".into(),
            email_field: "email".into(),
            sign_in_text: "OpenID Connect".into(),
            icon_url: String::new(),
            signups_disabled_text: String::new(),
            group_field: String::new(),
            group_mapping: BTreeMap::new(),
            group_auto_create: false,
            group_regex_filter: None,
            allowed_groups: Vec::new(),
            user_role_field: String::new(),
            user_role_mapping: BTreeMap::new(),
            user_role_default: Vec::new(),
            organization_field: String::new(),
            organization_mapping: BTreeMap::new(),
            organization_assign_default: true,
        }
    }
}

/// The claims an external login brought, as stored with its link (Coder's `UserLinkClaims`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LinkClaims {
    /// The verified ID token's claims.
    pub id_token_claims: Map<String, Value>,
    /// The userinfo endpoint's claims.
    pub user_info_claims: Map<String, Value>,
    /// Both, userinfo winning: what the rules read.
    pub merged_claims: Map<String, Value>,
}

/// An identity's link to its account (`user_links`).
#[derive(Debug, Clone, PartialEq)]
pub struct UserLink {
    /// The account.
    pub user_id: Uuid,
    /// `oidc` or `github`.
    pub login_type: LoginType,
    /// `<iss>||<sub>` for OIDC; the numeric user id for GitHub; empty for a legacy link.
    pub linked_id: String,
    /// The claims of the latest login.
    pub claims: LinkClaims,
}
