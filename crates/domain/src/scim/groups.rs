//! SCIM groups: the groups of the default organization (except Everyone, whose members are
//! implicit). `displayName` is kept as sent and the Coder group name derived from it; members are
//! users by id.

use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::filter::get_ci;
use super::{check_if_match, page, require_schema, version_of, ListPage, ListQuery, ScimError, ScimGroupRow, ScimResult, GROUP_SCHEMA};
use crate::app::App;
use crate::authz::{Db, System};
use crate::clock;
use crate::licensing::Feature;
use crate::organization::{Group, Organization};
use crate::validation;

struct GroupInput {
    display_name: String,
    external_id: Option<String>,
    members: Vec<Uuid>,
    attributes: Map<String, Value>,
}

/// Attributes the server owns or maps onto Coder columns.
const SERVER_OWNED: &[&str] = &["id", "meta", "schemas", "displayName", "externalId"];

fn read_group(body: &Value) -> ScimResult<GroupInput> {
    if !body.is_object() {
        return Err(ScimError::invalid_syntax("the body must be a JSON object"));
    }
    require_schema(body, GROUP_SCHEMA)?;
    let display_name = match get_ci(body, "displayName") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        Some(Value::String(_)) | None | Some(Value::Null) => return Err(ScimError::invalid_value("\"displayName\" is required")),
        Some(_) => return Err(ScimError::invalid_value("\"displayName\" must be a string")),
    };
    let external_id = match get_ci(body, "externalId") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(ScimError::invalid_value("\"externalId\" must be a string")),
    };
    let mut members = Vec::new();
    match get_ci(body, "members") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for m in items {
                let v = get_ci(m, "value")
                    .and_then(|v| v.as_str())
                    .ok_or_else(|| ScimError::invalid_value("every member needs a \"value\""))?;
                let id = Uuid::parse_str(v).map_err(|_| ScimError::invalid_value(format!("member {v:?} is not a user id")))?;
                if !members.contains(&id) {
                    members.push(id);
                }
            }
        }
        Some(_) => return Err(ScimError::invalid_value("\"members\" must be an array")),
    }
    let mut attributes = Map::new();
    for (k, v) in body.as_object().into_iter().flatten() {
        if !SERVER_OWNED.iter().any(|o| o.eq_ignore_ascii_case(k)) && !v.is_null() {
            attributes.insert(k.clone(), v.clone());
        }
    }
    Ok(GroupInput { display_name, external_id, members, attributes })
}

/// Whether the client's last description of the group had a `members` attribute.
fn sent_members_key(row: Option<&ScimGroupRow>) -> bool {
    row.is_none_or(|r| {
        serde_json::from_str::<Map<String, Value>>(&r.attributes).is_ok_and(|m| m.keys().any(|k| k.eq_ignore_ascii_case("members")))
    })
}

/// A Coder group name for a SCIM `displayName`: as is when valid, else its letters, digits and
/// hyphens.
fn group_name_from(display: &str) -> String {
    if validation::group_name_valid(display).is_ok() {
        return display.to_string();
    }
    let cleaned: String = display.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let mut name = cleaned.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-");
    name.truncate(200);
    let name = name.trim_end_matches('-').to_string();
    if validation::group_name_valid(&name).is_ok() {
        name
    } else {
        "group".into()
    }
}

fn coder_display_name(display: &str) -> String {
    let mut d = display.replace(['\n', '\r'], " ").trim().to_string();
    while d.len() > 64 {
        d.pop();
    }
    d.trim().to_string()
}

impl App {
    fn scim_org(&self, repo: &Db<'_>) -> ScimResult<Organization> {
        Ok(crate::auth::ensure_default_organization(repo)?)
    }

    fn scim_group_resource(&self, group: &Group, row: Option<&ScimGroupRow>) -> ScimResult<Value> {
        let ids = self.db_as(System::Scim).group_member_ids(group.id)?;
        let users = self.db_as(System::Scim).users_by_ids(&ids)?;
        Ok(self.scim_group_resource_with(group, row, &users.iter().collect::<Vec<_>>()))
    }

