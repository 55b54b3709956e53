//! The feature gate at the HTTP edge, for routes where Coder refuses an unlicensed feature before
//! it looks at credentials. Put a [`Gate`] first in a handler's arguments: extractors run in
//! order, so an unlicensed deployment answers 403 even to anonymous callers. The decision itself
//! is the domain's ([`domain::app::App::require_feature_worded`]); use cases ask it again.

use std::marker::PhantomData;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use domain::licensing::gate::Wording;
use domain::licensing::Feature;
use domain::Error;
use futures_util::future::{ready, Ready};

use crate::error::ApiError;
use crate::state::State;

/// A feature a route is gated on, and the words of its refusal.
pub trait Gated {
    /// The feature.
    const FEATURE: Feature;
    /// How a refusal is worded.
    const WORDING: Wording = Wording::Premium;
}

/// Extracting this succeeds only while `G`'s feature is enabled.
pub struct Gate<G: Gated>(PhantomData<G>);

impl<G: Gated> FromRequest for Gate<G> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let outcome = match req.app_data::<web::Data<State>>() {
            Some(state) => state.app.require_feature_worded(G::FEATURE, G::WORDING).map(|_| Gate(PhantomData)).map_err(ApiError),
            None => Err(ApiError(Error::internal("Internal error.", "application state missing"))),
        };
        ready(outcome)
    }
}

/// `template_rbac`: groups and template ACLs.
pub struct TemplateRbac;
impl Gated for TemplateRbac {
    const FEATURE: Feature = Feature::TemplateRbac;
}

/// `advanced_template_scheduling`, worded as Coder's quiet-hours gate.
pub struct QuietHours;
impl Gated for QuietHours {
    const FEATURE: Feature = Feature::AdvancedTemplateScheduling;
    const WORDING: Wording = Wording::QuietHours;
}

/// `workspace_proxy`: the whole `/workspaceproxies` tree.
pub struct WorkspaceProxies;
impl Gated for WorkspaceProxies {
    const FEATURE: Feature = Feature::WorkspaceProxy;
}

/// `scim`: the whole `/scim` tree.
pub struct Scim;
impl Gated for Scim {
    const FEATURE: Feature = Feature::Scim;
}

/// `external_provisioner_daemons` as `serve` words it.
pub struct ProvisionerDaemons;
impl Gated for ProvisionerDaemons {
    const FEATURE: Feature = Feature::ExternalProvisionerDaemons;
    const WORDING: Wording = Wording::ProvisionerDaemons;
}

/// `workspace_prebuilds`: invalidating presets.
pub struct WorkspacePrebuilds;
impl Gated for WorkspacePrebuilds {
    const FEATURE: Feature = Feature::WorkspacePrebuilds;
}
