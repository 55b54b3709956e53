//! IdP sync applied at an OIDC login, as Coder applies it, inside the login's transaction and in
//! Coder's order: organizations, then groups, then roles. Each runs only when its feature is
//! licensed (`multiple_organizations`, `template_rbac`, `user_role_management`) and its claim
//! field is set; a sync removes as well as adds.

use std::collections::BTreeSet;

use serde_json::{Map, Value};
use uuid::Uuid;

use super::{group_key, read, role_key, GroupSync, OrganizationSync, RoleSync, ORG_KEY};
use crate::authz::Db;
use crate::clock;
use crate::error::{Error, Result};
use crate::externallogin::claims::string_list;
use crate::externallogin::OidcSettings;
use crate::organization::{Group, OrganizationMember};
use crate::rbac::role;
use crate::user::User;

/// Site roles a sync may grant (Coder's built-in site roles).
const SITE_ROLES: &[&str] = &[role::OWNER, role::TEMPLATE_ADMIN, role::USER_ADMIN, role::AUDITOR];
/// Organization roles a sync may grant.
const ORG_ROLES: &[&str] = &[role::ORG_ADMIN, role::ORG_USER_ADMIN, role::ORG_TEMPLATE_ADMIN, role::ORG_AUDITOR];

/// Which syncs the license switches on.
#[derive(Debug, Clone, Copy)]
pub struct Entitled {
    /// `multiple_organizations`.
    pub organizations: bool,
    /// `template_rbac`.
    pub groups: bool,
    /// `user_role_management`.
    pub roles: bool,
}

/// Organization sync: the user ends in exactly the organizations the claim maps to (plus the
/// default one when `assign_default`), leaving every other, the default and manual ones too.
pub fn organizations(repo: &Db<'_>, oidc: &OidcSettings, user: Uuid, claims: &Map<String, Value>) -> Result<()> {
    let settings: OrganizationSync = match repo.idpsync_setting(None, ORG_KEY)? {
        Some(json) if !json.is_empty() => read(repo, None, ORG_KEY)?,
        // No row yet: the deployment's values (the same fallback as the settings endpoint).
        _ => OrganizationSync {
            field: oidc.organization_field.clone(),
            mapping: oidc.organization_mapping.clone(),
            assign_default: oidc.organization_assign_default,
        },
    };
    if settings.field.is_empty() {
        return Ok(());
    }
    let values = string_list(claims.get(&settings.field))
        .map_err(|e| Error::bad_request("Failed to sync organizations: the organization claim has the wrong type.").with_detail(e))?;
    let mut expected: BTreeSet<Uuid> = BTreeSet::new();
    if settings.assign_default {
        if let Some(default) = repo.default_organization()? {
            expected.insert(default.id);
        }
    }
    for v in &values {
        expected.extend(settings.mapping.get(v).into_iter().flatten().copied());
    }
    let existing: BTreeSet<Uuid> = repo.list_organizations()?.into_iter().map(|o| o.id).collect();
    expected.retain(|id| existing.contains(id));
    let current: BTreeSet<Uuid> = repo.memberships_of_user(user)?.into_iter().map(|m| m.organization_id).collect();
    let now = clock::now();
    for org in expected.difference(&current) {
        repo.insert_member(&OrganizationMember { user_id: user, organization_id: *org, roles: vec![], created_at: now, updated_at: now })?;
    }
    for org in current.difference(&expected) {
        repo.delete_member(*org, user)?;
    }
    Ok(())
}

/// The group settings of one organization: the stored row, or for the default organization the
/// legacy `CODER_OIDC_GROUP_*` options.
pub(crate) fn group_settings(
    repo: &Db<'_>,
    oidc: &OidcSettings,
    org: Uuid,
    default_org: Option<Uuid>,
) -> Result<(GroupSync, std::collections::BTreeMap<String, String>)> {
    match repo.idpsync_setting(Some(org), &group_key(org))? {
        Some(json) if !json.is_empty() => Ok((read(repo, Some(org), &group_key(org))?, Default::default())),
        _ if Some(org) == default_org && !oidc.group_field.is_empty() => Ok((
            GroupSync {
                field: oidc.group_field.clone(),
                mapping: Default::default(),
                regex_filter: oidc.group_regex_filter.clone(),
                auto_create_missing_groups: oidc.group_auto_create,
            },
            oidc.group_mapping.clone(),
        )),
        _ => Ok((GroupSync::default(), Default::default())),
    }
}

