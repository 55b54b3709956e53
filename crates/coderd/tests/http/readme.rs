//! The README's curl walk-through, run as written (with this server's address) on both backends.

use crate::dual_test;

fn walkthrough() -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).expect("README");
    let section = readme.split("## Walk-through").nth(1).expect("walk-through section");
    let block = section.split("```sh\n").nth(1).expect("shell block");
    block.split("\n```").next().expect("end of block").to_string()
}

dual_test!(readme_walkthrough_works, |srv| {
    let script = walkthrough().replace("http://127.0.0.1:3000", &srv.url(""));
    let out = std::process::Command::new("bash").arg("-euo").arg("pipefail").arg("-c").arg(&script).output().expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "walk-through failed: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("\n401\n"), "the expired token is refused: {stdout}");
    assert!(stdout.trim_end().ends_with(r#"{"credits_consumed":0,"budget":20}"#), "{stdout}");
    assert!(stdout.contains("\"username\":\"ada\""), "{stdout}");
    assert!(stdout.contains("204\n"), "{stdout}");
});

/// The README's OAuth2 provider block, run as written against a server with the experiment on.
fn oauth2_block() -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).expect("README");
    let section = readme.split("## OAuth2 provider").nth(1).expect("OAuth2 section");
    let block = section.split("```sh\n").nth(1).expect("shell block");
    block.split("\n```").next().expect("end of block").to_string()
}

fn readme_oauth2(db: crate::harness::Db) {
    let Some(srv) = crate::harness::TestServer::start_with(db, &["--experiments", "oauth2"]) else { return };
    let script = oauth2_block().replace("http://127.0.0.1:3000", srv.url("").trim_end_matches('/'));
    let out = std::process::Command::new("bash").arg("-euo").arg("pipefail").arg("-c").arg(&script).output().expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "OAuth2 block failed: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("\"username\":\"admin\""), "the token reads /users/me: {stdout}");
    assert!(stdout.trim_end().ends_with("403"), "the read-only token cannot write: {stdout}");
}

#[test]
fn readme_oauth2_block_works_sqlite() {
    readme_oauth2(crate::harness::Db::Sqlite);
}

#[test]
fn readme_oauth2_block_works_postgres() {
    readme_oauth2(crate::harness::Db::Postgres);
}

/// The README's templates block, run as written.
fn templates_block() -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).expect("README");
    let section = readme.split("## Templates, workspaces and provisioners").nth(1).expect("templates section");
    let block = section.split("```sh\n").nth(1).expect("shell block");
    block.split("\n```").next().expect("end of block").to_string()
}

dual_test!(readme_templates_block_works, |srv| {
    let dir = std::env::temp_dir().join(format!("readme-templates-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = templates_block().replace("http://127.0.0.1:3000", srv.url("").trim_end_matches('/'));
    let out = std::process::Command::new("timeout")
        .args(["60", "bash", "-euo", "pipefail", "-c", &script])
        .current_dir(&dir)
        .output()
        .expect("bash runs");
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "templates block failed: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("\"name\":\"region\""), "the version's parameter: {stdout}");
    assert!(stdout.contains("dev running ['dev']"), "the workspace: {stdout}");
    assert!(stdout.contains("\"name\":\"ci-runners\""), "the key's self-lookup: {stdout}");
});
