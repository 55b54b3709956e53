//! SCIM users: Coder users seen through SCIM. `userName` is kept as sent and the Coder username is
//! derived from it (as Coder derives OIDC usernames); the primary email is the Coder email;
//! `active: false` suspends; DELETE suspends and hides the user from SCIM.

use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::filter::get_ci;
use super::{check_if_match, page, require_schema, version_of, ListPage, ListQuery, ScimError, ScimResult, ScimUserRow, USER_SCHEMA};
use crate::app::App;
use crate::authz::{Db, System};
use crate::clock;
use crate::licensing::Feature;
use crate::store::{Page, UserFilter};
use crate::user::{LoginType, User, UserStatus};
use crate::validation;

/// Attributes the server owns or derives: never kept from a request.
const SERVER_OWNED: &[&str] = &["id", "meta", "schemas", "userName", "externalId", "password", "groups"];

/// Coder's `UsernameFrom`: the part before `@`, only `[a-zA-Z0-9-]`, hyphens tidied, at most 32
/// characters; `None` when nothing valid is left.
pub fn username_from(raw: &str) -> Option<String> {
    let local = raw.split('@').next().unwrap_or_default();
    let cleaned: String = local.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    let mut parts: Vec<&str> = cleaned.split('-').filter(|p| !p.is_empty()).collect();
    let mut name = parts.join("-");
    while name.len() > 32 {
        name.truncate(32);
        name = name.trim_end_matches('-').to_string();
        parts = name.split('-').filter(|p| !p.is_empty()).collect();
        name = parts.join("-");
    }
    validation::name_valid(&name).ok().map(|_| name)
}

/// The name in a filter that is exactly `userName eq "<name>"`.
fn user_name_eq(filter: &str) -> Option<String> {
    match super::filter::parse(filter).ok()? {
        super::filter::Filter::Compare(path, super::filter::Op::Eq, Value::String(v))
            if path.sub.is_none() && path.attr.eq_ignore_ascii_case("userName") =>
        {
            Some(v)
        }
        _ => None,
    }
}

fn primary_email(body: &Value) -> Option<String> {
    let emails = get_ci(body, "emails")?.as_array()?;
    let value = |e: &Value| get_ci(e, "value").and_then(|v| v.as_str()).map(String::from);
    emails
        .iter()
        .find(|e| get_ci(e, "primary").and_then(|p| p.as_bool()) == Some(true))
        .and_then(value)
        .or_else(|| emails.iter().find_map(value))
}

fn display_name_of(body: &Value) -> String {
    let name = get_ci(body, "name");
    let formatted = name.and_then(|n| get_ci(n, "formatted")).and_then(|v| v.as_str()).map(str::to_string);
    let parts = name
        .map(|n| ["givenName", "familyName"].iter().filter_map(|k| get_ci(n, k).and_then(|v| v.as_str())).collect::<Vec<_>>().join(" "));
    let display = get_ci(body, "displayName").and_then(|v| v.as_str()).map(str::to_string);
    let mut out = formatted.filter(|s| !s.trim().is_empty()).or(display.filter(|s| !s.trim().is_empty())).or(parts).unwrap_or_default();
    out = out.trim().to_string();
    while out.len() > 128 {
        out.pop();
    }
    out.trim().to_string()
}

/// What a request says, checked.
struct UserInput {
    user_name: String,
    external_id: Option<String>,
    email: String,
    name: String,
    active: Option<bool>,
    attributes: Map<String, Value>,
}

fn read_user(body: &Value) -> ScimResult<UserInput> {
    if !body.is_object() {
        return Err(ScimError::invalid_syntax("the body must be a JSON object"));
    }
    require_schema(body, USER_SCHEMA)?;
    let user_name = match get_ci(body, "userName") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        Some(Value::String(_)) | None | Some(Value::Null) => return Err(ScimError::invalid_value("\"userName\" is required")),
        Some(_) => return Err(ScimError::invalid_value("\"userName\" must be a string")),
    };
    let external_id = match get_ci(body, "externalId") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(ScimError::invalid_value("\"externalId\" must be a string")),
    };
    let active = match get_ci(body, "active") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => return Err(ScimError::invalid_value("\"active\" must be a boolean")),
    };
    let email = primary_email(body).unwrap_or_default();
    if !email.is_empty() && validation::email_valid(&email).is_err() {
        return Err(ScimError::invalid_value(format!("{email:?} is not a valid email address")));
    }
    let mut attributes = Map::new();
    for (k, v) in body.as_object().into_iter().flatten() {
        if !SERVER_OWNED.iter().any(|o| o.eq_ignore_ascii_case(k)) && !v.is_null() {
            attributes.insert(k.clone(), v.clone());
        }
    }
    Ok(UserInput { user_name, external_id, email, name: display_name_of(body), active, attributes })
}

