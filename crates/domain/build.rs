//! Compiles the provisioner and agent protocols' protobuf definitions (`proto/`) with protox, so no
//! `protoc` binary is needed.

fn main() {
    let files = ["provisionersdk/proto/provisioner.proto", "provisionerd/proto/provisionerd.proto", "agent/proto/agent.proto"];
    println!("cargo:rerun-if-changed=proto");
    let fds = protox::compile(files, ["proto"]).expect("the provisioner protobuf definitions compile");
    prost_build::Config::new().compile_fds(fds).expect("prost generates Rust from the provisioner definitions");
}
