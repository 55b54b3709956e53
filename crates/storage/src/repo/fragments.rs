//! SQL fragments diesel has no builder for, written so that statements using them stay
//! cacheable. diesel's own `sql()` literal marks every statement it appears in as unsafe to
//! cache, so each request would parse and plan it again (on PostgreSQL a round of planning per
//! request); these fragments are fixed text plus ordinary binds, so the connection's statement
//! cache keeps them prepared.

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::expression::{is_aggregate, AppearsOnTable, Expression, SelectableExpression, TypedExpressionType, ValidGrouping};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, Bool, HasSqlType, Nullable, Text};
use diesel::QueryResult;

/// A fixed piece of SQL of type `ST` (a column expression, a window, an aggregate).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fixed<ST> {
    sql: &'static str,
    sql_type: PhantomData<ST>,
}

/// `sql`, as an expression of type `ST` that keeps its statement cacheable.
pub(crate) fn fixed<ST>(sql: &'static str) -> Fixed<ST> {
    Fixed { sql, sql_type: PhantomData }
}

impl<ST: TypedExpressionType> Expression for Fixed<ST> {
    type SqlType = ST;
}

impl<ST, DB: Backend> QueryFragment<DB> for Fixed<ST> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(self.sql);
        Ok(())
    }
}

impl<ST> QueryId for Fixed<ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<ST: TypedExpressionType, QS> AppearsOnTable<QS> for Fixed<ST> {}
impl<ST: TypedExpressionType, QS> SelectableExpression<QS> for Fixed<ST> {}
impl<ST, GB> ValidGrouping<GB> for Fixed<ST> {
    type IsAggregate = is_aggregate::Never;
}

/// `COUNT(*) OVER ()`: how many rows the filter matches, beside each row of its page.
pub(crate) fn window_count() -> Fixed<BigInt> {
    fixed("COUNT(*) OVER ()")
}

/// The sum of a trigger-kept counter's shards, a BIGINT on both backends.
pub(crate) fn counter_sum() -> Fixed<BigInt> {
    fixed("CAST(COALESCE(SUM(n), 0) AS BIGINT)")
}

/// The organization ids of the row's user, comma-separated in membership order: the column
/// the membership triggers keep (`users.organization_ids`), so that a page carries them
/// without a lookup per row. `NULL` when not wanted.
pub(crate) fn org_ids(wanted: bool) -> Fixed<Nullable<Text>> {
    fixed(if wanted { "users.organization_ids" } else { "CAST(NULL AS TEXT)" })
}

/// SQLite only: the user's row is among the candidates of an FTS5 `MATCH` query on
/// `users_search`, and one of the columns, case-folded, contains the term (see
/// `users::trigram_search`).
#[derive(Debug, Clone)]
pub(crate) struct SearchMatch {
    /// The FTS5 query that picks candidates.
    pub(crate) query: String,
    /// The `users` columns searched.
    pub(crate) columns: &'static [&'static str],
    /// The term, case-folded as `coderd_fold` folds the columns.
    pub(crate) folded: String,
}

impl Expression for SearchMatch {
    type SqlType = Bool;
}

impl<DB> QueryFragment<DB> for SearchMatch
where
    DB: Backend + HasSqlType<Text>,
    String: ToSql<Text, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("users.rowid IN (SELECT rowid FROM users_search WHERE users_search MATCH ");
        out.push_bind_param::<Text, String>(&self.query)?;
        out.push_sql(") AND (");
        for (i, column) in self.columns.iter().enumerate() {
            if i > 0 {
                out.push_sql(" OR ");
            }
            out.push_sql("instr(coderd_fold(users.");
            out.push_sql(column);
            out.push_sql("), ");
            out.push_bind_param::<Text, String>(&self.folded)?;
            out.push_sql(") > 0");
        }
        out.push_sql(")");
        Ok(())
    }
}

impl QueryId for SearchMatch {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<QS> AppearsOnTable<QS> for SearchMatch {}
impl<QS> SelectableExpression<QS> for SearchMatch {}
impl<GB> ValidGrouping<GB> for SearchMatch {
    type IsAggregate = is_aggregate::Never;
}

/// The total of a users page taken from a trigger-kept counter, as a scalar subquery beside each
/// row, so that the page and its count are one statement (one round trip on PostgreSQL). `NULL`
/// where the count comes from elsewhere.
#[derive(Debug, Clone)]
pub(crate) enum PageTotal {
    /// No counter answers this filter.
    Absent,
    /// Live users with one of these statuses (at least one; the storage names every status
    /// when a filter names none): `user_counts`.
    Users(Vec<String>),
    /// Live members of this organization: `organization_member_counts`.
    Members(String),
}

impl Expression for PageTotal {
    type SqlType = Nullable<BigInt>;
}

impl<DB> QueryFragment<DB> for PageTotal
where
    DB: Backend + HasSqlType<Text>,
    String: ToSql<Text, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        match self {
            PageTotal::Absent => out.push_sql("CAST(NULL AS BIGINT)"),
            PageTotal::Users(statuses) => {
                out.push_sql("(SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM user_counts WHERE status IN (");
                for (i, status) in statuses.iter().enumerate() {
                    if i > 0 {
                        out.push_sql(", ");
                    }
                    out.push_bind_param::<Text, String>(status)?;
                }
                out.push_sql("))");
            }
            PageTotal::Members(org) => {
                out.push_sql("(SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM organization_member_counts WHERE organization_id = ");
                out.push_bind_param::<Text, String>(org)?;
                out.push_sql(")");
            }
        }
        Ok(())
    }
}

impl QueryId for PageTotal {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<QS> AppearsOnTable<QS> for PageTotal {}
impl<QS> SelectableExpression<QS> for PageTotal {}
impl<GB> ValidGrouping<GB> for PageTotal {
    type IsAggregate = is_aggregate::Never;
}

/// Where a keyset page starts: the lower-cased username of the `after_id` row, as a scalar
/// subquery of the page statement (no round trip of its own). `NULL` when that row does not
/// exist, so the page is empty, as in Coder.
#[derive(Debug, Clone)]
pub(crate) struct AfterKey {
    /// The `after_id` user's id.
    pub(crate) id: String,
}

impl Expression for AfterKey {
    type SqlType = Text;
}

impl<DB> QueryFragment<DB> for AfterKey
where
    DB: Backend + HasSqlType<Text>,
    String: ToSql<Text, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("(SELECT lower(after_row.username) FROM users AS after_row WHERE after_row.id = ");
        out.push_bind_param::<Text, String>(&self.id)?;
        out.push_sql(")");
        Ok(())
    }
}

impl QueryId for AfterKey {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<QS> AppearsOnTable<QS> for AfterKey {}
impl<QS> SelectableExpression<QS> for AfterKey {}
impl<GB> ValidGrouping<GB> for AfterKey {
    type IsAggregate = is_aggregate::Never;
}
