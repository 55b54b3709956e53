//! Provisioner keys, the daemons list, and `serve` with an external daemon taking jobs.

use std::time::Duration;

use domain::provisioners::proto::{provisioner as sdk, provisionerd as pd};
use serde_json::{json, Value};

use crate::daemon::Daemon;
use crate::harness::TestServer;
use crate::templates::{echo_tar, upload};
use crate::{dual_test, dual_test_with};

fn create_key(srv: &TestServer, token: &str, name: &str, tags: Value) -> String {
    let r = srv.post("/api/v2/organizations/default/provisionerkeys").token(token).json(json!({"name": name, "tags": tags})).send();
    assert_eq!(r.status, 201, "{}", r.body);
    r.json["key"].as_str().unwrap().to_string()
}

dual_test!(keys_are_managed_as_coder_does, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let key = create_key(srv, &owner, "CI-Runners", json!({"os": "linux"}));
    assert_eq!(key.len(), 43);
    assert!(key.chars().all(|c| c.is_ascii_alphanumeric()));

    let list = srv.get("/api/v2/organizations/default/provisionerkeys").token(&owner).send();
    assert_eq!(list.status, 200);
    assert_eq!(list.json.as_array().unwrap().len(), 1, "reserved keys are not listed: {}", list.body);
    assert_eq!(list.json[0]["name"], "ci-runners");
    assert_eq!(list.json[0]["tags"]["os"], "linux");
    assert!(list.json[0]["organization"].is_string());
    assert!(list.json[0].get("hashed_secret").is_none());

    let bad = |body: Value, status: u16, message: &str| {
        let r = srv.post("/api/v2/organizations/default/provisionerkeys").token(&owner).json(body).send();
        r.expect_error(status);
        assert_eq!(r.json["message"], message, "{}", r.body);
    };
    bad(json!({"name": ""}), 400, "Name is required");
    bad(json!({"name": "x".repeat(65)}), 400, "Name must be at most 64 characters");
    bad(json!({"name": "PSK"}), 400, "Name cannot be reserved name 'PSK'");
    bad(json!({"name": "ci-RUNNERS"}), 409, "Provisioner key with name 'ci-RUNNERS' already exists in organization");

    // Self-lookup by the key itself.
    let me = srv.get(&format!("/api/v2/provisionerkeys/{key}")).header("Coder-Provisioner-Daemon-Key", &key).send();
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.json["name"], "ci-runners");
    srv.get("/api/v2/provisionerkeys/x").send().expect_error(401);
    srv.get("/api/v2/provisionerkeys/x").header("Coder-Provisioner-Daemon-Key", "short").send().expect_error(400);
    let unknown = "a".repeat(43);
    srv.get("/api/v2/provisionerkeys/x").header("Coder-Provisioner-Daemon-Key", &unknown).send().expect_error(401);
    srv.get("/api/v2/provisionerkeys/x")
        .header("Coder-Provisioner-Daemon-Key", &key)
        .header("Coder-Provisioner-Daemon-PSK", "psk")
        .send()
        .expect_error(400);

    // The reserved keys show in the default organization's daemons view.
    let d = srv.get("/api/v2/organizations/default/provisionerkeys/daemons").token(&owner).send();
    assert_eq!(d.status, 200);
    let names: Vec<&str> = d.json.as_array().unwrap().iter().map(|k| k["key"]["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["built-in", "user-auth", "psk", "ci-runners"]);

    // Members read keys but may not manage them; other organizations' members see nothing.
    let (member, _) = srv.create_user(&owner, "member1");
    assert_eq!(srv.get("/api/v2/organizations/default/provisionerkeys").token(&member).send().status, 200);
    let r = srv.post("/api/v2/organizations/default/provisionerkeys").token(&member).json(json!({"name": "mine"})).send();
    r.expect_error(403);
    srv.delete("/api/v2/organizations/default/provisionerkeys/ci-runners").token(&member).send().expect_error(403);
    srv.get("/api/v2/organizations/nope/provisionerkeys").token(&owner).send().expect_error(404);

    let r = srv.delete("/api/v2/organizations/default/provisionerkeys/built-in").token(&owner).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Cannot delete reserved 'built-in' provisioner key");
    assert_eq!(srv.delete("/api/v2/organizations/default/provisionerkeys/CI-runners").token(&owner).send().status, 204);
    srv.delete("/api/v2/organizations/default/provisionerkeys/ci-runners").token(&owner).send().expect_error(404);
    srv.get("/api/v2/provisionerkeys/x").header("Coder-Provisioner-Daemon-Key", &key).send().expect_error(401);
});

