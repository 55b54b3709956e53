//! Template ACLs: which users and groups may use or administer a template beyond their roles.
//! Gated by `template_rbac`; reading and changing an ACL takes `update` on the template.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::Template;
use crate::app::{Actor, App};
use crate::error::{Error, Result, Validations};
use crate::groups::GroupView;
use crate::licensing::Feature;
use crate::rbac::action;
use crate::store::{Page, UserFilter};
use crate::user::{User, UserStatus};
use crate::users::UserView;

/// A template role: `use` or `admin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateRole {
    /// Read and build workspaces.
    Use,
    /// Everything.
    Admin,
}

impl TemplateRole {
    /// Coder's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TemplateRole::Use => "use",
            TemplateRole::Admin => "admin",
        }
    }

    fn actions(self) -> Vec<String> {
        match self {
            TemplateRole::Use => vec!["read".into(), "use".into()],
            TemplateRole::Admin => vec!["*".into()],
        }
    }

    /// The role an action list amounts to (`None` for lists that are neither).
    pub fn of_actions(actions: &[String]) -> Option<Self> {
        if actions.iter().any(|a| a == "*") {
            Some(TemplateRole::Admin)
        } else if actions.len() == 2 && actions.contains(&"read".to_string()) && actions.contains(&"use".to_string()) {
            Some(TemplateRole::Use)
        } else {
            None
        }
    }
}

/// A template's ACL, resolved.
#[derive(Debug, Clone)]
pub struct TemplateAcl {
    /// Users with their role (suspended and deleted users left out).
    pub users: Vec<(UserView, Option<TemplateRole>)>,
    /// Groups with their role.
    pub groups: Vec<(GroupView, Option<TemplateRole>)>,
}

/// Who could be added to a template's ACL.
#[derive(Debug, Clone)]
pub struct AclAvailable {
    /// Users matching the search.
    pub users: Vec<User>,
    /// The organization's groups matching the search, with member counts.
    pub groups: Vec<GroupView>,
}

/// `PATCH /templates/{template}/acl`'s body: ids to roles, `""` removing.
#[derive(Debug, Clone, Default)]
pub struct AclPatch {
    /// User ids to roles.
    pub user_perms: BTreeMap<String, String>,
    /// Group ids to roles.
    pub group_perms: BTreeMap<String, String>,
}

fn parse_role(s: &str) -> std::result::Result<Option<TemplateRole>, String> {
    match s {
        "" => Ok(None),
        "use" => Ok(Some(TemplateRole::Use)),
        "admin" => Ok(Some(TemplateRole::Admin)),
        other => Err(format!("role {other:?} is not a valid template role")),
    }
}

impl App {
    fn acl_template(&self, actor: &Actor, param: &str) -> Result<Template> {
        self.require_feature(Feature::TemplateRbac)?;
        let t = self.readable_template(actor, param)?;
        self.require_template(actor, &t, action::UPDATE)?;
        Ok(t)
    }

    /// `GET /templates/{template}/acl`.
    pub fn template_acl(&self, actor: &Actor, param: &str) -> Result<TemplateAcl> {
        let t = self.acl_template(actor, param)?;
        self.resolve_acl(actor, &t)
    }

    fn resolve_acl(&self, actor: &Actor, t: &Template) -> Result<TemplateAcl> {
        let (users, memberships, acl_groups) = self.db(actor).template_acl_context(t)?;
        let users: Vec<User> = users.into_iter().filter(|u| u.status != UserStatus::Suspended).collect();
        let users = users
            .into_iter()
            .map(|u| {
                let organization_ids = memberships.iter().filter(|m| m.user_id == u.id).map(|m| m.organization_id).collect();
                let role = TemplateRole::of_actions(&t.user_acl[&u.id]);
                (UserView { user: u, organization_ids }, role)
            })
            .collect();
        // ACL groups belong to the template's organization: one query for them, and their views
        // in a fixed number more (`view_groups`).
        let groups = self
            .view_groups(actor, acl_groups, true)?
            .into_iter()
            .map(|view| {
                let role = TemplateRole::of_actions(&t.group_acl[&view.group.id]);
                (view, role)
            })
            .collect();
        Ok(TemplateAcl { users, groups })
    }

