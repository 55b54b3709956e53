//! Users, their settings and git SSH keys.

use diesel::prelude::*;
use domain::store::{Change, GitSshKeyRow, Page, Paged, UserFilter, UserStore};
use domain::user::{User, UserStatus};
use domain::Result;
use time::OffsetDateTime;
use uuid::Uuid;

use super::fragments::{counter_sum, org_ids, window_count, AfterKey, PageTotal};
use super::{like_pattern, DbRepo};
use crate::conn::DbConn;
use crate::rows::*;
use crate::schema::functions::{lower, strpos};
use crate::schema::*;

/// Turns diesel's debug form of a PostgreSQL statement (`SQL -- binds: [..]`) into a pgbench
/// script step that sends the same parameters the server binds: `-- define` comment lines with
/// each value (the benchmark passes them to pgbench as `-D name=value`), then the statement on
/// one line with `:name` in place of each `$n`. With `-M prepared` pgbench then prepares and
/// plans it as the server's connection does (literals would let it reuse one plan, which the
/// server, binding its parameters, cannot). `prefix` keeps the names of several statements
/// apart. The statements it is used on bind only strings, integers and lists of strings.
fn pgbench_step(debug: &str, prefix: &str) -> String {
    let (sql, binds) = debug.rsplit_once(" -- binds: ").unwrap_or((debug, "[]"));
    let values = split_debug_list(unbracket(binds.trim()));
    let mut sql = sql.to_string();
    let mut defines = Vec::new();
    for (i, v) in values.iter().enumerate().rev() {
        let value = if let Some(s) = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
            s.replace("\\\"", "\"").replace("\\\\", "\\")
        } else if v.starts_with('[') {
            let items: Vec<String> = split_debug_list(unbracket(v)).iter().map(|s| s.trim_matches('"').replace('"', "\\\"")).collect();
            format!("{{{}}}", items.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(","))
        } else {
            v.clone()
        };
        let name = format!("{prefix}p{}", i + 1);
        sql = sql.replace(&format!("${}", i + 1), &format!(":{name}"));
        defines.push(format!("-- define {name}={value}"));
    }
    defines.reverse();
    defines.push(sql.split_whitespace().collect::<Vec<_>>().join(" "));
    defines.join("\n")
}

/// The body of a bracketed debug list: one pair of brackets off.
fn unbracket(s: &str) -> &str {
    s.strip_prefix('[').and_then(|s| s.strip_suffix(']')).unwrap_or(s)
}

