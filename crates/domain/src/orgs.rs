//! Organizations and their members.

use uuid::Uuid;

use crate::app::{Actor, App};
use crate::auth::{everyone_group, tag_failure};
use crate::clock;
use crate::error::{Error, ErrorKind, Result, Validations};
use crate::licensing::Feature;
use crate::organization::{Organization, OrganizationMember};
use crate::rbac::{self, action, resource, role, Object, RoleScope};
use crate::store::in_transaction;
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
        let org = self.resolve_org_as_system(param)?;
        rbac::require_visible(&actor.subject, &Object::of(resource::ORGANIZATION).in_org(org.id).with_id(org.id))?;
        Ok(org)
    }

    /// [`App::resolve_org`] for callers that are not users (provisioner daemons): no visibility
    /// check.
    pub fn resolve_org_as_system(&self, param: &str) -> Result<Organization> {
        let org = match Uuid::parse_str(param) {
            Ok(id) if id.is_nil() => self.repo().default_organization()?,
            Ok(id) => self.repo().organization_by_id(id)?,
            Err(_) if param == "default" => self.repo().default_organization()?,
            Err(_) => self.repo().organization_by_name(param)?,
        };
        org.ok_or_else(Error::not_found)
    }

    /// `GET /organizations`: those the actor can read, by name.
    pub fn list_organizations(&self, actor: &Actor) -> Result<Vec<Organization>> {
        Ok(self
            .repo()
            .list_organizations()?
            .into_iter()
            .filter(|o| rbac::authorize(&actor.subject, action::READ, &Object::of(resource::ORGANIZATION).in_org(o.id)))
            .collect())
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
        rbac::require(&actor.subject, action::CREATE, &Object::of(resource::ORGANIZATION))?;
        let exists = || Error::conflict("Organization already exists with that name.");
        if self.repo().organization_by_name(&input.name)?.is_some() {
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
        in_transaction(self.repo(), |tx| {
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

    /// `DELETE /organizations/{organization}`: the default organization stays, and so does one
    /// that still has other members or groups besides Everyone (Coder refuses those too, naming
    /// what must go first; it answers 500, this answers 409).
    pub fn delete_organization(&self, actor: &Actor, param: &str) -> Result<()> {
        self.require_feature(Feature::MultipleOrganizations)?;
        let org = self.resolve_org(actor, param)?;
        if org.is_default {
            return Err(Error::bad_request("Default organization cannot be deleted."));
        }
        rbac::require(&actor.subject, action::DELETE, &Object::of(resource::ORGANIZATION).in_org(org.id))?;
        in_transaction(self.repo(), |tx| {
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
        rbac::require_visible(&actor.subject, &Object::of(resource::ORGANIZATION_MEMBER).in_org(org.id))?;
        let members = self.repo().members_of_org(org.id)?;
        let ids: Vec<Uuid> = members.iter().map(|m| m.user_id).collect();
        let mut users: std::collections::HashMap<Uuid, crate::user::User> =
            self.repo().users_by_ids(&ids)?.into_iter().map(|u| (u.id, u)).collect();
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
        rbac::require_visible(&actor.subject, &Object::of(resource::ORGANIZATION_MEMBER).in_org(org.id))?;
        let filter = crate::store::UserFilter { organization_id: Some(org.id), group_id: None, ..parsed };
        let paged = self.repo().list_users(&filter, &page)?;
        let ids: Vec<Uuid> = paged.items.iter().map(|u| u.id).collect();
        let mut memberships: std::collections::HashMap<Uuid, OrganizationMember> =
            self.repo().memberships_of_users(&ids)?.into_iter().filter(|m| m.organization_id == org.id).map(|m| (m.user_id, m)).collect();
        let views =
            paged.items.into_iter().filter_map(|user| memberships.remove(&user.id).map(|member| MemberView { member, user })).collect();
        Ok((views, paged.count))
    }

    /// `POST /organizations/{organization}/members/{user}`: the user joins (and so joins the
    /// Everyone group). The user is looked up without a read check: organization admins cannot
    /// read users outside their organizations, and the permission to add members is what counts.
    pub fn add_member(&self, actor: &Actor, org_param: &str, user_param: &str) -> Result<OrganizationMember> {
        let org = self.resolve_org(actor, org_param)?;
        rbac::require(&actor.subject, action::CREATE, &Object::of(resource::ORGANIZATION_MEMBER).in_org(org.id))?;
        let user = self.find_user(actor, user_param)?;
        let already = || {
            Error::bad_request("User is already an organization member")
                .with_detail(format!("{} is already a member of {}", user.username, org.display_name))
        };
        if self.repo().member(org.id, user.id)?.is_some() {
            return Err(already());
        }
        self.guard_synced_orgs(&user)?;
        let now = clock::now();
        let member = OrganizationMember { user_id: user.id, organization_id: org.id, roles: Vec::new(), created_at: now, updated_at: now };
        self.repo().insert_member(&member).map_err(|e| if e.kind == ErrorKind::Conflict { already() } else { e })?;
        Ok(member)
    }

    /// `DELETE /organizations/{organization}/members/{user}`: leaves the organization and all its
    /// groups. Nobody removes themselves; as in Coder, a removal the caller may not make looks
    /// like a missing membership (404).
    pub fn remove_member(&self, actor: &Actor, org_param: &str, user_param: &str) -> Result<()> {
        let org = self.resolve_org(actor, org_param)?;
        let user = self.find_user(actor, user_param)?;
        if self.repo().member(org.id, user.id)?.is_none() {
            return Err(Error::not_found());
        }
        if user.id == actor.user.id {
            return Err(Error::bad_request("cannot remove self from an organization"));
        }
        rbac::require_visible_action(&actor.subject, action::DELETE, &Object::of(resource::ORGANIZATION_MEMBER).in_org(org.id))?;
        let removed = in_transaction(self.repo(), |tx| tx.delete_member(org.id, user.id))?;
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
        let member = self.repo().member(org.id, user.id)?.ok_or_else(Error::not_found)?;
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
        let obj = Object::of(resource::ASSIGN_ORG_ROLE).in_org(org.id);
        let added: Vec<&String> = wanted.iter().filter(|r| !member.roles.contains(r)).collect();
        let removed: Vec<&String> = member.roles.iter().filter(|r| !wanted.contains(r)).collect();
        if !added.is_empty() {
            rbac::require(&actor.subject, action::ASSIGN, &obj)?;
        }
        if !removed.is_empty() {
            rbac::require(&actor.subject, action::UNASSIGN, &obj)?;
        }
        if let Some(r) = added.iter().chain(removed.iter()).find(|r| !rbac::can_assign_org_role(&actor.subject, org.id, r)) {
            return Err(Error::bad_request(format!("not authorized to assign role {:?}", scoped(r))));
        }
        let now = clock::now();
        self.repo().update_member_roles(org.id, user.id, &wanted, now)?;
        Ok((OrganizationMember { roles: wanted, updated_at: now, ..member }, user))
    }

    /// `GET /organizations/{organization}/members/roles`: the organization roles, with whether
    /// the caller may grant each.
    pub fn assignable_org_roles(&self, actor: &Actor, param: &str) -> Result<Vec<AssignableRole>> {
        let org = self.resolve_org(actor, param)?;
        rbac::require_visible(&actor.subject, &Object::of(resource::ASSIGN_ORG_ROLE).in_org(org.id))?;
        Ok(rbac::assignable_org_roles()
            .map(|role| AssignableRole {
                role,
                assignable: rbac::can_assign_org_role(&actor.subject, org.id, role.name),
                organization_id: Some(org.id),
            })
            .collect())
    }
}
