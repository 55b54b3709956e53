//! IdP sync settings: which claim of an external login decides a user's organizations, groups and
//! organization roles, and how claim values map onto them. Stored as JSON in `site_configs`
//! (Coder's keys and stored shapes); the settings endpoints are not license-gated (the sync at
//! login is), only authorized (`idpsync_settings`).

pub mod apply;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::app::{Actor, App};
use crate::authz::Db;
use crate::error::{Error, Result};
use crate::rbac::{action, resource, Object};

const ORG_KEY: &str = "organization-sync-settings";

/// Organization sync (Coder's `codersdk.OrganizationSyncSettings`; stored with `assign_default`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationSync {
    /// The claim naming the user's organizations; empty turns the sync off.
    #[serde(default)]
    pub field: String,
    /// Claim value → organization ids.
    #[serde(default)]
    pub mapping: BTreeMap<String, Vec<Uuid>>,
    /// Also put every user in the default organization.
    #[serde(default, rename = "assign_default", alias = "AssignDefault")]
    pub assign_default: bool,
}

impl Default for OrganizationSync {
    fn default() -> Self {
        Self { field: String::new(), mapping: BTreeMap::new(), assign_default: true }
    }
}

/// Group sync of one organization (Coder's `codersdk.GroupSyncSettings`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupSync {
    /// The claim naming the user's groups; empty turns the sync off.
    #[serde(default)]
    pub field: String,
    /// Claim value → group ids.
    #[serde(default)]
    pub mapping: BTreeMap<String, Vec<Uuid>>,
    /// Only claim values matching this pattern count.
    #[serde(default)]
    pub regex_filter: Option<String>,
    /// Create groups named in claims that do not exist.
    #[serde(default)]
    pub auto_create_missing_groups: bool,
}

/// Role sync of one organization (Coder's `codersdk.RoleSyncSettings`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RoleSync {
    /// The claim naming the user's roles; empty turns the sync off.
    #[serde(default)]
    pub field: String,
    /// Claim value → organization role names.
    #[serde(default)]
    pub mapping: BTreeMap<String, Vec<String>>,
}

/// One mapping edit: the user with claim value `given` gets `gets`.
#[derive(Debug, Clone)]
pub struct MappingEdit {
    /// The claim value.
    pub given: String,
    /// What it maps to (an id or a role name).
    pub gets: String,
}

/// Coder's `applyIDPSyncMappingDiff`: adds, then removes (so a removal wins).
fn apply_diff<T: Clone + PartialEq>(mapping: &mut BTreeMap<String, Vec<T>>, add: &[(String, T)], remove: &[(String, T)]) {
    for (given, gets) in add {
        let v = mapping.entry(given.clone()).or_default();
        if !v.contains(gets) {
            v.push(gets.clone());
        }
    }
    for (given, gets) in remove {
        let v = mapping.entry(given.clone()).or_default();
        v.retain(|x| x != gets);
    }
}

fn uuid_edits(edits: &[MappingEdit]) -> Result<Vec<(String, Uuid)>> {
    edits
        .iter()
        .map(|e| {
            Uuid::parse_str(&e.gets)
                .map(|id| (e.given.clone(), id))
                .map_err(|err| Error::bad_request("Request body must be valid JSON.").with_detail(format!("gets {:?}: {err}", e.gets)))
        })
        .collect()
}

fn check_regex(pattern: &Option<String>) -> Result<()> {
    if let Some(p) = pattern {
        regex::Regex::new(p)
            .map_err(|e| Error::bad_request("Request body must be valid JSON.").with_detail(format!("regex_filter: {e}")))?;
    }
    Ok(())
}

fn read<T: for<'de> Deserialize<'de> + Default>(repo: &Db<'_>, org: Option<Uuid>, key: &str) -> Result<T> {
    match repo.idpsync_setting(org, key)? {
        Some(json) if !json.is_empty() => {
            serde_json::from_str(&json).map_err(|e| Error::internal("An internal server error occurred.", format!("stored {key}: {e}")))
        }
        _ => Ok(T::default()),
    }
}

fn write<T: Serialize>(repo: &Db<'_>, org: Option<Uuid>, key: &str, value: &T) -> Result<()> {
    let json = serde_json::to_string(value).map_err(|e| Error::internal("An internal server error occurred.", e.to_string()))?;
    repo.put_idpsync_setting(org, key, &json)
}

fn group_key(org: Uuid) -> String {
    format!("{org}:group-sync-settings")
}

fn role_key(org: Uuid) -> String {
    format!("{org}:role-sync-settings")
}