/// Splits a Rust debug list body on its top-level commas.
fn split_debug_list(s: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted, mut escaped, mut depth) = (Vec::new(), String::new(), false, false, 0);
    for ch in s.chars() {
        match ch {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                out.push(std::mem::take(&mut cur).trim().to_string());
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

/// Shortest term the trigram indexes can serve; shorter ones are matched by scanning.
const TRIGRAM: usize = 3;

/// The SQLite trigram-index condition for a case-insensitive substring of some columns.
///
/// The index picks candidates with a few of the term's trigrams: the non-overlapping ones that
/// cover it (`grace hopper`: `gra`, `ce `, `hop`, `per`), joined by `AND`. A phrase of all its
/// trigrams would say the same with positions, but reading and aligning ten position lists costs
/// FTS5 more than twice as much. The candidates are then checked against the term itself,
/// case-folded by `coderd_fold` (see `conn::register_functions`), so the rows are exactly those
/// that contain it.
pub(crate) fn trigram_search(columns: &'static [&'static str], term: &str) -> super::fragments::SearchMatch {
    let grams =
        at_most_three(covering_trigrams(term)).iter().map(|g| format!("\"{}\"", g.replace('"', "\"\""))).collect::<Vec<_>>().join(" AND ");
    super::fragments::SearchMatch { query: format!("{{{}}} : ({grams})", columns.join(" ")), columns, folded: crate::conn::fold(term) }
}

/// SQLite: the first, middle and last of the covering trigrams. FTS5 walks every term of an
/// AND, so each one costs (`grace hopper` over the seeded benchmark names: 0.30 ms with four,
/// 0.21 with three, for the same 98 names); three spread over the term already select nearly
/// as well, and the candidates are checked against the whole term anyway.
fn at_most_three(grams: Vec<String>) -> Vec<String> {
    match grams.len() {
        0..=3 => grams,
        n => vec![grams[0].clone(), grams[n / 2].clone(), grams[n - 1].clone()],
    }
}

/// The non-overlapping trigrams that cover a term of at least three characters, the last one
/// ending with it: `grace hopper` gives `gra`, `ce `, `hop`, `per`.
fn covering_trigrams(term: &str) -> Vec<String> {
    let chars: Vec<char> = term.chars().collect();
    let mut starts: Vec<usize> = (0..chars.len().saturating_sub(TRIGRAM - 1)).step_by(TRIGRAM).collect();
    if let Some(last) = chars.len().checked_sub(TRIGRAM) {
        if starts.last() != Some(&last) {
            starts.push(last);
        }
    }
    starts.iter().map(|&i| chars[i..i + TRIGRAM].iter().collect()).collect()
}

/// PostgreSQL: the `LIKE` patterns of the covering trigrams (see [`trigram_search`]), lower-cased.
/// `pg_trgm` draws trigrams from the alphanumeric runs of a pattern only, so a piece with none
/// would make its condition match everything (a full index scan); such pieces are left out.
/// Empty when nothing is left: the whole term's `LIKE` is used then.
fn pg_trigram_patterns(term: &str) -> Vec<String> {
    covering_trigrams(&term.to_lowercase()).iter().filter(|g| g.chars().any(char::is_alphanumeric)).map(|g| like_pattern(g)).collect()
}

/// PostgreSQL: a column holds every covering trigram of the term (the index condition; see
/// [`pg_trigram_patterns`]), boxed so that the conditions of several columns can be joined.
macro_rules! pg_trigram_condition {
    ($column:expr, $patterns:expr, $db:ty) => {{
        let mut conds = $patterns.iter().map(|p: &String| lower($column).like(p.clone()).escape('\\'));
        let first = conds.next().expect("at least one pattern");
        conds.fold(Box::new(first) as Box<dyn BoxableExpression<users::table, $db, SqlType = diesel::sql_types::Bool>>, |acc, e| {
            Box::new(acc.and(e))
        })
    }};
}

/// Applies a [`UserFilter`] to a boxed `users` query. A macro, so that the same source builds
/// the count and the page query, and the per-backend queries whose plans the tests check; every
/// expansion is written once and compiled for the backend type it is given.
///
/// The filter on `deleted` is the literal `NOT deleted`, so that the partial indexes (which say
/// `WHERE NOT deleted`) serve the query on both backends. Substring search goes through the
/// trigram index: an FTS5 table on SQLite, `pg_trgm` GIN indexes (chosen by the planner for
/// `lower(column) LIKE`) on PostgreSQL.
macro_rules! filter_users {
    ($query:expr, $filter:expr, $backend:expr, $db:ty) => {{
        let f: &UserFilter = $filter;
        let backend: crate::conn::Backend = $backend;
        let mut q = $query.filter(diesel::dsl::not(users::deleted));
        let long = |term: &str| term.chars().count() >= TRIGRAM;
        let pg_patterns = |term: &str| {
            if backend == crate::conn::Backend::Postgres && long(term) {
                pg_trigram_patterns(term)
            } else {
                Vec::new()
            }
        };
        if let Some(s) = &f.search {
            let patterns = pg_patterns(s);
            if backend == crate::conn::Backend::Sqlite && long(s) {
                q = q.filter(trigram_search(&["username", "email"], s));
            } else if !patterns.is_empty() {
                // PostgreSQL: the `pg_trgm` indexes find candidates by the covering trigrams (a
                // few posting lists instead of every trigram's), `strpos` keeps the exact matches.
                let folded = s.to_lowercase();
                q = q
                    .filter(pg_trigram_condition!(users::username, patterns, $db).or(pg_trigram_condition!(users::email, patterns, $db)))
                    .filter(strpos(lower(users::username), folded.clone()).gt(0).or(strpos(lower(users::email), folded).gt(0)));
            } else {
                let pat = like_pattern(s);
                q = q.filter(lower(users::username).like(pat.clone()).escape('\\').or(lower(users::email).like(pat).escape('\\')));
            }
        }
        if let Some(n) = &f.name {
            let patterns = pg_patterns(n);
            if backend == crate::conn::Backend::Sqlite && long(n) {
                q = q.filter(trigram_search(&["name"], n));
            } else if !patterns.is_empty() {
                q = q.filter(pg_trigram_condition!(users::name, patterns, $db)).filter(strpos(lower(users::name), n.to_lowercase()).gt(0));
            } else {
                q = q.filter(lower(users::name).like(like_pattern(n)).escape('\\'));
            }
        }
        if let Some(ids) = &f.only_users {
            q = q.filter(users::id.eq_any(ids.iter().map(Uuid::to_string).collect::<Vec<_>>()));
        }
        if !f.status.is_empty() {
            q = q.filter(users::status.eq_any(f.status.iter().map(|s| s.as_str()).collect::<Vec<_>>()));
        }
        if !f.login_type.is_empty() {
            q = q.filter(users::login_type.eq_any(f.login_type.iter().map(|s| s.as_str()).collect::<Vec<_>>()));
        }
        // Coder: a role filter made only of `member` matches everyone.
        let mut role_conds = f
            .roles
            .iter()
            .filter(|r| r.as_str() != "member")
            .map(|r| users::rbac_roles.like(format!("%{}%", serde_json::to_string(r).unwrap_or_default())));
        if let Some(first) = role_conds.next() {
            let cond: Box<dyn BoxableExpression<users::table, $db, SqlType = diesel::sql_types::Bool>> =
                role_conds.fold(Box::new(first), |acc, e| Box::new(acc.or(e)));
            q = q.filter(cond);
        }
        if let Some(t) = f.created_before {
            q = q.filter(users::created_at.le(to_db_time(t)));
        }
        if let Some(t) = f.created_after {
            q = q.filter(users::created_at.ge(to_db_time(t)));
        }
        if let Some(t) = f.last_seen_before {
            q = q.filter(users::last_seen_at.le(to_db_time(t)));
        }
        if let Some(t) = f.last_seen_after {
            q = q.filter(users::last_seen_at.ge(to_db_time(t)));
        }
        if let Some(sa) = f.service_account {
            q = q.filter(users::is_service_account.eq(sa));
        }
        if let Some(group) = f.group_id {
            let members = group_members::table.filter(group_members::group_id.eq(group.to_string())).select(group_members::user_id);
            q = q.filter(users::id.eq_any(members));
        }
        if let Some(org) = f.organization_id {
            let members = organization_members::table
                .filter(organization_members::organization_id.eq(org.to_string()))
                .select(organization_members::user_id);
            q = q.filter(users::id.eq_any(members));
        }
        q
    }};
}

/// The page query of the users list: the filter, the keyset start (`after`: an [`AfterKey`],
/// the lower-cased username of the `after_id` row), username order (unique among live users, so the partial
/// index `users_username_live` serves it without a sort), limit and offset.
macro_rules! users_page {
    ($query:expr, $filter:expr, $page:expr, $after:expr, $backend:expr, $db:ty) => {{
        let page: &Page = $page;
        let mut q = filter_users!($query, $filter, $backend, $db);
        if let Some(after) = $after {
            q = q.filter(lower(users::username).gt(after));
        }
        // SQLite only takes OFFSET after a LIMIT, so "no limit" is the largest one.
        let limit = if page.limit > 0 { page.limit } else { i64::MAX };
        q.order(lower(users::username).asc()).limit(limit).offset(page.offset)
    }};
}

/// A PostgreSQL page in two steps: the ids of the page (an index-only scan of
/// `users_username_live`, which covers `id`), then those rows with their organization ids.
macro_rules! pg_deferred_page {
    ($filter:expr, $page:expr, $after:expr, $backend:expr, $orgs:expr, $total:expr) => {{
        use diesel::pg::Pg;
        let ids = users_page!(users::table.into_boxed::<Pg>(), $filter, $page, $after, $backend, Pg).select(users::id);
        users::table.into_boxed::<Pg>().filter(users::id.eq_any(ids)).order(lower(users::username).asc()).select((
            UserRow::as_select(),
            $orgs,
            $total,
        ))
    }};
}

/// A live user by lower-cased username, through the partial index `users_username_live`.
macro_rules! user_by_username {
    ($name:expr) => {
        users::table.filter(lower(users::username).eq($name)).filter(diesel::dsl::not(users::deleted)).select(UserRow::as_select())
    };
}

/// A live user by lower-cased email, through the partial index `users_email_live`, whose
/// condition has two terms: both must be in the query for the index to serve it.
macro_rules! user_by_email {
    ($email:expr) => {
        users::table
            .filter(lower(users::email).eq($email))
            .filter(diesel::dsl::not(users::deleted))
            .filter(users::email.ne(""))
            .select(UserRow::as_select())
    };
}

/// Where the count of a users list comes from: the trigger-kept counters when the filter is
/// one they answer (constant time), otherwise the filtered query itself.
enum CountSource {
    /// Live users with one of these statuses (every one named; see `named_statuses`): `user_counts`.
    Statuses(Vec<&'static str>),
    /// Live members of an organization: `organization_member_counts`.
    Organization(Uuid),
    /// Count the filtered rows.
    Query,
}

fn count_source(f: &UserFilter) -> CountSource {
    let UserFilter {
        search,
        name,
        only_users,
        group_id,
        status,
        roles,
        login_type,
        created_before,
        created_after,
        last_seen_before,
        last_seen_after,
        organization_id,
        service_account,
        github_com_user_id: _,
    } = f;
    let only_status_or_org = search.is_none()
        && name.is_none()
        && only_users.is_none()
        && group_id.is_none()
        && roles.iter().all(|r| r == "member")
        && login_type.is_empty()
        && created_before.is_none()
        && created_after.is_none()
        && last_seen_before.is_none()
        && last_seen_after.is_none()
        && service_account.is_none();
    match (only_status_or_org, organization_id) {
        (true, None) => CountSource::Statuses(named_statuses(status)),
        (true, Some(org)) if status.is_empty() => CountSource::Organization(*org),
        _ => CountSource::Query,
    }
}

/// Whether the count comes from a window over the page query itself: when no counter answers
/// it and the page has no keyset start (the count covers every row the filter matches).
fn windowed_count(source: &CountSource, page: &Page) -> bool {
    matches!(source, CountSource::Query) && page.after_id.is_none()
}

/// Whether a page is read in two steps (ids through the index, then the rows): on PostgreSQL,
/// for pages with an offset.
fn deferred_join(backend: crate::conn::Backend, page: &Page) -> bool {
    backend == crate::conn::Backend::Postgres && page.offset > 0
}

/// The statuses a count reads, every one when the filter names none: the counter is then
/// still read through its primary key, which passes over the dead versions its few,
/// often-updated rows leave (a scan would read them all).
fn named_statuses(statuses: &[UserStatus]) -> Vec<&'static str> {
    let named = if statuses.is_empty() { &UserStatus::ALL[..] } else { statuses };
    named.iter().map(|s| s.as_str()).collect()
}

/// The count of live users with one of `statuses` (see [`named_statuses`]), from `user_counts`.
macro_rules! user_count_query {
    ($statuses:expr, $db:ty) => {{
        let statuses: Vec<&str> = $statuses;
        user_counts::table.select(counter_sum()).filter(user_counts::status.eq_any(statuses)).into_boxed::<$db>()
    }};
}

/// The count of an organization's live members, from `organization_member_counts`.
macro_rules! member_count_query {
    ($org:expr) => {
        organization_member_counts::table.filter(organization_member_counts::organization_id.eq($org.to_string())).select(counter_sum())
    };
}

/// Live users with one of `statuses`, from the trigger-kept counts.
fn counted_users(c: &mut DbConn, statuses: Vec<&str>) -> QueryResult<i64> {
    user_count_query!(statuses, crate::conn::MultiBackend).get_result(c)
}

/// Live members of an organization, from the trigger-kept counts.
pub(crate) fn counted_members(c: &mut DbConn, org: Uuid) -> QueryResult<i64> {
    member_count_query!(org).get_result(c)
}

/// The keyset start of a page with `after_id`.
fn after_key(page: &Page) -> Option<AfterKey> {
    page.after_id.map(|id| AfterKey { id: id.to_string() })
}

/// The counter subquery that gives a page its total, where one answers the filter.
fn page_total(source: &CountSource) -> PageTotal {
    match source {
        CountSource::Statuses(statuses) => PageTotal::Users(statuses.iter().map(|s| s.to_string()).collect()),
        CountSource::Organization(org) => PageTotal::Members(org.to_string()),
        CountSource::Query => PageTotal::Absent,
    }
}

/// The count of a users list as a statement of its own: from a counter, or the filtered rows.
fn separate_count(c: &mut DbConn, filter: &UserFilter, source: CountSource, backend: crate::conn::Backend) -> QueryResult<i64> {
    match source {
        CountSource::Statuses(statuses) => counted_users(c, statuses),
        CountSource::Organization(org) => counted_members(c, org),
        CountSource::Query => filter_users!(users::table.into_boxed(), filter, backend, crate::conn::MultiBackend).count().get_result(c),
    }
}

impl DbRepo<'_> {
    /// The rows of a users page (with their organization ids when `with_orgs`) and the count.
    #[allow(clippy::type_complexity)]
    fn page_rows(&self, filter: &UserFilter, page: &Page, with_orgs: bool) -> Result<(Vec<(UserRow, Option<String>)>, i64)> {
        let backend = self.backend();
        let orgs = org_ids(with_orgs);
        self.with(|c| {
            let source = count_source(filter);
            if windowed_count(&source, page) {
                // One statement: the page with the total beside each row, so that a search
                // evaluates its filter once. An empty page (past the end) counts separately.
                let rows: Vec<(UserRow, Option<String>, i64)> =
                    users_page!(users::table.into_boxed(), filter, page, None::<AfterKey>, backend, crate::conn::MultiBackend)
                        .select((UserRow::as_select(), orgs, window_count()))
                        .load(c)?;
                let count = match rows.first() {
                    Some((_, _, n)) => *n,
                    None => separate_count(c, filter, CountSource::Query, backend)?,
                };
                return Ok((rows.into_iter().map(|(r, o, _)| (r, o)).collect(), count));
            }
            // The page carries its total when a counter answers it; otherwise, or when the page
            // is empty, the count is a statement of its own.
            let total = page_total(&source);
            let after = after_key(page);
            let rows: Vec<(UserRow, Option<String>, Option<i64>)> = match (deferred_join(backend, page), &mut *c) {
                // PostgreSQL reads the table row of every row an OFFSET skips: pick the
                // page's ids first, through the covering index, then read just those rows.
                (true, DbConn::Pg(pg)) => pg_deferred_page!(filter, page, after, backend, orgs, total).load(pg)?,
                _ => users_page!(users::table.into_boxed(), filter, page, after, backend, crate::conn::MultiBackend)
                    .select((UserRow::as_select(), orgs, total))
                    .load(c)?,
            };
            let count = match rows.first().and_then(|(_, _, n)| *n) {
                Some(n) => n,
                None => separate_count(c, filter, source, backend)?,
            };
            Ok((rows.into_iter().map(|(r, o, _)| (r, o)).collect(), count))
        })
    }

    /// The plans of the statements a users page runs for `filter` and `page`: the count (when
    /// no counter answers it) and the page itself with its users' organization ids. For tests.
    pub fn explain_users_page(&self, filter: &UserFilter, page: &Page) -> Result<Vec<(String, Vec<String>)>> {
        let backend = self.backend();
        self.with(|c| {
            let after = after_key(page);
            let mut plans = Vec::new();
            match c {
                DbConn::Sqlite(c) if windowed_count(&count_source(filter), page) => {
                    use diesel::sqlite::Sqlite;
                    let q = users_page!(users::table.into_boxed::<Sqlite>(), filter, page, None::<AfterKey>, backend, Sqlite).select((
                        UserRow::as_select(),
                        org_ids(true),
                        window_count(),
                    ));
                    plans.push(("page".to_string(), super::plans::sqlite_plan(c, q)?));
                }
                DbConn::Pg(c) if windowed_count(&count_source(filter), page) => {
                    use diesel::pg::Pg;
                    let q = users_page!(users::table.into_boxed::<Pg>(), filter, page, None::<AfterKey>, backend, Pg).select((
                        UserRow::as_select(),
                        org_ids(true),
                        window_count(),
                    ));
                    plans.push(("page".to_string(), super::plans::pg_plan(c, q)?));
                }
                DbConn::Sqlite(c) => {
                    use diesel::sqlite::Sqlite;
                    if matches!(count_source(filter), CountSource::Query) {
                        let count = filter_users!(users::table.into_boxed::<Sqlite>(), filter, backend, Sqlite).count();
                        plans.push(("count".to_string(), super::plans::sqlite_plan(c, count)?));
                    }
                    let q = users_page!(users::table.into_boxed::<Sqlite>(), filter, page, after, backend, Sqlite).select((
                        UserRow::as_select(),
                        org_ids(true),
                        page_total(&count_source(filter)),
                    ));
                    plans.push(("page".to_string(), super::plans::sqlite_plan(c, q)?));
                }
                DbConn::Pg(c) => {
                    use diesel::pg::Pg;
                    if matches!(count_source(filter), CountSource::Query) {
                        let count = filter_users!(users::table.into_boxed::<Pg>(), filter, backend, Pg).count();
                        plans.push(("count".to_string(), super::plans::pg_plan(c, count)?));
                    }
                    let total = page_total(&count_source(filter));
                    let plan = if deferred_join(backend, page) {
                        super::plans::pg_plan(c, pg_deferred_page!(filter, page, after, backend, org_ids(true), total))?
                    } else {
                        let q = users_page!(users::table.into_boxed::<Pg>(), filter, page, after, backend, Pg).select((
                            UserRow::as_select(),
                            org_ids(true),
                            total,
                        ));
                        super::plans::pg_plan(c, q)?
                    };
                    plans.push(("page".to_string(), plan));
                }
            }
            Ok(plans)
        })
    }

    /// The plans of the point lookups sign-in and user creation make (by username, by email).
    pub fn explain_user_lookups(&self) -> Result<Vec<(String, Vec<String>)>> {
        self.with(|c| {
            let (name, email) = ("someone".to_string(), "someone@example.com".to_string());
            Ok(match c {
                DbConn::Sqlite(c) => vec![
                    ("by username".to_string(), super::plans::sqlite_plan(c, user_by_username!(&name))?),
                    ("by email".to_string(), super::plans::sqlite_plan(c, user_by_email!(&email))?),
                ],
                DbConn::Pg(c) => vec![
                    ("by username".to_string(), super::plans::pg_plan(c, user_by_username!(&name))?),
                    ("by email".to_string(), super::plans::pg_plan(c, user_by_email!(&email))?),
                ],
            })
        })
    }

    /// The statements a users page runs on PostgreSQL as pgbench script steps, each with the
    /// parameters it binds (see [`pgbench_step`]): the count, when no counter answers it, and
    /// the page. For the benchmark, which compares the server with the database running these
    /// directly.
    pub fn pg_users_page_statements(&self, filter: &UserFilter, page: &Page) -> Result<Vec<String>> {
        use diesel::pg::Pg;
        fn step<Q: diesel::query_builder::QueryFragment<Pg>>(q: &Q, n: usize) -> String {
            pgbench_step(&diesel::debug_query::<Pg, _>(q).to_string(), &format!("s{n}"))
        }
        let backend = self.backend();
        self.with(|_| {
            let mut out = Vec::new();
            if windowed_count(&count_source(filter), page) {
                let q = users_page!(users::table.into_boxed::<Pg>(), filter, page, None::<AfterKey>, backend, Pg).select((
                    UserRow::as_select(),
                    org_ids(true),
                    window_count(),
                ));
                out.push(step(&q, out.len()));
                return Ok(out);
            }
            if matches!(count_source(filter), CountSource::Query) {
                let q = filter_users!(users::table.into_boxed::<Pg>(), filter, backend, Pg).count();
                out.push(step(&q, out.len()));
            }
            let after = after_key(page);
            let total = page_total(&count_source(filter));
            if deferred_join(backend, page) {
                let q = pg_deferred_page!(filter, page, after, backend, org_ids(true), total);
                out.push(step(&q, out.len()));
            } else {
                let q = users_page!(users::table.into_boxed::<Pg>(), filter, page, after, backend, Pg).select((
                    UserRow::as_select(),
                    org_ids(true),
                    total,
                ));
                out.push(step(&q, out.len()));
            }
            Ok(out)
        })
    }
}

