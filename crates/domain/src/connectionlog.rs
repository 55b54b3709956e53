//! Connection logs: one row per session a workspace agent reports (SSH, VS Code, JetBrains,
//! terminal), opened by the connect event and closed by the disconnect event, and the licensed,
//! role-filtered list with Coder's search language.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::app::{Actor, App};
use crate::error::{Error, Result, Validations};
use crate::licensing::Feature;
use crate::store::Paged;

/// The most rows the list counts (Coder's `count_cap`); a count of one more means "more".
pub const COUNT_CAP: i64 = 2000;
/// Rows on a page when no `limit` is given.
pub const DEFAULT_LIMIT: i64 = 100;
/// The connection types Coder knows.
pub const TYPES: [&str; 6] = ["ssh", "vscode", "jetbrains", "reconnecting_pty", "workspace_app", "port_forwarding"];

/// One logged session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionLog {
    /// Identity (of the first event stored for the session).
    pub id: Uuid,
    /// When it opened.
    pub connect_time: OffsetDateTime,
    /// The workspace's organization.
    pub organization_id: Uuid,
    /// The workspace's owner.
    pub workspace_owner_id: Uuid,
    /// The workspace.
    pub workspace_id: Uuid,
    /// Its name when the session opened.
    pub workspace_name: String,
    /// The agent the session went through.
    pub agent_name: String,
    /// `ssh`, `vscode`, `jetbrains`, `reconnecting_pty`, ...
    pub kind: String,
    /// The client's address.
    pub ip: Option<String>,
    /// The exit code (set by the disconnect).
    pub code: Option<i32>,
    /// The agent's id of the session.
    pub connection_id: Option<Uuid>,
    /// When it closed.
    pub disconnect_time: Option<OffsetDateTime>,
    /// Why it closed.
    pub disconnect_reason: Option<String>,
}

/// A log row with its organization and the owner's current username.
#[derive(Debug, Clone)]
pub struct ConnectionLogView {
    /// The row.
    pub log: ConnectionLog,
    /// Its organization.
    pub organization: crate::organization::Organization,
    /// The workspace owner's username (empty when the account is gone).
    pub workspace_owner_username: String,
}

/// Filters of `GET /connectionlog`, parsed from its `q`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectionLogFilter {
    /// Only these organizations (the caller's visibility, then `organization:`).
    pub organization_ids: Option<Vec<Uuid>>,
    /// `workspace_owner:` / `workspace_owner_email:` resolved to a user (nil when no match).
    pub workspace_owner_id: Option<Uuid>,
    /// `type:`.
    pub kind: Option<String>,
    /// `username:` / `user_email:` (web sessions only; agent sessions never match).
    pub web_user: bool,
    /// `connected_after:` (inclusive).
    pub connected_after: Option<OffsetDateTime>,
    /// `connected_before:` (inclusive).
    pub connected_before: Option<OffsetDateTime>,
    /// `workspace_id:`.
    pub workspace_id: Option<Uuid>,
    /// `connection_id:`.
    pub connection_id: Option<Uuid>,
    /// `status:` ongoing (`Some(false)`) or completed (`Some(true)`).
    pub completed: Option<bool>,
}

/// Splits a query into `key:value` terms, honouring double quotes, as Coder's search does.
fn terms(q: &str) -> std::result::Result<Vec<(String, String)>, (String, String)> {
    let mut tokens = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in q.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ' ' if !quoted => {
                if !cur.is_empty() {
                    tokens.push(std::mem::take(&mut cur));
                }
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        tokens.push(cur);
    }
    let mut out = Vec::new();
    for t in tokens {
        if !t.contains(':') {
            out.push(("search".to_string(), t));
            continue;
        }
        if t.starts_with(':') || t.ends_with(':') {
            return Err(("q".into(), format!("Query element {t:?} cannot start or end with ':'")));
        }
        let mut parts = Vec::new();
        let mut part = String::new();
        let mut quoted = false;
        for c in t.chars() {
            match c {
                '"' => quoted = !quoted,
                ':' if !quoted => parts.push(std::mem::take(&mut part)),
                _ => part.push(c),
            }
        }
        parts.push(part);
        if parts.len() != 2 {
            return Err(("q".into(), format!("Query element {t:?} can only contain 1 ':'")));
        }
        out.push((parts[0].to_lowercase(), parts[1].clone()));
    }
    Ok(out)
}

