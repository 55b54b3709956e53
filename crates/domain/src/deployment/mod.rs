//! What the deployment reports about itself to administrators: workspace and session
//! statistics (`GET /deployment/stats`).

pub mod stats;
