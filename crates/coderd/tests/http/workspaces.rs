//! Workspaces built by the echo provisioner: parameters, quota, autofill, external agent
//! credentials, stop and delete, and the agent bootstrap.

use domain::provisioners::proto::provisioner as sdk;
use prost::Message;
use serde_json::{json, Value};

use crate::dual_test;
use crate::harness::TestServer;
use crate::templates::{upload, wait_imported};

const EXTERNAL_TOKEN: &str = "5c1d6f2a-9b3e-4d7f-8a6c-2e1b0f9d8c7a";
const MAIN_TOKEN: &str = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";

fn response(t: sdk::response::Type) -> Vec<u8> {
    sdk::Response { r#type: Some(t) }.encode_to_vec()
}

/// An echo archive whose start costs 5 credits a day and declares a container with an agent
/// and an external agent.
fn workspace_tar() -> Vec<u8> {
    use sdk::response::Type as T;
    let region = sdk::RichParameter {
        name: "region".into(),
        r#type: "string".into(),
        default_value: "eu".into(),
        mutable: true,
        options: vec![
            sdk::RichParameterOption { name: "Europe".into(), value: "eu".into(), ..Default::default() },
            sdk::RichParameterOption { name: "US".into(), value: "us".into(), ..Default::default() },
        ],
        ..Default::default()
    };
    let disk = sdk::RichParameter {
        name: "disk".into(),
        r#type: "number".into(),
        default_value: "10".into(),
        validation_min: Some(1),
        validation_max: Some(100),
        mutable: false,
        ..Default::default()
    };
    let resources = vec![
        sdk::Resource {
            name: "dev".into(),
            r#type: "docker_container".into(),
            agents: vec![sdk::Agent {
                name: "main".into(),
                operating_system: "linux".into(),
                architecture: "amd64".into(),
                auth: Some(sdk::agent::Auth::Token(MAIN_TOKEN.into())),
                ..Default::default()
            }],
            ..Default::default()
        },
        sdk::Resource {
            name: "outside".into(),
            r#type: "coder_external_agent".into(),
            agents: vec![sdk::Agent {
                name: "ext".into(),
                operating_system: "linux".into(),
                architecture: "arm64".into(),
                auth: Some(sdk::agent::Auth::Token(EXTERNAL_TOKEN.into())),
                ..Default::default()
            }],
            ..Default::default()
        },
    ];
    let graph = sdk::GraphComplete { parameters: vec![region, disk], resources, has_external_agents: true, ..Default::default() };
    let files = vec![
        ("0.parse.protobuf", response(T::Parse(Default::default()))),
        ("0.init.protobuf", response(T::Init(Default::default()))),
        ("0.start.plan.protobuf", response(T::Plan(sdk::PlanComplete { daily_cost: 5, ..Default::default() }))),
        ("0.plan.protobuf", response(T::Plan(Default::default()))),
        ("0.apply.protobuf", response(T::Apply(sdk::ApplyComplete { state: b"tfstate".to_vec(), ..Default::default() }))),
        ("0.start.graph.protobuf", response(T::Graph(graph))),
        ("0.graph.protobuf", response(T::Graph(Default::default()))),
    ];
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, data.as_slice()).unwrap();
    }
    b.into_inner().unwrap()
}

pub fn template(srv: &TestServer, owner: &str) -> (String, String) {
    let file = upload(srv, owner, workspace_tar());
    let v = srv
        .post("/api/v2/organizations/default/templateversions")
        .token(owner)
        .json(json!({"storage_method": "file", "file_id": file, "provisioner": "echo", "name": "v1"}))
        .send();
    let version = v.json["id"].as_str().unwrap().to_string();
    assert_eq!(wait_imported(srv, owner, &version)["job"]["status"], "succeeded");
    let t = srv
        .post("/api/v2/organizations/default/templates")
        .token(owner)
        .json(json!({"name": "box", "template_version_id": version}))
        .send();
    assert_eq!(t.status, 201, "{}", t.body);
    (t.json["id"].as_str().unwrap().to_string(), version)
}

