//! Wire types: Coder's `codersdk.*` request and response bodies, named so that generated clients
//! get Coder's type names. Field names, types and enums follow Coder's Swagger description.

pub mod common;
pub mod deployment;
pub mod groups;
pub mod keys;
pub mod licensing;
pub mod orgs;
pub mod personal;
pub mod users;

pub use common::*;
pub use deployment::*;
pub use groups::*;
pub use keys::*;
pub use licensing::*;
pub use orgs::*;
pub use personal::*;
pub use users::*;
