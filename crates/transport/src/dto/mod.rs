//! Wire types: Coder's `codersdk.*` request and response bodies, named so that generated clients
//! get Coder's type names. Field names, types and enums follow Coder's Swagger description.

pub mod common;
pub mod groups;
pub mod keys;
pub mod orgs;
pub mod personal;
pub mod users;

pub use common::*;
pub use groups::*;
pub use keys::*;
pub use orgs::*;
pub use personal::*;
pub use users::*;
