//! Groups, their members, their AI budgets, and the workspace quota they add up to.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use crate::app::{Actor, App};
use crate::auth::tag_failure;
use crate::clock;
use crate::error::{Error, ErrorKind, Result, Validations};
use crate::licensing::Feature;
use crate::organization::{Group, GroupAiBudget, Organization, EVERYONE_GROUP};
use crate::rbac::{action, resource, Object};
use crate::store::{Page, Paged, UserFilter};
use crate::user::User;
use crate::validation;

/// A group as responses show it: with its organization, (visible) members and total count.
#[derive(Debug, Clone)]
pub struct GroupView {
    /// The group.
    pub group: Group,
    /// Its organization.
    pub organization: Organization,
    /// Members the caller may see (all of them for admins and auditors); empty when excluded.
    pub members: Vec<User>,
    /// Every member, whatever the caller may see.
    pub total_member_count: i64,
}

/// Input of `POST /organizations/{organization}/groups`.
#[derive(Debug, Clone, Default)]
pub struct NewGroup {
    /// Unique name in the organization.
    pub name: String,
    /// Human-friendly name.
    pub display_name: String,
    /// Avatar URL.
    pub avatar_url: String,
    /// Quota credits each member gains.
    pub quota_allowance: i64,
}

/// Input of `PATCH /groups/{group}`: absent fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct GroupPatch {
    /// New name.
    pub name: Option<String>,
    /// New display name.
    pub display_name: Option<String>,
    /// New avatar URL.
    pub avatar_url: Option<String>,
    /// New quota allowance.
    pub quota_allowance: Option<i64>,
    /// User ids to add.
    pub add_users: Vec<String>,
    /// User ids to remove.
    pub remove_users: Vec<String>,
}

/// Filters of `GET /groups`.
#[derive(Debug, Clone, Default)]
pub struct GroupQuery {
    /// Organization ID or name.
    pub organization: String,
    /// User ID, username or `me`.
    pub has_member: String,
    /// Comma-separated group IDs.
    pub group_ids: String,
    /// Query parameters the endpoint does not take (a 400, as in Coder).
    pub unknown_params: Vec<String>,
}

/// `codersdk.WorkspaceQuota`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkspaceQuota {
    /// Credits the user's workspaces in the organization use per day.
    pub credits_consumed: i64,
    /// Credits the user's groups allow.
    pub budget: i64,
}

/// The quota rule: the budget is the sum of the allowances of every group the user is in (the
/// Everyone group included); consumption is the sum of the daily costs of the user's workspaces.
/// Workspaces are not part of this server yet, so callers pass no costs today.
pub fn workspace_quota(group_allowances: &[i64], workspace_daily_costs: &[i64]) -> WorkspaceQuota {
    WorkspaceQuota {
        budget: group_allowances.iter().fold(0i64, |a, b| a.saturating_add(*b)),
        credits_consumed: workspace_daily_costs.iter().fold(0i64, |a, b| a.saturating_add(*b)),
    }
}

/// Coder's 400 for a path segment that should be a UUID: `Invalid UUID "<raw>".` with
/// google/uuid's reason as the detail.
pub fn parse_uuid_param(raw: &str) -> Result<Uuid> {
    Uuid::parse_str(raw).map_err(|_| {
        let reason = if raw.len() == 36 { "invalid UUID format".to_string() } else { format!("invalid UUID length: {}", raw.len()) };
        Error::bad_request(format!("Invalid UUID {raw:?}.")).with_detail(reason)
    })
}

