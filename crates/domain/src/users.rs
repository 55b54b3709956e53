//! The Users API use cases: listing, creating, deleting, profile, password, status and roles.

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::app::{Actor, App};
use crate::auth::tag_failure;
use crate::clock;
use crate::error::{Error, ErrorKind, Result, Validations};
use crate::organization::Organization;
use crate::rbac::{self, action, resource, role, Object};
use crate::secret;
use crate::store::{Page, Paged, UserFilter};
use crate::user::{LoginType, User, UserStatus};
use crate::validation;

/// A user together with the organizations they belong to, as every user response shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct UserView {
    /// The account.
    pub user: User,
    /// Organizations the user is a member of.
    pub organization_ids: Vec<Uuid>,
}

/// Input of `POST /users`.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    /// Login email (empty for service accounts).
    pub email: String,
    /// Username.
    pub username: String,
    /// Display name.
    pub name: String,
    /// Password (password login only).
    pub password: String,
    /// Login type; `None` means `password`.
    pub login_type: Option<LoginType>,
    /// A login type name this server does not know, kept to answer with Coder's message.
    pub unsupported_login_type: Option<String>,
    /// Initial status; `None` means `dormant`.
    pub status: Option<UserStatus>,
    /// Organizations to join; the nil UUID stands for the default organization.
    pub organization_ids: Vec<Uuid>,
    /// Admin-managed account without email or password.
    pub service_account: bool,
    /// Site roles to grant at creation.
    pub roles: Vec<String>,
}

/// A user's explicit roles (`codersdk.UserRoles`).
#[derive(Debug, Clone, PartialEq)]
pub struct UserRoles {
    /// Site roles.
    pub roles: Vec<String>,
    /// Organization roles per organization id.
    pub organization_roles: BTreeMap<Uuid, Vec<String>>,
}

/// A role as `GET /users/roles` lists it, with whether the caller may grant it.
#[derive(Debug, Clone)]
pub struct AssignableRole {
    /// The role.
    pub role: &'static rbac::Role,
    /// Whether the caller may grant or remove it.
    pub assignable: bool,
    /// Set for organization roles.
    pub organization_id: Option<Uuid>,
}

fn is_owner(user: &User) -> bool {
    user.rbac_roles.iter().any(|r| r == role::OWNER)
}

impl App {
    /// One user with their organizations.
    pub fn view(&self, actor: &Actor, user: User) -> Result<UserView> {
        let organization_ids = self.db(actor).memberships_of_user(user.id)?.into_iter().map(|m| m.organization_id).collect();
        Ok(UserView { user, organization_ids })
    }

    /// `GET /users/me`, answered from what authentication loaded: no I/O. The key's scope
    /// may still hide the user from themselves.
    pub fn me(&self, actor: &Actor) -> Result<UserView> {
        crate::rbac::require_visible(&actor.subject, &Object::user(actor.user.id))?;
        Ok(UserView { user: actor.user.clone(), organization_ids: actor.organization_ids.clone() })
    }

    /// `GET /users/{user}`.
    pub fn get_user(&self, actor: &Actor, param: &str) -> Result<UserView> {
        if param == "me" {
            return self.me(actor);
        }
        let user = self.resolve_user(actor, param)?;
        self.view(actor, user)
    }

    /// `GET /users`: users matching the `q` query, ordered by username. Callers who may not read
    /// users in general see only themselves, as in Coder.
    pub fn list_users(&self, actor: &Actor, q: &str, page: Page) -> Result<Paged<UserView>> {
        let filter: UserFilter = crate::search::parse_user_query(q)?;
        // No account here is linked to GitHub, so a GitHub user id matches nobody.
        if filter.github_com_user_id.is_some_and(|id| id != 0) {
            return Ok(Paged { items: Vec::new(), count: 0 });
        }
        // Who the caller may see, in the query: everyone, or only themselves; a key's scope
        // and allow list narrow it (an allow list naming no user shows no one).
        let paged = self.db(actor).list_users_with_orgs(&filter, &page)?;
        let items = paged.items.into_iter().map(|(user, organization_ids)| UserView { user, organization_ids }).collect();
        Ok(Paged { items, count: paged.count })
    }

