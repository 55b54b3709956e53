//! What the deployment reports about itself to administrators: workspace and session
//! statistics (`GET /deployment/stats`) and the health report (`GET /debug/health`).

pub mod health;
pub mod stats;