/// Group sync, per organization the user belongs to: the claim's values (renamed by the legacy
/// mapping, filtered by the pattern) name groups by mapping or by name; the user leaves every
/// other group of that organization (Everyone stays). A claim of the wrong type leaves that
/// organization unchanged.
pub fn groups(repo: &Db<'_>, oidc: &OidcSettings, user: Uuid, claims: &Map<String, Value>) -> Result<()> {
    let default_org = repo.default_organization()?.map(|o| o.id);
    let mine: BTreeSet<Uuid> = repo.group_ids_of_user(user)?.into_iter().collect();
    for membership in repo.memberships_of_user(user)? {
        let org = membership.organization_id;
        let (settings, legacy) = group_settings(repo, oidc, org, default_org)?;
        if settings.field.is_empty() {
            continue;
        }
        let Ok(values) = string_list(claims.get(&settings.field)) else { continue };
        let filter = match &settings.regex_filter {
            Some(p) if !p.is_empty() => Some(regex::Regex::new(p).map_err(|e| Error::internal("Failed to sync groups.", e.to_string()))?),
            _ => None,
        };
        let mut expected_ids: BTreeSet<Uuid> = BTreeSet::new();
        let mut expected_names: BTreeSet<String> = BTreeSet::new();
        for v in values {
            let v = legacy.get(&v).cloned().unwrap_or(v);
            if filter.as_ref().is_some_and(|re| !re.is_match(&v)) {
                continue;
            }
            match settings.mapping.get(&v) {
                Some(ids) => expected_ids.extend(ids.iter().copied()),
                None => {
                    expected_names.insert(v);
                }
            }
        }
        let groups: Vec<Group> = repo.list_groups(Some(org))?;
        let mut in_org: BTreeSet<Uuid> = groups.iter().filter(|g| !g.is_everyone()).map(|g| g.id).collect();
        for name in &expected_names {
            match groups.iter().find(|g| &g.name == name) {
                Some(g) => {
                    expected_ids.insert(g.id);
                }
                None if settings.auto_create_missing_groups && crate::validation::name_valid(name).is_ok() => {
                    let g = Group {
                        id: Uuid::new_v4(),
                        name: name.clone(),
                        display_name: String::new(),
                        organization_id: org,
                        avatar_url: String::new(),
                        quota_allowance: 0,
                        source: "oidc".into(),
                    };
                    repo.insert_group(&g)?;
                    in_org.insert(g.id);
                    expected_ids.insert(g.id);
                }
                None => {}
            }
        }
        expected_ids.retain(|id| in_org.contains(id));
        for g in in_org.iter().filter(|g| mine.contains(g) && !expected_ids.contains(g)) {
            repo.change_group_members(*g, &[], &[user])?;
        }
        for g in expected_ids.iter().filter(|g| !mine.contains(g)) {
            repo.change_group_members(*g, &[user], &[])?;
        }
    }
    Ok(())
}

/// The site roles the claim grants: the defaults, plus each value's mapped roles (or the value
/// itself), kept to Coder's built-in site roles. `Err` for a claim of the wrong type.
pub fn site_roles(oidc: &OidcSettings, claims: &Map<String, Value>) -> std::result::Result<Option<Vec<String>>, String> {
    if oidc.user_role_field.is_empty() {
        return Ok(None);
    }
    let values = string_list(claims.get(&oidc.user_role_field))?;
    let mut roles: Vec<String> = oidc.user_role_default.clone();
    for v in values {
        match oidc.user_role_mapping.get(&v) {
            Some(mapped) => roles.extend(mapped.iter().cloned()),
            None => roles.push(v),
        }
    }
    let mut out: Vec<String> = Vec::new();
    for r in roles {
        if SITE_ROLES.contains(&r.as_str()) && !out.contains(&r) {
            out.push(r);
        }
    }
    out.sort();
    Ok(Some(out))
}