dual_test!(keys_need_the_license, |srv| {
    let (owner, _, _) = srv.setup_owner_unlicensed();
    let r = srv.get("/api/v2/organizations/default/provisionerkeys").token(&owner).send();
    r.expect_error(403);
    assert_eq!(r.json["message"], "External Provisioner Daemons is a Premium feature. Contact sales!");
});

/// What a `?follow` WebSocket delivered: the log lines, then how the server closed it.
pub type Followed = (Vec<Value>, Option<(u16, String)>);

/// Opens a `?follow` log stream as the owner and collects it in the background until it closes.
pub async fn follow_logs(addr: std::net::SocketAddr, path: &str, token: &str) -> tokio::task::JoinHandle<Followed> {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    use tokio_tungstenite::tungstenite::Message;
    let mut req = format!("ws://{addr}{path}").into_client_request().unwrap();
    req.headers_mut().insert("Coder-Session-Token", token.parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.expect("follow connects");
    tokio::spawn(async move {
        let mut lines = Vec::new();
        while let Some(msg) = ws.next().await {
            match msg {
                Ok(Message::Text(t)) => lines.push(serde_json::from_str(&t).expect("a JSON log line")),
                Ok(Message::Close(frame)) => return (lines, frame.map(|f| (u16::from(f.code), f.reason.to_string()))),
                Ok(_) => {}
                Err(_) => break,
            }
        }
        (lines, None)
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

fn graph_with_parameters() -> sdk::GraphComplete {
    sdk::GraphComplete {
        parameters: vec![sdk::RichParameter {
            name: "region".into(),
            r#type: "string".into(),
            default_value: "eu".into(),
            mutable: true,
            ..Default::default()
        }],
        presets: vec![sdk::Preset {
            name: "small".into(),
            parameters: vec![sdk::PresetParameter { name: "region".into(), value: "us".into() }],
            ..Default::default()
        }],
        ..Default::default()
    }
}

dual_test_with!(an_external_daemon_takes_and_completes_an_import, ["--provisioner-daemons", "0"], |srv| {
    let (owner, _, _) = srv.setup_owner();
    let key = create_key(srv, &owner, "runners", json!({}));
    let file = upload(srv, &owner, echo_tar(Default::default()));
    let addr = srv.addr;
    let rt = runtime();
    let query = "provisioner=terraform&version=1.18";
    let outcome = rt.block_on(async {
        let mut a = Daemon::connect(addr, "default", &format!("{query}&name=runner-a"), &[("Coder-Provisioner-Daemon-Key", &key)])
            .await
            .expect("runner-a connects");
        let mut b = Daemon::connect(addr, "default", &format!("{query}&name=runner-b"), &[("Coder-Provisioner-Daemon-Key", &key)])
            .await
            .expect("runner-b connects");
        // Streams the daemon opens are acknowledged before it sends anything.
        let (mut wait_a, acked_a) = a.start_acquire().await;
        let (wait_b, acked_b) = b.start_acquire().await;
        assert!(acked_a && acked_b, "streams must be acknowledged at once");
        // The session answers yamux keep-alive pings and stays up while idle.
        assert!(a.ping(7).await && b.ping(8).await);
        assert!(wait_a.job(Duration::from_millis(1500)).await.is_none());
        assert!(a.ping(9).await);
        (a, b, wait_a, wait_b)
    });
    let (mut a, mut b, mut wait_a, mut wait_b) = outcome;

    let v = srv
        .post("/api/v2/organizations/default/templateversions")
        .token(&owner)
        .json(json!({"storage_method": "file", "file_id": file, "provisioner": "terraform", "name": "v1"}))
        .send();
    assert_eq!(v.status, 201, "{}", v.body);
    let version = v.json["id"].as_str().unwrap().to_string();
    // A waiting daemon may have claimed it already by the time the answer is written.
    let status = v.json["job"]["status"].as_str().unwrap();
    assert!(status == "pending" || status == "running", "{}", v.body);
    if status == "pending" {
        assert_eq!(v.json["matched_provisioners"]["count"], 2, "{}", v.body);
    }

    let (job, loser) = rt.block_on(async {
        let first = tokio::select! {
            j = wait_a.job(Duration::from_secs(15)) => (j, 'a'),
            j = wait_b.job(Duration::from_secs(15)) => (j, 'b'),
        };
        let job = first.0.expect("one daemon receives the job");
        // The other never receives it; its acquire, cancelled, answers an empty job.
        let other = if first.1 == 'a' { wait_b } else { wait_a };
        let cancelled = other.cancel().await.expect("a cancelled acquire answers");
        assert!(cancelled.job_id.is_empty(), "the second daemon got a job too: {}", cancelled.job_id);
        (job, first.1)
    });
    assert!(!job.job_id.is_empty());
    assert_eq!(job.provisioner, "terraform");
    assert!(!job.template_source_archive.is_empty());
    let Some(pd::acquired_job::Type::TemplateImport(import)) = &job.r#type else { panic!("not an import job") };
    assert_eq!(import.metadata.as_ref().unwrap().template_version_id, version);

    let running = srv.get(&format!("/api/v2/templateversions/{version}")).token(&owner).send();
    assert_eq!(running.json["job"]["status"], "running", "{}", running.body);

    let winner = if loser == 'a' { &mut a } else { &mut b };
    let graph = graph_with_parameters();
    let (done, followed) = rt.block_on(async {
        // A client follows the running job's logs: lines arrive as the daemon sends them, and
        // the stream closes normally once the job has finished.
        let follower = follow_logs(addr, &format!("/api/v2/templateversions/{version}/logs?follow"), &owner).await;
        let logs = vec![
            pd::Log { source: 1, level: 2, created_at: 1_700_000_000_000, stage: "Planning".into(), output: "planning".into() },
            pd::Log { source: 1, level: 3, created_at: 1_700_000_000_001, stage: "Planning".into(), output: "careful".into() },
        ];
        let upd: pd::UpdateJobResponse = winner
            .unary(
                "UpdateJob",
                &pd::UpdateJobRequest {
                    job_id: job.job_id.clone(),
                    logs,
                    readme: b"# Runner".to_vec(),
                    template_variables: vec![
                        sdk::TemplateVariable {
                            name: "region".into(),
                            description: "Where".into(),
                            r#type: "string".into(),
                            default_value: "eu".into(),
                            required: false,
                            sensitive: false,
                        },
                        sdk::TemplateVariable {
                            name: "token".into(),
                            r#type: "string".into(),
                            default_value: "s3cret".into(),
                            sensitive: true,
                            ..Default::default()
                        },
                    ],
                    ..Default::default()
                },
            )
            .await
            .expect("update");
        assert!(!upd.canceled);
        let complete = pd::CompletedJob {
            job_id: job.job_id.clone(),
            r#type: Some(pd::completed_job::Type::TemplateImport(pd::completed_job::TemplateImport {
                rich_parameters: graph.parameters.clone(),
                presets: graph.presets.clone(),
                external_auth_providers: vec![sdk::ExternalAuthProviderResource { id: "github".into(), optional: true }],
                ..Default::default()
            })),
        };
        let done: Result<pd::Empty, String> = winner.unary("CompleteJob", &complete).await;
        // A job cannot be completed twice, and only by its daemon.
        let again: Result<pd::Empty, String> = winner.unary("CompleteJob", &complete).await;
        assert!(again.is_err());
        let followed = tokio::time::timeout(Duration::from_secs(10), follower).await.expect("the stream ends").unwrap();
        (done, followed)
    });
    done.expect("complete");
    let (lines, close) = followed;
    let outputs: Vec<&str> = lines.iter().map(|l| l["output"].as_str().unwrap()).collect();
    assert_eq!(outputs, ["planning", "careful"]);
    assert_eq!(close, Some((1000, "done".to_string())));

    let v = srv.get(&format!("/api/v2/templateversions/{version}")).token(&owner).send();
    assert_eq!(v.json["job"]["status"], "succeeded", "{}", v.body);
    assert_eq!(v.json["readme"], "# Runner");
    let logs = srv.get(&format!("/api/v2/templateversions/{version}/logs")).token(&owner).send();
    let outputs: Vec<&str> = logs.json.as_array().unwrap().iter().map(|l| l["output"].as_str().unwrap()).collect();
    assert_eq!(outputs, ["planning", "careful"]);
    assert_eq!(logs.json[1]["log_level"], "warn");
    let after = logs.json[0]["id"].as_i64().unwrap();
    let rest = srv.get(&format!("/api/v2/templateversions/{version}/logs?after={after}")).token(&owner).send();
    assert_eq!(rest.json.as_array().unwrap().len(), 1);
    // Following a finished job sends the lines after `after`, then closes.
    let (lines, close) = rt.block_on(async {
        follow_logs(addr, &format!("/api/v2/templateversions/{version}/logs?follow=true&after={after}"), &owner).await.await.unwrap()
    });
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["output"], "careful");
    assert_eq!(close, Some((1000, "done".to_string())));
    // Access is checked before the upgrade.
    let (member, _) = srv.create_user(&owner, "member2");
    srv.get(&format!("/api/v2/templateversions/{version}/logs?follow")).token(&member).send().expect_error(404);
    srv.get(&format!("/api/v2/templateversions/{version}/logs?follow&after=x")).token(&owner).send().expect_error(400);
    let params = srv.get(&format!("/api/v2/templateversions/{version}/rich-parameters")).token(&owner).send();
    assert_eq!(params.json[0]["name"], "region", "{}", params.body);
    assert_eq!(params.json[0]["default_value"], "eu");
    // The variables the daemon reported (secrets redacted) and the external auth it asks for.
    let vars = srv.get(&format!("/api/v2/templateversions/{version}/variables")).token(&owner).send();
    assert_eq!(vars.status, 200, "{}", vars.body);
    assert_eq!(
        vars.json[0],
        json!({"name": "region", "description": "Where", "type": "string", "value": "eu", "default_value": "eu", "required": false, "sensitive": false})
    );
    assert_eq!(vars.json[1]["value"], "*redacted*");
    assert!(!vars.body.contains("s3cret"));
    let auth = srv.get(&format!("/api/v2/templateversions/{version}/external-auth")).token(&owner).send();
    assert_eq!(
        auth.json,
        json!([{"id": "github", "type": "github", "display_name": "github", "display_icon": "", "authenticate_url": "", "authenticated": false, "optional": true}])
    );
    srv.get(&format!("/api/v2/templateversions/{version}/variables")).token(&member).send().expect_error(404);
    srv.get(&format!("/api/v2/templateversions/{version}/external-auth")).token(&member).send().expect_error(404);
    let presets = srv.get(&format!("/api/v2/templateversions/{version}/presets")).token(&owner).send();
    assert_eq!(presets.json[0]["Name"], "small", "{}", presets.body);
    assert_eq!(presets.json[0]["Parameters"][0]["Value"], "us");

    // The daemons list shows both, named, under the key, idle again; the winner's last job.
    let list = srv.get("/api/v2/organizations/default/provisionerdaemons").token(&owner).send();
    assert_eq!(list.status, 200, "{}", list.body);
    let daemons = list.json.as_array().unwrap();
    let names: Vec<&str> = daemons.iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"runner-a") && names.contains(&"runner-b"), "{names:?}");
    let winner_name = if loser == 'a' { "runner-a" } else { "runner-b" };
    let w = daemons.iter().find(|d| d["name"] == winner_name).unwrap();
    assert_eq!(w["key_name"], "runners");
    assert_eq!(w["status"], "idle");
    assert_eq!(w["previous_job"]["status"], "succeeded");
    assert_eq!(w["api_version"], "1.18");
    // Filters.
    let by_tag =
        srv.get("/api/v2/organizations/default/provisionerdaemons?tags=%7B%22scope%22%3A%22organization%22%7D").token(&owner).send();
    assert_eq!(by_tag.json.as_array().unwrap().len(), 2, "{}", by_tag.body);
    let none = srv.get("/api/v2/organizations/default/provisionerdaemons?tags=%7B%22os%22%3A%22mac%22%7D").token(&owner).send();
    assert_eq!(none.json.as_array().unwrap().len(), 0);
    let one = srv.get("/api/v2/organizations/default/provisionerdaemons?limit=1").token(&owner).send();
    assert_eq!(one.json.as_array().unwrap().len(), 1);
    let id = w["id"].as_str().unwrap();
    let by_id = srv.get(&format!("/api/v2/organizations/default/provisionerdaemons?ids={id}")).token(&owner).send();
    assert_eq!(by_id.json.as_array().unwrap().len(), 1);
    // Empty filters filter nothing: the dashboard's provisioners page sends them.
    let all = srv.get("/api/v2/organizations/default/provisionerdaemons?ids=&tags=&offline=false&limit=100").token(&owner).send();
    assert_eq!(all.status, 200, "{}", all.body);
    assert!(!all.json.as_array().unwrap().is_empty());
    let busy = srv.get("/api/v2/organizations/default/provisionerdaemons?status=busy").token(&owner).send();
    assert_eq!(busy.json.as_array().unwrap().len(), 0);
    srv.get("/api/v2/organizations/default/provisionerdaemons?colour=red").token(&owner).send().expect_error(400);
    srv.get("/api/v2/organizations/default/provisionerdaemons?status=sleepy").token(&owner).send().expect_error(400);
    let keyed = srv.get("/api/v2/organizations/default/provisionerkeys/daemons").token(&owner).send();
    let runners = keyed.json.as_array().unwrap().iter().find(|k| k["key"]["name"] == "runners").unwrap();
    assert_eq!(runners["daemons"].as_array().unwrap().len(), 2);
    // Deleting the key disconnects its daemons.
    assert_eq!(srv.delete("/api/v2/organizations/default/provisionerkeys/runners").token(&owner).send().status, 204);
    rt.block_on(async {
        let start = std::time::Instant::now();
        // The test's runtime drives the daemons' connections only while it runs.
        while !(*a.closed.lock().unwrap() && *b.closed.lock().unwrap()) {
            assert!(start.elapsed() < Duration::from_secs(20), "daemons of a deleted key stay connected");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    // Members may not list daemons (they cannot read provisioner jobs).
    srv.get("/api/v2/organizations/default/provisionerdaemons").token(&member).send().expect_error(404);
    drop((a, b));
});

dual_test!(serve_checks_who_connects, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let key = create_key(srv, &owner, "runners", json!({"os": "linux"}));
    let addr = srv.addr;
    let rt = runtime();
    rt.block_on(async {
        let refused = |r: Result<Daemon, crate::daemon::Refused>| r.err().expect("refused");
        let r = refused(Daemon::connect(addr, "default", "provisioner=terraform", &[]).await);
        assert_eq!(r.status, 401, "{}", r.body);
        let r = refused(
            Daemon::connect(
                addr,
                "default",
                "provisioner=terraform",
                &[("Coder-Provisioner-Daemon-Key", &key), ("Coder-Session-Token", &owner)],
            )
            .await,
        );
        assert_eq!(r.status, 400, "{}", r.body);
        // A browser on another site cannot open it with the user's cookie.
        let r = refused(
            Daemon::connect(
                addr,
                "default",
                "provisioner=terraform",
                &[("Cookie", &format!("coder_session_token={owner}")), ("Origin", "https://evil.example")],
            )
            .await,
        );
        assert_eq!(r.status, 403, "{}", r.body);
        let r = refused(Daemon::connect(addr, "default", "provisioner=ansible", &[("Coder-Provisioner-Daemon-Key", &key)]).await);
        assert_eq!(r.status, 400);
        assert!(r.body.contains("Unknown provisioner type"), "{}", r.body);
        let r = refused(Daemon::connect(addr, "default", "", &[("Coder-Provisioner-Daemon-Key", &key)]).await);
        assert!(r.body.contains("The provisioner query parameter must be specified."), "{}", r.body);
        let r =
            refused(Daemon::connect(addr, "default", "provisioner=terraform&tag=os=mac", &[("Coder-Provisioner-Daemon-Key", &key)]).await);
        assert_eq!(r.status, 403);
        assert!(r.body.contains("tags are not allowed when using a provisioner key"), "{}", r.body);
        let r =
            refused(Daemon::connect(addr, "default", "provisioner=terraform&version=2.0", &[("Coder-Provisioner-Daemon-Key", &key)]).await);
        assert_eq!(r.status, 400);
        assert!(r.body.contains("Incompatible or unparsable version"), "{}", r.body);
        let r = refused(Daemon::connect(addr, "default", "provisioner=terraform&tag=novalue", &[("Coder-Session-Token", &owner)]).await);
        assert_eq!(r.status, 400);
        // A session may run a daemon; a plain member only a user-scoped one.
        let d = Daemon::connect(addr, "default", "provisioner=echo&name=owners&tag=os=linux", &[("Coder-Session-Token", &owner)]).await;
        assert!(d.is_ok());
    });
    let (member, _) = srv.create_user(&owner, "member3");
    rt.block_on(async {
        let r = Daemon::connect(addr, "default", "provisioner=echo", &[("Coder-Session-Token", &member)]).await.err().expect("refused");
        assert_eq!(r.status, 403, "{}", r.body);
        assert!(r.body.contains("user unauthorized"), "{}", r.body);
        let ok = Daemon::connect(addr, "default", "provisioner=echo&tag=scope=user&name=mine", &[("Coder-Session-Token", &member)]).await;
        assert!(ok.is_ok());
    });
    let list = srv.get("/api/v2/organizations/default/provisionerdaemons").token(&owner).send();
    let mine = list.json.as_array().unwrap().iter().find(|d| d["name"] == "mine").expect("user daemon listed").clone();
    assert_eq!(mine["tags"]["scope"], "user");
    assert_eq!(mine["key_name"], "user-auth");
    let owners = list.json.as_array().unwrap().iter().find(|d| d["name"] == "owners").unwrap().clone();
    assert_eq!(owners["tags"]["os"], "linux");
});

dual_test_with!(serve_takes_the_pre_shared_key, ["--provisioner-daemon-psk", "s3cret-psk"], |srv| {
    let (_owner, _, _) = srv.setup_owner();
    let addr = srv.addr;
    runtime().block_on(async {
        let r = Daemon::connect(addr, "default", "provisioner=terraform", &[("Coder-Provisioner-Daemon-PSK", "wrong")])
            .await
            .err()
            .expect("refused");
        assert_eq!(r.status, 401);
        let d =
            Daemon::connect(addr, "default", "provisioner=terraform&name=psk-runner", &[("Coder-Provisioner-Daemon-PSK", "s3cret-psk")])
                .await;
        assert!(d.is_ok());
    });
});
