//! Groups, group members and AI budgets.

use diesel::prelude::*;
use domain::organization::{Group, GroupAiBudget};
use domain::store::GroupStore;
use domain::Result;
use uuid::Uuid;

use super::DbRepo;
use crate::rows::*;
use crate::schema::functions::lower;
use crate::schema::*;

impl GroupStore for DbRepo<'_> {
    fn insert_group(&self, group: &Group) -> Result<()> {
        let row = GroupRow::from(group);
        self.with(|c| diesel::insert_into(groups::table).values(&row).execute(c).map(|_| ()))
    }

    fn update_group(&self, group: &Group) -> Result<()> {
        let row = GroupRow::from(group);
        self.with(|c| diesel::update(groups::table.find(&row.id)).set(&row).execute(c).map(|_| ()))
    }

    fn delete_group(&self, id: Uuid) -> Result<()> {
        let id = id.to_string();
        self.with(|c| {
            diesel::delete(group_members::table.filter(group_members::group_id.eq(&id))).execute(c)?;
            diesel::delete(groups::table.find(&id)).execute(c).map(|_| ())
        })
    }

    fn group_by_id(&self, id: Uuid) -> Result<Option<Group>> {
        let row: Option<GroupRow> = self.with(|c| groups::table.find(id.to_string()).select(GroupRow::as_select()).first(c).optional())?;
        row.map(Group::try_from).transpose()
    }

    fn group_by_name(&self, org: Uuid, name: &str) -> Result<Option<Group>> {
        let row: Option<GroupRow> = self.with(|c| {
            groups::table
                .filter(groups::organization_id.eq(org.to_string()))
                .filter(groups::name.eq(name))
                .select(GroupRow::as_select())
                .first(c)
                .optional()
        })?;
        row.map(Group::try_from).transpose()
    }

    fn list_groups(&self, org: Option<Uuid>, visible: Option<&domain::rbac::Visibility>) -> Result<Vec<Group>> {
        if visible.is_some_and(|v| v.nothing || v.ids.as_ref().is_some_and(Vec::is_empty)) {
            return Ok(Vec::new());
        }
        let strings = |ids: &[Uuid]| ids.iter().map(Uuid::to_string).collect::<Vec<String>>();
        let rows: Vec<GroupRow> = self.with(|c| {
            let mut q = groups::table.into_boxed();
            if let Some(org) = org {
                q = q.filter(groups::organization_id.eq(org.to_string()));
            }
            if let Some(v) = visible {
                // Groups have no owner: a grant in an organization (or the site) reaches them.
                if !v.everything {
                    q = q.filter(groups::organization_id.eq_any(strings(&v.orgs)));
                }
                if let Some(ids) = &v.ids {
                    q = q.filter(groups::id.eq_any(strings(ids)));
                }
            }
            q.order((lower(groups::name).asc(), groups::id.asc())).select(GroupRow::as_select()).load(c)
        })?;
        convert_all(rows)
    }

    fn add_group_members(&self, group: Uuid, users_to_add: &[Uuid]) -> Result<()> {
        let gid = group.to_string();
        self.with(|c| {
            for u in users_to_add {
                let uid = u.to_string();
                let exists: i64 = group_members::table.find((&gid, &uid)).count().get_result(c)?;
                if exists == 0 {
                    diesel::insert_into(group_members::table)
                        .values((group_members::group_id.eq(&gid), group_members::user_id.eq(&uid)))
                        .execute(c)?;
                }
            }
            Ok(())
        })
    }

    fn remove_group_members(&self, group: Uuid, users_to_remove: &[Uuid]) -> Result<()> {
        let gid = group.to_string();
        let ids: Vec<String> = users_to_remove.iter().map(Uuid::to_string).collect();
        self.with(|c| {
            diesel::delete(group_members::table.filter(group_members::group_id.eq(&gid)).filter(group_members::user_id.eq_any(&ids)))
                .execute(c)
                .map(|_| ())
        })
    }

    fn group_member_ids(&self, group: Uuid) -> Result<Vec<Uuid>> {
        let ids: Vec<String> = self
            .with(|c| group_members::table.filter(group_members::group_id.eq(group.to_string())).select(group_members::user_id).load(c))?;
        ids.iter().map(|s| parse_uuid(s)).collect()
    }

    fn members_of_groups(&self, groups: &[Uuid]) -> Result<Vec<(Uuid, Uuid)>> {
        let ids: Vec<String> = groups.iter().map(Uuid::to_string).collect();
        let rows: Vec<(String, String)> = self.with(|c| {
            group_members::table
                .filter(group_members::group_id.eq_any(&ids))
                .select((group_members::group_id, group_members::user_id))
                .load(c)
        })?;
        rows.iter().map(|(g, u)| Ok((parse_uuid(g)?, parse_uuid(u)?))).collect()
    }

    fn group_ids_of_user(&self, user: Uuid) -> Result<Vec<Uuid>> {
        let ids: Vec<String> = self
            .with(|c| group_members::table.filter(group_members::user_id.eq(user.to_string())).select(group_members::group_id).load(c))?;
        ids.iter().map(|s| parse_uuid(s)).collect()
    }

    fn count_group_members(&self, group: Uuid) -> Result<i64> {
        self.with(|c| {
            group_members::table
                .inner_join(users::table)
                .filter(group_members::group_id.eq(group.to_string()))
                .filter(diesel::dsl::not(users::deleted))
                .count()
                .get_result(c)
        })
    }

    fn group_ai_budget(&self, group: Uuid) -> Result<Option<GroupAiBudget>> {
        let row: Option<(String, i64, time::PrimitiveDateTime, time::PrimitiveDateTime)> =
            self.with(|c| group_ai_budgets::table.find(group.to_string()).first(c).optional())?;
        row.map(|(g, limit, created, updated)| {
            Ok(GroupAiBudget {
                group_id: parse_uuid(&g)?,
                spend_limit_micros: limit,
                created_at: from_db_time(created),
                updated_at: from_db_time(updated),
            })
        })
        .transpose()
    }

    fn put_group_ai_budget(&self, b: &GroupAiBudget) -> Result<()> {
        let gid = b.group_id.to_string();
        self.with(|c| {
            let n = diesel::update(group_ai_budgets::table.find(&gid))
                .set((
                    group_ai_budgets::spend_limit_micros.eq(b.spend_limit_micros),
                    group_ai_budgets::updated_at.eq(to_db_time(b.updated_at)),
                ))
                .execute(c)?;
            if n == 0 {
                diesel::insert_into(group_ai_budgets::table)
                    .values((
                        group_ai_budgets::group_id.eq(&gid),
                        group_ai_budgets::spend_limit_micros.eq(b.spend_limit_micros),
                        group_ai_budgets::created_at.eq(to_db_time(b.created_at)),
                        group_ai_budgets::updated_at.eq(to_db_time(b.updated_at)),
                    ))
                    .execute(c)?;
            }
            Ok(())
        })
    }

    fn delete_group_ai_budget(&self, group: Uuid) -> Result<bool> {
        self.with(|c| diesel::delete(group_ai_budgets::table.find(group.to_string())).execute(c).map(|n| n > 0))
    }
}