impl App {
    fn scim_base(&self) -> String {
        format!("{}/scim/v2", self.settings.access_url.trim_end_matches('/'))
    }

    /// The SCIM resource of a Coder user.
    pub(crate) fn scim_user_resource(&self, user: &User, row: Option<&ScimUserRow>) -> Value {
        let mut obj: Map<String, Value> = row.and_then(|r| serde_json::from_str(&r.attributes).ok()).unwrap_or_default();
        let last = row.map_or(user.updated_at, |r| r.updated_at.max(user.updated_at));
        obj.insert("schemas".into(), json!([USER_SCHEMA]));
        obj.insert("id".into(), json!(user.id));
        obj.insert("userName".into(), json!(row.map_or(user.username.as_str(), |r| r.user_name.as_str())));
        if let Some(ext) = row.and_then(|r| r.external_id.clone()) {
            obj.insert("externalId".into(), json!(ext));
        }
        // `active` is the Coder status; it is left out only when the client removed it.
        let active_key = obj.keys().find(|k| k.eq_ignore_ascii_case("active")).cloned();
        if let Some(k) = active_key {
            obj.remove(&k);
        }
        if row.is_none() || obj_had_active(row) {
            obj.insert("active".into(), json!(user.status != UserStatus::Suspended));
        }
        // Users SCIM did not provision are described from their Coder row.
        if row.is_none() {
            if !user.email.is_empty() {
                obj.insert("emails".into(), json!([{"value": user.email, "primary": true}]));
            }
            if !user.name.is_empty() {
                obj.insert("name".into(), json!({"formatted": user.name}));
            }
        }
        obj.insert(
            "meta".into(),
            json!({
                "resourceType": "User",
                "created": rfc3339(row.map_or(user.created_at, |r| r.created_at)),
                "lastModified": rfc3339(last),
                "location": format!("{}/Users/{}", self.scim_base(), user.id),
                "version": version_of(last),
            }),
        );
        Value::Object(obj)
    }

    /// A user SCIM may see: live, and not deleted through SCIM.
    fn scim_visible_user(&self, id: &str) -> ScimResult<(User, Option<ScimUserRow>)> {
        let uid = Uuid::parse_str(id).map_err(|_| ScimError::not_found(id))?;
        let user = self.db_as(System::Scim).user_by_id(uid)?.ok_or_else(|| ScimError::not_found(id))?;
        let row = self.db_as(System::Scim).scim_user(uid)?;
        if row.as_ref().is_some_and(|r| r.deleted) {
            return Err(ScimError::not_found(id));
        }
        Ok((user, row))
    }

    /// `GET /scim/v2/Users`. The question identity providers ask most, `userName eq "x"`, is
    /// answered by index lookups; other filters are evaluated over every user.
    pub fn scim_list_users(&self, q: &ListQuery) -> ScimResult<ListPage> {
        self.require_feature(Feature::Scim)?;
        if let Some(name) = q.filter.as_deref().and_then(user_name_eq) {
            return page(self.scim_users_named(&name)?, q);
        }
        page(self.scim_user_resources()?, q)
    }

    /// The user (at most one) whose SCIM `userName`, or else Coder username, is `name`.
    fn scim_users_named(&self, name: &str) -> ScimResult<Vec<Value>> {
        let (user, row) = match self.db_as(System::Scim).scim_user_by_user_name(name)? {
            Some(row) => (self.db_as(System::Scim).user_by_id(row.user_id)?, Some(row)),
            None => (self.db_as(System::Scim).user_by_username(name)?, None),
        };
        let row = match (&user, row) {
            (Some(u), None) => self.db_as(System::Scim).scim_user(u.id)?,
            (_, row) => row,
        };
        Ok(match user {
            Some(u) if !u.is_service_account && !row.as_ref().is_some_and(|r| r.deleted) => vec![self.scim_user_resource(&u, row.as_ref())],
            _ => vec![],
        })
    }

    /// Every user SCIM sees, as resources.
    pub(crate) fn scim_user_resources(&self) -> ScimResult<Vec<Value>> {
        let rows: std::collections::HashMap<Uuid, ScimUserRow> =
            self.db_as(System::Scim).scim_users()?.into_iter().map(|r| (r.user_id, r)).collect();
        let users = self.db_as(System::Scim).list_users(&UserFilter::default(), &Page::default())?.items;
        let all = users
            .iter()
            .filter(|u| !u.is_service_account && !rows.get(&u.id).is_some_and(|r| r.deleted))
            .map(|u| self.scim_user_resource(u, rows.get(&u.id)))
            .collect();
        Ok(all)
    }

    /// `GET /scim/v2/Users/{id}`.
    pub fn scim_get_user(&self, id: &str) -> ScimResult<Value> {
        self.require_feature(Feature::Scim)?;
        let (user, row) = self.scim_visible_user(id)?;
        Ok(self.scim_user_resource(&user, row.as_ref()))
    }