/// Organization role sync, per organization the user belongs to; a claim of the wrong type
/// leaves that organization unchanged.
pub fn org_roles(repo: &Db<'_>, user: Uuid, claims: &Map<String, Value>) -> Result<()> {
    for membership in repo.memberships_of_user(user)? {
        let settings: RoleSync = read(repo, Some(membership.organization_id), &role_key(membership.organization_id))?;
        if settings.field.is_empty() {
            continue;
        }
        let Ok(values) = string_list(claims.get(&settings.field)) else { continue };
        let mut roles: Vec<String> = Vec::new();
        for v in values {
            let mapped = settings.mapping.get(&v).cloned().unwrap_or_else(|| vec![v]);
            for r in mapped {
                if ORG_ROLES.contains(&r.as_str()) && !roles.contains(&r) {
                    roles.push(r);
                }
            }
        }
        roles.sort();
        let mut current = membership.roles.clone();
        current.sort();
        if current != roles {
            let added: Vec<String> = roles.iter().filter(|r| !current.contains(r)).cloned().collect();
            let removed: Vec<String> = current.iter().filter(|r| !roles.contains(r)).cloned().collect();
            repo.update_member_roles(membership.organization_id, user, &roles, (&added, &removed), clock::now())?;
        }
    }
    Ok(())
}

/// Runs the entitled syncs in Coder's order; site roles replace the user's when they differ.
pub fn all(
    repo: &Db<'_>,
    oidc: &OidcSettings,
    entitled: Entitled,
    user: &mut User,
    claims: &Map<String, Value>,
    site: Option<Vec<String>>,
) -> Result<()> {
    if entitled.organizations {
        organizations(repo, oidc, user.id, claims)?;
    }
    if entitled.groups {
        groups(repo, oidc, user.id, claims)?;
    }
    if entitled.roles {
        if let Some(mut roles) = site {
            let mut current = user.rbac_roles.clone();
            current.sort();
            roles.sort();
            if current != roles {
                user.rbac_roles = roles;
            }
        }
        org_roles(repo, user.id, claims)?;
    }
    Ok(())
}

impl crate::app::App {
    /// Site roles of an OIDC user come only from the IdP while site role sync runs.
    pub(crate) fn guard_synced_site_roles(&self, user: &User) -> Result<()> {
        let synced = user.login_type == crate::user::LoginType::Oidc
            && self.settings.oidc.as_ref().is_some_and(|o| !o.user_role_field.is_empty())
            && self.feature_enabled(crate::licensing::Feature::UserRoleManagement);
        if synced {
            return Err(Error::bad_request("Cannot modify roles for OIDC users when role sync is enabled.").with_detail(
                "'User Role Field' is set in the OIDC configuration. All role changes must come from the oidc identity provider.",
            ));
        }
        Ok(())
    }

    /// Organization roles of an OIDC user come only from the IdP while that organization's role
    /// sync runs.
    pub(crate) fn guard_synced_org_roles(&self, user: &User, org: Uuid) -> Result<()> {
        if user.login_type != crate::user::LoginType::Oidc || !self.feature_enabled(crate::licensing::Feature::UserRoleManagement) {
            return Ok(());
        }
        // Read as the sign-in that applies these settings: the caller need not read them.
        let settings: RoleSync = read(&self.db_as(crate::authz::System::Login), Some(org), &role_key(org))?;
        if !settings.field.is_empty() {
            return Err(Error::bad_request(
                "Cannot modify roles for OIDC users when role sync is enabled. This organization member's roles are managed by the identity provider. Have the user re-login to refresh their roles.",
            ));
        }
        Ok(())
    }

    /// An OIDC user's organizations come only from the IdP while organization sync runs.
    pub(crate) fn guard_synced_orgs(&self, user: &User) -> Result<()> {
        if user.login_type != crate::user::LoginType::Oidc || !self.feature_enabled(crate::licensing::Feature::MultipleOrganizations) {
            return Ok(());
        }
        let field = self.stored_organization_sync(&self.db_as(crate::authz::System::Login))?.field;
        if !field.is_empty() {
            return Err(Error::bad_request(
                "Organization sync is enabled for OIDC users, meaning manual organization assignment is not allowed for this user. Have the user re-login to refresh their organizations.",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn site_roles_map_and_filter() {
        let mut oidc = OidcSettings { user_role_field: "roles".into(), user_role_default: vec!["auditor".into()], ..Default::default() };
        oidc.user_role_mapping.insert("admins".into(), vec!["owner".into()]);
        let claims = json!({"roles": ["admins", "template-admin", "bogus", "organization-admin"]});
        let got = site_roles(&oidc, claims.as_object().unwrap()).unwrap().unwrap();
        assert_eq!(got, ["auditor", "owner", "template-admin"]);
        assert!(site_roles(&oidc, json!({"roles": 3}).as_object().unwrap()).is_err());
        assert_eq!(site_roles(&OidcSettings::default(), claims.as_object().unwrap()), Ok(None));
    }
}
