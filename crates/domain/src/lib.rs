//! Pure business rules of the Coder control plane.
//!
//! Entities, validation, roles and authorization, and the use cases, written against the
//! [`store::Repo`] trait so that no I/O framework leaks in. The `storage` crate implements the
//! trait; the `transport` crate turns HTTP into calls on [`app::App`].

#![warn(missing_docs)]

pub mod apikey;
pub mod apiversion;
pub mod app;
pub mod appearance;
pub mod auth;
pub mod authcache;
pub mod authcheck;
pub mod authz;
pub mod clock;
pub mod connectionlog;
pub mod deployment;
pub mod duration;
pub mod error;
pub mod externallogin;
pub mod groups;
pub mod idpsync;
pub mod inbox;
pub mod insights;
pub mod licensing;
pub mod notifications;
pub mod oauth2;
pub mod organization;
pub mod orgs;
pub mod personal;
pub mod provisioners;
pub mod proxies;
pub mod quiet_hours;
pub mod rbac;
pub mod replicas;
pub mod scim;
pub mod search;
pub mod secret;
pub mod sshkey;
pub mod store;
pub mod templates;
pub mod tokens;
pub mod user;
pub mod users;
pub mod validation;
pub mod vocab;
pub mod workspace_sharing;
pub mod workspaces;

pub use error::{Error, ErrorKind, Result};