    /// The resource of a group whose member users are already loaded.
    fn scim_group_resource_with(&self, group: &Group, row: Option<&ScimGroupRow>, users: &[&crate::user::User]) -> Value {
        let base = format!("{}/scim/v2", self.settings.access_url.trim_end_matches('/'));
        let mut stored: Map<String, Value> = row.and_then(|r| serde_json::from_str(&r.attributes).ok()).unwrap_or_default();
        let sent: Vec<Value> =
            stored.iter().find(|(k, _)| k.eq_ignore_ascii_case("members")).and_then(|(_, v)| v.as_array().cloned()).unwrap_or_default();
        stored.retain(|k, _| !k.eq_ignore_ascii_case("members"));
        // Members as the client last described them; ones added through Coder are described here.
        let members: Vec<Value> = users
            .iter()
            .map(|u| {
                sent.iter()
                    .find(|m| get_ci(m, "value").and_then(|v| v.as_str()) == Some(u.id.to_string().as_str()))
                    .cloned()
                    .unwrap_or_else(
                        || json!({"value": u.id, "display": u.username, "$ref": format!("{base}/Users/{}", u.id), "type": "User"}),
                    )
            })
            .collect();
        let last = row.map_or(clock::zero_time(), |r| r.updated_at);
        let created = row.map_or(clock::zero_time(), |r| r.created_at);
        let mut obj = stored;
        obj.insert("schemas".into(), json!([GROUP_SCHEMA]));
        obj.insert("id".into(), json!(group.id));
        obj.insert("displayName".into(), json!(row.map_or(group.name.as_str(), |r| r.display_name.as_str())));
        if let Some(ext) = row.and_then(|r| r.external_id.clone()) {
            obj.insert("externalId".into(), json!(ext));
        }
        if !members.is_empty() || sent_members_key(row) {
            obj.insert("members".into(), Value::Array(members));
        }
        let fmt = |t: time::OffsetDateTime| t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
        obj.insert(
            "meta".into(),
            json!({"resourceType": "Group", "created": fmt(created), "lastModified": fmt(last),
                   "location": format!("{base}/Groups/{}", group.id), "version": version_of(last)}),
        );
        Value::Object(obj)
    }

    fn scim_visible_group(&self, id: &str) -> ScimResult<(Group, Option<ScimGroupRow>)> {
        let gid = Uuid::parse_str(id).map_err(|_| ScimError::not_found(id))?;
        let org = self.scim_org(&self.db_as(System::Scim))?;
        let group = self
            .db_as(System::Scim)
            .group_by_id(gid)?
            .filter(|g| g.organization_id == org.id && !g.is_everyone())
            .ok_or_else(|| ScimError::not_found(id))?;
        let row = self.db_as(System::Scim).scim_group(gid)?;
        Ok((group, row))
    }

    /// `GET /scim/v2/Groups`.
    pub fn scim_list_groups(&self, q: &ListQuery) -> ScimResult<ListPage> {
        self.require_feature(Feature::Scim)?;
        page(self.scim_group_resources()?, q)
    }

    /// `POST /scim/v2/.search`: users and groups at once.
    pub fn scim_search_all(&self, q: &ListQuery) -> ScimResult<ListPage> {
        self.require_feature(Feature::Scim)?;
        let mut all = self.scim_user_resources()?;
        all.extend(self.scim_group_resources()?);
        page(all, q)
    }

    /// Every group SCIM sees, as resources.
    fn scim_group_resources(&self) -> ScimResult<Vec<Value>> {
        let org = self.scim_org(&self.db_as(System::Scim))?;
        let rows: std::collections::HashMap<Uuid, ScimGroupRow> =
            self.db_as(System::Scim).scim_groups()?.into_iter().map(|r| (r.group_id, r)).collect();
        let groups: Vec<Group> = self.db_as(System::Scim).list_groups(Some(org.id))?.into_iter().filter(|g| !g.is_everyone()).collect();
        // One query for every membership and one for every member, not two per group.
        let pairs = self.db_as(System::Scim).members_of_groups(&groups)?;
        let mut user_ids: Vec<Uuid> = pairs.iter().map(|(_, u)| *u).collect();
        user_ids.sort();
        user_ids.dedup();
        let users: std::collections::HashMap<Uuid, crate::user::User> =
            self.db_as(System::Scim).users_by_ids(&user_ids)?.into_iter().map(|u| (u.id, u)).collect();
        let mut by_group: std::collections::HashMap<Uuid, Vec<&crate::user::User>> = std::collections::HashMap::new();
        for (g, u) in &pairs {
            if let Some(user) = users.get(u) {
                by_group.entry(*g).or_default().push(user);
            }
        }
        Ok(groups.iter().map(|g| self.scim_group_resource_with(g, rows.get(&g.id), by_group.get(&g.id).map_or(&[][..], |v| v))).collect())
    }

    /// `GET /scim/v2/Groups/{id}`.
    pub fn scim_get_group(&self, id: &str) -> ScimResult<Value> {
        self.require_feature(Feature::Scim)?;
        let (g, row) = self.scim_visible_group(id)?;
        self.scim_group_resource(&g, row.as_ref())
    }

    /// Members must be users SCIM sees and members of the default organization.
    fn check_members(&self, tx: &Db<'_>, org: Uuid, members: &[Uuid]) -> crate::Result<()> {
        for m in members {
            let visible = tx.user_by_id(*m)?.is_some() && !tx.scim_user(*m)?.is_some_and(|r| r.deleted);
            if !visible || tx.member(org, *m)?.is_none() {
                return Err(ScimError::invalid_value(format!("member {m} is not a user of the default organization")).into_domain());
            }
        }
        Ok(())
    }

    /// Another group already uses this `displayName` (or the name derived from it).
    fn group_name_taken(&self, tx: &Db<'_>, org: Uuid, display: &str, name: &str, except: Option<Uuid>) -> crate::Result<bool> {
        let by_display = tx.scim_groups()?.into_iter().any(|r| r.display_name.eq_ignore_ascii_case(display) && Some(r.group_id) != except);
        let by_name = tx.group_by_name(org, name)?.is_some_and(|g| Some(g.id) != except);
        Ok(by_display || by_name)
    }