/// Waits for the workspace's latest build to settle; returns the workspace.
pub fn settled(srv: &TestServer, token: &str, id: &str) -> Value {
    let start = std::time::Instant::now();
    loop {
        let w = srv.get(&format!("/api/v2/workspaces/{id}")).token(token).send();
        let status = w.json["latest_build"]["status"].as_str().unwrap_or("").to_string();
        if !["pending", "starting", "stopping", "deleting"].contains(&status.as_str()) {
            return w.json;
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(30), "build still {status}: {}", w.body);
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

dual_test!(workspaces_are_built_by_the_echo_provisioner, |srv| {
    let (owner, _, org) = srv.setup_owner();
    let (template, version) = template(srv, &owner);
    // The Everyone group gives 8 credits.
    let r = srv.patch(&format!("/api/v2/groups/{org}")).token(&owner).json(json!({"quota_allowance": 8})).send();
    assert_eq!(r.status, 200, "{}", r.body);
    let (member, member_json) = srv.create_user(&owner, "dev1");
    let member_id = member_json["id"].as_str().unwrap().to_string();

    let create = |name: &str, params: Value| {
        srv.post("/api/v2/users/me/workspaces")
            .token(&member)
            .json(json!({"template_id": template, "name": name, "rich_parameter_values": params}))
            .send()
    };
    let r = create("first", json!([{"name": "region", "value": "us"}]));
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json["owner_name"], "dev1");
    assert_eq!(r.json["template_name"], "box");
    assert_eq!(r.json["latest_build"]["build_number"], 1);
    assert_eq!(r.json["latest_build"]["transition"], "start");
    let ws = r.json["id"].as_str().unwrap().to_string();
    let w = settled(srv, &member, &ws);
    assert_eq!(w["latest_build"]["status"], "running", "{w}");
    assert_eq!(w["latest_build"]["daily_cost"], 5);
    assert_eq!(w["latest_build"]["has_external_agent"], true);
    assert_eq!(w["outdated"], false);
    // The finished build's logs, followed: every line, then a normal close.
    let build_id = w["latest_build"]["id"].as_str().unwrap().to_string();
    let all = srv.get(&format!("/api/v2/workspacebuilds/{build_id}/logs")).token(&member).send();
    let (lines, close) = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        crate::provisioners::follow_logs(srv.addr, &format!("/api/v2/workspacebuilds/{build_id}/logs?follow"), &member).await.await.unwrap()
    });
    assert_eq!(Value::Array(lines), all.json);
    assert_eq!(close, Some((1000, "done".to_string())));
    let resources = w["latest_build"]["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 2, "{w}");
    let dev = resources.iter().find(|r| r["name"] == "dev").unwrap();
    assert_eq!(dev["agents"][0]["name"], "main");
    assert_eq!(dev["agents"][0]["status"], "connecting");
    let agent_id = dev["agents"][0]["id"].as_str().unwrap().to_string();
    let agent = srv.get(&format!("/api/v2/workspaceagents/{agent_id}")).token(&member).send();
    assert_eq!(agent.status, 200, "{}", agent.body);
    assert_eq!(agent.json["operating_system"], "linux");
    let logs = srv.get(&format!("/api/v2/workspacebuilds/{build_id}/logs")).token(&member).send();
    assert_eq!(logs.status, 200);
    let res = srv.get(&format!("/api/v2/workspacebuilds/{build_id}/resources")).token(&member).send();
    assert_eq!(res.json.as_array().unwrap().len(), 2);

    // What the workspace's page in the dashboard reads.
    let params = srv.get(&format!("/api/v2/workspacebuilds/{build_id}/parameters")).token(&member).send();
    assert_eq!(params.status, 200, "{}", params.body);
    assert_eq!(params.json, json!([{"name": "disk", "value": "10"}, {"name": "region", "value": "us"}]), "defaults are recorded too");
    let by_number = srv.get("/api/v2/users/dev1/workspace/first/builds/1").token(&member).send();
    assert_eq!((by_number.status, by_number.json["id"].clone()), (200, json!(build_id)), "{}", by_number.body);
    let missing = srv.get("/api/v2/users/dev1/workspace/first/builds/2").token(&member).send();
    missing.expect_error(404);
    assert_eq!(missing.json["message"], "Workspace \"first\" Build 2 does not exist.");
    srv.get("/api/v2/users/dev1/workspace/first/builds/one").token(&member).send().expect_error(400);
    let timings = srv.get(&format!("/api/v2/workspacebuilds/{build_id}/timings")).token(&member).send();
    assert_eq!(timings.status, 200, "{}", timings.body);
    assert_eq!(timings.json["provisioner_timings"], json!([]));
    assert_eq!(timings.json["agent_connection_timings"], json!([]), "the agent never connected");
    let auto = srv.get(&format!("/api/v2/workspaces/{ws}/resolve-autostart")).token(&member).send();
    assert_eq!(auto.json, json!({"parameter_mismatch": false}), "{}", auto.body);
    let acl = srv.get(&format!("/api/v2/workspaces/{ws}/acl")).token(&member).send();
    assert_eq!(acl.json, json!({"users": [], "group": []}), "{}", acl.body);
    // The watch socket sends the workspace at once.
    let url = srv.url(&format!("/api/v2/workspaces/{ws}/watch-ws")).replacen("http", "ws", 1);
    let first: Value = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        use futures_util::StreamExt;
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut req = url.as_str().into_client_request().unwrap();
        req.headers_mut().insert("Coder-Session-Token", member.parse().unwrap());
        let (mut sock, _) = tokio_tungstenite::connect_async(req).await.expect("watch socket");
        let msg = tokio::time::timeout(std::time::Duration::from_secs(5), sock.next()).await.expect("a frame").unwrap().unwrap();
        serde_json::from_str(msg.to_text().unwrap()).unwrap()
    });
    assert_eq!(first["type"], "data");
    assert_eq!(first["data"]["id"], ws.as_str());
    // Refused: another member sees none of it.
    let (stranger, _) = srv.create_user(&owner, "stranger");
    srv.get(&format!("/api/v2/workspacebuilds/{build_id}/parameters")).token(&stranger).send().expect_error(404);
    srv.get(&format!("/api/v2/workspacebuilds/{build_id}/timings")).token(&stranger).send().expect_error(404);
    srv.get("/api/v2/users/dev1/workspace/first/builds/1").token(&stranger).send().expect_error(404);
    srv.get(&format!("/api/v2/workspaces/{ws}/resolve-autostart")).token(&stranger).send().expect_error(404);
    srv.get(&format!("/api/v2/workspaces/{ws}/acl")).token(&stranger).send().expect_error(404);
    srv.get(&format!("/api/v2/workspaces/{ws}/watch-ws")).token(&stranger).send().expect_error(404);

    // Quota: 5 of 8 consumed; a second start over budget fails with Coder's code.
    let q = srv.get(&format!("/api/v2/organizations/default/members/{member_id}/workspace-quota")).token(&member).send();
    assert_eq!(q.json, json!({"credits_consumed": 5, "budget": 8}), "{}", q.body);
    let second = create("second", json!([]));
    assert_eq!(second.status, 201, "{}", second.body);
    let w2 = settled(srv, &member, second.json["id"].as_str().unwrap());
    assert_eq!(w2["latest_build"]["status"], "failed", "{w2}");
    assert_eq!(w2["latest_build"]["job"]["error_code"], "INSUFFICIENT_QUOTA");

    // Autofill: the member's latest values for the template.
    let auto = srv.get(&format!("/api/v2/users/me/autofill-parameters?template_id={template}")).token(&member).send();
    assert_eq!(auto.status, 200, "{}", auto.body);
    let region = auto.json.as_array().unwrap().iter().find(|p| p["name"] == "region").unwrap();
    assert_eq!(region["value"], "eu", "the newest build used the default: {}", auto.body);
    srv.get("/api/v2/users/me/autofill-parameters").token(&member).send().expect_error(400);
    srv.get("/api/v2/users/me/autofill-parameters?template_id=nope").token(&member).send().expect_error(400);

    // External agent credentials.
    let c = srv.get(&format!("/api/v2/workspaces/{ws}/external-agent/ext/credentials")).token(&member).send();
    assert_eq!(c.status, 200, "{}", c.body);
    assert_eq!(c.json["agent_token"], EXTERNAL_TOKEN);
    let url = srv.url("/api/v2/init-script/linux/arm64");
    assert_eq!(c.json["command"], format!("curl -fsSL \"{url}\" | CODER_AGENT_TOKEN=\"{EXTERNAL_TOKEN}\" sh"));
    let r = srv.get(&format!("/api/v2/workspaces/{ws}/external-agent/nope/credentials")).token(&member).send();
    r.expect_error(404);
    assert_eq!(r.json["message"], "External agent 'nope' not found in workspace.");

    // Errors.
    let r = create("first", json!([]));
    r.expect_error(409);
    assert_eq!(r.json["message"], "Workspace \"first\" already exists.");
    let r = create("third", json!([{"name": "disk", "value": "1000"}]));
    r.expect_error(400);
    assert_eq!(r.json["message"], "Unable to validate parameters");
    assert_eq!(r.json["validations"][0]["field"], "disk");
    let r = create("third", json!([{"name": "region", "value": "mars"}]));
    r.expect_error(400);
    let r = srv.post("/api/v2/users/owner/workspaces").token(&member).json(json!({"template_id": template, "name": "theirs"})).send();
    assert!(r.status == 403 || r.status == 404, "{}", r.body);
    let r = srv
        .post("/api/v2/users/me/workspaces")
        .token(&member)
        .json(json!({"template_id": "6a1b2c3d-0000-4000-8000-000000000000", "name": "x"}))
        .send();
    r.expect_error(400);
    assert_eq!(r.json["validations"][0]["field"], "template_id");
    // A version that is still importing (Terraform, no daemon takes it) cannot be built.
    let file = upload(srv, &owner, workspace_tar());
    let tf = srv
        .post("/api/v2/organizations/default/templateversions")
        .token(&owner)
        .json(json!({"storage_method": "file", "file_id": file, "provisioner": "terraform", "template_id": template}))
        .send();
    let tfid = tf.json["id"].as_str().unwrap();
    let r = srv.post("/api/v2/users/me/workspaces").token(&member).json(json!({"template_version_id": tfid, "name": "early"})).send();
    r.expect_error(406);

    // Others do not see the member's workspace, its builds, agents or parameters; the owner does.
    let (other, _) = srv.create_user(&owner, "dev2");
    srv.get(&format!("/api/v2/workspaces/{ws}")).token(&other).send().expect_error(404);
    srv.get(&format!("/api/v2/workspaces/{ws}/builds")).token(&other).send().expect_error(404);
    srv.get(&format!("/api/v2/workspacebuilds/{build_id}")).token(&other).send().expect_error(404);
    srv.get(&format!("/api/v2/workspaceagents/{agent_id}")).token(&other).send().expect_error(404);
    srv.get(&format!("/api/v2/workspaces/{ws}/external-agent/ext/credentials")).token(&other).send().expect_error(404);
    srv.post(&format!("/api/v2/workspaces/{ws}/builds")).token(&other).json(json!({"transition": "stop"})).send().expect_error(404);
    let r = srv.get(&format!("/api/v2/users/dev1/autofill-parameters?template_id={template}")).token(&other).send();
    assert!(r.status == 403 || r.status == 404, "{}", r.body);
    let owners_view = srv.get(&format!("/api/v2/users/dev1/autofill-parameters?template_id={template}")).token(&owner).send();
    assert_eq!(owners_view.status, 200, "{}", owners_view.body);
    let listed = srv.get("/api/v2/workspaces").token(&other).send();
    assert_eq!(listed.json["count"], 0);
    let all = srv.get("/api/v2/workspaces?q=owner:dev1").token(&owner).send();
    assert_eq!(all.json["count"], 2, "{}", all.body);
    let running = srv.get("/api/v2/workspaces?q=status:running").token(&owner).send();
    assert_eq!(running.json["count"], 1);
    // No workspace is dormant here (the template settings page asks).
    let dormant = srv.get("/api/v2/workspaces?q=owner:dev1+dormant:true").token(&owner).send();
    assert_eq!((dormant.status, dormant.json["count"].clone()), (200, json!(0)), "{}", dormant.body);
    assert_eq!(srv.get("/api/v2/workspaces?q=owner:dev1+dormant:false").token(&owner).send().json["count"], 2);
    srv.get("/api/v2/workspaces?q=dormant:maybe").token(&owner).send().expect_error(400);
    let by_name = srv.get("/api/v2/users/dev1/workspace/FIRST").token(&owner).send();
    assert_eq!(by_name.json["id"], ws.as_str());

    // A template with workspaces cannot be deleted.
    let r = srv.delete(&format!("/api/v2/templates/{template}")).token(&owner).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "All workspaces must be deleted before a template can be removed.");

    // Stop (frees the quota), then delete.
    let b = srv.post(&format!("/api/v2/workspaces/{ws}/builds")).token(&member).json(json!({"transition": "stop"})).send();
    assert_eq!(b.status, 201, "{}", b.body);
    assert_eq!(b.json["build_number"], 2);
    let again = srv.post(&format!("/api/v2/workspaces/{ws}/builds")).token(&member).json(json!({"transition": "start"})).send();
    assert!(again.status == 409 || again.status == 201, "{}", again.body);
    let w = settled(srv, &member, &ws);
    if again.status == 409 {
        assert_eq!(w["latest_build"]["status"], "stopped", "{w}");
        let q = srv.get(&format!("/api/v2/organizations/default/members/{member_id}/workspace-quota")).token(&member).send();
        assert_eq!(q.json["credits_consumed"], 0);
    }
    srv.post(&format!("/api/v2/workspaces/{ws}/builds")).token(&member).json(json!({"transition": "explode"})).send().expect_error(400);
    let d = srv.post(&format!("/api/v2/workspaces/{ws}/builds")).token(&member).json(json!({"transition": "delete"})).send();
    assert_eq!(d.status, 201, "{}", d.body);
    let start = std::time::Instant::now();
    let gone = loop {
        let r = srv.get(&format!("/api/v2/workspaces/{ws}")).token(&member).send();
        if r.status != 200 {
            break r;
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(30), "workspace not deleted");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    // A deleted workspace is 410, and still readable on request, as in Coder.
    gone.expect_error(410);
    assert_eq!(
        gone.json["message"],
        format!("Workspace \"{ws}\" was deleted, you can view this workspace by specifying '?include_deleted=true' and trying again.")
    );
    let r = srv.get(&format!("/api/v2/workspaces/{ws}?include_deleted=true")).token(&member).send();
    r.expect(200);
    assert_eq!(r.json["latest_build"]["transition"], "delete");
    let r = srv.get(&format!("/api/v2/workspaces/{ws}?include_deleted=maybe")).token(&member).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Invalid boolean value \"maybe\" for \"include_deleted\" query param.");
    assert_eq!(r.json["validations"][0]["field"], "deleted");
    let by_name = format!("/api/v2/users/me/workspace/{}", w["name"].as_str().unwrap());
    srv.get(&by_name).token(&member).send().expect_error(404);
    let r = srv.get(&format!("{by_name}?include_deleted=true")).token(&member).send();
    r.expect(200);
    assert_eq!(r.json["id"], ws.as_str());
    let r = srv.get(&format!("{by_name}?include_deleted=2")).token(&member).send();
    r.expect_error(400);
    assert_eq!(r.json["validations"][0]["field"], "include_deleted");
    let _ = version;
});