/// Field checks shared by create and patch, in Coder's struct-tag wording.
fn check_group_fields(v: &mut Validations, name: Option<&str>, display_name: &str, quota_allowance: Option<i64>) {
    if let Some(name) = name {
        if name.is_empty() {
            v.add("name", tag_failure("required", ""));
        } else if validation::group_name_valid(name).is_err() {
            v.add("name", tag_failure("group_name", name));
        }
    }
    if !display_name.is_empty() && validation::display_name_valid(display_name).is_err() {
        v.add("display_name", tag_failure("group_display_name", display_name));
    }
    // Coder takes any allowance; a negative one would shrink every member's budget, so this
    // server requires >= 0.
    if let Some(q) = quota_allowance.filter(|q| *q < 0) {
        v.add("quota_allowance", tag_failure("gte", &q.to_string()));
    }
}

impl App {
    pub(crate) fn group_object(group: &Group) -> Object {
        crate::authz::group_object(group)
    }

    pub(crate) fn view_group(&self, actor: &Actor, group: Group, with_members: bool) -> Result<GroupView> {
        self.view_groups(actor, vec![group], with_members)?.pop().ok_or_else(Error::not_found)
    }

    /// Views of several groups in a fixed number of queries, whatever their number: one per
    /// distinct organization (its row, and for its Everyone group the counter and, with members,
    /// its members page), one for the explicit groups' membership rows and one for those users.
    pub(crate) fn view_groups(&self, actor: &Actor, groups: Vec<Group>, with_members: bool) -> Result<Vec<GroupView>> {
        let db = self.db(actor);
        let mut orgs: HashMap<Uuid, Organization> = HashMap::new();
        let mut everyone: HashMap<Uuid, (i64, Vec<User>)> = HashMap::new();
        for g in &groups {
            if !orgs.contains_key(&g.organization_id) {
                let org = db.organization_by_id(g.organization_id)?.ok_or_else(Error::not_found)?;
                orgs.insert(org.id, org);
            }
            if g.is_everyone() && !everyone.contains_key(&g.organization_id) {
                let count = db.count_org_members(g.organization_id)?;
                let members =
                    if with_members { db.group_members_page(g, &UserFilter::default(), &Page::default())?.items } else { Vec::new() };
                everyone.insert(g.organization_id, (count, members));
            }
        }
        let explicit: Vec<Group> = groups.iter().filter(|g| !g.is_everyone()).cloned().collect();
        let pairs = if explicit.is_empty() { Vec::new() } else { db.members_of_groups(&explicit)? };
        let mut user_ids: Vec<Uuid> = pairs.iter().map(|(_, u)| *u).collect();
        user_ids.sort();
        user_ids.dedup();
        // Live users only, in username order: the order of a members page.
        let users = db.group_member_accounts(&explicit, &user_ids)?;
        let mut member_sets: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
        for (g, u) in pairs {
            member_sets.entry(g).or_default().insert(u);
        }
        let none = HashSet::new();
        groups
            .into_iter()
            .map(|group| {
                let organization = orgs[&group.organization_id].clone();
                let (total_member_count, members) = if group.is_everyone() {
                    everyone[&group.organization_id].clone()
                } else {
                    let set = member_sets.get(&group.id).unwrap_or(&none);
                    let live: Vec<&User> = users.iter().filter(|u| set.contains(&u.id)).collect();
                    let sees_all = db.sees_all_group_members(group.organization_id);
                    let members = if with_members {
                        live.iter().filter(|u| sees_all || u.id == actor.user.id).map(|u| (*u).clone()).collect()
                    } else {
                        Vec::new()
                    };
                    (live.len() as i64, members)
                };
                Ok(GroupView { group, organization, members, total_member_count })
            })
            .collect()
    }

    /// A group by id that the actor may read.
    fn readable_group(&self, actor: &Actor, param: &str) -> Result<Group> {
        let id = parse_uuid_param(param)?;
        self.db(actor).group_by_id(id)?.ok_or_else(Error::not_found)
    }

    /// `GET /groups/{group}`.
    pub fn get_group(&self, actor: &Actor, param: &str, exclude_members: bool) -> Result<GroupView> {
        self.require_feature(Feature::TemplateRbac)?;
        let group = self.readable_group(actor, param)?;
        self.view_group(actor, group, !exclude_members)
    }

