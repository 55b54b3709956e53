//! HTTP handlers, one module per endpoint group.

pub mod appearance;
pub mod authcheck;
pub mod debug;
pub mod deployment;
pub mod dynamic_parameters;
pub mod externallogin;
pub mod groups;
pub mod idpsync;
pub mod inbox;
pub mod keys;
pub mod licensing;
pub mod meta;
pub mod notifications;
pub mod oauth2;
pub mod orgs;
pub mod personal;
pub mod provisioners;
pub mod proxies;
pub mod quiet_hours;
pub mod replicas;
pub mod scim;
pub mod session;
pub mod signin;
pub mod templates;
pub mod users;
pub mod workspace_sharing;
pub mod workspaces;

use actix_web::web::ServiceConfig;

/// Registers every route.
pub fn configure(cfg: &mut ServiceConfig) {
    meta::configure(cfg);
    deployment::configure(cfg);
    debug::configure(cfg);
    session::configure(cfg);
    // Before `users`: `/users/oidc-claims` must not be read as `/users/{user}`.
    externallogin::configure(cfg);
    users::configure(cfg);
    authcheck::configure(cfg);
    keys::configure(cfg);
    personal::configure(cfg);
    orgs::configure(cfg);
    groups::configure(cfg);
    licensing::configure(cfg);
    appearance::configure(cfg);
    replicas::configure(cfg);
    inbox::configure(cfg);
    notifications::configure(cfg);
    workspace_sharing::configure(cfg);
    quiet_hours::configure(cfg);
    proxies::configure(cfg);
    provisioners::configure(cfg);
    templates::configure(cfg);
    dynamic_parameters::configure(cfg);
    workspaces::configure(cfg);
    scim::configure(cfg);
    oauth2::configure(cfg);
    signin::configure(cfg);
    idpsync::configure(cfg);
}