    /// `POST /users`: creates an account with Coder's checks, in Coder's order.
    pub fn create_user(&self, actor: &Actor, input: NewUser) -> Result<UserView> {
        let mut v = Validations::new();
        validation::check_identity(&mut v, &input.email, input.service_account, &input.username, &input.name);
        v.finish("Validation failed.")?;

        let mut login_type = input.login_type;
        if input.service_account {
            if !matches!(login_type, None | Some(LoginType::None)) {
                return Err(Error::bad_request("Service accounts must use login type 'none'."));
            }
            if !input.password.is_empty() {
                return Err(Error::bad_request("Password cannot be set for service accounts."));
            }
            if !input.email.is_empty() {
                return Err(Error::bad_request("Email cannot be set for service accounts."));
            }
            self.require_feature(crate::licensing::Feature::ServiceAccounts)?;
            login_type = Some(LoginType::None);
        }
        if let Some(raw) = &input.unsupported_login_type {
            if !input.password.is_empty() {
                return Err(Error::bad_request(format!("Password cannot be set for non-password ({raw:?}) authentication.")));
            }
        }
        let login_type = login_type.unwrap_or(LoginType::Password);
        if login_type != LoginType::Password && !input.password.is_empty() {
            return Err(Error::bad_request(format!("Password cannot be set for non-password ({:?}) authentication.", login_type.as_str())));
        }
        if self.settings.disable_password_auth && login_type == LoginType::Password {
            return Err(Error::new(
                ErrorKind::Forbidden,
                "Password based authentication is disabled! Unable to provision new users with password authentication.",
            ));
        }
        if input.organization_ids.is_empty() {
            return Err(Error::bad_request(
                "No organization specified to place the user as a member of. It is required to specify at least one organization id to place the user in.",
            )
            .with_detail("required at least 1 value for the array 'organization_ids'")
            .with_validation("organization_ids", "Missing values, this cannot be empty"));
        }
        if !rbac::authorize(&actor.subject, action::CREATE, &Object::of(resource::USER)) {
            return Err(Error::new(ErrorKind::Forbidden, "You are not authorized to create users."));
        }
        for r in &input.roles {
            match rbac::role_def(r) {
                Some(def) if def.scope == rbac::RoleScope::Site => {}
                Some(_) => return Err(Error::bad_request("Must only update site wide roles")),
                None => return Err(Error::bad_request(format!("{r:?} is not a supported role"))),
            }
            if !rbac::can_assign_site_role(&actor.subject, r) {
                return Err(Error::new(ErrorKind::Forbidden, format!("not authorized to assign role {r:?}")));
            }
        }
        let db = self.db(actor);
        if db.user_name_taken(&input.username, &input.email)? {
            return Err(Error::conflict("User already exists."));
        }
        let mut orgs: Vec<Uuid> = Vec::new();
        for id in &input.organization_ids {
            let org = if id.is_nil() { db.default_organization() } else { db.organization_by_id(*id) };
            let org = org.or_else(|e| if e.is_refusal() { Ok(None) } else { Err(e) })?;
            let org = org.ok_or_else(|| {
                Error::new(ErrorKind::NotFound, format!("Organization does not exist with the provided id {:?}.", id.to_string()))
            })?;
            if !orgs.contains(&org.id) {
                orgs.push(org.id);
            }
        }
        if let Some(raw) = &input.unsupported_login_type {
            return Err(Error::bad_request(format!("Unsupported login type {raw:?} for manually creating new users.")));
        }
        let hashed_password = match login_type {
            LoginType::None | LoginType::Github => String::new(),
            LoginType::Password => {
                validation::password_valid(&input.password).map_err(|d| Error::invalid_field("Password is invalid", "password", d))?;
                secret::hash_password(&input.password)
            }
            LoginType::Oidc => return Err(Error::bad_request("You must configure OIDC before creating OIDC users.")),
            LoginType::Token | LoginType::OAuth2ProviderApp => {
                return Err(Error::bad_request(format!(
                    "Unsupported login type {:?} for manually creating new users.",
                    login_type.as_str()
                )))
            }
        };
        let now = clock::now();
        let mut roles = input.roles.clone();
        roles.dedup();
        let user = User {
            id: Uuid::new_v4(),
            email: input.email.clone(),
            username: input.username.clone(),
            name: input.name.trim().to_string(),
            avatar_url: String::new(),
            hashed_password,
            login_type,
            status: input.status.unwrap_or(UserStatus::Dormant),
            rbac_roles: roles,
            is_service_account: input.service_account,
            deleted: false,
            created_at: now,
            updated_at: now,
            last_seen_at: clock::zero_time(),
        };
        let ssh_key = self.new_user_ssh_key()?;
        db.transaction(|tx| tx.insert_user(&user, &orgs, &ssh_key)).map_err(|e| {
            if e.kind == ErrorKind::Conflict {
                Error::conflict("User already exists.")
            } else {
                e
            }
        })?;
        Ok(UserView { user, organization_ids: orgs })
    }

