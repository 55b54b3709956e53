//! Wire types: Coder's `codersdk.*` request and response bodies, named so that generated clients
//! get Coder's type names. Field names, types and enums follow Coder's Swagger description.

pub mod appearance;
pub mod authcheck;
pub mod common;
pub mod connectionlog;
pub mod groups;
pub mod idpsync;
pub mod keys;
pub mod licensing;
pub mod notifications;
pub mod oauth2;
pub mod orgs;
pub mod personal;
pub mod provisioners;
pub mod proxies;
pub mod quiet_hours;
pub mod replicas;
pub mod scim;
pub mod templates;
pub mod users;
pub mod workspace_sharing;
pub mod workspaces;

pub use appearance::*;
pub use authcheck::*;
pub use common::*;
pub use connectionlog::*;
pub use groups::*;
pub use idpsync::*;
pub use keys::*;
pub use licensing::*;
pub use notifications::*;
pub use oauth2::*;
pub use orgs::*;
pub use personal::*;
pub use provisioners::*;
pub use proxies::*;
pub use quiet_hours::*;
pub use replicas::*;
pub use scim::*;
pub use templates::*;
pub use users::*;
pub use workspace_sharing::*;
pub use workspaces::*;
