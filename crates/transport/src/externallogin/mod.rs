//! The protocol side of external login: the OpenID Connect relying party (`oidc`) and the GitHub
//! OAuth client (`github`). The rules for what an identity may do live in
//! `domain::externallogin`.

pub mod github;
pub mod oidc;
