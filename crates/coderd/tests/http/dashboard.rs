//! Coder's own dashboard, unmodified, served by this server and driven in headless Chromium as
//! a new administrator and then a plain member would use it (`scripts/dashboard/walk.py`):
//! any API call answering an unexpected status, failed WebSocket, console error or error box
//! fails the walk.

use crate::harness::{Db, TestServer};

const PYTHON: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../build/tools/venv/bin/python");
const BUNDLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/coder-dashboard/coder-dashboard.tar.gz");

/// Where the dashboard bundle is: `$CODER_DASHBOARD_BUNDLE`, else the shared build beside the
/// repository.
fn bundle() -> std::path::PathBuf {
    std::env::var_os("CODER_DASHBOARD_BUNDLE").map(std::path::PathBuf::from).unwrap_or_else(|| BUNDLE.into())
}

/// Whether what the walk needs is here. Outside CI a missing tool skips it; the bundle lives
/// outside the repository, so without it the walk is skipped everywhere (loudly).
fn available() -> bool {
    if !bundle().exists() {
        eprintln!("*** SKIPPING the dashboard walk: no bundle at {} (set CODER_DASHBOARD_BUNDLE) ***", bundle().display());
        return false;
    }
    let missing: Vec<&str> = [(PYTHON, "the Python tools"), ("/usr/bin/chromedriver", "chromium-driver")]
        .iter()
        .filter(|(path, _)| !std::path::Path::new(path).exists())
        .map(|(_, what)| *what)
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "missing for the dashboard walk: {missing:?}");
    eprintln!("*** SKIPPING the dashboard walk: missing {missing:?} ***");
    false
}

#[test]
fn walk() {
    if !available() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("coderd-dashboard-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let unpacked = std::process::Command::new("tar").arg("-xzf").arg(bundle()).arg("-C").arg(&dir).status().expect("tar");
    assert!(unpacked.success(), "cannot unpack {}", bundle().display());
    let site = dir.join("out");
    let srv = TestServer::start_with(Db::Sqlite, &["--site-dir", site.to_str().unwrap(), "--experiments", "oauth2"])
        .expect("sqlite always available");
    let out = std::process::Command::new(PYTHON)
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/dashboard/walk.py"))
        .arg(srv.url("").trim_end_matches('/'))
        .output()
        .expect("run walk.py");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success() && stdout.trim_end().ends_with("dashboard walk: ok"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
