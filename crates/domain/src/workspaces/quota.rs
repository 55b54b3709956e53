//! Workspace quota: what a build may cost, charged when its plan is known (`CommitQuota`), and
//! the user's latest parameter values for a template (autofill).

use uuid::Uuid;

use crate::app::{Actor, App};
use crate::error::{Error, Result};
use crate::licensing::Feature;
use crate::provisioners::proto::provisionerd as pd;
use crate::provisioners::Daemon;
use crate::rbac::{self, action, Object};
use crate::store::in_transaction;

impl App {
    /// The quota budget of a user in an organization: the allowances of their groups there (the
    /// Everyone group for members).
    pub fn quota_budget(&self, user: Uuid, org: Uuid) -> Result<i64> {
        let is_member = self.unchecked().member(org, user)?.is_some();
        let groups = self.unchecked().group_ids_of_user(user)?;
        Ok(self
            .unchecked()
            .list_groups(Some(org), None)?
            .into_iter()
            .filter(|g| if g.is_everyone() { is_member } else { groups.contains(&g.id) })
            .map(|g| g.quota_allowance)
            .sum())
    }

    /// `CommitQuota`: charges the build's daily cost against its owner's budget. A build over
    /// budget is refused unless it costs no more than the workspace's previous build; without
    /// `template_rbac` there is no quota and everything is allowed.
    pub fn commit_build_quota(&self, daemon: &Daemon, req: pd::CommitQuotaRequest) -> Result<pd::CommitQuotaResponse> {
        let job = self.held_job_for(daemon, &req.job_id)?;
        let build =
            self.unchecked().build_by_job(job.id)?.ok_or_else(|| Error::bad_request("quota is committed for workspace builds only"))?;
        let workspace = self.unchecked().workspace_by_id(build.workspace_id)?.ok_or_else(Error::not_found)?;
        in_transaction(self.unchecked(), |tx| {
            // One owner's builds commit one at a time, so two cannot both fit the same credits.
            tx.lock_user(workspace.owner_id)?;
            let consumed = tx.quota_consumed(workspace.owner_id, workspace.organization_id)?;
            if !self.feature_enabled(Feature::TemplateRbac) {
                let mut b = build.clone();
                b.daily_cost = req.daily_cost;
                tx.update_build(&b)?;
                return Ok(pd::CommitQuotaResponse { ok: true, credits_consumed: consumed as i32, budget: -1 });
            }
            let budget = self.quota_budget(workspace.owner_id, workspace.organization_id)?;
            let net_increase = match tx.build_by_number(workspace.id, build.build_number - 1)? {
                Some(prev) => req.daily_cost >= prev.daily_cost,
                None => true,
            };
            let ok = consumed + i64::from(req.daily_cost) <= budget || !net_increase;
            if ok {
                let mut b = build.clone();
                b.daily_cost = req.daily_cost;
                tx.update_build(&b)?;
            }
            Ok(pd::CommitQuotaResponse { ok, credits_consumed: consumed as i32, budget: budget as i32 })
        })
    }

    /// `GET /users/{user}/autofill-parameters?template_id=`: the user's most recent value of
    /// each parameter over start builds of the template's workspaces.
    pub fn autofill_parameters(&self, actor: &Actor, user_param: &str, template_id: Uuid) -> Result<Vec<(String, String)>> {
        let user = self.resolve_user(actor, user_param)?;
        rbac::require(&actor.subject, action::READ_PERSONAL, &Object::user(user.id))?;
        self.unchecked().autofill_values(user.id, template_id)
    }
}
