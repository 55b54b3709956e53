//! Query plans of the statements the store runs, so that tests can check that lists and
//! searches are served by indexes. The statement is the one the store builds (from the same
//! source, for the concrete backend), prefixed with `EXPLAIN QUERY PLAN` (SQLite) or `EXPLAIN`
//! (PostgreSQL).

use std::marker::PhantomData;

use diesel::backend::Backend as DieselBackend;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Integer, Text};
use diesel::sqlite::Sqlite;
use diesel::{PgConnection, QueryResult, RunQueryDsl, SqliteConnection};

/// `EXPLAIN` in front of a query, returning rows of type `ST`.
struct Explain<Q, ST> {
    prefix: &'static str,
    query: Q,
    row: PhantomData<ST>,
}

impl<Q, ST> QueryId for Explain<Q, ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: QueryFragment<DB>, ST, DB: DieselBackend> QueryFragment<DB> for Explain<Q, ST> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(self.prefix);
        self.query.walk_ast(out.reborrow())
    }
}

impl<Q, ST: 'static> Query for Explain<Q, ST> {
    type SqlType = ST;
}

impl<Q, ST, Conn> RunQueryDsl<Conn> for Explain<Q, ST> {}

/// SQLite's plan of `query`: one line per step (`SCAN ...`, `SEARCH ... USING INDEX ...`).
pub(crate) fn sqlite_plan<Q: QueryFragment<Sqlite>>(conn: &mut SqliteConnection, query: Q) -> QueryResult<Vec<String>> {
    let rows: Vec<(i32, i32, i32, String)> =
        Explain::<Q, (Integer, Integer, Integer, Text)> { prefix: "EXPLAIN QUERY PLAN ", query, row: PhantomData }.load(conn)?;
    Ok(rows.into_iter().map(|(_, _, _, detail)| detail).collect())
}

/// PostgreSQL's plan of `query`, one line per node.
pub(crate) fn pg_plan<Q: QueryFragment<Pg>>(conn: &mut PgConnection, query: Q) -> QueryResult<Vec<String>> {
    Explain::<Q, Text> { prefix: "EXPLAIN ", query, row: PhantomData }.load(conn)
}