    /// `PATCH /templates/{template}/acl`: applies the edits in one transaction.
    pub fn patch_template_acl(&self, actor: &Actor, param: &str, patch: AclPatch) -> Result<()> {
        let t = self.acl_template(actor, param)?;
        let mut v = Validations::new();
        let mut users = Vec::new();
        for (id, role) in &patch.user_perms {
            let role = match parse_role(role) {
                Ok(r) => r,
                Err(e) => {
                    v.add("user_perms", e);
                    continue;
                }
            };
            let Ok(uid) = Uuid::parse_str(id) else {
                v.add("user_perms", format!("{id} is not a valid UUID."));
                continue;
            };
            users.push((uid, role, id.clone()));
        }
        let mut groups = Vec::new();
        for (id, role) in &patch.group_perms {
            let role = match parse_role(role) {
                Ok(r) => r,
                Err(e) => {
                    v.add("group_perms", e);
                    continue;
                }
            };
            let Ok(gid) = Uuid::parse_str(id) else {
                v.add("group_perms", format!("{id} is not a valid UUID."));
                continue;
            };
            groups.push((gid, role, id.clone()));
        }
        let db = self.db(actor);
        let named =
            |entries: &[(Uuid, Option<TemplateRole>, String)]| entries.iter().filter(|e| e.1.is_some()).map(|e| e.0).collect::<Vec<_>>();
        let (missing_users, missing_groups) = db.missing_acl_entries(&t, &named(&users), &named(&groups))?;
        users.retain(|(uid, _, raw)| {
            let missing = missing_users.contains(uid);
            if missing {
                v.add("user_perms", format!("user with ID {raw} does not exist"));
            }
            !missing
        });
        groups.retain(|(gid, _, raw)| {
            let missing = missing_groups.contains(gid);
            if missing {
                v.add("group_perms", format!("group with ID {raw} does not exist"));
            }
            !missing
        });
        v.finish("Invalid request to update template ACL")?;
        db.edit_template(t.id, action::UPDATE, |t| {
            for (id, role, _) in &users {
                match role {
                    Some(r) => t.user_acl.insert(*id, r.actions()),
                    None => t.user_acl.remove(id),
                };
            }
            for (id, role, _) in &groups {
                match role {
                    Some(r) => t.group_acl.insert(*id, r.actions()),
                    None => t.group_acl.remove(id),
                };
            }
            Ok(())
        })
        .map(|_| ())
    }

    /// `GET /templates/{template}/acl/available`: users (the users list's search and paging)
    /// and the organization's groups matching the same search.
    pub fn template_acl_available(&self, actor: &Actor, param: &str, q: &str, page: Page) -> Result<AclAvailable> {
        self.require_feature(Feature::TemplateRbac)?;
        let t = self.readable_template(actor, param)?;
        if !self.template_allows(actor, &t, action::UPDATE)? {
            return Err(Error::not_found().denied());
        }
        let filter: UserFilter = crate::search::parse_user_query(q)?;
        let db = self.db(actor);
        let users = db.list_users(&filter, &page)?.items;
        let term = filter.search.clone().unwrap_or_default().to_lowercase();
        let mut groups = Vec::new();
        for g in db.list_groups(Some(t.organization_id))? {
            if !term.is_empty() && !g.name.to_lowercase().contains(&term) && !g.display_name.to_lowercase().contains(&term) {
                continue;
            }
            groups.push(g);
            if page.limit > 0 && groups.len() as i64 >= page.limit {
                break;
            }
        }
        let groups = self.view_groups(actor, groups, false)?;
        Ok(AclAvailable { users, groups })
    }
}
