//! The protocol side of external login: the OpenID Connect relying party (`oidc`). The rules
//! for what a verified identity may do live in `domain::externallogin`.

pub mod oidc;
