//! Organizations and their members.

use uuid::Uuid;

use crate::app::{Actor, App};
use crate::auth::{everyone_group, tag_failure};
use crate::clock;
use crate::error::{Error, ErrorKind, Result, Validations};
use crate::licensing::Feature;
use crate::organization::{Organization, OrganizationMember};
use crate::rbac::{self, action, resource, role, Object, RoleScope};
use crate::user::User;
use crate::users::AssignableRole;
use crate::validation;

/// Input of `POST /organizations`.
#[derive(Debug, Clone, Default)]
pub struct NewOrganization {
    /// Unique name (username rules).
    pub name: String,
    /// Defaults to the name.
    pub display_name: String,
    /// Free text.
    pub description: String,
    /// Icon URL.
    pub icon: String,
}

/// Input of `PATCH /organizations/{organization}`.
#[derive(Debug, Clone, Default)]
pub struct OrganizationPatch {
    /// New name (empty keeps it).
    pub name: String,
    /// New display name (empty keeps it).
    pub display_name: String,
    /// New description, when given.
    pub description: Option<String>,
    /// New icon, when given.
    pub icon: Option<String>,
}

/// A membership with the member's account, as the members list shows it.
#[derive(Debug, Clone)]
pub struct MemberView {
    /// The membership.
    pub member: OrganizationMember,
    /// The member's account.
    pub user: User,
}

impl App {
    /// Resolves Coder's `{organization}` path parameter: an ID, a name, or `default` (or the nil
    /// UUID) for the default organization, as Coder's CLI and Terraform provider address it.
    /// Organizations the actor may not read are reported missing.
    pub fn resolve_org(&self, actor: &Actor, param: &str) -> Result<Organization> {
        Self::org_by_param(&self.db(actor), param)
    }

    /// [`App::resolve_org`] for provisioner daemons, which are not users.
    pub fn resolve_org_as_system(&self, param: &str) -> Result<Organization> {
        Self::org_by_param(&self.db_as(crate::authz::System::Provisionerd), param)
    }

    fn org_by_param(db: &crate::authz::Db<'_>, param: &str) -> Result<Organization> {
        let org = match Uuid::parse_str(param) {
            Ok(id) if id.is_nil() => db.default_organization()?,
            Ok(id) => db.organization_by_id(id)?,
            Err(_) if param == "default" => db.default_organization()?,
            Err(_) => db.organization_by_name(param)?,
        };
        org.ok_or_else(Error::not_found)
    }

    /// `GET /organizations`: those the actor can read, by name.
    pub fn list_organizations(&self, actor: &Actor) -> Result<Vec<Organization>> {
        self.db(actor).list_organizations()
    }

    /// `POST /organizations`: a new organization with its Everyone group. The creator joins as a
    /// plain member, as in Coder ("all users in an organization should be just regular members";
    /// owners keep their site-wide powers). `default` is reserved, since it addresses the
    /// default organization.
    pub fn create_organization(&self, actor: &Actor, input: NewOrganization) -> Result<Organization> {
        self.require_feature(Feature::MultipleOrganizations)?;
        let mut v = Validations::new();
        if input.name.is_empty() {
            v.add("name", tag_failure("required", ""));
        } else if validation::name_valid(&input.name).is_err() {
            v.add("name", tag_failure("organization_name", &input.name));
        }
        if !input.display_name.is_empty() && validation::display_name_valid(&input.display_name).is_err() {
            v.add("display_name", tag_failure("organization_display_name", &input.display_name));
        }
        v.finish("Validation failed.")?;
        if input.name.eq_ignore_ascii_case("default") {
            return Err(Error::bad_request(format!("Organization name {:?} is reserved.", input.name)));
        }
        let db = self.db(actor);
        db.require(action::CREATE, &Object::of(resource::ORGANIZATION))?;
        let exists = || Error::conflict("Organization already exists with that name.");
        if db.organization_by_name(&input.name).map_err(|e| if e.is_refusal() { exists() } else { e })?.is_some() {
            return Err(exists());
        }
        let now = clock::now();
        let org = Organization {
            id: Uuid::new_v4(),
            display_name: if input.display_name.is_empty() { input.name.clone() } else { input.display_name.clone() },
            name: input.name,
            description: input.description,
            icon: input.icon,
            is_default: false,
            created_at: now,
            updated_at: now,
        };
        db.transaction(|tx| {
            tx.insert_organization(&org)?;
            tx.insert_group(&everyone_group(&org))?;
            tx.insert_member(&OrganizationMember {
                user_id: actor.user.id,
                organization_id: org.id,
                roles: Vec::new(),
                created_at: now,
                updated_at: now,
            })
        })
        .map_err(|e| if e.kind == ErrorKind::Conflict { exists() } else { e })?;
        Ok(org)
    }