    /// `GET /organizations/{organization}/groups/{groupName}`.
    pub fn group_by_name(&self, actor: &Actor, org_param: &str, name: &str) -> Result<GroupView> {
        self.require_feature(Feature::TemplateRbac)?;
        let org = self.resolve_org(actor, org_param)?;
        let group = self.db(actor).group_by_name(org.id, name)?.ok_or_else(Error::not_found)?;
        self.view_group(actor, group, true)
    }

    /// `GET /organizations/{organization}/groups`.
    pub fn org_groups(&self, actor: &Actor, org_param: &str) -> Result<Vec<GroupView>> {
        self.require_feature(Feature::TemplateRbac)?;
        let org = self.resolve_org(actor, org_param)?;
        self.groups_matching(actor, Some(org.id), None, None)
    }

    /// `GET /groups` with its optional filters. As in Coder, filters given by UUID are used as
    /// they are (an unknown one matches nothing), names that match nothing and malformed ids are
    /// a 400 naming the parameter, and so are parameters the endpoint does not know. `has_member`
    /// also takes `me`.
    pub fn list_groups(&self, actor: &Actor, q: GroupQuery) -> Result<Vec<GroupView>> {
        self.require_feature(Feature::TemplateRbac)?;
        let mut v = Validations::new();
        for key in &q.unknown_params {
            v.add(key, format!("{key:?} is not a valid query param"));
        }
        let org = match q.organization.as_str() {
            "" => None,
            raw => match Uuid::parse_str(raw) {
                Ok(id) => Some(id),
                Err(_) => match self.resolve_org(actor, raw) {
                    Ok(o) => Some(o.id),
                    Err(e) if e.kind == ErrorKind::NotFound => {
                        v.add("organization", format!("Query param \"organization\" has invalid value: organization {raw:?} not found"));
                        None
                    }
                    Err(e) => return Err(e),
                },
            },
        };
        let member = match q.has_member.as_str() {
            "" => None,
            "me" => Some(actor.user.id),
            raw => match Uuid::parse_str(raw) {
                Ok(id) => Some(id),
                Err(_) => match self.resolve_user(actor, raw) {
                    Ok(u) => Some(u.id),
                    Err(e) if e.kind == ErrorKind::NotFound => {
                        v.add("has_member", format!("Query param \"has_member\" has invalid value: user {raw:?} not found"));
                        None
                    }
                    Err(e) => return Err(e),
                },
            },
        };
        let ids = if q.group_ids.is_empty() {
            None
        } else {
            let mut ids = Vec::new();
            let mut bad = Vec::new();
            for part in q.group_ids.split(',').map(str::trim) {
                match Uuid::parse_str(part) {
                    Ok(id) => ids.push(id),
                    Err(_) => bad.push(if part.len() == 36 {
                        "invalid UUID format".to_string()
                    } else {
                        format!("invalid UUID length: {}", part.len())
                    }),
                }
            }
            if !bad.is_empty() {
                v.add("group_ids", format!("Query param \"group_ids\" has invalid values: {}", bad.join("\n")));
            }
            Some(ids)
        };
        v.finish("Query parameters have invalid values.")?;
        self.groups_matching(actor, org, member, ids.as_deref())
    }

    fn groups_matching(&self, actor: &Actor, org: Option<Uuid>, member: Option<Uuid>, ids: Option<&[Uuid]>) -> Result<Vec<GroupView>> {
        let db = self.db(actor);
        let explicit = match member {
            Some(u) => Some((db.group_ids_of_user(u)?, db.memberships_of_user(u)?)),
            None => None,
        };
        let mut out = Vec::new();
        for group in db.list_groups(org)? {
            if ids.is_some_and(|ids| !ids.contains(&group.id)) {
                continue;
            }
            if let Some((groups, memberships)) = &explicit {
                let is_member = if group.is_everyone() {
                    memberships.iter().any(|m| m.organization_id == group.organization_id)
                } else {
                    groups.contains(&group.id)
                };
                if !is_member {
                    continue;
                }
            }
            out.push(group);
        }
        self.view_groups(actor, out, true)
    }

