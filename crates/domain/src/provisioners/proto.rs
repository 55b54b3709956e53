//! The messages of Coder's provisioner protocol, generated from `proto/` (the same packages,
//! message names and field numbers as Coder's daemon uses).

/// `provisioner`: what a provisioner reports (parse, plan, graph, apply results).
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod provisioner {
    include!(concat!(env!("OUT_DIR"), "/provisioner.rs"));
}

/// `provisionerd`: the daemon service's requests and answers.
#[allow(missing_docs, clippy::all, clippy::pedantic)]
pub mod provisionerd {
    include!(concat!(env!("OUT_DIR"), "/provisionerd.rs"));
}
