//! The agent's own API (`/workspaceagents/me/rpc`): how an agent authenticates with its token,
//! and the calls it makes: its manifest, lifecycle and startup reports, stats, and the sessions
//! it serves (which become connection logs).

use time::OffsetDateTime;
use uuid::Uuid;

use super::proto::coder::agent::v2 as ap;
use super::{Agent, Build, Transition, Workspace};
use crate::app::App;
use crate::authz::System;
use crate::clock;
use crate::connectionlog::ConnectionLog;
use crate::error::{Error, ErrorKind, Result};
use crate::provisioners::JobStatus;
use crate::user::User;

/// The agent API version this server speaks (Coder's tailnet/agent `CurrentVersion`).
pub const AGENT_API_VERSION: (u32, u32) = (2, 10);
/// How often agents report stats (Coder's `CODER_AGENT_STATS_REFRESH_INTERVAL` default).
pub const STATS_INTERVAL_SECONDS: i64 = 30;

/// An authenticated agent: the agent, its build, workspace and owner.
#[derive(Debug, Clone)]
pub struct AgentSession {
    /// The agent.
    pub agent: Agent,
    /// The build that declared it.
    pub build: Build,
    /// Its workspace.
    pub workspace: Workspace,
    /// The workspace's owner.
    pub owner: User,
}

fn unauthorized(message: &str, detail: impl Into<String>) -> Error {
    Error::new(ErrorKind::Unauthorized, message).with_detail(detail)
}

/// Checks the `version` an agent asks for against [`AGENT_API_VERSION`].
pub fn check_agent_api_version(v: &str) -> std::result::Result<(), String> {
    crate::apiversion::check(v, AGENT_API_VERSION)
}

fn lifecycle_name(s: i32) -> Option<&'static str> {
    use ap::lifecycle::State as S;
    Some(match S::try_from(s).ok()? {
        S::Unspecified => return None,
        S::Created => "created",
        S::Starting => "starting",
        S::StartTimeout => "start_timeout",
        S::StartError => "start_error",
        S::Ready => "ready",
        S::ShuttingDown => "shutting_down",
        S::ShutdownTimeout => "shutdown_timeout",
        S::ShutdownError => "shutdown_error",
        S::Off => "off",
    })
}

fn timestamp(t: Option<&prost_types::Timestamp>) -> Option<OffsetDateTime> {
    let t = t?;
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(t.seconds) * 1_000_000_000 + i128::from(t.nanos)).ok()
}

impl App {
    /// Authenticates an agent by its token: the agent of a live workspace's latest build (or
    /// of the start build before a stop that is still running, so shutdown scripts can report).
    pub fn authenticate_agent(&self, token: Option<&str>) -> Result<AgentSession> {
        let token =
            token.filter(|t| !t.is_empty()).ok_or_else(|| Error::unauthorized("Cookie \"coder_session_token\" must be provided."))?;
        let token = Uuid::parse_str(token).map_err(|_| {
            unauthorized("Workspace agent token invalid.", format!("An agent token must be a valid UUIDv4. (len {})", token.len()))
        })?;
        let refused = || {
            unauthorized(
                "Workspace agent not authorized.",
                "The agent cannot authenticate until the workspace provision job has been completed. If the job is no longer running, this agent is invalid.",
            )
        };
        let db = self.db_as(System::Agent);
        let (agent, build, workspace) = db.agent_by_token(token)?.ok_or_else(refused)?;
        if workspace.deleted {
            return Err(refused());
        }
        let latest = db.latest_build(&workspace)?.ok_or_else(refused)?;
        if latest.id != build.id {
            let stopping = latest.transition == Transition::Stop
                && build.build_number + 1 == latest.build_number
                && build.transition == Transition::Start
                && db.job_by_id(latest.job_id)?.is_some_and(|j| matches!(j.status(), JobStatus::Pending | JobStatus::Running));
            if !stopping {
                return Err(refused());
            }
        }
        let owner = db.user_by_id(workspace.owner_id)?.ok_or_else(refused)?;
        Ok(AgentSession { agent, build, workspace, owner })
    }

