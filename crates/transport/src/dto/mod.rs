//! Wire types: Coder's `codersdk.*` request and response bodies, named so that generated clients
//! get Coder's type names. Field names, types and enums follow Coder's Swagger description.

pub mod common;
pub mod users;

pub use common::*;
pub use users::*;
