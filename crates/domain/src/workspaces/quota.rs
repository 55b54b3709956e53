//! Workspace quota: what a build may cost, charged when its plan is known (`CommitQuota`), and
//! the user's latest parameter values for a template (autofill).

use uuid::Uuid;

use crate::app::{Actor, App};
use crate::authz::System;
use crate::error::{Error, Result};
use crate::licensing::Feature;
use crate::provisioners::proto::provisionerd as pd;
use crate::provisioners::Daemon;
use crate::rbac::{action, Object};

impl App {
    /// `CommitQuota`: charges the build's daily cost against its owner's budget. A build over
    /// budget is refused unless it costs no more than the workspace's previous build; without
    /// `template_rbac` there is no quota and everything is allowed.
    pub fn commit_build_quota(&self, daemon: &Daemon, req: pd::CommitQuotaRequest) -> Result<pd::CommitQuotaResponse> {
        let job = self.held_job_for(daemon, &req.job_id)?;
        let db = self.db_as(System::Provisionerd);
        let build = db.build_by_job(job.id)?.ok_or_else(|| Error::bad_request("quota is committed for workspace builds only"))?;
        let workspace = db.workspace_by_id(build.workspace_id)?.ok_or_else(Error::not_found)?;
        db.transaction(|tx| {
            // One owner's builds commit one at a time, so two cannot both fit the same credits.
            tx.lock_for_quota(workspace.owner_id, workspace.organization_id)?;
            let consumed = tx.quota_consumed(workspace.owner_id, workspace.organization_id)?;
            if !self.feature_enabled(Feature::TemplateRbac) {
                let mut b = build.clone();
                b.daily_cost = req.daily_cost;
                tx.update_build(&b)?;
                return Ok(pd::CommitQuotaResponse { ok: true, credits_consumed: consumed as i32, budget: -1 });
            }
            let budget: i64 = tx.quota_allowance(workspace.owner_id, workspace.organization_id)?.iter().sum();
            let net_increase = match tx.build_by_number(&workspace, build.build_number - 1)? {
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
        let db = self.db(actor);
        db.require(action::READ_PERSONAL, &Object::user(user.id))?;
        db.autofill_values(user.id, template_id)
    }
}
