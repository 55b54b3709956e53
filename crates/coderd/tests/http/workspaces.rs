//! Workspaces built by the echo provisioner: parameters, quota, autofill, external agent
//! credentials, stop and delete, and the agent bootstrap.

use domain::provisioners::proto::provisioner as sdk;
use prost::Message;
use serde_json::{json, Value};

use crate::dual_test;
use crate::harness::TestServer;
use crate::templates::{upload, wait_imported};

const EXTERNAL_TOKEN: &str = "5c1d6f2a-9b3e-4d7f-8a6c-2e1b0f9d8c7a";

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
                auth: Some(sdk::agent::Auth::Token(uuid::Uuid::new_v4().to_string())),
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

fn template(srv: &TestServer, owner: &str) -> (String, String) {
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
fn settled(srv: &TestServer, token: &str, id: &str) -> Value {
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
    let resources = w["latest_build"]["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 2, "{w}");
    let dev = resources.iter().find(|r| r["name"] == "dev").unwrap();
    assert_eq!(dev["agents"][0]["name"], "main");
    assert_eq!(dev["agents"][0]["status"], "connecting");
    let agent_id = dev["agents"][0]["id"].as_str().unwrap().to_string();
    let agent = srv.get(&format!("/api/v2/workspaceagents/{agent_id}")).token(&member).send();
    assert_eq!(agent.status, 200, "{}", agent.body);
    assert_eq!(agent.json["operating_system"], "linux");
    let build_id = w["latest_build"]["id"].as_str().unwrap().to_string();
    let logs = srv.get(&format!("/api/v2/workspacebuilds/{build_id}/logs")).token(&member).send();
    assert_eq!(logs.status, 200);
    let res = srv.get(&format!("/api/v2/workspacebuilds/{build_id}/resources")).token(&member).send();
    assert_eq!(res.json.as_array().unwrap().len(), 2);

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

    // Others do not see the member's workspace; the owner does.
    let (other, _) = srv.create_user(&owner, "dev2");
    srv.get(&format!("/api/v2/workspaces/{ws}")).token(&other).send().expect_error(404);
    let listed = srv.get("/api/v2/workspaces").token(&other).send();
    assert_eq!(listed.json["count"], 0);
    let all = srv.get("/api/v2/workspaces?q=owner:dev1").token(&owner).send();
    assert_eq!(all.json["count"], 2, "{}", all.body);
    let running = srv.get("/api/v2/workspaces?q=status:running").token(&owner).send();
    assert_eq!(running.json["count"], 1);
    let by_name = srv.get("/api/v2/users/dev1/workspace/FIRST").token(&owner).send();
    assert_eq!(by_name.json["id"], ws.as_str());

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
    while srv.get(&format!("/api/v2/workspaces/{ws}")).token(&member).send().status != 404 {
        assert!(start.elapsed() < std::time::Duration::from_secs(30), "workspace not deleted");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
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
