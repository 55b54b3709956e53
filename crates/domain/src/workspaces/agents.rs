//! Agents: reading one, and the credentials of an external agent (one that runs outside the
//! provisioned resources and is started by hand with its token).

use super::Agent;
use crate::app::{Actor, App};
use crate::error::{Error, ErrorKind, Result};
use crate::licensing::Feature;

/// What an external agent is started with.
#[derive(Debug, Clone)]
pub struct ExternalAgentCredentials {
    /// The agent's token.
    pub agent_token: String,
    /// A shell (or PowerShell) line that fetches the init script and starts the agent.
    pub command: String,
}

/// The operating systems and architectures `init-script` serves.
pub const INIT_SCRIPT_OS: [&str; 3] = ["linux", "darwin", "windows"];
/// Architectures.
pub const INIT_SCRIPT_ARCH: [&str; 3] = ["amd64", "arm64", "armv7"];

/// Go's `%q` quoting of a plain string (what Coder's command uses).
fn go_quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// The command that starts an external agent, as Coder words it for Linux/macOS and Windows.
pub fn external_agent_command(access_url: &str, os: &str, arch: &str, token: &str) -> String {
    let url = format!("{}/api/v2/init-script/{os}/{arch}", access_url.trim_end_matches('/'));
    if os == "windows" {
        format!("$env:CODER_AGENT_TOKEN={}; iwr -useb {} | iex", go_quote(token), go_quote(&url))
    } else {
        format!("curl -fsSL {} | CODER_AGENT_TOKEN={} sh", go_quote(&url), go_quote(token))
    }
}

/// An agent's connection status as Coder derives it: never connected (`connecting`, or
/// `timeout` past its connection timeout), `disconnected` after a disconnect or 30 s of silence,
/// else `connected`.
pub fn agent_status(a: &Agent, now: time::OffsetDateTime) -> &'static str {
    let Some(_) = a.first_connected_at else {
        let timeout = a.data["connection_timeout_seconds"].as_i64().unwrap_or(0);
        if timeout > 0 && now - a.created_at > time::Duration::seconds(timeout) {
            return "timeout";
        }
        return "connecting";
    };
    match (a.last_connected_at, a.disconnected_at) {
        (Some(last), Some(gone)) if gone >= last => "disconnected",
        (Some(last), _) if now - last > time::Duration::seconds(30) => "disconnected",
        (Some(_), _) => "connected",
        (None, _) => "connecting",
    }
}

impl App {
    /// `GET /workspaceagents/{workspaceagent}`: the agent, if the actor may read its workspace.
    pub fn get_agent(&self, actor: &Actor, param: &str) -> Result<Agent> {
        let id = crate::groups::parse_uuid_param(param)?;
        let (agent, _, _) = self.db(actor).agent_by_id(id)?.ok_or_else(Error::not_found)?;
        Ok(agent)
    }

    /// `GET /workspaces/{workspace}/external-agent/{agent}/credentials`.
    pub fn external_agent_credentials(&self, actor: &Actor, param: &str, agent_name: &str) -> Result<ExternalAgentCredentials> {
        let w = self.readable_workspace(actor, param)?;
        self.require_feature(Feature::WorkspaceExternalAgent)?;
        let db = self.db(actor);
        let latest = db.latest_build(&w)?.ok_or_else(Error::not_found)?;
        if latest.has_external_agent != Some(true) {
            return Err(Error::new(ErrorKind::NotFound, "Workspace does not have an external agent."));
        }
        let agent = db
            .build_context(vec![latest])?
            .agents
            .into_iter()
            .find(|a| a.name == agent_name)
            .ok_or_else(|| Error::new(ErrorKind::NotFound, format!("External agent '{agent_name}' not found in workspace.")))?;
        if agent.auth_instance_id.as_deref().is_some_and(|i| !i.is_empty()) {
            return Err(Error::new(ErrorKind::NotFound, "External agent is authenticated with an instance ID."));
        }
        let token = agent.auth_token.to_string();
        Ok(ExternalAgentCredentials {
            command: external_agent_command(&self.settings.access_url, &agent.operating_system, &agent.architecture, &token),
            agent_token: token,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands() {
        assert_eq!(
            external_agent_command("https://c.example/", "linux", "amd64", "t0k"),
            r#"curl -fsSL "https://c.example/api/v2/init-script/linux/amd64" | CODER_AGENT_TOKEN="t0k" sh"#
        );
        assert_eq!(
            external_agent_command("https://c.example", "windows", "amd64", "t0k"),
            r#"$env:CODER_AGENT_TOKEN="t0k"; iwr -useb "https://c.example/api/v2/init-script/windows/amd64" | iex"#
        );
    }
}
