//! `GET /deployment/stats` (Coder's `DeploymentStats`): how many workspaces are pending,
//! building, running, failed or stopped (from each live workspace's latest build and its job,
//! as Coder's `GetDeploymentWorkspaceStats` classifies them), and the sessions open now (from the
//! connection log). Computed on request, so there is no "still processing" window.

use time::OffsetDateTime;

use crate::app::{Actor, App};
use crate::error::Result;

/// Workspaces by the state of their latest build.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkspaceCounts {
    /// Latest build's job not started.
    pub pending: i64,
    /// Latest build's job running.
    pub building: i64,
    /// Started successfully.
    pub running: i64,
    /// Latest build failed.
    pub failed: i64,
    /// Stopped successfully.
    pub stopped: i64,
}

impl WorkspaceCounts {
    /// Adds `n` workspaces in `state` (the classification of the store's query); states it does
    /// not count (a cancelled build, a deleting one) are ignored, as in Coder.
    pub fn add(&mut self, state: &str, n: i64) {
        match state {
            "pending" => self.pending += n,
            "building" => self.building += n,
            "running" => self.running += n,
            "failed" => self.failed += n,
            "stopped" => self.stopped += n,
            _ => {}
        }
    }
}

/// Open sessions by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionCounts {
    /// VS Code.
    pub vscode: i64,
    /// SSH.
    pub ssh: i64,
    /// JetBrains.
    pub jetbrains: i64,
    /// The web terminal.
    pub reconnecting_pty: i64,
}

impl SessionCounts {
    /// Adds `n` open connections of a connection-log type.
    pub fn add(&mut self, kind: &str, n: i64) {
        match kind {
            "vscode" => self.vscode += n,
            "ssh" => self.ssh += n,
            "jetbrains" => self.jetbrains += n,
            "reconnecting_pty" => self.reconnecting_pty += n,
            _ => {}
        }
    }
}

/// The report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeploymentStats {
    /// The start of the window the sessions were counted over.
    pub aggregated_from: OffsetDateTime,
    /// When it was computed.
    pub collected_at: OffsetDateTime,
    /// When asking again can give a different answer.
    pub next_update_at: OffsetDateTime,
    /// Workspaces by state.
    pub workspaces: WorkspaceCounts,
    /// Open sessions.
    pub sessions: SessionCounts,
}

impl App {
    /// `GET /deployment/stats`: owners and auditors (`deployment_stats` read), else 403.
    pub fn deployment_stats(&self, actor: &Actor) -> Result<DeploymentStats> {
        let (workspaces, sessions) = self.db(actor).deployment_counts()?;
        let now = crate::clock::now();
        Ok(DeploymentStats {
            aggregated_from: now - time::Duration::minutes(15),
            collected_at: now,
            next_update_at: now + time::Duration::seconds(30),
            workspaces,
            sessions,
        })
    }
}