dual_test!(the_agent_bootstrap_is_served, |srv| {
    let r = srv.get("/api/v2/init-script/linux/amd64").send();
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/plain"));
    assert!(r.body.contains(&format!("{}bin/coder-linux-amd64", srv.url("/"))), "{}", r.body);
    assert!(r.header("content-digest").unwrap().starts_with("sha256:"));
    let r = srv.get("/api/v2/init-script/plan9/amd64").send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Unknown os/arch: plan9/amd64");
    srv.get("/bin/coder-linux-amd64").send().expect_error(404);
});

dual_test!(an_agent_connects_and_reports_sessions, |srv| {
    use domain::workspaces::proto::coder::agent::v2 as ap;

    let (owner, _, org) = srv.setup_owner();
    let (template, _) = template(srv, &owner);
    srv.patch(&format!("/api/v2/groups/{org}")).token(&owner).json(json!({"quota_allowance": 100})).send().expect(200);
    let r = srv.post("/api/v2/users/me/workspaces").token(&owner).json(json!({"template_id": template, "name": "agented"})).send();
    assert_eq!(r.status, 201, "{}", r.body);
    let ws = r.json["id"].as_str().unwrap().to_string();
    let w = settled(srv, &owner, &ws);
    let agent = w["latest_build"]["resources"].as_array().unwrap().iter().find(|r| r["name"] == "dev").unwrap()["agents"][0].clone();
    let agent_id = agent["id"].as_str().unwrap().to_string();
    let addr = srv.addr;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let session = uuid::Uuid::new_v4();
    rt.block_on(async {
        // Refusals.
        let refused = |r: Result<crate::daemon::Daemon, crate::daemon::Refused>| r.err().expect("refused");
        let r = refused(crate::daemon::Daemon::dial(addr, "/api/v2/workspaceagents/me/rpc", &[]).await);
        assert_eq!(r.status, 401);
        let r = refused(crate::daemon::Daemon::dial(addr, "/api/v2/workspaceagents/me/rpc", &[("Coder-Session-Token", "nope")]).await);
        assert_eq!(r.status, 401);
        assert!(r.body.contains("Workspace agent token invalid."), "{}", r.body);
        let unknown = uuid::Uuid::new_v4().to_string();
        let r = refused(crate::daemon::Daemon::dial(addr, "/api/v2/workspaceagents/me/rpc", &[("Coder-Session-Token", &unknown)]).await);
        assert!(r.body.contains("Workspace agent not authorized."), "{}", r.body);
        let r = refused(
            crate::daemon::Daemon::dial(addr, "/api/v2/workspaceagents/me/rpc?version=3.0", &[("Coder-Session-Token", MAIN_TOKEN)]).await,
        );
        assert_eq!(r.status, 400, "{}", r.body);

        let mut a = crate::daemon::Daemon::dial(
            addr,
            "/api/v2/workspaceagents/me/rpc?version=2.10&role=agent",
            &[("Coder-Session-Token", MAIN_TOKEN)],
        )
        .await
        .expect("the agent connects");
        let m: ap::Manifest = a.call("/coder.agent.v2.Agent/GetManifest", &ap::GetManifestRequest {}).await.expect("manifest");
        assert_eq!(uuid::Uuid::from_slice(&m.agent_id).unwrap().to_string(), agent_id);
        assert_eq!(uuid::Uuid::from_slice(&m.workspace_id).unwrap().to_string(), ws);
        assert_eq!(m.agent_name, "main");
        assert_eq!(m.workspace_name, "agented");
        assert_eq!(m.owner_username, "owner");
        let startup = ap::UpdateStartupRequest {
            startup: Some(ap::Startup { version: "v2.18.0".into(), expanded_directory: "/home/coder".into(), subsystems: vec![] }),
        };
        let _: ap::Startup = a.call("/coder.agent.v2.Agent/UpdateStartup", &startup).await.expect("startup");
        let ready =
            ap::UpdateLifecycleRequest { lifecycle: Some(ap::Lifecycle { state: ap::lifecycle::State::Ready as i32, changed_at: None }) };
        let echoed: ap::Lifecycle = a.call("/coder.agent.v2.Agent/UpdateLifecycle", &ready).await.expect("lifecycle");
        assert!(echoed.changed_at.is_some());
        let stats: ap::UpdateStatsResponse =
            a.call("/coder.agent.v2.Agent/UpdateStats", &ap::UpdateStatsRequest::default()).await.expect("stats");
        assert!(stats.report_interval.unwrap().seconds > 0);
        let unimplemented: Result<ap::PushContextStateResponse, String> =
            a.call("/coder.agent.v2.Agent/PushContextState", &ap::PushContextStateRequest::default()).await;
        assert!(unimplemented.is_err());
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
        let event = |action: ap::connection::Action, secs: i64, code: i32, reason: Option<&str>| ap::ReportConnectionRequest {
            connection: Some(ap::Connection {
                id: session.as_bytes().to_vec(),
                action: action as i32,
                r#type: ap::connection::Type::Ssh as i32,
                timestamp: Some(prost_types::Timestamp { seconds: now.as_secs() as i64 + secs, nanos: 0 }),
                ip: "10.0.0.7".into(),
                status_code: code,
                reason: reason.map(str::to_string),
            }),
        };
        let _: () =
            a.call("/coder.agent.v2.Agent/ReportConnection", &event(ap::connection::Action::Connect, 0, 0, None)).await.expect("connect");
        let bad = ap::ReportConnectionRequest { connection: Some(ap::Connection { id: vec![1, 2], ..Default::default() }) };
        let refused: Result<(), String> = a.call("/coder.agent.v2.Agent/ReportConnection", &bad).await;
        assert!(refused.is_err());
        let _: () = a
            .call("/coder.agent.v2.Agent/ReportConnection", &event(ap::connection::Action::Disconnect, 60, 0, Some("process exited")))
            .await
            .expect("disconnect");
        let got = srv.get(&format!("/api/v2/workspaceagents/{agent_id}")).token(&owner).send().json;
        assert_eq!(got["lifecycle_state"], "ready", "{got}");
        assert_eq!(got["status"], "connected", "{got}");
        assert_eq!(got["version"], "v2.18.0", "{got}");
    });

    let logs = srv.get("/api/v2/connectionlog").token(&owner).send();
    assert_eq!(logs.status, 200, "{}", logs.body);
    assert_eq!(logs.json["count"], 1, "{}", logs.body);
    // The connection makes its user active today (the deployment overview's chart).
    let daus = srv.get("/api/v2/insights/daus?tz_offset=0").token(&owner).send();
    assert_eq!(daus.status, 200, "{}", daus.body);
    let entries = daus.json["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 61, "{}", daus.body);
    let today = time::OffsetDateTime::now_utc().date();
    assert_eq!(entries[60]["date"], format!("{}-{:02}-{:02}", today.year(), u8::from(today.month()), today.day()));
    assert_eq!(entries[60]["amount"], 1, "{}", daus.body);
    assert_eq!(entries.iter().map(|e| e["amount"].as_i64().unwrap()).sum::<i64>(), 1);
    assert_eq!(daus.json["tz_hour_offset"], 0);
    srv.get("/api/v2/insights/daus?tz_offset=abc").token(&owner).send().expect_error(400);
    srv.get("/api/v2/insights/daus?colour=red").token(&owner).send().expect_error(400);
    srv.get("/api/v2/insights/daus").send().expect_error(401);
    let (plain, _) = srv.create_user(&owner, "dauplain");
    srv.get("/api/v2/insights/daus").token(&plain).send().expect_error(403);
    let (auditor, auditor_json) = srv.create_user(&owner, "dauaudit");
    let id = auditor_json["id"].as_str().unwrap();
    srv.put(&format!("/api/v2/users/{id}/roles")).token(&owner).json(json!({"roles": ["auditor"]})).send().expect(200);
    assert_eq!(srv.get("/api/v2/insights/daus").token(&auditor).send().json["entries"][60]["amount"], 1, "auditors read it too");
    assert_eq!(logs.json["count_cap"], 2000);
    let row = &logs.json["connection_logs"][0];
    assert_eq!(row["type"], "ssh");
    assert_eq!(row["agent_name"], "main");
    assert_eq!(row["workspace_name"], "agented");
    assert_eq!(row["workspace_owner_username"], "owner");
    assert_eq!(row["ip"], "10.0.0.7");
    assert_eq!(row["ssh_info"]["connection_id"], session.to_string());
    assert_eq!(row["ssh_info"]["exit_code"], 0);
    assert_eq!(row["ssh_info"]["disconnect_reason"], "process exited");
    assert!(row["ssh_info"]["disconnect_time"].is_string());
    let count = |q: &str| {
        let r = srv
            .get(&format!("/api/v2/connectionlog?q={}", url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()))
            .token(&owner)
            .send();
        assert_eq!(r.status, 200, "{q}: {}", r.body);
        r.json["count"].as_i64().unwrap()
    };
    let hour_ago =
        (time::OffsetDateTime::now_utc() - time::Duration::hours(1)).format(&time::format_description::well_known::Rfc3339).unwrap();
    assert_eq!(count("type:ssh"), 1);
    assert_eq!(count("type:vscode"), 0);
    assert_eq!(count("workspace_owner:owner"), 1);
    assert_eq!(count("workspace_owner:me"), 1);
    assert_eq!(count("workspace_owner_email:OWNER@example.com"), 1);
    assert_eq!(count(&format!("workspace_id:{ws}")), 1);
    assert_eq!(count(&format!("connection_id:{session}")), 1);
    assert_eq!(count("status:completed"), 1);
    assert_eq!(count("status:ongoing"), 0);
    assert_eq!(count(&format!("connected_after:\"{hour_ago}\"")), 1);
    assert_eq!(count(&format!("connected_before:\"{hour_ago}\"")), 0);
    assert_eq!(count("organization:coder"), 1);
    assert_eq!(count("username:owner"), 0);
    assert_eq!(count("user_email:owner@example.com"), 0);
    for bad in ["free text", "type:", "type:telnet", "status:maybe", "workspace_id:nope", "connected_after:yesterday", "colour:red"] {
        let r = srv
            .get(&format!("/api/v2/connectionlog?q={}", url::form_urlencoded::byte_serialize(bad.as_bytes()).collect::<String>()))
            .token(&owner)
            .send();
        r.expect_error(400);
        assert_eq!(r.json["message"], "Invalid connection search query.", "{bad}");
    }
    // Members see none; limit and offset page.
    let (member, _) = srv.create_user(&owner, "plain");
    let none = srv.get("/api/v2/connectionlog").token(&member).send();
    assert_eq!(none.json["count"], 0);
    assert_eq!(none.json["connection_logs"], json!([]));
    let paged = srv.get("/api/v2/connectionlog?limit=1&offset=1").token(&owner).send();
    assert_eq!(paged.json["connection_logs"], json!([]));
    assert_eq!(paged.json["count"], 1);
});

dual_test!(connection_logs_need_the_license, |srv| {
    let (owner, _, _) = srv.setup_owner_unlicensed();
    let r = srv.get("/api/v2/connectionlog").token(&owner).send();
    r.expect_error(403);
    assert_eq!(r.json["message"], "Connection Log is a Premium feature. Contact sales!");
});

dual_test!(external_agents_need_the_license, |srv| {
    let (owner, _, _) = srv.setup_owner_unlicensed();
    let (template, _) = template(srv, &owner);
    let r = srv.post("/api/v2/users/me/workspaces").token(&owner).json(json!({"template_id": template, "name": "ext"})).send();
    assert_eq!(r.status, 201, "{}", r.body);
    let ws = r.json["id"].as_str().unwrap().to_string();
    // Without template_rbac there is no quota: the costly build runs.
    let w = settled(srv, &owner, &ws);
    assert_eq!(w["latest_build"]["status"], "running", "{w}");
    let q = srv.get("/api/v2/organizations/default/members/me/workspace-quota").token(&owner).send();
    assert_eq!(q.json, json!({"credits_consumed": 5, "budget": -1}), "{}", q.body);
    let r = srv.get(&format!("/api/v2/workspaces/{ws}/external-agent/ext/credentials")).token(&owner).send();
    r.expect_error(403);
    assert_eq!(r.json["message"], "Workspace External Agent is a Premium feature. Contact sales!");
});