    /// `POST /organizations/{organization}/groups`.
    pub fn create_group(&self, actor: &Actor, org_param: &str, input: NewGroup) -> Result<GroupView> {
        self.require_feature(Feature::TemplateRbac)?;
        let org = self.resolve_org(actor, org_param)?;
        let mut v = Validations::new();
        check_group_fields(&mut v, Some(&input.name), &input.display_name, Some(input.quota_allowance));
        v.finish("Validation failed.")?;
        if input.name == EVERYONE_GROUP {
            return Err(Error::invalid_field("Invalid group name.", "name", format!("{EVERYONE_GROUP:?} is a reserved group name")));
        }
        let db = self.db(actor);
        db.require(action::CREATE, &Object::of(resource::GROUP).in_org(org.id))?;
        let conflict = || {
            Error::conflict(format!("A group named {:?} already exists.", input.name)).with_validation("name", "Group names must be unique")
        };
        if db.group_by_name(org.id, &input.name).map_err(|e| if e.is_refusal() { conflict() } else { e })?.is_some() {
            return Err(conflict());
        }
        let group = Group {
            id: Uuid::new_v4(),
            name: input.name.clone(),
            display_name: input.display_name.clone(),
            organization_id: org.id,
            avatar_url: input.avatar_url.clone(),
            quota_allowance: input.quota_allowance,
            source: "user".into(),
        };
        db.insert_group(&group).map_err(|e| if e.kind == ErrorKind::Conflict { conflict() } else { e })?;
        Ok(GroupView { group, organization: org, members: Vec::new(), total_member_count: 0 })
    }

    /// `PATCH /groups/{group}`: edits fields and membership in one transaction. Added users must
    /// be members of the group's organization; the Everyone group keeps its name and members.
    pub fn patch_group(&self, actor: &Actor, param: &str, patch: GroupPatch) -> Result<GroupView> {
        self.require_feature(Feature::TemplateRbac)?;
        let mut group = self.readable_group(actor, param)?;
        let renamed = patch.name.as_deref().filter(|n| !n.is_empty() && *n != group.name);
        let mut v = Validations::new();
        check_group_fields(&mut v, renamed, patch.display_name.as_deref().unwrap_or(""), patch.quota_allowance);
        v.finish("Validation failed.")?;
        if group.is_everyone() {
            if renamed.is_some() {
                return Err(Error::bad_request("Cannot rename the \"Everyone\" group!"));
            }
            if patch.display_name.as_deref().is_some_and(|d| !d.is_empty()) {
                return Err(Error::bad_request("Cannot update the Display Name for the \"Everyone\" group!"));
            }
        }
        if renamed == Some(EVERYONE_GROUP) {
            return Err(Error::bad_request("\"Everyone\" is a reserved group name!"));
        }
        if group.is_everyone() && (!patch.add_users.is_empty() || !patch.remove_users.is_empty()) {
            return Err(Error::new(ErrorKind::Forbidden, "Cannot add or remove users from the \"Everyone\" group!"));
        }
        let db = self.db(actor);
        db.require(action::UPDATE, &Self::group_object(&group))?;
        let parse_ids = |ids: &[String]| -> Result<Vec<Uuid>> {
            ids.iter()
                .map(|id| Uuid::parse_str(id).map_err(|_| Error::bad_request(format!("ID {id:?} must be a valid user UUID."))))
                .collect()
        };
        let add = parse_ids(&patch.add_users)?;
        let remove = parse_ids(&patch.remove_users)?;
        for (field, id) in add.iter().map(|i| ("add_users", i)).chain(remove.iter().map(|i| ("remove_users", i))) {
            if !db.is_live_member(group.organization_id, *id)? {
                return Err(Error::bad_request(format!(
                    "User {:?} must be a member of organization {:?}",
                    id.to_string(),
                    group.organization_id.to_string()
                ))
                .with_validation(field, format!("{id} is not a member of the group's organization")));
            }
        }
        let current = db.group_member_ids(group.id)?;
        let mut seen = Vec::new();
        for id in &add {
            if current.contains(id) || seen.contains(id) {
                return Err(Error::bad_request("Cannot add the same user to a group twice!")
                    .with_detail(format!("user {id} is already a member of the group")));
            }
            seen.push(*id);
        }
        if let Some(name) = patch.name.as_deref().filter(|n| !n.is_empty() && *n != group.name) {
            if db
                .group_by_name(group.organization_id, name)
                .or_else(|e| if e.is_refusal() { Ok(None) } else { Err(e) })?
                .is_some_and(|g| g.id != group.id)
            {
                return Err(Error::conflict(format!("A group with name {name:?} already exists.")));
            }
            group.name = name.to_string();
        }
        if let Some(d) = patch.display_name {
            group.display_name = d;
        }
        if let Some(a) = patch.avatar_url {
            group.avatar_url = a;
        }
        if let Some(q) = patch.quota_allowance {
            group.quota_allowance = q;
        }
        let name = group.name.clone();
        db.transaction(|tx| {
            tx.update_group(&group)?;
            tx.change_group_members(group.id, &add, &remove)
        })
        .map_err(|e| {
            if e.kind == ErrorKind::Conflict {
                Error::conflict(format!("A group with name {name:?} already exists."))
            } else {
                e
            }
        })?;
        self.view_group(actor, group, true)
    }