    /// `PATCH /organizations/{organization}`: empty name and display name keep theirs;
    /// description and icon change when given. `default` is reserved; a taken name is a 409.
    pub fn patch_organization(&self, actor: &Actor, param: &str, patch: OrganizationPatch) -> Result<Organization> {
        self.require_feature(Feature::MultipleOrganizations)?;
        let org = self.resolve_org(actor, param)?;
        let mut v = Validations::new();
        if !patch.name.is_empty() && validation::name_valid(&patch.name).is_err() {
            v.add("name", tag_failure("organization_name", &patch.name));
        }
        if !patch.display_name.is_empty() && validation::display_name_valid(&patch.display_name).is_err() {
            v.add("display_name", tag_failure("organization_display_name", &patch.display_name));
        }
        v.finish("Validation failed.")?;
        if patch.name == "default" {
            return Err(Error::bad_request("Organization name \"default\" is reserved."));
        }
        let name = patch.name.clone();
        self.db(actor)
            .edit_organization(org.id, move |o| {
                if !patch.name.is_empty() {
                    o.name = patch.name;
                }
                if !patch.display_name.is_empty() {
                    o.display_name = patch.display_name;
                }
                if let Some(d) = patch.description {
                    o.description = d;
                }
                if let Some(i) = patch.icon {
                    o.icon = i;
                }
            })
            .map_err(|e| {
                if e.kind == ErrorKind::Conflict {
                    Error::conflict(format!("Organization already exists with the name {name:?}."))
                        .with_validation("name", "This value is already in use and should be unique.")
                } else {
                    e
                }
            })
    }

    /// `DELETE /organizations/{organization}`: the default organization stays, and so does one
    /// that still has other members or groups besides Everyone (Coder refuses those too, naming
    /// what must go first; it answers 500, this answers 409).
    pub fn delete_organization(&self, actor: &Actor, param: &str) -> Result<()> {
        self.require_feature(Feature::MultipleOrganizations)?;
        let org = self.resolve_org(actor, param)?;
        if org.is_default {
            return Err(Error::bad_request("Default organization cannot be deleted."));
        }
        let db = self.db(actor);
        db.require(action::DELETE, &crate::authz::org_object(org.id))?;
        db.transaction(|tx| {
            let members = tx.count_org_members(org.id)? - 1;
            let groups = tx.list_groups(Some(org.id))?.len() as i64 - 1;
            let plural = |n: i64, one: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {one}s") };
            let mut left = Vec::new();
            if members > 0 {
                left.push(plural(members, "member"));
            }
            if groups > 0 {
                left.push(plural(groups, "group"));
            }
            if !left.is_empty() {
                return Err(Error::conflict("Error deleting organization.")
                    .with_detail(format!("This organization has {} that must be deleted first.", left.join(", "))));
            }
            tx.delete_organization(org.id)
        })
    }

    /// `GET /organizations/{organization}/members`.
    pub fn list_members(&self, actor: &Actor, param: &str) -> Result<(Organization, Vec<MemberView>)> {
        let org = self.resolve_org(actor, param)?;
        let db = self.db(actor);
        let members = db.members_of_org(org.id)?;
        let ids: Vec<Uuid> = members.iter().map(|m| m.user_id).collect();
        let mut users: std::collections::HashMap<Uuid, crate::user::User> =
            db.member_accounts(org.id, &ids)?.into_iter().map(|u| (u.id, u)).collect();
        let views =
            members.into_iter().filter_map(|member| users.remove(&member.user_id).map(|user| MemberView { member, user })).collect();
        Ok((org, views))
    }

    /// `GET /organizations/{organization}/paginated-members`: members in username order, paged
    /// and searched like the users list (`q`, `after_id`, `limit`, `offset`), with the total.
    /// One query for the page of users, one for their memberships.
    pub fn paginated_members(&self, actor: &Actor, param: &str, q: &str, page: crate::store::Page) -> Result<(Vec<MemberView>, i64)> {
        let parsed = crate::search::parse_user_query(q).map_err(|e| Error { message: "Invalid member search query.".into(), ..e })?;
        let org = self.resolve_org(actor, param)?;
        let db = self.db(actor);
        let filter = crate::store::UserFilter { group_id: None, ..parsed };
        let paged = db.members_page(org.id, &filter, &page)?;
        let ids: Vec<Uuid> = paged.items.iter().map(|u| u.id).collect();
        let mut memberships: std::collections::HashMap<Uuid, OrganizationMember> =
            db.memberships_of_users(&ids)?.into_iter().filter(|m| m.organization_id == org.id).map(|m| (m.user_id, m)).collect();
        let views =
            paged.items.into_iter().filter_map(|user| memberships.remove(&user.id).map(|member| MemberView { member, user })).collect();
        Ok((views, paged.count))
    }