impl App {
    fn idpsync_site(&self, actor: &Actor, act: crate::rbac::Action) -> Result<()> {
        self.db(actor).require(act, &Object::of(resource::IDPSYNC_SETTINGS))
    }

    /// Who may read claim fields: `idpsync_settings` read, site-wide or in `org`; Coder's words.
    fn claims_reader(&self, actor: &Actor, org: Option<&str>, what: &str) -> Result<Option<Uuid>> {
        let org = match org {
            Some(o) => Some(self.resolve_org(actor, o)?.id),
            None => None,
        };
        let object = match org {
            Some(id) => Object::of(resource::IDPSYNC_SETTINGS).in_org(id),
            None => Object::of(resource::IDPSYNC_SETTINGS),
        };
        if !self.db(actor).allows(action::READ, &object) {
            return Err(Error::new(crate::error::ErrorKind::Forbidden, format!("You do not have permission to view {what}"))
                .with_detail("idpsync_settings.read permission is required"));
        }
        Ok(org)
    }

    /// `GET /settings/idpsync/available-fields` (and per organization): the claim names seen in
    /// stored OIDC logins (of that organization's members), sorted.
    pub fn idpsync_available_fields(&self, actor: &Actor, org: Option<&str>) -> Result<Vec<String>> {
        let org = self.claims_reader(actor, org, "the available IDP fields")?;
        let mut fields = std::collections::BTreeSet::new();
        for claims in self.db(actor).oidc_merged_claims(org)? {
            fields.extend(claims.keys().cloned());
        }
        Ok(fields.into_iter().collect())
    }

    /// `GET /settings/idpsync/field-values?claimField=` (and per organization): the distinct
    /// string values of one claim (a string, or the strings of an array), sorted.
    pub fn idpsync_field_values(&self, actor: &Actor, org: Option<&str>, claim_field: &str) -> Result<Vec<String>> {
        let org = self.claims_reader(actor, org, "the IDP claim field values")?;
        if claim_field.is_empty() {
            return Err(Error::bad_request("claimField query parameter is required"));
        }
        let mut values = std::collections::BTreeSet::new();
        for claims in self.db(actor).oidc_merged_claims(org)? {
            match claims.get(claim_field) {
                Some(serde_json::Value::String(s)) => {
                    values.insert(s.clone());
                }
                Some(serde_json::Value::Array(items)) => values.extend(items.iter().filter_map(|v| v.as_str().map(str::to_string))),
                _ => {}
            }
        }
        Ok(values.into_iter().collect())
    }

    fn idpsync_org(&self, actor: &Actor, org: &str, act: crate::rbac::Action) -> Result<Uuid> {
        let org = self.resolve_org(actor, org)?;
        self.db(actor).require(act, &Object::of(resource::IDPSYNC_SETTINGS).in_org(org.id))?;
        Ok(org.id)
    }

    /// `GET /settings/idpsync/organization`.
    pub fn organization_sync(&self, actor: &Actor) -> Result<OrganizationSync> {
        self.idpsync_site(actor, action::READ)?;
        self.stored_organization_sync(&self.db(actor))
    }

    /// The stored organization sync, or (no row yet) the deployment's `CODER_OIDC_ORGANIZATION_*`
    /// values, as Coder reads it.
    pub(crate) fn stored_organization_sync(&self, repo: &Db<'_>) -> Result<OrganizationSync> {
        match repo.idpsync_setting(None, ORG_KEY)? {
            Some(json) if !json.is_empty() => read(repo, None, ORG_KEY),
            _ => Ok(match &self.settings.oidc {
                Some(o) => OrganizationSync {
                    field: o.organization_field.clone(),
                    mapping: o.organization_mapping.clone(),
                    assign_default: o.organization_assign_default,
                },
                None => OrganizationSync::default(),
            }),
        }
    }

    /// Checks the actor may change organization sync (before the body is read, as Coder does).
    pub fn may_update_organization_sync(&self, actor: &Actor) -> Result<()> {
        self.idpsync_site(actor, action::UPDATE)
    }

    /// `PATCH /settings/idpsync/organization` and its `/config` and `/mapping` forms: a
    /// read-modify-write in one transaction.
    pub fn update_organization_sync(
        &self,
        actor: &Actor,
        edit: impl FnOnce(&mut OrganizationSync) -> Result<()>,
    ) -> Result<OrganizationSync> {
        self.idpsync_site(actor, action::UPDATE)?;
        self.db(actor).transaction(|tx| {
            let mut s = self.stored_organization_sync(tx)?;
            edit(&mut s)?;
            write(tx, None, ORG_KEY, &s)?;
            Ok(s)
        })
    }