    /// `DELETE /groups/{group}`: answers with the group as it was. The Everyone group stays.
    pub fn delete_group(&self, actor: &Actor, param: &str) -> Result<GroupView> {
        self.require_feature(Feature::TemplateRbac)?;
        let group = self.readable_group(actor, param)?;
        let db = self.db(actor);
        db.require(action::DELETE, &Self::group_object(&group))?;
        if group.is_everyone() {
            return Err(Error::bad_request("\"Everyone\" is a reserved group and cannot be deleted!"));
        }
        let view = self.view_group(actor, group.clone(), true)?;
        db.transaction(|tx| tx.delete_group(group.id))?;
        Ok(view)
    }

    /// `GET /groups/{group}/members`: members paged like the users list, `count` the total.
    pub fn group_members(&self, actor: &Actor, param: &str, q: &str, page: Page) -> Result<Paged<User>> {
        self.require_feature(Feature::TemplateRbac)?;
        let group = self.readable_group(actor, param)?;
        self.members_page(actor, &group, q, page)
    }

    /// `GET /organizations/{organization}/groups/{groupName}/members`.
    pub fn group_members_by_name(&self, actor: &Actor, org_param: &str, name: &str, q: &str, page: Page) -> Result<Paged<User>> {
        self.require_feature(Feature::TemplateRbac)?;
        let org = self.resolve_org(actor, org_param)?;
        let group = self.db(actor).group_by_name(org.id, name)?.ok_or_else(Error::not_found)?;
        self.members_page(actor, &group, q, page)
    }

    fn members_page(&self, actor: &Actor, group: &Group, q: &str, page: Page) -> Result<Paged<User>> {
        let parsed = crate::search::parse_user_query(q).map_err(|e| Error { message: "Invalid member search query.".into(), ..e })?;
        self.db(actor).group_members_page(group, &parsed, &page)
    }

    /// `GET /groups/{group}/ai/budget`: 404 when none is set.
    pub fn group_ai_budget(&self, actor: &Actor, param: &str) -> Result<GroupAiBudget> {
        self.require_feature(Feature::TemplateRbac)?;
        let group = self.readable_group(actor, param)?;
        self.require_feature(Feature::AiBridge)?;
        self.db(actor).group_ai_budget(&group)?.ok_or_else(Error::not_found)
    }

