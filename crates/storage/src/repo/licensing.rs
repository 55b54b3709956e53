//! Licenses and the active-user count they are measured against.

use diesel::prelude::*;
use domain::licensing::LicenseRow;
use domain::store::{Change, LicenseStore};
use domain::Result;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use super::DbRepo;
use crate::rows::*;
use crate::schema::*;

type Row = (i32, time::PrimitiveDateTime, String, time::PrimitiveDateTime, String);

fn columns() -> (licenses::id, licenses::uploaded_at, licenses::jwt, licenses::exp, licenses::uuid) {
    (licenses::id, licenses::uploaded_at, licenses::jwt, licenses::exp, licenses::uuid)
}

fn convert(rows: Vec<Row>) -> Result<Vec<LicenseRow>> {
    rows.into_iter()
        .map(|(id, uploaded_at, jwt, exp, uuid)| {
            Ok(LicenseRow { id, uuid: parse_uuid(&uuid)?, uploaded_at: from_db_time(uploaded_at), jwt, exp: from_db_time(exp) })
        })
        .collect()
}

impl LicenseStore for DbRepo<'_> {
    fn insert_license(&self, jwt: &str, exp: OffsetDateTime, uuid: Uuid, uploaded_at: OffsetDateTime) -> Result<LicenseRow> {
        let hash = format!("{:x}", Sha256::digest(jwt.as_bytes()));
        let rows: Vec<Row> = self.with(|c| {
            diesel::insert_into(licenses::table)
                .values((
                    licenses::uploaded_at.eq(to_db_time(uploaded_at)),
                    licenses::jwt.eq(jwt),
                    licenses::jwt_hash.eq(&hash),
                    licenses::exp.eq(to_db_time(exp)),
                    licenses::uuid.eq(uuid.to_string()),
                ))
                .execute(c)?;
            licenses::table.filter(licenses::jwt_hash.eq(&hash)).select(columns()).load(c)
        })?;
        convert(rows)?.pop().ok_or_else(|| domain::Error::internal("Internal error.", "inserted license not found"))
    }

    fn list_licenses(&self) -> Result<Vec<LicenseRow>> {
        convert(self.with(|c| licenses::table.order(licenses::id.asc()).select(columns()).load(c))?)
    }

    fn unexpired_licenses(&self, now: OffsetDateTime) -> Result<Vec<LicenseRow>> {
        convert(
            self.with(|c| licenses::table.filter(licenses::exp.gt(to_db_time(now))).order(licenses::id.asc()).select(columns()).load(c))?,
        )
    }

    fn delete_license(&self, id: i32) -> Result<bool> {
        Ok(self.with(|c| diesel::delete(licenses::table.find(id)).execute(c))? > 0)
    }

    fn count_active_users(&self) -> Result<i64> {
        self.with(|c| {
            users::table
                .filter(users::deleted.eq(false))
                .filter(users::status.eq("active"))
                .filter(users::is_service_account.eq(false))
                .count()
                .get_result(c)
        })
    }

    fn announce_licenses_changed(&self) -> Result<()> {
        self.changed(Change::Licenses)
    }
}
