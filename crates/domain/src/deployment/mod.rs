//! What the deployment reports about itself to administrators: workspace and session
//! statistics (`GET /deployment/stats`), the health report (`GET /debug/health`) and its own
//! configuration (`GET /deployment/config`).

pub mod config;
pub mod health;
pub mod stats;
