//! Signing in with a verified OIDC identity (Coder's `userOIDC` and `oauthLogin`): the checks in
//! Coder's order, the account found by link or by email (or made), the IdP sync, the profile
//! refreshed, and a session.

use serde_json::{Map, Value};
use uuid::Uuid;

use super::claims::{alternative_username, email_domain_allowed, email_verified, kind, string_list, username_from};
use super::{LinkClaims, OidcSettings, UserLink};
use crate::app::App;
use crate::auth::{allow_all, create_api_key, NewKey};
use crate::authz::System;
use crate::clock;
use crate::error::{Error, ErrorKind, Result};
use crate::idpsync::apply::{self, Entitled};
use crate::licensing::Feature;
use crate::user::{LoginType, User, UserStatus};
use crate::validation;

/// Why a login is refused: a page for the person at the browser (Coder's static error pages),
/// or an error in Coder's envelope.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// An HTML page.
    Page {
        /// HTTP status.
        status: u16,
        /// Title.
        title: String,
        /// What to do.
        text: String,
    },
    /// A JSON error.
    Api(Error),
}

impl From<Error> for Refusal {
    fn from(e: Error) -> Self {
        Refusal::Api(e)
    }
}

pub(crate) fn page(status: u16, title: &str, text: impl Into<String>) -> Refusal {
    Refusal::Page { status, title: title.into(), text: text.into() }
}

/// A verified OIDC identity: the ID token's issuer and the claims.
#[derive(Debug, Clone)]
pub struct OidcIdentity {
    /// `iss` of the ID token.
    pub issuer: String,
    /// The ID token's, the userinfo endpoint's, and both merged.
    pub claims: LinkClaims,
}

/// A signed-in user.
#[derive(Debug, Clone)]
pub struct LoginSession {
    /// The new session token (`coder_session_token`).
    pub token: String,
    /// The account.
    pub user_id: Uuid,
}

/// What the provider says about the person, checked.
pub(crate) struct Profile {
    pub(crate) email: String,
    pub(crate) username: String,
    pub(crate) name: String,
    pub(crate) avatar_url: String,
}

/// Who may sign up through a provider.
pub(crate) struct Signups {
    pub(crate) allowed: bool,
    pub(crate) disabled_text: String,
}

/// IdP sync at an OIDC login.
pub(crate) struct Sync<'a> {
    oidc: &'a OidcSettings,
    entitled: Entitled,
    site_roles: Option<Vec<String>>,
}

fn profile(oidc: &OidcSettings, merged: &Map<String, Value>) -> std::result::Result<Profile, Refusal> {
    let username_claim = merged.get(&oidc.username_field).and_then(Value::as_str).unwrap_or_default().to_string();
    let email = match merged.get(&oidc.email_field) {
        Some(Value::String(e)) => e.clone(),
        Some(other) => return Err(Error::bad_request(format!("Email in OIDC payload isn't a string. Got: {}", kind(other))).into()),
        None if validation::email_valid(&username_claim).is_ok() => username_claim.clone(),
        None => return Err(Error::bad_request("No email found in OIDC payload!").into()),
    };
    if !oidc.ignore_email_verified && !email_verified(merged.get("email_verified")) {
        return Err(page(403, "Email not verified", format!("Verify the {email:?} email address on your OIDC provider to authenticate!")));
    }
    let username = if validation::name_valid(&username_claim).is_ok() {
        username_claim
    } else if username_claim.is_empty() {
        username_from(&email)
    } else {
        username_from(&username_claim)
    };
    if !email_domain_allowed(&email, &oidc.email_domains) {
        return Err(page(
            403,
            "Unauthorized email",
            format!("Your email {email:?} is not from an authorized domain! Please contact your administrator."),
        ));
    }
    let mut name = merged.get(&oidc.name_field).and_then(Value::as_str).unwrap_or_default().trim().to_string();
    while name.len() > 128 {
        name.pop();
    }
    let avatar_url = merged.get("picture").and_then(Value::as_str).unwrap_or_default().to_string();
    Ok(Profile { email, username, name, avatar_url })
}

/// `CODER_OIDC_ALLOWED_GROUPS`: checked before anything is written.
fn allowed_groups(oidc: &OidcSettings, merged: &Map<String, Value>) -> std::result::Result<(), Refusal> {
    if oidc.allowed_groups.is_empty() {
        return Ok(());
    }
    const TITLE: &str = "Not a member of an allowed group";
    let Some(claim) = merged.get(&oidc.group_field) else { return Err(page(403, TITLE, "You have no groups in your claims!")) };
    let groups = string_list(Some(claim)).map_err(|_| {
        page(400, "Failed to read groups", "Failed read groups from claims for allow list check. Ask an administrator for help.")
    })?;
    if groups.iter().any(|g| oidc.allowed_groups.contains(g)) {
        Ok(())
    } else {
        Err(page(403, TITLE, "Ask an administrator to add one of your groups to the allow list."))
    }
}