impl App {
    /// Parses `q` into a filter for the actor, as Coder's `searchquery.ConnectionLogs` does;
    /// e-mail terms match case-insensitively.
    fn connection_log_filter(&self, actor: &Actor, q: &str) -> Result<ConnectionLogFilter> {
        let mut f = ConnectionLogFilter::default();
        let mut v = Validations::new();
        let terms = match terms(q) {
            Ok(t) => t,
            Err((field, detail)) => return Err(Error::bad_request("Invalid connection search query.").with_validation(&field, detail)),
        };
        let mut seen: Vec<String> = Vec::new();
        for (key, value) in terms {
            if seen.contains(&key) && key != "search" {
                v.add(
                    &key,
                    format!("Query param {key:?} provided more than once, found 2 times. Only provide 1 instance of this query param."),
                );
                continue;
            }
            seen.push(key.clone());
            if value.is_empty() {
                continue;
            }
            let invalid = |v: &mut Validations, what: &str| v.add(&key, format!("Query param {key:?} has invalid value: {what}"));
            match key.as_str() {
                "organization" => match self.resolve_org(actor, &value) {
                    Ok(o) => f.organization_ids = Some(vec![o.id]),
                    Err(_) => invalid(&mut v, &format!("organization {value:?} either does not exist, or you are unauthorized to view it")),
                },
                "workspace_owner" => {
                    let user = if value.eq_ignore_ascii_case("me") {
                        Some(actor.user.id)
                    } else {
                        self.db_as(crate::authz::System::Login).user_id_for_filter(Some(&value), None)?
                    };
                    f.workspace_owner_id = Some(user.unwrap_or(Uuid::nil()));
                }
                "workspace_owner_email" => {
                    f.workspace_owner_id =
                        Some(self.db_as(crate::authz::System::Login).user_id_for_filter(None, Some(&value))?.unwrap_or(Uuid::nil()));
                }
                "type" => {
                    let t = value.to_lowercase();
                    if TYPES.contains(&t.as_str()) {
                        f.kind = Some(t);
                    } else {
                        invalid(&mut v, &format!("{value:?} is not a valid value"));
                    }
                }
                "username" | "user_email" => f.web_user = true,
                "connected_after" | "connected_before" => {
                    match OffsetDateTime::parse(&value.to_uppercase(), &time::format_description::well_known::Rfc3339) {
                        Ok(t) if key == "connected_after" => f.connected_after = Some(t),
                        Ok(t) => f.connected_before = Some(t),
                        Err(e) => v.add(
                            &key,
                            format!("Query param {key:?} must be a valid date format (2006-01-02T15:04:05.999999999Z07:00): {e}"),
                        ),
                    }
                }
                "workspace_id" | "connection_id" => match Uuid::parse_str(&value) {
                    Ok(id) if key == "workspace_id" => f.workspace_id = Some(id),
                    Ok(id) => f.connection_id = Some(id),
                    Err(_) => v.add(&key, format!("Query param {key:?} must be a valid uuid")),
                },
                "status" => match value.to_lowercase().as_str() {
                    "ongoing" => f.completed = Some(false),
                    "completed" => f.completed = Some(true),
                    _ => invalid(&mut v, &format!("{value:?} is not a valid value")),
                },
                other => v.add(other, format!("{other:?} is not a valid query param")),
            }
        }
        v.finish("Invalid connection search query.")?;
        Ok(f)
    }

    /// `GET /connectionlog`: the sessions the actor may see (everything for owners and
    /// auditors, their organizations for organization admins and auditors, nothing for others),
    /// newest first; `count` stops at [`COUNT_CAP`] + 1.
    pub fn connection_logs(&self, actor: &Actor, q: &str, limit: i64, offset: i64) -> Result<Paged<ConnectionLogView>> {
        self.require_feature(Feature::ConnectionLog)?;
        let f = self.connection_log_filter(actor, q)?;
        if f.web_user {
            return Ok(Paged { items: Vec::new(), count: 0 });
        }
        let limit = if limit <= 0 { DEFAULT_LIMIT } else { limit };
        let (page, users, orgs) = self.db(actor).list_connection_logs(&f, limit, offset, COUNT_CAP + 1)?;
        let items = page
            .items
            .into_iter()
            .filter_map(|log| {
                let organization = orgs.iter().find(|o| o.id == log.organization_id)?.clone();
                let workspace_owner_username =
                    users.iter().find(|u| u.id == log.workspace_owner_id).map(|u| u.username.clone()).unwrap_or_default();
                Some(ConnectionLogView { log, organization, workspace_owner_username })
            })
            .collect();
        Ok(Paged { items, count: page.count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_keep_quoted_colons() {
        let t = terms(r#"type:ssh connected_after:"2024-01-01T00:00:00Z""#).unwrap();
        assert_eq!(t[1], ("connected_after".into(), "2024-01-01T00:00:00Z".into()));
        assert!(terms("type:").is_err());
        assert!(terms("a:b:c").is_err());
        assert_eq!(terms("free").unwrap()[0].0, "search");
    }
}
