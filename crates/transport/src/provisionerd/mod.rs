//! The daemon side of provisioning: the dRPC protocol external daemons speak over `serve`
//! (WebSocket, then yamux, then storj dRPC carrying Coder's protobuf messages), the service
//! behind it, and the in-process echo daemons. The job rules themselves are the domain's.

pub mod builtin;
pub mod drpc;
pub mod service;
pub mod wakeup;
pub mod websocket;
