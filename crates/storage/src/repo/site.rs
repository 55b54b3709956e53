//! Deployment-wide settings.

use diesel::prelude::*;
use domain::store::SiteStore;
use domain::Result;

use super::DbRepo;
use crate::schema::*;

impl SiteStore for DbRepo<'_> {
    fn get_site_config(&self, key: &str) -> Result<Option<String>> {
        self.with(|c| site_configs::table.find(key).select(site_configs::value).first(c).optional())
    }

    fn put_site_config(&self, key: &str, value: &str) -> Result<()> {
        self.with(|c| {
            let n = diesel::update(site_configs::table.find(key)).set(site_configs::value.eq(value)).execute(c)?;
            if n == 0 {
                diesel::insert_into(site_configs::table).values((site_configs::key.eq(key), site_configs::value.eq(value))).execute(c)?;
            }
            Ok(())
        })
    }
}