    /// A Coder username for `user_name` that no other live user has.
    fn derive_username(&self, tx: &Db<'_>, user_name: &str, email: &str, keep: Option<Uuid>) -> ScimResult<String> {
        let base = if validation::name_valid(user_name).is_ok() {
            user_name.to_string()
        } else {
            username_from(user_name).or_else(|| username_from(email)).unwrap_or_else(|| "user".to_string())
        };
        let free = |name: &str| -> ScimResult<bool> { Ok(tx.user_by_username(name)?.is_none_or(|u| Some(u.id) == keep)) };
        if free(&base)? {
            return Ok(base);
        }
        for _ in 0..20 {
            let suffix = crate::secret::random_alphanumeric(6).to_lowercase();
            let mut stem = base.clone();
            stem.truncate(32 - 7);
            let candidate = format!("{}-{suffix}", stem.trim_end_matches('-'));
            if free(&candidate)? {
                return Ok(candidate);
            }
        }
        Err(ScimError::uniqueness(format!("no free username could be derived from {user_name:?}")))
    }

    /// `POST /scim/v2/Users`: creates an OIDC user in the default organization. A user deleted or
    /// suspended earlier under the same `userName` is brought back (as Coder does); anyone else
    /// with that `userName` or email is a conflict.
    pub fn scim_create_user(&self, body: &Value) -> ScimResult<Value> {
        self.require_feature(Feature::Scim)?;
        let input = read_user(body)?;
        let ssh_key = self.new_user_ssh_key()?;
        let now = clock::now();
        let id = self
            .db_as(System::Scim)
            .transaction(|tx| {
                let existing = match tx.scim_user_by_user_name(&input.user_name)? {
                    Some(row) => tx.user_by_id(row.user_id)?.map(|u| (u, Some(row))),
                    None => tx.user_by_username(&input.user_name)?.map(|u| (u, None)),
                };
                if let Some((mut user, row)) = existing {
                    let hidden = row.as_ref().is_some_and(|r| r.deleted) || user.status == UserStatus::Suspended;
                    if !hidden {
                        return Err(
                            ScimError::uniqueness(format!("a user with userName {:?} already exists", input.user_name)).into_domain()
                        );
                    }
                    // Bring the user back, as the IdP now describes them.
                    user.status = if input.active == Some(false) { UserStatus::Suspended } else { UserStatus::Dormant };
                    self.write_scim_user(tx, &mut user, &input, row.map_or(now, |r| r.created_at), now)?;
                    return Ok(user.id);
                }
                if !input.email.is_empty() && tx.user_by_email(&input.email)?.is_some() {
                    return Err(ScimError::uniqueness(format!("a user with email {:?} already exists", input.email)).into_domain());
                }
                let username = self.derive_username(tx, &input.user_name, &input.email, None).map_err(ScimError::into_domain)?;
                let org = crate::auth::ensure_default_organization(tx)?;
                let user = User {
                    id: Uuid::new_v4(),
                    email: input.email.clone(),
                    username,
                    name: input.name.clone(),
                    avatar_url: String::new(),
                    hashed_password: String::new(),
                    login_type: LoginType::Oidc,
                    status: if input.active == Some(false) { UserStatus::Suspended } else { UserStatus::Dormant },
                    rbac_roles: vec![],
                    is_service_account: false,
                    deleted: false,
                    created_at: now,
                    updated_at: now,
                    last_seen_at: clock::zero_time(),
                };
                tx.insert_user(&user, &[org.id], &ssh_key)?;
                tx.put_scim_user(&ScimUserRow {
                    user_id: user.id,
                    user_name: input.user_name.clone(),
                    external_id: input.external_id.clone(),
                    attributes: Value::Object(input.attributes.clone()).to_string(),
                    deleted: false,
                    created_at: now,
                    updated_at: now,
                })?;
                Ok(user.id)
            })
            .map_err(ScimError::from_domain)?;
        self.scim_get_user(&id.to_string())
    }

