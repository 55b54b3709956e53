//! What SCIM sent about users and groups.

use diesel::prelude::*;
use domain::store::{ScimGroupRow, ScimStore, ScimUserRow};
use domain::Result;
use time::PrimitiveDateTime;
use uuid::Uuid;

use super::DbRepo;
use crate::rows::*;
use crate::schema::functions::lower;
use crate::schema::*;

#[derive(Queryable, Selectable, Insertable, AsChangeset, Debug, Clone)]
#[diesel(table_name = scim_users, treat_none_as_null = true)]
struct UserRow {
    user_id: String,
    user_name: String,
    external_id: Option<String>,
    attributes: String,
    deleted: bool,
    created_at: PrimitiveDateTime,
    updated_at: PrimitiveDateTime,
}

impl TryFrom<UserRow> for ScimUserRow {
    type Error = domain::Error;
    fn try_from(r: UserRow) -> Result<Self> {
        Ok(ScimUserRow {
            user_id: parse_uuid(&r.user_id)?,
            user_name: r.user_name,
            external_id: r.external_id,
            attributes: r.attributes,
            deleted: r.deleted,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
        })
    }
}

#[derive(Queryable, Selectable, Insertable, AsChangeset, Debug, Clone)]
#[diesel(table_name = scim_groups, treat_none_as_null = true)]
struct GroupRow {
    group_id: String,
    display_name: String,
    external_id: Option<String>,
    attributes: String,
    created_at: PrimitiveDateTime,
    updated_at: PrimitiveDateTime,
}

impl TryFrom<GroupRow> for ScimGroupRow {
    type Error = domain::Error;
    fn try_from(r: GroupRow) -> Result<Self> {
        Ok(ScimGroupRow {
            group_id: parse_uuid(&r.group_id)?,
            display_name: r.display_name,
            external_id: r.external_id,
            attributes: r.attributes,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
        })
    }
}

impl ScimStore for DbRepo<'_> {
    fn scim_user(&self, user_id: Uuid) -> Result<Option<ScimUserRow>> {
        let row: Option<UserRow> =
            self.with(|c| scim_users::table.find(user_id.to_string()).select(UserRow::as_select()).first(c).optional())?;
        row.map(ScimUserRow::try_from).transpose()
    }

    fn scim_users(&self) -> Result<Vec<ScimUserRow>> {
        let rows: Vec<UserRow> = self.with(|c| scim_users::table.select(UserRow::as_select()).load(c))?;
        convert_all(rows)
    }

    fn scim_user_by_user_name(&self, user_name: &str) -> Result<Option<ScimUserRow>> {
        let name = user_name.to_lowercase();
        let row: Option<UserRow> = self.with(|c| {
            scim_users::table
                .filter(lower(scim_users::user_name).eq(name))
                .order(scim_users::deleted.asc())
                .select(UserRow::as_select())
                .first(c)
                .optional()
        })?;
        row.map(ScimUserRow::try_from).transpose()
    }

    fn put_scim_user(&self, r: &ScimUserRow) -> Result<()> {
        let row = UserRow {
            user_id: r.user_id.to_string(),
            user_name: r.user_name.clone(),
            external_id: r.external_id.clone(),
            attributes: r.attributes.clone(),
            deleted: r.deleted,
            created_at: to_db_time(r.created_at),
            updated_at: to_db_time(r.updated_at),
        };
        self.with(|c| {
            if diesel::update(scim_users::table.find(&row.user_id)).set(&row).execute(c)? == 0 {
                diesel::insert_into(scim_users::table).values(&row).execute(c)?;
            }
            Ok(())
        })
    }

    fn scim_group(&self, group_id: Uuid) -> Result<Option<ScimGroupRow>> {
        let row: Option<GroupRow> =
            self.with(|c| scim_groups::table.find(group_id.to_string()).select(GroupRow::as_select()).first(c).optional())?;
        row.map(ScimGroupRow::try_from).transpose()
    }

    fn scim_groups(&self) -> Result<Vec<ScimGroupRow>> {
        let rows: Vec<GroupRow> = self.with(|c| scim_groups::table.select(GroupRow::as_select()).load(c))?;
        convert_all(rows)
    }

    fn put_scim_group(&self, r: &ScimGroupRow) -> Result<()> {
        let row = GroupRow {
            group_id: r.group_id.to_string(),
            display_name: r.display_name.clone(),
            external_id: r.external_id.clone(),
            attributes: r.attributes.clone(),
            created_at: to_db_time(r.created_at),
            updated_at: to_db_time(r.updated_at),
        };
        self.with(|c| {
            if diesel::update(scim_groups::table.find(&row.group_id)).set(&row).execute(c)? == 0 {
                diesel::insert_into(scim_groups::table).values(&row).execute(c)?;
            }
            Ok(())
        })
    }

    fn delete_scim_group(&self, group_id: Uuid) -> Result<()> {
        self.with(|c| diesel::delete(scim_groups::table.find(group_id.to_string())).execute(c).map(|_| ()))
    }
}