    /// `GetManifest`: what the agent needs to run (ids, names, directory, environment).
    pub fn agent_manifest(&self, s: &AgentSession) -> Result<ap::Manifest> {
        let env = s.agent.data["env"]
            .as_object()
            .map(|m| m.iter().filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string()))).collect())
            .unwrap_or_default();
        Ok(ap::Manifest {
            agent_id: s.agent.id.as_bytes().to_vec(),
            agent_name: s.agent.name.clone(),
            owner_username: s.owner.username.clone(),
            workspace_id: s.workspace.id.as_bytes().to_vec(),
            workspace_name: s.workspace.name.clone(),
            environment_variables: env,
            directory: s.agent.directory.clone(),
            ..Default::default()
        })
    }

    fn save_agent(&self, agent: &Agent) -> Result<()> {
        self.db_as(System::Agent).update_agent(agent)
    }

    /// Marks the agent connected (first and latest connection).
    pub fn agent_connected(&self, agent_id: Uuid) -> Result<()> {
        self.db_as(System::Agent).set_agent_connection(agent_id, true, clock::now())
    }

    /// Marks the agent disconnected.
    pub fn agent_disconnected(&self, agent_id: Uuid) -> Result<()> {
        self.db_as(System::Agent).set_agent_connection(agent_id, false, clock::now())
    }

    /// `UpdateLifecycle`: records the state (and when it started or became ready); echoes it.
    pub fn update_agent_lifecycle(&self, s: &AgentSession, req: ap::UpdateLifecycleRequest) -> Result<ap::Lifecycle> {
        let mut lifecycle = req.lifecycle.unwrap_or_default();
        let state = lifecycle_name(lifecycle.state).ok_or_else(|| {
            Error::bad_request(format!(
                "unknown lifecycle state {:?}",
                ap::lifecycle::State::try_from(lifecycle.state).map(|s| s.as_str_name()).unwrap_or("STATE_UNSPECIFIED")
            ))
        })?;
        let changed = match timestamp(lifecycle.changed_at.as_ref()).filter(|t| t.unix_timestamp() > 0) {
            Some(t) => t,
            None => {
                let now = clock::now();
                lifecycle.changed_at = Some(prost_types::Timestamp { seconds: now.unix_timestamp(), nanos: now.nanosecond() as i32 });
                now
            }
        };
        let (mut a, _, _) = self.db_as(System::Agent).agent_by_id(s.agent.id)?.ok_or_else(Error::not_found)?;
        a.lifecycle_state = state.into();
        let stamp = changed.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
        match state {
            "starting" => {
                a.data["started_at"] = serde_json::json!(stamp);
                a.data["ready_at"] = serde_json::Value::Null;
            }
            "ready" | "start_timeout" | "start_error" => {
                if a.data["started_at"].is_null() {
                    a.data["started_at"] = serde_json::json!(stamp);
                }
                a.data["ready_at"] = serde_json::json!(stamp);
            }
            _ => {}
        }
        a.updated_at = clock::now();
        self.save_agent(&a)?;
        Ok(lifecycle)
    }

    /// `UpdateStartup`: the agent's version, expanded directory and subsystems; echoed.
    pub fn update_agent_startup(&self, s: &AgentSession, api_version: &str, req: ap::UpdateStartupRequest) -> Result<ap::Startup> {
        let startup = req.startup.unwrap_or_default();
        let version = startup.version.trim_start_matches('v');
        let semver_ok = version.split(['-', '+']).next().is_some_and(|core| {
            let parts: Vec<&str> = core.split('.').collect();
            parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        });
        if !semver_ok {
            return Err(Error::bad_request(format!("invalid agent semver version {:?}", startup.version)));
        }
        let mut subsystems: Vec<String> = Vec::new();
        for sub in &startup.subsystems {
            let name = match ap::startup::Subsystem::try_from(*sub) {
                Ok(ap::startup::Subsystem::Envbox) => "envbox",
                Ok(ap::startup::Subsystem::Envbuilder) => "envbuilder",
                Ok(ap::startup::Subsystem::Exectrace) => "exectrace",
                _ => return Err(Error::bad_request(format!("invalid agent subsystem {sub}"))),
            };
            if !subsystems.iter().any(|s| s == name) {
                subsystems.push(name.into());
            }
        }
        subsystems.sort();
        let (mut a, _, _) = self.db_as(System::Agent).agent_by_id(s.agent.id)?.ok_or_else(Error::not_found)?;
        a.data["version"] = serde_json::json!(startup.version);
        a.data["api_version"] = serde_json::json!(api_version);
        a.data["expanded_directory"] = serde_json::json!(startup.expanded_directory);
        a.data["subsystems"] = serde_json::json!(subsystems);
        a.updated_at = clock::now();
        self.save_agent(&a)?;
        Ok(startup)
    }

    /// `ReportConnection`: a session opened or closed through the agent, recorded as a
    /// connection log when the deployment is licensed for them.
    pub fn report_agent_connection(&self, s: &AgentSession, req: ap::ReportConnectionRequest) -> Result<()> {
        let c = req.connection.ok_or_else(|| Error::bad_request("connection is required"))?;
        let id = Uuid::from_slice(&c.id).map_err(|e| Error::bad_request(format!("connection id from bytes: {e}")))?;
        if id.is_nil() {
            return Err(Error::bad_request("connection ID cannot be nil"));
        }
        let connect = match ap::connection::Action::try_from(c.action) {
            Ok(ap::connection::Action::Connect) => true,
            Ok(ap::connection::Action::Disconnect) => false,
            _ => return Err(Error::bad_request("unknown agent connection action \"ACTION_UNSPECIFIED\"")),
        };
        let kind = match ap::connection::Type::try_from(c.r#type) {
            Ok(ap::connection::Type::Ssh) => "ssh",
            Ok(ap::connection::Type::Vscode) => "vscode",
            Ok(ap::connection::Type::Jetbrains) => "jetbrains",
            Ok(ap::connection::Type::ReconnectingPty) => "reconnecting_pty",
            _ => return Err(Error::bad_request("unknown agent connection type \"TYPE_UNSPECIFIED\"")),
        };
        if !self.feature_enabled(crate::licensing::Feature::ConnectionLog) {
            return Ok(());
        }
        let at = timestamp(c.timestamp.as_ref()).unwrap_or_else(clock::now);
        let ip = c.ip.parse::<std::net::IpAddr>().ok().map(|ip| ip.to_string());
        let log = ConnectionLog {
            id: Uuid::new_v4(),
            connect_time: at,
            organization_id: s.workspace.organization_id,
            workspace_owner_id: s.workspace.owner_id,
            workspace_id: s.workspace.id,
            workspace_name: s.workspace.name.clone(),
            agent_name: s.agent.name.clone(),
            kind: kind.into(),
            ip,
            code: (!connect).then_some(c.status_code),
            connection_id: Some(id),
            disconnect_time: (!connect).then_some(at),
            disconnect_reason: if connect { None } else { c.reason.filter(|r| !r.is_empty()) },
        };
        self.db_as(System::Agent).upsert_connection_log(&log)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert!(check_agent_api_version("2.10").is_ok());
        assert!(check_agent_api_version("2.0").is_ok());
        assert!(check_agent_api_version("2.11").unwrap_err().contains("behind requested minor"));
        assert!(check_agent_api_version("1.0").unwrap_err().contains("no longer supported"));
    }
}
