//! Links of external identities to accounts (`user_links`).

use diesel::prelude::*;
use domain::externallogin::{LinkClaims, UserLink};
use domain::store::UserLinkStore;
use domain::user::LoginType;
use domain::Result;
use uuid::Uuid;

use super::DbRepo;
use crate::rows::parse_uuid;
use crate::schema::*;

#[derive(Queryable, Selectable, Insertable, AsChangeset, Debug, Clone)]
#[diesel(table_name = user_links)]
struct LinkRow {
    user_id: String,
    login_type: String,
    linked_id: String,
    claims: String,
}

impl TryFrom<LinkRow> for UserLink {
    type Error = domain::Error;
    fn try_from(r: LinkRow) -> Result<Self> {
        Ok(UserLink {
            user_id: parse_uuid(&r.user_id)?,
            login_type: LoginType::parse(&r.login_type)
                .ok_or_else(|| domain::Error::internal("Internal error.", format!("stored login type {:?}", r.login_type)))?,
            linked_id: r.linked_id,
            claims: serde_json::from_str(&r.claims).unwrap_or_default(),
        })
    }
}

fn claims_json(c: &LinkClaims) -> String {
    serde_json::to_string(c).unwrap_or_else(|_| "{}".into())
}

impl UserLinkStore for DbRepo<'_> {
    fn user_link_by_linked_id(&self, login_type: LoginType, linked_id: &str) -> Result<Option<UserLink>> {
        let row: Option<LinkRow> = self.with(|c| {
            user_links::table
                .inner_join(users::table)
                .filter(user_links::login_type.eq(login_type.as_str()))
                .filter(user_links::linked_id.eq(linked_id))
                .filter(users::deleted.eq(false))
                .select(LinkRow::as_select())
                .first(c)
                .optional()
        })?;
        row.map(UserLink::try_from).transpose()
    }

    fn user_link(&self, user: Uuid, login_type: LoginType) -> Result<Option<UserLink>> {
        let row: Option<LinkRow> = self
            .with(|c| user_links::table.find((user.to_string(), login_type.as_str())).select(LinkRow::as_select()).first(c).optional())?;
        row.map(UserLink::try_from).transpose()
    }

    fn upsert_user_link(&self, link: &UserLink) -> Result<()> {
        let row = LinkRow {
            user_id: link.user_id.to_string(),
            login_type: link.login_type.as_str().to_string(),
            linked_id: link.linked_id.clone(),
            claims: claims_json(&link.claims),
        };
        self.with(|c| {
            let n = diesel::update(user_links::table.find((&row.user_id, &row.login_type)))
                .set((user_links::linked_id.eq(&row.linked_id), user_links::claims.eq(&row.claims)))
                .execute(c)?;
            if n == 0 {
                diesel::insert_into(user_links::table).values(&row).execute(c)?;
            }
            Ok(())
        })
    }

    fn oidc_merged_claims(&self, org: Option<Uuid>) -> Result<Vec<serde_json::Map<String, serde_json::Value>>> {
        let rows: Vec<String> = self.with(|c| {
            let mut q = user_links::table
                .inner_join(users::table)
                .filter(user_links::login_type.eq(LoginType::Oidc.as_str()))
                .filter(users::deleted.eq(false))
                .select(user_links::claims)
                .into_boxed();
            if let Some(org) = org {
                let members = organization_members::table
                    .filter(organization_members::organization_id.eq(org.to_string()))
                    .select(organization_members::user_id);
                q = q.filter(user_links::user_id.eq_any(members));
            }
            q.load(c)
        })?;
        Ok(rows.into_iter().filter_map(|j| serde_json::from_str::<LinkClaims>(&j).ok()).map(|c| c.merged_claims).collect())
    }
}
