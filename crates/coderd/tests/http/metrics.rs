//! Prometheus metrics on their own address, with Coder's names and route templates.

use crate::harness::{Db, TestServer};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn metrics_serve_coders_names(db: Db) {
    let addr = format!("127.0.0.1:{}", free_port());
    let Some(srv) = TestServer::start_with(db, &["--prometheus-enable", "--prometheus-address", &addr]) else { return };
    let (owner, user_id, _) = srv.setup_owner();
    for _ in 0..3 {
        assert_eq!(srv.get("/api/v2/users/me").token(&owner).send().status, 200);
    }
    assert_eq!(srv.get(&format!("/api/v2/users/{user_id}")).token(&owner).send().status, 200);
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut resp = agent.get(&format!("http://{addr}/metrics")).call().expect("metrics answer");
    assert_eq!(resp.status().as_u16(), 200);
    let text = resp.body_mut().read_to_string().unwrap();
    let line = text
        .lines()
        .find(|l| {
            l.starts_with("coderd_api_requests_processed_total")
                && l.contains("path=\"/api/v2/users/{user}\"")
                && l.contains("code=\"200\"")
        })
        .unwrap_or_else(|| panic!("no request counter for the route template:\n{text}"));
    let n: f64 = line.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(n >= 4.0, "{line}");
    assert!(!text.contains(&user_id), "ids do not become labels");
    for name in [
        "coderd_api_request_latencies_seconds_bucket",
        "coderd_api_concurrent_requests",
        "coderd_license_active_users",
        "coderd_license_limit_users",
        "coderd_license_user_limit_enabled",
        "go_sql_open_connections",
        "go_sql_max_open_connections",
    ] {
        assert!(text.contains(name), "{name} missing:\n{text}");
    }
    // The API address does not serve them.
    assert_eq!(srv.get("/metrics").send().status, 404);
}

#[test]
fn metrics_serve_coders_names_sqlite() {
    metrics_serve_coders_names(Db::Sqlite);
}

#[test]
fn metrics_serve_coders_names_postgres() {
    metrics_serve_coders_names(Db::Postgres);
}
