//! Organizations and memberships.

use diesel::prelude::*;
use domain::organization::{Organization, OrganizationMember};
use domain::store::{Change, OrgStore};
use domain::Result;
use time::OffsetDateTime;
use uuid::Uuid;

use super::DbRepo;
use crate::rows::*;
use crate::schema::functions::lower;
use crate::schema::*;

impl OrgStore for DbRepo<'_> {
    fn insert_organization(&self, org: &Organization) -> Result<()> {
        let row = OrganizationRow::from(org);
        self.with(|c| diesel::insert_into(organizations::table).values(&row).execute(c).map(|_| ()))
    }

    fn update_organization(&self, org: &Organization) -> Result<()> {
        self.with(|c| {
            diesel::update(organizations::table.find(org.id.to_string()))
                .set((
                    organizations::name.eq(&org.name),
                    organizations::display_name.eq(&org.display_name),
                    organizations::description.eq(&org.description),
                    organizations::icon.eq(&org.icon),
                    organizations::updated_at.eq(to_db_time(org.updated_at)),
                ))
                .execute(c)
                .map(|_| ())
        })
    }

    fn delete_organization(&self, org_id: Uuid) -> Result<()> {
        let id = org_id.to_string();
        self.with(|c| {
            let groups_of_org = groups::table.filter(groups::organization_id.eq(&id)).select(groups::id);
            diesel::delete(group_members::table.filter(group_members::group_id.eq_any(groups_of_org))).execute(c)?;
            diesel::delete(groups::table.filter(groups::organization_id.eq(&id))).execute(c)?;
            diesel::delete(organization_members::table.filter(organization_members::organization_id.eq(&id))).execute(c)?;
            diesel::delete(organizations::table.find(&id)).execute(c).map(|_| ())
        })?;
        self.changed(Change::Organization(org_id))
    }

    fn organization_by_id(&self, id: Uuid) -> Result<Option<Organization>> {
        let row: Option<OrganizationRow> =
            self.with(|c| organizations::table.find(id.to_string()).select(OrganizationRow::as_select()).first(c).optional())?;
        row.map(Organization::try_from).transpose()
    }

    fn organization_by_name(&self, name: &str) -> Result<Option<Organization>> {
        let name = name.to_lowercase();
        let row: Option<OrganizationRow> = self.with(|c| {
            organizations::table.filter(lower(organizations::name).eq(name)).select(OrganizationRow::as_select()).first(c).optional()
        })?;
        row.map(Organization::try_from).transpose()
    }

    fn default_organization(&self) -> Result<Option<Organization>> {
        let row: Option<OrganizationRow> = self.with(|c| {
            organizations::table.filter(organizations::is_default.eq(true)).select(OrganizationRow::as_select()).first(c).optional()
        })?;
        row.map(Organization::try_from).transpose()
    }

    fn list_organizations(&self, visible: Option<&domain::rbac::Visibility>) -> Result<Vec<Organization>> {
        if visible.is_some_and(|v| v.nothing || v.ids.as_ref().is_some_and(Vec::is_empty)) {
            return Ok(Vec::new());
        }
        let strings = |ids: &[Uuid]| ids.iter().map(Uuid::to_string).collect::<Vec<String>>();
        let rows: Vec<OrganizationRow> = self.with(|c| {
            let mut q = organizations::table.into_boxed();
            if let Some(v) = visible {
                // An organization is an object of itself: readable where the subject's grant
                // reaches its own id.
                if !v.everything {
                    q = q.filter(organizations::id.eq_any(strings(&v.orgs)));
                }
                if let Some(ids) = &v.ids {
                    q = q.filter(organizations::id.eq_any(strings(ids)));
                }
            }
            q.order(lower(organizations::name).asc()).select(OrganizationRow::as_select()).load(c)
        })?;
        convert_all(rows)
    }

    fn insert_member(&self, member: &OrganizationMember) -> Result<()> {
        let row = MemberRow::from(member);
        self.with(|c| diesel::insert_into(organization_members::table).values(&row).execute(c).map(|_| ()))?;
        self.changed(Change::User(member.user_id))
    }

    fn update_member_roles(&self, org: Uuid, user: Uuid, roles: &[String], at: OffsetDateTime) -> Result<()> {
        self.with(|c| {
            diesel::update(organization_members::table.find((org.to_string(), user.to_string())))
                .set((organization_members::roles.eq(to_json(roles)), organization_members::updated_at.eq(to_db_time(at))))
                .execute(c)
                .map(|_| ())
        })?;
        self.changed(Change::User(user))
    }

    fn delete_member(&self, org_id: Uuid, user_id: Uuid) -> Result<bool> {
        let (org, user) = (org_id.to_string(), user_id.to_string());
        self.with(|c| {
            let groups_of_org = groups::table.filter(groups::organization_id.eq(&org)).select(groups::id);
            diesel::delete(
                group_members::table.filter(group_members::user_id.eq(&user)).filter(group_members::group_id.eq_any(groups_of_org)),
            )
            .execute(c)?;
            diesel::delete(organization_members::table.find((&org, &user))).execute(c).map(|n| n > 0)
        })
        .and_then(|deleted| {
            self.changed(Change::User(user_id))?;
            Ok(deleted)
        })
    }

    fn member(&self, org: Uuid, user: Uuid) -> Result<Option<OrganizationMember>> {
        let row: Option<MemberRow> = self.with(|c| {
            organization_members::table.find((org.to_string(), user.to_string())).select(MemberRow::as_select()).first(c).optional()
        })?;
        row.map(OrganizationMember::try_from).transpose()
    }

    fn memberships_of_user(&self, user: Uuid) -> Result<Vec<OrganizationMember>> {
        let rows: Vec<MemberRow> = self.with(|c| {
            organization_members::table
                .filter(organization_members::user_id.eq(user.to_string()))
                .order(organization_members::created_at.asc())
                .select(MemberRow::as_select())
                .load(c)
        })?;
        convert_all(rows)
    }

    fn memberships_of_users(&self, user_ids: &[Uuid]) -> Result<Vec<OrganizationMember>> {
        let ids: Vec<String> = user_ids.iter().map(Uuid::to_string).collect();
        let mut out = Vec::new();
        // Chunked to stay under SQLite's bound-parameter limit.
        for chunk in ids.chunks(500) {
            let rows: Vec<MemberRow> = self.with(|c| {
                organization_members::table
                    .filter(organization_members::user_id.eq_any(chunk))
                    .order(organization_members::created_at.asc())
                    .select(MemberRow::as_select())
                    .load(c)
            })?;
            out.extend(convert_all::<_, OrganizationMember>(rows)?);
        }
        Ok(out)
    }

    fn members_of_org(&self, org: Uuid) -> Result<Vec<OrganizationMember>> {
        let rows: Vec<MemberRow> = self.with(|c| {
            organization_members::table
                .inner_join(users::table)
                .filter(organization_members::organization_id.eq(org.to_string()))
                .filter(diesel::dsl::not(users::deleted))
                .order(lower(users::username).asc())
                .select(MemberRow::as_select())
                .load(c)
        })?;
        convert_all(rows)
    }

    fn count_org_members(&self, org: Uuid) -> Result<i64> {
        self.with(|c| super::users::counted_members(c, org))
    }

    fn workspace_sharing(&self, org: Uuid) -> Result<Option<String>> {
        self.with(|c| organizations::table.find(org.to_string()).select(organizations::shareable_workspace_owners).first(c).optional())
    }

    fn set_workspace_sharing(&self, org: Uuid, owners: &str, at: OffsetDateTime) -> Result<()> {
        self.with(|c| {
            diesel::update(organizations::table.find(org.to_string()))
                .set((organizations::shareable_workspace_owners.eq(owners), organizations::updated_at.eq(to_db_time(at))))
                .execute(c)
                .map(|_| ())
        })
    }
}