impl App {
    /// Signs in a verified OIDC identity; every refusal is Coder's.
    pub fn oidc_login(&self, identity: OidcIdentity) -> std::result::Result<LoginSession, Refusal> {
        let oidc = self.settings.oidc.clone().ok_or_else(|| Error::bad_request("The oauth2 method requested is not configured!"))?;
        let sub = identity.claims.id_token_claims.get("sub").and_then(Value::as_str).unwrap_or_default().to_string();
        if sub.is_empty() {
            return Err(Error::bad_request("OIDC token missing 'sub' claim field or 'sub' claim field is empty.")
                .with_detail("'sub' claim field is required to be unique for all users by a given issue, an empty field is invalid and this authentication attempt is rejected.")
                .into());
        }
        let merged = identity.claims.merged_claims.clone();
        let p = profile(&oidc, &merged)?;
        allowed_groups(&oidc, &merged)?;
        let entitled = Entitled {
            organizations: self.feature_enabled(Feature::MultipleOrganizations),
            groups: self.feature_enabled(Feature::TemplateRbac),
            roles: self.feature_enabled(Feature::UserRoleManagement),
        };
        let site_roles = if entitled.roles {
            apply::site_roles(&oidc, &merged).map_err(|e| {
                Error::bad_request("Login disabled until site wide OIDC config is fixed")
                    .with_detail(format!("Roles claim must be an array of strings: {e}. Disabling role sync will allow login to proceed."))
            })?
        } else {
            None
        };
        let linked_id = format!("{}||{sub}", identity.issuer);
        let signups = Signups { allowed: oidc.allow_signups, disabled_text: oidc.signups_disabled_text.clone() };
        let sync = Sync { oidc: &oidc, entitled, site_roles };
        self.external_login(LoginType::Oidc, &linked_id, &p, identity.claims, &signups, Some(sync))
    }

    /// The account half of every external login: find the account by its link, else by email
    /// (only for a first or legacy link), or make one; refuse what Coder refuses; then, in one
    /// transaction, link it, sync it, refresh its profile; and open a session.
    pub(crate) fn external_login(
        &self,
        login_type: LoginType,
        linked_id: &str,
        p: &Profile,
        claims: LinkClaims,
        signups: &Signups,
        sync: Option<Sync<'_>>,
    ) -> std::result::Result<LoginSession, Refusal> {
        let already_linked = || {
            if login_type == LoginType::Oidc {
                page(
                    403,
                    "Account already linked",
                    "This account is already linked to a different identity provider subject. Contact your administrator.",
                )
            } else {
                Refusal::Api(Error::new(ErrorKind::Forbidden, "This account is already linked to a different identity provider subject."))
            }
        };
        let repo = self.db_as(System::Login);
        let mut existing = match repo.user_link_by_linked_id(login_type, linked_id)? {
            Some(link) => repo.user_by_id(link.user_id)?,
            None => None,
        };
        if existing.is_none() {
            if let Some(user) = repo.user_by_email(&p.email)? {
                if let Some(link) = repo.user_link(user.id, login_type)? {
                    if !link.linked_id.is_empty() && link.linked_id != linked_id {
                        return Err(already_linked());
                    }
                }
                existing = Some(user);
            }
        }
        if let Some(user) = &existing {
            if user.login_type != login_type {
                let mut text = format!(
                    "Attempting to use login type {:?}, but the user has the login type {:?}.",
                    login_type.as_str(),
                    user.login_type.as_str()
                );
                if user.login_type == LoginType::Password {
                    text.push_str(" You can convert your account to use this login type by visiting your account settings.");
                }
                return Err(page(403, "Incorrect login type", text));
            }
            if user.status == UserStatus::Suspended {
                return Err(page(
                    403,
                    "Account suspended",
                    format!(
                        "Your account {:?} has been suspended. Contact your Coder administrator to reactivate your account.",
                        user.username
                    ),
                ));
            }
        } else if !signups.allowed && repo.count_users()? > 0 {
            let text = if signups.disabled_text.is_empty() {
                "Please contact your Coder administrator to request access.".to_string()
            } else {
                signups.disabled_text.clone()
            };
            return Err(page(403, "Signups are disabled", text));
        }

        let new_user = match &existing {
            Some(_) => None,
            None => Some(self.new_external_user(login_type, p)?),
        };
        let ssh_key = if new_user.is_some() { Some(self.new_user_ssh_key()?) } else { None };
        let user_id = repo
            .transaction(|tx| {
                let id = match (&existing, &new_user) {
                    (Some(u), _) => u.id,
                    (None, Some(u)) => {
                        let orgs: Vec<Uuid> = tx.default_organization()?.map(|o| o.id).into_iter().collect();
                        tx.insert_user(u, &orgs, ssh_key.as_ref().expect("a key for a new user"))?;
                        u.id
                    }
                    (None, None) => return Err(Error::internal("Failed to process OAuth login.", "no user")),
                };
                let mut user = tx.user_by_id(id)?.ok_or_else(|| Error::internal("Failed to process OAuth login.", "the user is gone"))?;
                tx.upsert_user_link(&UserLink { user_id: id, login_type, linked_id: linked_id.to_string(), claims: claims.clone() })?;
                if let Some(sync) = &sync {
                    apply::all(tx, sync.oidc, sync.entitled, &mut user, &claims.merged_claims, sync.site_roles.clone())?;
                }
                let roles = user.rbac_roles.clone();
                tx.modify_user(id, |user| {
                    user.rbac_roles = roles;
                    if user.status == UserStatus::Dormant {
                        user.status = UserStatus::Active;
                    }
                    user.email = p.email.clone();
                    user.name = p.name.clone();
                    user.avatar_url = p.avatar_url.clone();
                    Ok(())
                })?;
                Ok(id)
            })
            .map_err(|e| match e.kind {
                ErrorKind::Conflict => already_linked(),
                ErrorKind::Internal => Refusal::Api(Error::internal("Failed to process OAuth login.", e.to_string())),
                _ => Refusal::Api(e),
            })?;
        let (_, token) = create_api_key(
            &repo,
            NewKey {
                user_id,
                login_type,
                lifetime: self.settings.session_duration,
                token_name: String::new(),
                scopes: vec!["coder:all".into()],
                allow_list: allow_all(),
            },
        )?;
        Ok(LoginSession { token, user_id })
    }