impl DbRepo<'_> {
    /// Appends to a user's status history (same connection: inside the caller's transaction).
    fn record_status(&self, user: Uuid, status: &str, at: OffsetDateTime) -> Result<()> {
        self.with(|c| {
            diesel::insert_into(user_status_changes::table)
                .values((
                    user_status_changes::id.eq(Uuid::new_v4().to_string()),
                    user_status_changes::user_id.eq(user.to_string()),
                    user_status_changes::new_status.eq(status),
                    user_status_changes::changed_at.eq(to_db_time(at)),
                ))
                .execute(c)
                .map(|_| ())
        })
    }
}

impl UserStore for DbRepo<'_> {
    fn insert_user(&self, user: &User) -> Result<()> {
        let row = UserRow::from(user);
        self.with(|c| diesel::insert_into(users::table).values(&row).execute(c).map(|_| ()))?;
        self.record_status(user.id, if user.deleted { "deleted" } else { user.status.as_str() }, user.created_at)?;
        self.created_user(user.id);
        Ok(())
    }

    fn lock_user(&self, id: Uuid) -> Result<()> {
        self.with(|c| match c {
            DbConn::Pg(pg) => diesel::sql_query("SELECT id FROM users WHERE id = $1 FOR UPDATE")
                .bind::<diesel::sql_types::Text, _>(id.to_string())
                .execute(pg)
                .map(|_| ()),
            DbConn::Sqlite(_) => Ok(()),
        })
    }

    fn update_user(&self, user: &User) -> Result<()> {
        let row = UserRow::from(user);
        let before: Option<(String, bool)> =
            self.with(|c| users::table.find(&row.id).select((users::status, users::deleted)).first(c).optional())?;
        self.with(|c| diesel::update(users::table.find(&row.id)).set(&row).execute(c).map(|_| ()))?;
        let now = if user.deleted { "deleted" } else { user.status.as_str() };
        if before.is_some_and(|(status, deleted)| (if deleted { "deleted" } else { status.as_str() }) != now) {
            self.record_status(user.id, now, user.updated_at)?;
        }
        self.changed(Change::User(user.id))
    }

    fn update_user_status(&self, id: Uuid, status: domain::user::UserStatus, at: OffsetDateTime) -> Result<()> {
        self.with(|c| {
            diesel::update(users::table.find(id.to_string()))
                .set((users::status.eq(status.as_str()), users::updated_at.eq(to_db_time(at))))
                .execute(c)
                .map(|_| ())
        })?;
        self.record_status(id, status.as_str(), at)?;
        self.changed(Change::User(id))
    }

    fn user_status_changes(&self, until: OffsetDateTime) -> Result<Vec<(Uuid, String, OffsetDateTime)>> {
        let rows: Vec<(String, String, time::PrimitiveDateTime)> = self.with(|c| {
            user_status_changes::table
                .filter(user_status_changes::changed_at.le(to_db_time(until)))
                .order((user_status_changes::changed_at.asc(), user_status_changes::id.asc()))
                .select((user_status_changes::user_id, user_status_changes::new_status, user_status_changes::changed_at))
                .load(c)
        })?;
        rows.into_iter().map(|(u, s, at)| Ok((parse_uuid(&u)?, s, from_db_time(at)))).collect()
    }

    fn user_by_id(&self, id: Uuid) -> Result<Option<User>> {
        let row: Option<UserRow> = self.with(|c| {
            users::table.find(id.to_string()).filter(diesel::dsl::not(users::deleted)).select(UserRow::as_select()).first(c).optional()
        })?;
        row.map(User::try_from).transpose()
    }

    fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        let name = username.to_lowercase();
        let row: Option<UserRow> = self.with(|c| user_by_username!(name).first(c).optional())?;
        row.map(User::try_from).transpose()
    }

    fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        let email = email.to_lowercase();
        if email.is_empty() {
            return Ok(None);
        }
        let row: Option<UserRow> = self.with(|c| user_by_email!(email).first(c).optional())?;
        row.map(User::try_from).transpose()
    }

    fn list_users(&self, filter: &UserFilter, page: &Page) -> Result<Paged<User>> {
        let (rows, count) = self.page_rows(filter, page, false)?;
        Ok(Paged { items: convert_all(rows.into_iter().map(|(r, _)| r).collect())?, count })
    }

    fn list_users_with_orgs(&self, filter: &UserFilter, page: &Page) -> Result<Paged<(User, Vec<Uuid>)>> {
        let (rows, count) = self.page_rows(filter, page, true)?;
        let items = rows
            .into_iter()
            .map(|(row, orgs)| {
                let orgs = orgs.unwrap_or_default();
                let ids = orgs.split(',').filter(|s| !s.is_empty()).map(parse_uuid).collect::<Result<Vec<Uuid>>>()?;
                Ok((User::try_from(row)?, ids))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Paged { items, count })
    }

    fn users_by_ids(&self, ids: &[Uuid]) -> Result<Vec<User>> {
        let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        let mut out = Vec::with_capacity(ids.len());
        // Chunked to stay under SQLite's bound-parameter limit.
        for chunk in ids.chunks(500) {
            let rows: Vec<UserRow> = self.with(|c| {
                users::table
                    .filter(users::id.eq_any(chunk))
                    .filter(diesel::dsl::not(users::deleted))
                    .order(lower(users::username).asc())
                    .select(UserRow::as_select())
                    .load(c)
            })?;
            out.extend(convert_all::<_, User>(rows)?);
        }
        out.sort_by_key(|u| u.username.to_lowercase());
        Ok(out)
    }

    fn count_users(&self) -> Result<i64> {
        self.with(|c| counted_users(c, named_statuses(&[])))
    }

    fn touch_user_last_seen(&self, id: Uuid, at: OffsetDateTime) -> Result<()> {
        let at = to_db_time(at);
        self.with(|c| {
            diesel::update(users::table.find(id.to_string()).filter(users::last_seen_at.lt(at)))
                .set(users::last_seen_at.eq(at))
                .execute(c)
                .map(|_| ())
        })
    }

    fn get_user_config(&self, user_id: Uuid, key: &str) -> Result<Option<String>> {
        self.with(|c| user_configs::table.find((user_id.to_string(), key)).select(user_configs::value).first(c).optional())
    }

    fn put_user_config(&self, user_id: Uuid, key: &str, value: &str) -> Result<()> {
        let uid = user_id.to_string();
        self.with(|c| {
            let n = diesel::update(user_configs::table.find((&uid, key))).set(user_configs::value.eq(value)).execute(c)?;
            if n == 0 {
                diesel::insert_into(user_configs::table)
                    .values((user_configs::user_id.eq(&uid), user_configs::key.eq(key), user_configs::value.eq(value)))
                    .execute(c)?;
            }
            Ok(())
        })
    }

    fn get_gitsshkey(&self, user_id: Uuid) -> Result<Option<GitSshKeyRow>> {
        let row: Option<GitSshKeyDbRow> =
            self.with(|c| gitsshkeys::table.find(user_id.to_string()).select(GitSshKeyDbRow::as_select()).first(c).optional())?;
        row.map(GitSshKeyRow::try_from).transpose()
    }

    fn insert_gitsshkey(&self, key: &GitSshKeyRow) -> Result<()> {
        let row = GitSshKeyDbRow::from(key);
        self.with(|c| diesel::insert_into(gitsshkeys::table).values(&row).execute(c).map(|_| ()))
    }

    fn put_gitsshkey(&self, key: &GitSshKeyRow) -> Result<()> {
        let row = GitSshKeyDbRow::from(key);
        self.with(|c| {
            let n = diesel::update(gitsshkeys::table.find(&row.user_id))
                .set((
                    gitsshkeys::private_key.eq(&row.private_key),
                    gitsshkeys::public_key.eq(&row.public_key),
                    gitsshkeys::updated_at.eq(row.updated_at),
                ))
                .execute(c)?;
            if n == 0 {
                diesel::insert_into(gitsshkeys::table).values(&row).execute(c)?;
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covering_trigrams_cover_the_term_without_overlap_but_the_last() {
        assert_eq!(covering_trigrams("grace hopper"), ["gra", "ce ", "hop", "per"]);
        assert_eq!(covering_trigrams("hopper-12"), ["hop", "per", "-12"]);
        assert_eq!(covering_trigrams("abcd"), ["abc", "bcd"]);
        assert_eq!(covering_trigrams("abc"), ["abc"]);
        assert_eq!(covering_trigrams("ab"), Vec::<String>::new());
        assert_eq!(covering_trigrams("élodie"), ["élo", "die"]);
        assert_eq!(at_most_three(covering_trigrams("grace hopper")), ["gra", "hop", "per"]);
        assert_eq!(at_most_three(covering_trigrams("hopper-12")), ["hop", "per", "-12"]);
    }

    #[test]
    fn postgres_patterns_leave_out_pieces_pg_trgm_draws_nothing_from() {
        assert_eq!(pg_trigram_patterns("Grace Hopper"), ["%gra%", "%ce %", "%hop%", "%per%"]);
        assert_eq!(pg_trigram_patterns("a---%"), ["%a--%"]);
        assert!(pg_trigram_patterns("---").is_empty());
    }
}
