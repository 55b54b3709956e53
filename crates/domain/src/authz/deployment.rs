//! Deployment-wide records: replicas, appearance, notification templates and connection logs,
//! as a subject may use them.

use time::OffsetDateTime;
use uuid::Uuid;

use super::Db;
use crate::connectionlog::{ConnectionLog, ConnectionLogFilter};
use crate::error::{Error, Result};
use crate::notifications::NotificationTemplate;
use crate::organization::Organization;
use crate::rbac::{action, resource, Object};
use crate::replicas::Replica;
use crate::store::Paged;
use crate::user::User;

fn system() -> Object {
    Object::of(resource::SYSTEM)
}

impl Db<'_> {
    /// Registers (or re-registers) a server process: `update` on the system.
    pub fn upsert_replica(&self, replica: &Replica) -> Result<()> {
        self.write(action::UPDATE, &system(), |s| s.upsert_replica(replica))
    }

    /// Records a replica's heartbeat (`false` when its row is gone): `update` on the system.
    pub fn heartbeat_replica(&self, id: Uuid, at: OffsetDateTime, latency: i32, error: &str) -> Result<bool> {
        self.write(action::UPDATE, &system(), |s| s.heartbeat_replica(id, at, latency, error))
    }

    /// Marks a replica stopped: `update` on the system.
    pub fn stop_replica(&self, id: Uuid, at: OffsetDateTime) -> Result<()> {
        self.write(action::UPDATE, &system(), |s| s.stop_replica(id, at))
    }

    /// Tells the other replicas that the replica set changed: `update` on the system.
    pub fn announce_replicas_changed(&self) -> Result<()> {
        self.write(action::UPDATE, &system(), |s| s.announce_replicas_changed())
    }

    /// One appearance value (application name, logo, banners). Coder lets anyone read them;
    /// here it takes `read` on the system, which the site subject holds.
    pub fn appearance_value(&self, key: &str) -> Result<Option<String>> {
        self.require(action::READ, &system())?;
        self.store.get_site_config(key)
    }

    /// Stores an appearance value: `update` on the deployment's configuration.
    pub fn put_appearance_value(&self, key: &str, value: &str) -> Result<()> {
        self.write(action::UPDATE, &Object::of(resource::DEPLOYMENT_CONFIG), |s| s.put_site_config(key, value))
    }

    /// The notification templates of one kind. The `system` templates are readable by any
    /// subject, as Coder's dbauthz lets them be; other kinds take `read` on templates.
    pub fn notification_templates(&self, kind: &str) -> Result<Vec<NotificationTemplate>> {
        // Anyone may read the system and custom templates, as in Coder.
        if kind != "system" && kind != "custom" {
            self.require(action::READ, &Object::of(resource::NOTIFICATION_TEMPLATE))?;
        }
        self.store.notification_templates(kind)
    }

    /// A notification template, if the subject may read templates.
    pub fn notification_template(&self, id: Uuid) -> Result<Option<NotificationTemplate>> {
        self.fetch(self.store.notification_template(id)?, |_| Object::of(resource::NOTIFICATION_TEMPLATE))
    }

    /// Routes a template to a method: `update` on templates.
    pub fn set_notification_template_method(&self, id: Uuid, method: Option<&str>) -> Result<()> {
        self.write(action::UPDATE, &Object::of(resource::NOTIFICATION_TEMPLATE), |s| s.set_notification_template_method(id, method))
    }

    /// Records a connection an agent reported: `update` on connection logs.
    pub fn upsert_connection_log(&self, log: &ConnectionLog) -> Result<()> {
        self.write(action::UPDATE, &Object::of(resource::CONNECTION_LOG).in_org(log.organization_id), |s| s.upsert_connection_log(log))
    }

    /// A page of the connection logs the subject may read, narrowed in the query to their
    /// organizations, with the owners and organizations the rows name (they are part of a log,
    /// as Coder's query joins them).
    pub fn list_connection_logs(
        &self,
        filter: &ConnectionLogFilter,
        limit: i64,
        offset: i64,
        count_cap: i64,
    ) -> Result<(Paged<ConnectionLog>, Vec<User>, Vec<Organization>)> {
        let visible = self.visibility(action::READ, resource::CONNECTION_LOG);
        let mut f = filter.clone();
        if visible.nothing {
            return Ok((Paged { items: Vec::new(), count: 0 }, Vec::new(), Vec::new()));
        }
        if !visible.everything {
            f.organization_ids = Some(match f.organization_ids {
                Some(wanted) => wanted.into_iter().filter(|o| visible.orgs.contains(o)).collect(),
                None => visible.orgs.clone(),
            });
        }
        if f.organization_ids.as_ref().is_some_and(Vec::is_empty) {
            return Ok((Paged { items: Vec::new(), count: 0 }, Vec::new(), Vec::new()));
        }
        let page = self.store.list_connection_logs(&f, limit, offset, count_cap)?;
        let mut owners: Vec<Uuid> = page.items.iter().map(|l| l.workspace_owner_id).collect();
        owners.sort();
        owners.dedup();
        let users = if owners.is_empty() { Vec::new() } else { self.store.users_by_ids(&owners)? };
        let orgs = self.store.list_organizations(None)?;
        Ok((page, users, orgs))
    }

    /// A user's id by username or email for a filter term, as the search resolves it: `read` on
    /// users (the subject of the lookup, not the caller's).
    pub fn user_id_for_filter(&self, username: Option<&str>, email: Option<&str>) -> Result<Option<Uuid>> {
        self.require(action::READ, &Object::of(resource::USER))?;
        let user = match (username, email) {
            (Some(name), _) => self.store.user_by_username(name)?,
            (None, Some(email)) => self.store.user_by_email(email)?,
            (None, None) => return Err(Error::bad_request("A user filter needs a username or an email.")),
        };
        Ok(user.map(|u| u.id))
    }

    /// Who connected to workspaces since `since` (for daily active users): `read` on the
    /// deployment's configuration, as Coder guards `GET /insights/daus`.
    pub fn connections_since(&self, since: OffsetDateTime) -> Result<Vec<(Uuid, OffsetDateTime)>> {
        self.require(action::READ, &Object::of(resource::DEPLOYMENT_CONFIG))?;
        self.store.connections_since(since)
    }

    /// Workspaces by state and open sessions, for the deployment's statistics: `read` on
    /// deployment statistics.
    pub fn deployment_counts(&self) -> Result<(crate::deployment::stats::WorkspaceCounts, crate::deployment::stats::SessionCounts)> {
        self.require(action::READ, &Object::of(resource::DEPLOYMENT_STATS))?;
        let mut w = crate::deployment::stats::WorkspaceCounts::default();
        for (state, n) in self.store.workspace_states()? {
            w.add(&state, n);
        }
        let mut s = crate::deployment::stats::SessionCounts::default();
        for (kind, n) in self.store.open_connections()? {
            s.add(&kind, n);
        }
        Ok((w, s))
    }
}