    /// A new account for an identity: its username, or an alternative when taken (ten tries);
    /// the first user of a deployment is its owner.
    fn new_external_user(&self, login_type: LoginType, p: &Profile) -> std::result::Result<User, Refusal> {
        let mut username = p.username.clone();
        let mut tries = 0;
        let db = self.db_as(System::Login);
        while db.user_by_username(&username)?.is_some() {
            tries += 1;
            if tries > 10 {
                return Err(Error::conflict(format!("exhausted alternatives for taken username {:?}", p.username)).into());
            }
            username = alternative_username(&p.username);
        }
        let now = clock::now();
        let first = db.count_users()? == 0;
        Ok(User {
            id: Uuid::new_v4(),
            email: p.email.clone(),
            username,
            name: p.name.clone(),
            avatar_url: p.avatar_url.clone(),
            hashed_password: String::new(),
            login_type,
            status: UserStatus::Active,
            rbac_roles: if first { vec![crate::rbac::role::OWNER.to_string()] } else { vec![] },
            is_service_account: false,
            deleted: false,
            created_at: now,
            updated_at: now,
            last_seen_at: clock::zero_time(),
        })
    }

    /// `GET /users/oidc-claims`: the merged claims of the caller's latest OIDC login.
    pub fn my_oidc_claims(&self, actor: &crate::app::Actor) -> Result<Map<String, Value>> {
        // The link is the user's personal data: a key scoped away from it reads nothing.
        let db = self.db(actor);
        db.require_visible(crate::rbac::Action::ReadPersonal, &crate::rbac::Object::user(actor.user.id))?;
        if actor.user.login_type != LoginType::Oidc {
            return Err(Error::bad_request("User is not an OIDC user."));
        }
        let link =
            db.user_link(actor.user.id, LoginType::Oidc)?.ok_or_else(|| Error::internal("Failed to get user link.", "no OIDC link"))?;
        Ok(link.claims.merged_claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn profiles_follow_coder() {
        let oidc = OidcSettings::default();
        let p = profile(&oidc, &claims(json!({"email": "Kyle@kwc.io", "email_verified": true, "name": " Kyle ", "picture": "https://p"})))
            .ok()
            .unwrap();
        assert_eq!((p.username.as_str(), p.name.as_str(), p.avatar_url.as_str()), ("Kyle", "Kyle", "https://p"));
        let r = profile(&oidc, &claims(json!({"email": "a@b.io"}))).err().unwrap();
        assert!(matches!(r, Refusal::Page { status: 403, ref title, .. } if title == "Email not verified"));
        let r = profile(&oidc, &claims(json!({"email": 3, "email_verified": true}))).err().unwrap();
        assert!(matches!(r, Refusal::Api(ref e) if e.kind == ErrorKind::BadRequest));
        let p = profile(&oidc, &claims(json!({"preferred_username": "a@b.io", "email_verified": true}))).ok().unwrap();
        assert_eq!((p.email.as_str(), p.username.as_str()), ("a@b.io", "a"));
        let strict = OidcSettings { email_domains: vec!["corp.io".into()], ..Default::default() };
        let r = profile(&strict, &claims(json!({"email": "a@b.io", "email_verified": true}))).err().unwrap();
        assert!(matches!(r, Refusal::Page { ref title, .. } if title == "Unauthorized email"));
    }

    #[test]
    fn allow_list() {
        let oidc = OidcSettings { group_field: "groups".into(), allowed_groups: vec!["eng".into()], ..Default::default() };
        assert!(allowed_groups(&oidc, &claims(json!({"groups": ["eng"]}))).is_ok());
        assert!(allowed_groups(&oidc, &claims(json!({"groups": ["ops"]}))).is_err());
        assert!(allowed_groups(&oidc, &claims(json!({}))).is_err());
    }
}