    /// Organization mapping edits (`gets` are organization ids).
    pub fn organization_mapping_edit(
        add: &[MappingEdit],
        remove: &[MappingEdit],
    ) -> Result<impl FnOnce(&mut OrganizationSync) -> Result<()>> {
        let (add, remove) = (uuid_edits(add)?, uuid_edits(remove)?);
        Ok(move |s: &mut OrganizationSync| {
            apply_diff(&mut s.mapping, &add, &remove);
            Ok(())
        })
    }

    /// `GET /organizations/{org}/settings/idpsync/groups`: the stored settings, or while none
    /// are stored for the default organization the legacy `CODER_OIDC_GROUP_*` options the login
    /// applies (with their name mapping), as Coder's `GroupSyncSettings` shows them.
    pub fn group_sync(&self, actor: &Actor, org: &str) -> Result<(GroupSync, BTreeMap<String, String>)> {
        let org = self.idpsync_org(actor, org, action::READ)?;
        match &self.settings.oidc {
            Some(oidc) => {
                let db = self.db(actor);
                let default_org = db.default_organization().or_else(|e| if e.is_refusal() { Ok(None) } else { Err(e) })?.map(|o| o.id);
                apply::group_settings(&db, oidc, org, default_org)
            }
            None => Ok((read(&self.db(actor), Some(org), &group_key(org))?, BTreeMap::new())),
        }
    }

    /// Checks the actor may change an organization's group or role sync.
    pub fn may_update_org_sync(&self, actor: &Actor, org: &str) -> Result<()> {
        self.idpsync_org(actor, org, action::UPDATE).map(|_| ())
    }

    /// `PATCH .../idpsync/groups` and its `/config` and `/mapping` forms.
    pub fn update_group_sync(&self, actor: &Actor, org: &str, edit: impl FnOnce(&mut GroupSync) -> Result<()>) -> Result<GroupSync> {
        let org = self.idpsync_org(actor, org, action::UPDATE)?;
        self.db(actor).transaction(|tx| {
            let mut s: GroupSync = read(tx, Some(org), &group_key(org))?;
            edit(&mut s)?;
            check_regex(&s.regex_filter)?;
            write(tx, Some(org), &group_key(org), &s)?;
            Ok(s)
        })
    }

    /// Group mapping edits (`gets` are group ids).
    pub fn group_mapping_edit(add: &[MappingEdit], remove: &[MappingEdit]) -> Result<impl FnOnce(&mut GroupSync) -> Result<()>> {
        let (add, remove) = (uuid_edits(add)?, uuid_edits(remove)?);
        Ok(move |s: &mut GroupSync| {
            apply_diff(&mut s.mapping, &add, &remove);
            Ok(())
        })
    }

    /// `GET /organizations/{org}/settings/idpsync/roles`.
    pub fn role_sync(&self, actor: &Actor, org: &str) -> Result<RoleSync> {
        let org = self.idpsync_org(actor, org, action::READ)?;
        read(&self.db(actor), Some(org), &role_key(org))
    }

    /// `PATCH .../idpsync/roles` and its `/config` and `/mapping` forms.
    pub fn update_role_sync(&self, actor: &Actor, org: &str, edit: impl FnOnce(&mut RoleSync) -> Result<()>) -> Result<RoleSync> {
        let org = self.idpsync_org(actor, org, action::UPDATE)?;
        self.db(actor).transaction(|tx| {
            let mut s: RoleSync = read(tx, Some(org), &role_key(org))?;
            edit(&mut s)?;
            write(tx, Some(org), &role_key(org), &s)?;
            Ok(s)
        })
    }

    /// Role mapping edits (`gets` are role names).
    pub fn role_mapping_edit(add: &[MappingEdit], remove: &[MappingEdit]) -> impl FnOnce(&mut RoleSync) -> Result<()> {
        let add: Vec<(String, String)> = add.iter().map(|e| (e.given.clone(), e.gets.clone())).collect();
        let remove: Vec<(String, String)> = remove.iter().map(|e| (e.given.clone(), e.gets.clone())).collect();
        move |s: &mut RoleSync| {
            apply_diff(&mut s.mapping, &add, &remove);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removal_wins_and_order_is_kept() {
        let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
        apply_diff(&mut m, &[("a".into(), "x".into()), ("a".into(), "y".into()), ("a".into(), "x".into())], &[]);
        assert_eq!(m["a"], ["x", "y"]);
        apply_diff(&mut m, &[("a".into(), "z".into())], &[("a".into(), "z".into()), ("b".into(), "q".into())]);
        assert_eq!(m["a"], ["x", "y"]);
        assert!(m["b"].is_empty());
    }
}