    /// Writes a user as `input` describes it (username, email, name, status, SCIM data).
    fn write_scim_user(
        &self,
        tx: &Db<'_>,
        user: &mut User,
        input: &UserInput,
        created: time::OffsetDateTime,
        now: time::OffsetDateTime,
    ) -> crate::Result<()> {
        if !input.email.is_empty() && !input.email.eq_ignore_ascii_case(&user.email) {
            if tx.user_by_email(&input.email)?.is_some_and(|o| o.id != user.id) {
                return Err(ScimError::uniqueness(format!("a user with email {:?} already exists", input.email)).into_domain());
            }
            user.email = input.email.clone();
        }
        let current_row = tx.scim_user(user.id)?;
        let renamed = current_row.as_ref().is_none_or(|r| r.user_name != input.user_name);
        if renamed {
            if let Some(other) = tx.scim_user_by_user_name(&input.user_name)?.filter(|r| r.user_id != user.id) {
                if !other.deleted {
                    return Err(ScimError::uniqueness(format!("a user with userName {:?} already exists", input.user_name)).into_domain());
                }
            }
            user.username = self.derive_username(tx, &input.user_name, &user.email, Some(user.id)).map_err(ScimError::into_domain)?;
        }
        if !input.name.is_empty() {
            user.name = input.name.clone();
        }
        user.updated_at = now;
        let wanted = user.clone();
        tx.modify_user(user.id, |u| {
            *u = wanted;
            Ok(())
        })?;
        tx.put_scim_user(&ScimUserRow {
            user_id: user.id,
            user_name: input.user_name.clone(),
            external_id: input.external_id.clone(),
            attributes: Value::Object(input.attributes.clone()).to_string(),
            deleted: false,
            created_at: created,
            updated_at: now,
        })
    }

    fn scim_update_user(&self, id: &str, if_match: Option<&str>, next: impl FnOnce(Value) -> ScimResult<Value>) -> ScimResult<Value> {
        self.require_feature(Feature::Scim)?;
        let (user, row) = self.scim_visible_user(id)?;
        let current = self.scim_user_resource(&user, row.as_ref());
        check_if_match(if_match, &current)?;
        let wanted = next(current)?;
        let input = read_user(&wanted)?;
        let now = clock::now();
        self.db_as(System::Scim)
            .transaction(|tx| {
                let mut user = tx.user_by_id(user.id)?.ok_or_else(crate::Error::not_found)?;
                match input.active {
                    Some(false) => user.status = UserStatus::Suspended,
                    Some(true) if user.status == UserStatus::Suspended => user.status = UserStatus::Dormant,
                    _ => {}
                }
                let created = row.as_ref().map_or(user.created_at, |r| r.created_at);
                self.write_scim_user(tx, &mut user, &input, created, now)
            })
            .map_err(ScimError::from_domain)?;
        self.scim_get_user(id)
    }

    /// `PUT /scim/v2/Users/{id}`: the body replaces the user.
    pub fn scim_replace_user(&self, id: &str, body: &Value, if_match: Option<&str>) -> ScimResult<Value> {
        // `active` left out keeps the Coder status (there is no status "unset").
        let body = body.clone();
        self.scim_update_user(id, if_match, move |_| Ok(body))
    }

    /// `PATCH /scim/v2/Users/{id}`.
    pub fn scim_patch_user(&self, id: &str, body: &Value, if_match: Option<&str>) -> ScimResult<Value> {
        let ops = super::patch_operations(body)?;
        self.scim_update_user(id, if_match, move |mut current| {
            super::patch::apply(&mut current, &ops)?;
            Ok(current)
        })
    }

    /// `DELETE /scim/v2/Users/{id}`: suspends the Coder user (Coder keeps users) and hides it
    /// from SCIM.
    pub fn scim_delete_user(&self, id: &str, if_match: Option<&str>) -> ScimResult<()> {
        self.require_feature(Feature::Scim)?;
        let (user, row) = self.scim_visible_user(id)?;
        check_if_match(if_match, &self.scim_user_resource(&user, row.as_ref()))?;
        let now = clock::now();
        self.db_as(System::Scim)
            .transaction(|tx| {
                tx.update_user_status(user.id, UserStatus::Suspended, now)?;
                let mut row = row.clone().unwrap_or(ScimUserRow {
                    user_id: user.id,
                    user_name: user.username.clone(),
                    external_id: None,
                    attributes: "{}".into(),
                    deleted: false,
                    created_at: user.created_at,
                    updated_at: now,
                });
                row.deleted = true;
                row.updated_at = now;
                tx.put_scim_user(&row)
            })
            .map_err(ScimError::from_domain)
    }
}

/// Whether the client's last description of the user had `active`.
fn obj_had_active(row: Option<&ScimUserRow>) -> bool {
    row.and_then(|r| serde_json::from_str::<Map<String, Value>>(&r.attributes).ok())
        .is_some_and(|m| m.keys().any(|k| k.eq_ignore_ascii_case("active")))
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_derive_as_coder_does() {
        assert_eq!(username_from("bjensen@example.com").as_deref(), Some("bjensen"));
        assert_eq!(username_from("Barbara_Jensen!").as_deref(), Some("BarbaraJensen"));
        assert_eq!(username_from("0b6a2c1e-2f0e-4d5c-9b8a-7f6e5d4c3b2a").as_deref(), Some("0b6a2c1e-2f0e-4d5c-9b8a-7f6e5d4c"));
        assert_eq!(username_from("--"), None);
    }
}