    /// `POST /organizations/{organization}/members/{user}`: the user joins (and so joins the
    /// Everyone group). The user is looked up without a read check: organization admins cannot
    /// read users outside their organizations, and the permission to add members is what counts.
    pub fn add_member(&self, actor: &Actor, org_param: &str, user_param: &str) -> Result<OrganizationMember> {
        let org = self.resolve_org(actor, org_param)?;
        let db = self.db(actor);
        db.require(action::CREATE, &Object::of(resource::ORGANIZATION_MEMBER).in_org(org.id))?;
        let user = self.find_user(actor, user_param)?;
        let already = || {
            Error::bad_request("User is already an organization member")
                .with_detail(format!("{} is already a member of {}", user.username, org.display_name))
        };
        if db.member(org.id, user.id)?.is_some() {
            return Err(already());
        }
        self.guard_synced_orgs(&user)?;
        let now = clock::now();
        let member = OrganizationMember { user_id: user.id, organization_id: org.id, roles: Vec::new(), created_at: now, updated_at: now };
        db.insert_member(&member).map_err(|e| if e.kind == ErrorKind::Conflict { already() } else { e })?;
        Ok(member)
    }

    /// `DELETE /organizations/{organization}/members/{user}`: leaves the organization and all its
    /// groups. Nobody removes themselves; as in Coder, a removal the caller may not make looks
    /// like a missing membership (404).
    pub fn remove_member(&self, actor: &Actor, org_param: &str, user_param: &str) -> Result<()> {
        let org = self.resolve_org(actor, org_param)?;
        let user = self.find_user(actor, user_param)?;
        let db = self.db(actor);
        if db.member(org.id, user.id)?.is_none() {
            return Err(Error::not_found());
        }
        if user.id == actor.user.id {
            return Err(Error::bad_request("cannot remove self from an organization"));
        }
        let removed = db.transaction(|tx| tx.delete_member(org.id, user.id))?;
        if !removed {
            return Err(Error::not_found());
        }
        Ok(())
    }

    /// `PUT /organizations/{organization}/members/{user}/roles`: replaces the member's
    /// organization roles.
    pub fn set_member_roles(
        &self,
        actor: &Actor,
        org_param: &str,
        user_param: &str,
        roles: &[String],
    ) -> Result<(OrganizationMember, User)> {
        let org = self.resolve_org(actor, org_param)?;
        let user = self.find_user(actor, user_param)?;
        let db = self.db(actor);
        let member = db.member(org.id, user.id)?.ok_or_else(Error::not_found)?;
        if user.id == actor.user.id {
            return Err(Error::bad_request("You cannot change your own organization roles.")
                .with_detail("Another user with the appropriate permissions must change your roles."));
        }
        self.guard_synced_org_roles(&user, org.id)?;
        // Coder names organization roles `<role>:<organization id>` in these messages.
        let scoped = |r: &str| format!("{r}:{}", org.id);
        let mut wanted: Vec<String> = Vec::new();
        for r in roles {
            if !rbac::role_def(r).is_some_and(|def| def.scope == RoleScope::Organization) {
                return Err(Error::bad_request(format!("{:?} is not a supported role", scoped(r))));
            }
            if r != role::ORG_MEMBER && !wanted.contains(r) {
                wanted.push(r.clone());
            }
        }
        let added: Vec<String> = wanted.iter().filter(|r| !member.roles.contains(r)).cloned().collect();
        let removed: Vec<String> = member.roles.iter().filter(|r| !wanted.contains(r)).cloned().collect();
        // Coder's wording for a role the caller may not grant; the layer refuses it too.
        if let Some(r) = added.iter().chain(removed.iter()).find(|r| !rbac::can_assign_org_role(&actor.subject, org.id, r)) {
            let obj = Object::of(resource::ASSIGN_ORG_ROLE).in_org(org.id);
            if (added.is_empty() || db.allows(action::ASSIGN, &obj)) && (removed.is_empty() || db.allows(action::UNASSIGN, &obj)) {
                return Err(Error::bad_request(format!("not authorized to assign role {:?}", scoped(r))));
            }
        }
        let now = clock::now();
        db.update_member_roles(org.id, user.id, &wanted, (&added, &removed), now)?;
        Ok((OrganizationMember { roles: wanted, updated_at: now, ..member }, user))
    }

    /// `GET /organizations/{organization}/members/roles`: the organization roles, with whether
    /// the caller may grant each.
    pub fn assignable_org_roles(&self, actor: &Actor, param: &str) -> Result<Vec<AssignableRole>> {
        let org = self.resolve_org(actor, param)?;
        self.db(actor).require_visible(action::READ, &Object::of(resource::ASSIGN_ORG_ROLE).in_org(org.id))?;
        Ok(rbac::assignable_org_roles()
            .map(|role| AssignableRole {
                role,
                assignable: rbac::can_assign_org_role(&actor.subject, org.id, role.name),
                organization_id: Some(org.id),
            })
            .collect())
    }
}