    /// `PUT /groups/{group}/ai/budget`.
    pub fn put_group_ai_budget(&self, actor: &Actor, param: &str, spend_limit_micros: i64) -> Result<GroupAiBudget> {
        self.require_feature(Feature::TemplateRbac)?;
        let group = self.readable_group(actor, param)?;
        self.require_feature(Feature::AiBridge)?;
        // Coder validates the body in the handler, after the group and the gates.
        if spend_limit_micros < 0 {
            return Err(Error::invalid_field(
                "Validation failed.",
                "spend_limit_micros",
                tag_failure("gte", &spend_limit_micros.to_string()),
            ));
        }
        let db = self.db(actor);
        db.require_visible(action::UPDATE, &Self::group_object(&group))?;
        let now = clock::now();
        let created_at = db.group_ai_budget(&group)?.map(|b| b.created_at).unwrap_or(now);
        let budget = GroupAiBudget { group_id: group.id, spend_limit_micros, created_at, updated_at: now };
        db.put_group_ai_budget(&budget)?;
        Ok(budget)
    }

    /// `DELETE /groups/{group}/ai/budget`.
    pub fn delete_group_ai_budget(&self, actor: &Actor, param: &str) -> Result<()> {
        self.require_feature(Feature::TemplateRbac)?;
        let group = self.readable_group(actor, param)?;
        self.require_feature(Feature::AiBridge)?;
        let db = self.db(actor);
        db.require_visible(action::UPDATE, &Self::group_object(&group))?;
        if !db.delete_group_ai_budget(group.id)? {
            return Err(Error::not_found());
        }
        Ok(())
    }

    /// `GET /organizations/{organization}/members/{user}/workspace-quota` (and the deprecated
    /// `/workspace-quota/{user}` with the default organization). A user who has left the
    /// organization still has a quota there (their workspaces may outlive the membership), with
    /// no budget from its groups, as in Coder.
    pub fn workspace_quota(&self, actor: &Actor, org_param: Option<&str>, user_param: &str) -> Result<WorkspaceQuota> {
        let org = match org_param {
            Some(p) => self.resolve_org(actor, p)?,
            None => self.db(actor).default_organization()?.ok_or_else(Error::not_found)?,
        };
        let user = self.resolve_user(actor, user_param)?;
        let allowances = self.db(actor).quota_allowance(user.id, org.id)?;
        let consumed = self.db(actor).quota_consumed(user.id, org.id)?;
        let mut quota = workspace_quota(&allowances, &[consumed]);
        // Without group-based access control Coder enforces no quota and says so with -1.
        if !self.feature_enabled(Feature::TemplateRbac) {
            quota.budget = -1;
        }
        Ok(quota)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_adds_allowances_and_costs() {
        assert_eq!(workspace_quota(&[], &[]), WorkspaceQuota { budget: 0, credits_consumed: 0 });
        assert_eq!(workspace_quota(&[10, 5, 0], &[3, 4]), WorkspaceQuota { budget: 15, credits_consumed: 7 });
        assert_eq!(workspace_quota(&[i64::MAX, 1], &[]).budget, i64::MAX);
    }

    #[test]
    fn group_names() {
        assert!(validation::group_name_valid("devs").is_ok());
        assert!(validation::group_name_valid("me").is_ok());
        assert!(validation::group_name_valid(&"g".repeat(255)).is_ok());
        assert!(validation::group_name_valid(&"g".repeat(256)).is_err());
        assert!(validation::group_name_valid("bad name").is_err());
    }

    #[test]
    fn uuid_params() {
        assert_eq!(parse_uuid_param("abc").unwrap_err().detail, "invalid UUID length: 3");
        assert_eq!(parse_uuid_param("abc").unwrap_err().message, "Invalid UUID \"abc\".");
    }
}