    /// `DELETE /users/{user}`: soft-deletes the account; its keys and memberships go with it,
    /// and its username and email become free.
    pub fn delete_user(&self, actor: &Actor, param: &str) -> Result<()> {
        let user = self.resolve_user(actor, param)?;
        if user.id == actor.user.id {
            return Err(Error::new(ErrorKind::Forbidden, "You cannot delete yourself!"));
        }
        let db = self.db(actor);
        db.require(action::DELETE, &Object::user(user.id))?;
        db.delete_user(user.id)?;
        Ok(())
    }

    /// `PUT /users/{user}/profile`: username and display name. Renaming needs `update` on the
    /// user (admins); the display name is personal data the user may change.
    pub fn update_profile(&self, actor: &Actor, param: &str, username: &str, name: &str) -> Result<UserView> {
        let mut v = Validations::new();
        if username.is_empty() {
            v.add("username", tag_failure("required", ""));
        } else if validation::name_valid(username).is_err() {
            v.add("username", tag_failure("username", username));
        }
        if validation::user_real_name_valid(name).is_err() {
            v.add("name", tag_failure("user_real_name", name));
        }
        v.finish("Validation failed.")?;
        let user = self.resolve_user(actor, param)?;
        let object = Object::user(user.id);
        if username != user.username && !rbac::authorize(&actor.subject, action::UPDATE, &object) {
            return Err(Error::not_found().denied());
        }
        rbac::require(&actor.subject, action::UPDATE_PERSONAL, &object)?;
        let taken =
            || Error::conflict("A user with this username already exists.").with_validation("username", "This username is already in use.");
        let db = self.db(actor);
        if db.username_taken_by_other(user.id, username)? {
            return Err(taken());
        }
        let user = db
            .modify_user(user.id, |user| {
                user.username = username.to_string();
                user.name = name.to_string();
                Ok(())
            })
            .map_err(|e| if e.kind == ErrorKind::Conflict { taken() } else { e })?;
        self.view(actor, user)
    }

    /// `PUT /users/{user}/password`. Users changing their own password must give the old one;
    /// admins need not, but only owners may reset an owner's. Every other session of the user
    /// ends (the caller's current session survives a change of their own password).
    pub fn update_password(&self, actor: &Actor, param: &str, old_password: &str, password: &str) -> Result<()> {
        let user = self.resolve_user(actor, param)?;
        if !rbac::authorize(&actor.subject, action::UPDATE_PERSONAL, &Object::user(user.id)) {
            return Err(Error::not_found().denied());
        }
        let is_self = user.id == actor.user.id;
        if !is_self && is_owner(&user) && !actor.subject.has_site_role(role::OWNER) {
            return Err(Error::bad_request("Only owners can change the password of an owner."));
        }
        if password.is_empty() {
            return Err(Error::invalid_field("Validation failed.", "password", tag_failure("required", "")));
        }
        if user.login_type != LoginType::Password {
            return Err(Error::bad_request("Users without password login type cannot change their password."));
        }
        if is_self && old_password.is_empty() {
            return Err(Error::bad_request("Old password is required."));
        }
        validation::password_valid(password).map_err(|d| Error::invalid_field("Invalid password.", "password", d))?;
        if !old_password.is_empty() && !secret::verify_password(old_password, &user.hashed_password) {
            return Err(Error::invalid_field("Old password is incorrect.", "old_password", "Old password is incorrect."));
        }
        if secret::verify_password(password, &user.hashed_password) {
            return Err(Error::bad_request("New password cannot match old password."));
        }
        let hashed_password = secret::hash_password(password);
        let keep = if is_self { Some(actor.api_key_id.clone()) } else { None };
        self.db(actor).set_password(user.id, hashed_password, keep.as_deref())?;
        Ok(())
    }

    /// `PUT /users/{user}/status/{activate,suspend}`. Nobody can suspend themselves or an owner;
    /// suspended users' keys stop working at once (the status is checked on every request).
    pub fn set_status(&self, actor: &Actor, param: &str, status: UserStatus) -> Result<UserView> {
        let mut user = self.resolve_user(actor, param)?;
        if status == UserStatus::Suspended {
            if user.id == actor.user.id {
                return Err(Error::bad_request("You cannot suspend yourself."));
            }
            if is_owner(&user) {
                return Err(Error::bad_request("You cannot suspend a user with the \"owner\" role. You must remove the role first."));
            }
        }
        let db = self.db(actor);
        db.require(action::UPDATE, &Object::user(user.id))?;
        user.status = status;
        user.updated_at = clock::now();
        db.update_user_status(user.id, status, user.updated_at)?;
        self.view(actor, user)
    }