    /// `POST /scim/v2/Groups`.
    pub fn scim_create_group(&self, body: &Value) -> ScimResult<Value> {
        self.require_feature(Feature::Scim)?;
        let input = read_group(body)?;
        let now = clock::now();
        let id = self
            .db_as(System::Scim)
            .transaction(|tx| {
                let org = self.scim_org(tx).map_err(ScimError::into_domain)?;
                let name = group_name_from(&input.display_name);
                if self.group_name_taken(tx, org.id, &input.display_name, &name, None)? {
                    return Err(ScimError::uniqueness(format!("a group named {:?} already exists", input.display_name)).into_domain());
                }
                self.check_members(tx, org.id, &input.members)?;
                let group = Group {
                    id: Uuid::new_v4(),
                    name,
                    display_name: coder_display_name(&input.display_name),
                    organization_id: org.id,
                    avatar_url: String::new(),
                    quota_allowance: 0,
                    source: "user".into(),
                };
                tx.insert_group(&group)?;
                tx.change_group_members(group.id, &input.members, &[])?;
                tx.put_scim_group(&ScimGroupRow {
                    group_id: group.id,
                    display_name: input.display_name.clone(),
                    external_id: input.external_id.clone(),
                    attributes: Value::Object(input.attributes.clone()).to_string(),
                    created_at: now,
                    updated_at: now,
                })?;
                Ok(group.id)
            })
            .map_err(ScimError::from_domain)?;
        self.scim_get_group(&id.to_string())
    }

    fn scim_update_group(&self, id: &str, if_match: Option<&str>, next: impl FnOnce(Value) -> ScimResult<Value>) -> ScimResult<Value> {
        self.require_feature(Feature::Scim)?;
        let (group, row) = self.scim_visible_group(id)?;
        let current = self.scim_group_resource(&group, row.as_ref())?;
        check_if_match(if_match, &current)?;
        let input = read_group(&next(current)?)?;
        let now = clock::now();
        self.db_as(System::Scim)
            .transaction(|tx| {
                let mut g = tx.group_by_id(group.id)?.ok_or_else(crate::Error::not_found)?;
                let name = if row.as_ref().is_some_and(|r| r.display_name == input.display_name) {
                    g.name.clone()
                } else {
                    group_name_from(&input.display_name)
                };
                if self.group_name_taken(tx, g.organization_id, &input.display_name, &name, Some(g.id))? {
                    return Err(ScimError::uniqueness(format!("a group named {:?} already exists", input.display_name)).into_domain());
                }
                self.check_members(tx, g.organization_id, &input.members)?;
                g.name = name;
                g.display_name = coder_display_name(&input.display_name);
                tx.update_group(&g)?;
                let before = tx.group_member_ids(g.id)?;
                let gone: Vec<Uuid> = before.iter().filter(|m| !input.members.contains(m)).copied().collect();
                let new: Vec<Uuid> = input.members.iter().filter(|m| !before.contains(m)).copied().collect();
                tx.change_group_members(g.id, &new, &gone)?;
                tx.put_scim_group(&ScimGroupRow {
                    group_id: g.id,
                    display_name: input.display_name.clone(),
                    external_id: input.external_id.clone(),
                    attributes: Value::Object(input.attributes.clone()).to_string(),
                    created_at: row.as_ref().map_or(now, |r| r.created_at),
                    updated_at: now,
                })
            })
            .map_err(ScimError::from_domain)?;
        self.scim_get_group(id)
    }

    /// `PUT /scim/v2/Groups/{id}`: the body replaces the group (members included).
    pub fn scim_replace_group(&self, id: &str, body: &Value, if_match: Option<&str>) -> ScimResult<Value> {
        let body = body.clone();
        self.scim_update_group(id, if_match, move |_| Ok(body))
    }

    /// `PATCH /scim/v2/Groups/{id}`.
    pub fn scim_patch_group(&self, id: &str, body: &Value, if_match: Option<&str>) -> ScimResult<Value> {
        let ops = super::patch_operations(body)?;
        self.scim_update_group(id, if_match, move |mut current| {
            super::patch::apply(&mut current, &ops)?;
            Ok(current)
        })
    }

    /// `DELETE /scim/v2/Groups/{id}`: removes the Coder group.
    pub fn scim_delete_group(&self, id: &str, if_match: Option<&str>) -> ScimResult<()> {
        self.require_feature(Feature::Scim)?;
        let (group, row) = self.scim_visible_group(id)?;
        check_if_match(if_match, &self.scim_group_resource(&group, row.as_ref())?)?;
        self.db_as(System::Scim)
            .transaction(|tx| {
                tx.delete_scim_group(group.id)?;
                tx.delete_group(group.id)
            })
            .map_err(ScimError::from_domain)
    }
}
