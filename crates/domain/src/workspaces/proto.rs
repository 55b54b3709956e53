//! The messages of Coder's agent API (`coder.agent.v2`) and the tailnet messages it uses
//! (`coder.tailnet.v2`), generated from `proto/` with Coder's field numbers.

/// Coder's protobuf packages.
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod coder {
    /// `coder.agent.*`.
    pub mod agent {
        /// `coder.agent.v2`: the agent service.
        pub mod v2 {
            include!(concat!(env!("OUT_DIR"), "/coder.agent.v2.rs"));
        }
    }
    /// `coder.tailnet.*`.
    pub mod tailnet {
        /// `coder.tailnet.v2`: coordination and DERP maps.
        pub mod v2 {
            include!(concat!(env!("OUT_DIR"), "/coder.tailnet.v2.rs"));
        }
    }
}