    /// `GET /users/{user}/roles`.
    pub fn user_roles(&self, actor: &Actor, param: &str) -> Result<UserRoles> {
        let user = self.resolve_user(actor, param)?;
        if !rbac::authorize(&actor.subject, action::READ_PERSONAL, &Object::user(user.id)) {
            return Err(Error::not_found().denied());
        }
        let organization_roles = self.db(actor).memberships_of_user(user.id)?.into_iter().map(|m| (m.organization_id, m.roles)).collect();
        Ok(UserRoles { roles: user.rbac_roles, organization_roles })
    }

    /// `PUT /users/{user}/roles`: replaces the site roles. Unknown roles are a 400; granting or
    /// removing a role the caller may not assign (only owners handle `owner`) is a 403; nobody
    /// changes their own roles.
    pub fn set_user_roles(&self, actor: &Actor, param: &str, roles: &[String]) -> Result<UserView> {
        let user = self.resolve_user(actor, param)?;
        if user.id == actor.user.id {
            return Err(Error::bad_request("You cannot change your own roles."));
        }
        self.guard_synced_site_roles(&user)?;
        let mut wanted: Vec<String> = Vec::new();
        for r in roles {
            match rbac::role_def(r) {
                Some(def) if def.scope == rbac::RoleScope::Site => {}
                Some(_) => return Err(Error::bad_request("Must only update site wide roles")),
                None => return Err(Error::bad_request(format!("{r:?} is not a supported role"))),
            }
            if !wanted.contains(r) {
                wanted.push(r.clone());
            }
        }
        let added: Vec<&String> = wanted.iter().filter(|r| !user.rbac_roles.contains(r)).collect();
        let removed: Vec<&String> = user.rbac_roles.iter().filter(|r| !wanted.contains(r)).collect();
        let assign_obj = Object::of(resource::ASSIGN_ROLE);
        if !added.is_empty() {
            rbac::require(&actor.subject, action::ASSIGN, &assign_obj)?;
        }
        if !removed.is_empty() {
            rbac::require(&actor.subject, action::UNASSIGN, &assign_obj)?;
        }
        // Coder answers 400 when the caller may assign roles but not this one.
        if let Some(r) = added.iter().chain(removed.iter()).find(|r| !rbac::can_assign_site_role(&actor.subject, r)) {
            return Err(Error::bad_request(format!("not authorized to assign role {r:?}")));
        }
        let user = self.db(actor).modify_user(user.id, |user| {
            user.rbac_roles = wanted;
            Ok(())
        })?;
        self.view(actor, user)
    }

    /// `GET /users/roles`: the assignable site roles, with whether the caller may grant each.
    pub fn assignable_site_roles(&self, actor: &Actor) -> Result<Vec<AssignableRole>> {
        rbac::require(&actor.subject, action::READ, &Object::of(resource::ASSIGN_ROLE))?;
        Ok(rbac::assignable_site_roles()
            .map(|role| AssignableRole { role, assignable: rbac::can_assign_site_role(&actor.subject, role.name), organization_id: None })
            .collect())
    }

    /// `GET /users/{user}/login-type`: only ever about yourself, as in Coder.
    pub fn login_type_of(&self, actor: &Actor, param: &str) -> Result<LoginType> {
        let user = self.resolve_user(actor, param)?;
        if user.id != actor.user.id {
            return Err(Error::new(ErrorKind::Forbidden, "You are not authorized to view this user's login type."));
        }
        Ok(user.login_type)
    }

    /// `GET /users/{user}/organizations`: the user's organizations the caller may read.
    pub fn organizations_of_user(&self, actor: &Actor, param: &str) -> Result<Vec<Organization>> {
        let user = self.resolve_user(actor, param)?;
        let db = self.db(actor);
        let mine: Vec<Uuid> = db.memberships_of_user(user.id)?.into_iter().map(|m| m.organization_id).collect();
        let mut out: Vec<Organization> = db.list_organizations()?.into_iter().filter(|o| mine.contains(&o.id)).collect();
        out.sort_by_key(|o| o.name.to_lowercase());
        Ok(out)
    }

    /// `GET /users/{user}/organizations/{name}`: one of the user's organizations by name. Unlike
    /// Coder, which ignores the user here, an organization the user is not in is a 404.
    pub fn organization_of_user(&self, actor: &Actor, param: &str, name: &str) -> Result<Organization> {
        let user = self.resolve_user(actor, param)?;
        let db = self.db(actor);
        let org = db.organization_by_name(name)?.ok_or_else(Error::not_found)?;
        if !db.memberships_of_user(user.id)?.iter().any(|m| m.organization_id == org.id) {
            return Err(Error::not_found());
        }
        Ok(org)
    }
}
