//! HTTP handlers, one module per endpoint group.

pub mod groups;
pub mod keys;
pub mod meta;
pub mod orgs;
pub mod personal;
pub mod session;
pub mod users;

use actix_web::web::ServiceConfig;

/// Registers every route.
pub fn configure(cfg: &mut ServiceConfig) {
    meta::configure(cfg);
    session::configure(cfg);
    users::configure(cfg);
    keys::configure(cfg);
    personal::configure(cfg);
    orgs::configure(cfg);
    groups::configure(cfg);
}
