//! Seeding many users at once, for the benchmark and the query-plan tests: multi-row inserts,
//! a transaction per batch, into the same tables (and so through the same triggers that keep
//! counts and the search index) as the API's writes.

use diesel::prelude::*;
use domain::organization::OrganizationMember;
use domain::store::GitSshKeyRow;
use domain::user::User;
use domain::Result;

use super::DbRepo;
use crate::conn::DbConn;
use crate::rows::*;
use crate::schema::*;

/// Rows per multi-row insert: under SQLite's and PostgreSQL's bound-parameter limits.
const BATCH: usize = 500;

/// A user to seed: the account, its memberships and its git SSH key.
#[derive(Debug, Clone)]
pub struct SeedUser {
    /// The account.
    pub user: User,
    /// Its organization memberships.
    pub memberships: Vec<OrganizationMember>,
    /// Its git SSH key pair.
    pub ssh_key: GitSshKeyRow,
}

impl DbRepo<'_> {
    /// Inserts `seed` in batches of a few hundred, each batch in one transaction. Reports no
    /// changes to caches: new users have no keys to invalidate.
    pub fn insert_users_bulk(&self, seed: &[SeedUser]) -> Result<()> {
        for chunk in seed.chunks(BATCH) {
            let users: Vec<UserRow> = chunk.iter().map(|s| UserRow::from(&s.user)).collect();
            let members: Vec<MemberRow> = chunk.iter().flat_map(|s| s.memberships.iter().map(MemberRow::from)).collect();
            let keys: Vec<GitSshKeyDbRow> = chunk.iter().map(|s| GitSshKeyDbRow::from(&s.ssh_key)).collect();
            let _writer = self.sqlite_writer.as_ref().map(|w| w.lock().unwrap_or_else(|p| p.into_inner()));
            self.with(|c| {
                macro_rules! insert_batch {
                    ($c:ident) => {{
                        diesel::insert_into(users::table).values(&users).execute($c)?;
                        diesel::insert_into(organization_members::table).values(&members).execute($c)?;
                        diesel::insert_into(gitsshkeys::table).values(&keys).execute($c).map(|_| ())
                    }};
                }
                match c {
                    DbConn::Pg(c) => c.transaction(|c| insert_batch!(c)),
                    DbConn::Sqlite(c) => c.immediate_transaction(|c| insert_batch!(c)),
                }
            })?;
        }
        Ok(())
    }
}
