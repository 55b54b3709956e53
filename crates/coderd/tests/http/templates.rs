//! Files, template versions imported by the built-in echo provisioner, templates, their ACLs
//! and preset invalidation.

use std::time::{Duration, Instant};

use domain::provisioners::proto::provisioner as sdk;
use prost::Message;
use serde_json::{json, Value};

use crate::dual_test;
use crate::harness::TestServer;

/// What an echo archive replays.
#[derive(Default)]
pub struct Echo {
    /// The graph stage's result (parameters, presets, resources).
    pub graph: sdk::GraphComplete,
    /// Fail the parse stage with this error.
    pub parse_error: Option<String>,
}

fn response(t: sdk::response::Type) -> Vec<u8> {
    sdk::Response { r#type: Some(t) }.encode_to_vec()
}

/// A template archive for the echo provisioner.
pub fn echo_tar(e: Echo) -> Vec<u8> {
    use sdk::response::Type as T;
    let files = vec![
        ("0.parse.protobuf", response(T::Log(sdk::Log { level: sdk::LogLevel::Info as i32, output: "echo: parsing".into() }))),
        (
            "1.parse.protobuf",
            response(T::Parse(sdk::ParseComplete {
                error: e.parse_error.unwrap_or_default(),
                readme: b"# Echo".to_vec(),
                ..Default::default()
            })),
        ),
        ("0.init.protobuf", response(T::Init(Default::default()))),
        ("0.plan.protobuf", response(T::Plan(Default::default()))),
        ("0.start.graph.protobuf", response(T::Graph(e.graph))),
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

/// Uploads an archive; returns the file id.
pub fn upload(srv: &TestServer, token: &str, tar: Vec<u8>) -> String {
    let r = srv.post("/api/v2/files").token(token).bytes(tar, "application/x-tar").send();
    assert!(r.status == 201 || r.status == 200, "{}", r.body);
    r.json["hash"].as_str().unwrap().to_string()
}

fn create_version(srv: &TestServer, token: &str, file: &str, extra: Value) -> Value {
    let mut body = json!({"storage_method": "file", "file_id": file, "provisioner": "echo"});
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    let r = srv.post("/api/v2/organizations/default/templateversions").token(token).json(body).send();
    assert_eq!(r.status, 201, "{}", r.body);
    r.json
}

/// Waits for a version's import to finish; returns the version.
pub fn wait_imported(srv: &TestServer, token: &str, version: &str) -> Value {
    let start = Instant::now();
    loop {
        let v = srv.get(&format!("/api/v2/templateversions/{version}")).token(token).send();
        let status = v.json["job"]["status"].as_str().unwrap_or("").to_string();
        if !["pending", "running"].contains(&status.as_str()) {
            return v.json;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "import still {status}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn with_preset() -> Echo {
    Echo {
        graph: sdk::GraphComplete {
            parameters: vec![sdk::RichParameter {
                name: "size".into(),
                r#type: "number".into(),
                default_value: "2".into(),
                ..Default::default()
            }],
            presets: vec![sdk::Preset {
                name: "tiny".into(),
                parameters: vec![sdk::PresetParameter { name: "size".into(), value: "1".into() }],
                default: true,
                ..Default::default()
            }],
            resources: vec![sdk::Resource { name: "box".into(), r#type: "docker_container".into(), ..Default::default() }],
            ..Default::default()
        },
        parse_error: None,
    }
}

/// Makes a template `name` from an imported echo version; returns (template JSON, version id).
pub fn make_template(srv: &TestServer, token: &str, name: &str, extra: Value) -> (Value, String) {
    let file = upload(srv, token, echo_tar(with_preset()));
    let v = create_version(srv, token, &file, json!({}));
    let version = v["id"].as_str().unwrap().to_string();
    assert_eq!(wait_imported(srv, token, &version)["job"]["status"], "succeeded");
    let mut body = json!({"name": name, "template_version_id": version});
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    let t = srv.post("/api/v2/organizations/default/templates").token(token).json(body).send();
    assert_eq!(t.status, 201, "{}", t.body);
    (t.json, version)
}

dual_test!(files_upload_once_per_user, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let tar = echo_tar(Default::default());
    let r = srv.post("/api/v2/files").token(&owner).bytes(tar.clone(), "application/x-tar").send();
    assert_eq!(r.status, 201);
    let again = srv.post("/api/v2/files").token(&owner).bytes(tar.clone(), "application/x-tar").send();
    assert_eq!(again.status, 200);
    assert_eq!(again.json["hash"], r.json["hash"]);
    let id = r.json["hash"].as_str().unwrap();
    let got = srv.get(&format!("/api/v2/files/{id}")).token(&owner).send();
    assert_eq!(got.status, 200);
    assert_eq!(got.header("content-type"), Some("application/x-tar"));
    assert_eq!(got.body.len(), tar.len());
    srv.post("/api/v2/files").token(&owner).bytes(tar.clone(), "text/plain").send().expect_error(400);
    srv.post("/api/v2/files").bytes(tar.clone(), "application/x-tar").send().expect_error(401);
    srv.get("/api/v2/files/not-a-uuid").token(&owner).send().expect_error(400);
    // Someone else's file is not theirs to read.
    let (member, _) = srv.create_user(&owner, "filer");
    srv.get(&format!("/api/v2/files/{id}")).token(&member).send().expect_error(404);
});

dual_test!(echo_imports_a_version_end_to_end, |srv| {
    let (owner, owner_id, org) = srv.setup_owner();
    let file = upload(srv, &owner, echo_tar(with_preset()));
    let v = create_version(srv, &owner, &file, json!({"message": "first"}));
    assert_eq!(v["template_id"], "00000000-0000-0000-0000-000000000000");
    assert_eq!(v["created_by"]["id"], owner_id.as_str());
    assert_eq!(v["job"]["type"], "template_version_import");
    assert_eq!(v["job"]["tags"], json!({"owner": "", "scope": "organization"}));
    let version = v["id"].as_str().unwrap().to_string();
    let done = wait_imported(srv, &owner, &version);
    assert_eq!(done["job"]["status"], "succeeded", "{done}");
    assert_eq!(done["readme"], "# Echo");
    let logs = srv.get(&format!("/api/v2/templateversions/{version}/logs")).token(&owner).send();
    assert_eq!(logs.json[0]["output"], "echo: parsing");
    assert_eq!(logs.json[0]["log_source"], "provisioner");
    let params = srv.get(&format!("/api/v2/templateversions/{version}/rich-parameters")).token(&owner).send();
    assert_eq!(params.json[0]["name"], "size");
    let resources = srv.get(&format!("/api/v2/templateversions/{version}/resources")).token(&owner).send();
    assert_eq!(resources.json[0]["type"], "docker_container", "{}", resources.body);

    // A template from it, then a second version that becomes active.
    let t = srv
        .post("/api/v2/organizations/default/templates")
        .token(&owner)
        .json(json!({"name": "docker", "template_version_id": version}))
        .send();
    assert_eq!(t.status, 201, "{}", t.body);
    assert_eq!(t.json["provisioner"], "echo");
    assert_eq!(t.json["organization_id"], org.as_str());
    assert_eq!(t.json["created_by_name"], "owner");
    let template = t.json["id"].as_str().unwrap().to_string();
    let dup = srv
        .post("/api/v2/organizations/default/templates")
        .token(&owner)
        .json(json!({"name": "DOCKER", "template_version_id": version}))
        .send();
    dup.expect_error(409);
    let v2 = create_version(srv, &owner, &file, json!({"template_id": template, "name": "v2"}));
    let v2id = v2["id"].as_str().unwrap().to_string();
    let same = srv
        .post("/api/v2/organizations/default/templateversions")
        .token(&owner)
        .json(json!({"storage_method": "file", "file_id": file, "provisioner": "echo", "template_id": template, "name": "V2"}))
        .send();
    same.expect_error(409);
    wait_imported(srv, &owner, &v2id);
    let r = srv.patch(&format!("/api/v2/templates/{template}/versions")).token(&owner).json(json!({"id": v2id})).send();
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(srv.get(&format!("/api/v2/templates/{template}")).token(&owner).send().json["active_version_id"], v2id.as_str());
    let versions = srv.get(&format!("/api/v2/templates/{template}/versions")).token(&owner).send();
    assert_eq!(versions.status, 200, "{}", versions.body);
    assert_eq!(versions.json.as_array().unwrap().len(), 2);
    let page = srv.get(&format!("/api/v2/templates/{template}/versions?limit=1&offset=1")).token(&owner).send();
    assert_eq!(page.json[0]["id"], v2id.as_str());
    let by_name = srv.get(&format!("/api/v2/templates/{template}/versions/v2")).token(&owner).send();
    assert_eq!(by_name.json["id"], v2id.as_str());

    // A failing import, and a Terraform one no daemon takes: cancel it.
    let bad = upload(srv, &owner, echo_tar(Echo { parse_error: Some("syntax error".into()), ..Default::default() }));
    let failed = create_version(srv, &owner, &bad, json!({}));
    let failed = wait_imported(srv, &owner, failed["id"].as_str().unwrap());
    assert_eq!(failed["job"]["status"], "failed");
    assert_eq!(failed["job"]["error"], "syntax error");
    let tf = create_version(srv, &owner, &file, json!({"provisioner": "terraform", "template_id": template}));
    let tfid = tf["id"].as_str().unwrap();
    srv.get(&format!("/api/v2/templateversions/{tfid}/rich-parameters")).token(&owner).send().expect_error(425);
    let r = srv.patch(&format!("/api/v2/templates/{template}/versions")).token(&owner).json(json!({"id": tfid})).send();
    r.expect_error(403);
    assert_eq!(r.json["detail"], "Attempted to promote a version with a pending build");
    assert_eq!(srv.patch(&format!("/api/v2/templateversions/{tfid}/cancel")).token(&owner).send().status, 200);
    assert_eq!(srv.get(&format!("/api/v2/templateversions/{tfid}")).token(&owner).send().json["job"]["status"], "canceled");
    srv.patch(&format!("/api/v2/templateversions/{tfid}/cancel")).token(&owner).send().expect_error(400);

    // Validation and missing things.
    let r = srv
        .post("/api/v2/organizations/default/templateversions")
        .token(&owner)
        .json(json!({"storage_method": "file", "file_id": file, "provisioner": "ansible"}))
        .send();
    r.expect_error(400);
    let r = srv
        .post("/api/v2/organizations/default/templateversions")
        .token(&owner)
        .json(json!({"storage_method": "file", "file_id": "6a1b2c3d-0000-4000-8000-000000000000", "provisioner": "echo"}))
        .send();
    r.expect_error(404);
    assert_eq!(r.json["message"], "File not found.");
    let r = srv
        .post("/api/v2/organizations/default/templates")
        .token(&owner)
        .json(json!({"name": "bad name", "template_version_id": version}))
        .send();
    r.expect_error(400);

    // Edit and delete.
    let r = srv
        .patch(&format!("/api/v2/templates/{template}"))
        .token(&owner)
        .json(json!({"display_name": "Docker", "default_ttl_ms": 3600000}))
        .send();
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json["display_name"], "Docker");
    assert_eq!(r.json["default_ttl_ms"], 3600000);
    srv.patch(&format!("/api/v2/templates/{template}")).token(&owner).json(json!({"failure_ttl_ms": 5})).send().expect_error(400);
    let list = srv.get("/api/v2/organizations/default/templates").token(&owner).send();
    assert_eq!(list.json.as_array().unwrap().len(), 1);
    assert_eq!(srv.get("/api/v2/templates?q=dock").token(&owner).send().json.as_array().unwrap().len(), 1);
    assert_eq!(srv.get("/api/v2/templates?q=nothing").token(&owner).send().json.as_array().unwrap().len(), 0);
    assert_eq!(srv.get("/api/v2/organizations/default/templates/DOCKER").token(&owner).send().status, 200);
    assert_eq!(srv.delete(&format!("/api/v2/templates/{template}")).token(&owner).send().status, 200);
    srv.get(&format!("/api/v2/templates/{template}")).token(&owner).send().expect_error(404);
});

dual_test!(template_acl_and_invalidation, |srv| {
    let (owner, _, org) = srv.setup_owner();
    let (member, member_json) = srv.create_user(&owner, "builder");
    let member_id = member_json["id"].as_str().unwrap().to_string();
    let (t, version) = make_template(srv, &owner, "shared", json!({}));
    let template = t["id"].as_str().unwrap().to_string();
    // Everyone may use it by default; a member cannot manage it.
    assert_eq!(srv.get(&format!("/api/v2/templates/{template}")).token(&member).send().status, 200);
    assert_eq!(srv.get(&format!("/api/v2/templateversions/{version}")).token(&member).send().status, 200);
    srv.get(&format!("/api/v2/templates/{template}/acl")).token(&member).send().expect_error(403);
    srv.delete(&format!("/api/v2/templates/{template}")).token(&member).send().expect_error(403);

    let acl = srv.get(&format!("/api/v2/templates/{template}/acl")).token(&owner).send();
    assert_eq!(acl.status, 200, "{}", acl.body);
    assert_eq!(acl.json["users"], json!([]));
    assert_eq!(acl.json["group"][0]["id"], org.as_str());
    assert_eq!(acl.json["group"][0]["role"], "use");

    // Private template: only the ACL gives access.
    let (private, _) = make_template(srv, &owner, "private", json!({"disable_everyone_group_access": true}));
    let private = private["id"].as_str().unwrap().to_string();
    srv.get(&format!("/api/v2/templates/{private}")).token(&member).send().expect_error(404);
    let listed = srv.get("/api/v2/templates").token(&member).send();
    assert_eq!(listed.json.as_array().unwrap().len(), 1);
    let r =
        srv.patch(&format!("/api/v2/templates/{private}/acl")).token(&owner).json(json!({"user_perms": {member_id.clone(): "use"}})).send();
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json["message"], "Successfully updated template ACL list.");
    assert_eq!(srv.get(&format!("/api/v2/templates/{private}")).token(&member).send().status, 200);
    // The list finds it through the ACL (narrowed in the query, then decided per row).
    let listed = srv.get("/api/v2/templates").token(&member).send();
    assert_eq!(listed.json.as_array().unwrap().len(), 2, "{}", listed.body);
    let acl = srv.get(&format!("/api/v2/templates/{private}/acl")).token(&owner).send();
    assert_eq!(acl.json["users"][0]["username"], "builder");
    assert_eq!(acl.json["users"][0]["role"], "use");
    // Admin through the ACL lets the member manage it.
    srv.patch(&format!("/api/v2/templates/{private}/acl")).token(&owner).json(json!({"user_perms": {member_id.clone(): "admin"}})).send();
    assert_eq!(srv.get(&format!("/api/v2/templates/{private}/acl")).token(&member).send().status, 200);
    // Removing takes it away again.
    srv.patch(&format!("/api/v2/templates/{private}/acl")).token(&owner).json(json!({"user_perms": {member_id.clone(): ""}})).send();
    srv.get(&format!("/api/v2/templates/{private}")).token(&member).send().expect_error(404);
    assert_eq!(srv.get("/api/v2/templates").token(&member).send().json.as_array().unwrap().len(), 1);
    // A group the member is in opens it again, in the list too.
    let group = srv.post(&format!("/api/v2/organizations/{org}/groups")).token(&owner).json(json!({"name": "builders"})).send();
    assert_eq!(group.status, 201, "{}", group.body);
    let group_id = group.json["id"].as_str().unwrap().to_string();
    srv.patch(&format!("/api/v2/groups/{group_id}")).token(&owner).json(json!({"add_users": [member_id.clone()]})).send().expect(200);
    srv.patch(&format!("/api/v2/templates/{private}/acl"))
        .token(&owner)
        .json(json!({"group_perms": {group_id.clone(): "use"}}))
        .send()
        .expect(200);
    assert_eq!(srv.get("/api/v2/templates").token(&member).send().json.as_array().unwrap().len(), 2);
    srv.patch(&format!("/api/v2/templates/{private}/acl"))
        .token(&owner)
        .json(json!({"group_perms": {group_id.clone(): ""}}))
        .send()
        .expect(200);
    assert_eq!(srv.get("/api/v2/templates").token(&member).send().json.as_array().unwrap().len(), 1);

    let bad = srv
        .patch(&format!("/api/v2/templates/{private}/acl"))
        .token(&owner)
        .json(json!({"user_perms": {"not-a-uuid": "use", "6a1b2c3d-0000-4000-8000-000000000000": "use"}, "group_perms": {org.clone(): "owner"}}))
        .send();
    bad.expect_error(400);
    assert_eq!(bad.json["message"], "Invalid request to update template ACL");
    let details: Vec<&str> = bad.json["validations"].as_array().unwrap().iter().map(|v| v["detail"].as_str().unwrap()).collect();
    assert!(details.contains(&"not-a-uuid is not a valid UUID."), "{details:?}");
    assert!(details.contains(&"user with ID 6a1b2c3d-0000-4000-8000-000000000000 does not exist"), "{details:?}");
    assert!(details.contains(&"role \"owner\" is not a valid template role"), "{details:?}");

    let avail = srv.get(&format!("/api/v2/templates/{private}/acl/available?q=build")).token(&owner).send();
    assert_eq!(avail.status, 200, "{}", avail.body);
    assert_eq!(avail.json["users"].as_array().unwrap().len(), 1);
    assert_eq!(avail.json["users"][0]["username"], "builder");
    srv.get(&format!("/api/v2/templates/{private}/acl/available")).token(&member).send().expect_error(404);

    // Invalidating presets of the active version.
    let r = srv.post(&format!("/api/v2/templates/{template}/prebuilds/invalidate")).token(&owner).send();
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.json["invalidated"],
        json!([{"template_name": "shared", "template_version_name": r.json["invalidated"][0]["template_version_name"], "preset_name": "tiny"}])
    );
    srv.post(&format!("/api/v2/templates/{template}/prebuilds/invalidate")).token(&member).send().expect_error(404);
    srv.post("/api/v2/templates/not-a-uuid/prebuilds/invalidate").token(&owner).send().expect_error(400);
});

dual_test!(acl_and_invalidation_need_their_licenses, |srv| {
    let (owner, _, _) = srv.setup_owner_unlicensed();
    let (t, _) = make_template(srv, &owner, "plain", json!({}));
    let template = t["id"].as_str().unwrap();
    let r = srv.get(&format!("/api/v2/templates/{template}/acl")).send();
    r.expect_error(403);
    assert_eq!(r.json["message"], "Template RBAC is a Premium feature. Contact sales!");
    let r = srv.post(&format!("/api/v2/templates/{template}/prebuilds/invalidate")).send();
    r.expect_error(403);
    assert_eq!(r.json["message"], "Workspace Prebuilds is a Premium feature. Contact sales!");
});

/// The entries of a tar archive as a zip archive, as a browser would upload them.
fn tar_as_zip(tar_bytes: &[u8]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut archive = tar::Archive::new(tar_bytes);
    for e in archive.entries().unwrap() {
        let mut e = e.unwrap();
        let name = e.path().unwrap().display().to_string();
        let mut body = Vec::new();
        e.read_to_end(&mut body).unwrap();
        z.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        z.write_all(&body).unwrap();
    }
    z.finish().unwrap().into_inner()
}

/// The names and contents of a tar archive's entries.
fn tar_entries(tar_bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut archive = tar::Archive::new(tar_bytes);
    archive
        .entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let mut body = Vec::new();
            e.read_to_end(&mut body).unwrap();
            (e.path().unwrap().display().to_string(), body)
        })
        .collect()
}

dual_test!(zip_uploads_are_stored_as_tar_and_import, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let tar_bytes = echo_tar(with_preset());
    let zip_bytes = tar_as_zip(&tar_bytes);
    let r = srv.post("/api/v2/files").token(&owner).bytes(zip_bytes.clone(), "application/zip").send();
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json["hash"].as_str().unwrap().to_string();
    // The Windows content type is the same archive: the same stored file.
    let again = srv.post("/api/v2/files").token(&owner).bytes(zip_bytes, "application/x-zip-compressed").send();
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.json["hash"], id.as_str());

    let stored = srv.get(&format!("/api/v2/files/{id}")).token(&owner).send();
    assert_eq!(stored.header("content-type"), Some("application/x-tar"));
    let got = srv.get(&format!("/api/v2/files/{id}")).token(&owner).send().bytes;
    assert_eq!(tar_entries(&got), tar_entries(&tar_bytes));
    let as_zip = srv.get(&format!("/api/v2/files/{id}?format=zip")).token(&owner).send().bytes;
    assert_eq!(&as_zip[..2], b"PK");
    let r = srv.get(&format!("/api/v2/files/{id}?format=rar")).token(&owner).send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Unsupported conversion format.");

    // The zip imports like the tar it holds.
    let v = create_version(srv, &owner, &id, json!({}));
    let version = v["id"].as_str().unwrap().to_string();
    assert_eq!(wait_imported(srv, &owner, &version)["job"]["status"], "succeeded");

    let r = srv.post("/api/v2/files").token(&owner).bytes(b"PK not really".to_vec(), "application/zip").send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Incomplete .zip archive file.");
    let r = srv.post("/api/v2/files").token(&owner).bytes(b"x".to_vec(), "application/gzip").send();
    r.expect_error(400);
    assert_eq!(r.json["message"], "Unsupported content type header \"application/gzip\".");
});

dual_test!(starter_templates_build_on_the_echo_provisioner, |srv| {
    let (owner, _, org) = srv.setup_owner();
    srv.patch(&format!("/api/v2/groups/{org}")).token(&owner).json(json!({"quota_allowance": 10})).send().expect(200);
    let (member, _) = srv.create_user(&owner, "mia");
    srv.get("/api/v2/templates/examples").send().expect_error(401);
    let list = srv.get("/api/v2/templates/examples").token(&owner).send();
    assert_eq!(list.status, 200, "{}", list.body);
    let ids: Vec<&str> = list.json.as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["scratch", "echo-container"]);
    assert!(list.json[0]["markdown"].as_str().unwrap().starts_with("# Scratch"));
    assert_eq!(srv.get("/api/v2/organizations/default/templates/examples").token(&owner).send().json, list.json);
    // Members read templates only through ACLs, so, as in Coder, not the examples.
    srv.get("/api/v2/templates/examples").token(&member).send().expect_error(404);
    srv.get("/api/v2/organizations/default/templates/examples").token(&member).send().expect_error(404);

    // An example becomes a version (on the echo provisioner, whatever the request names),
    // then a template and a workspace with an agent.
    let create = |body: Value| srv.post("/api/v2/organizations/default/templateversions").token(&owner).json(body).send();
    let r = create(json!({"storage_method": "file", "example_id": "nope", "provisioner": "terraform"}));
    r.expect_error(400);
    assert_eq!(r.json["message"], "Example not found.");
    let r = create(
        json!({"storage_method": "file", "example_id": "scratch", "file_id": "6a1b2c3d-0000-4000-8000-000000000000", "provisioner": "echo"}),
    );
    assert_eq!(r.json["message"], "You cannot specify both an example_id and a file_id.");
    let v = create(json!({"storage_method": "file", "example_id": "echo-container", "provisioner": "terraform"}));
    assert_eq!(v.status, 201, "{}", v.body);
    let version = v.json["id"].as_str().unwrap().to_string();
    let imported = wait_imported(srv, &owner, &version);
    assert_eq!(imported["job"]["status"], "succeeded", "{imported}");
    let t = srv
        .post("/api/v2/organizations/default/templates")
        .token(&owner)
        .json(json!({"name": "starter", "template_version_id": version}))
        .send();
    assert_eq!(t.status, 201, "{}", t.body);
    let template = t.json["id"].as_str().unwrap().to_string();
    let w = srv.post("/api/v2/users/me/workspaces").token(&owner).json(json!({"name": "first", "template_id": template})).send();
    assert_eq!(w.status, 201, "{}", w.body);
    let built = crate::workspaces::settled(srv, &owner, w.json["id"].as_str().unwrap());
    assert_eq!(built["latest_build"]["status"], "running", "{built}");
    assert_eq!(built["latest_build"]["resources"][0]["agents"][0]["name"], "main", "{built}");
    // A second version from the same example reuses the stored file.
    let again = create(json!({"storage_method": "file", "example_id": "echo-container", "provisioner": "echo", "template_id": template}));
    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(again.json["job"]["file_id"], v.json["job"]["file_id"]);
});

dual_test!(dynamic_parameters_render_the_versions_parameters, |srv| {
    let (owner, _, _) = srv.setup_owner();
    let (_, version) = make_template(srv, &owner, "dyn", json!({}));
    let url = srv.url(&format!("/api/v2/templateversions/{version}/dynamic-parameters?user_id=me")).replacen("http", "ws", 1);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (initial, answer) = rt.block_on(async {
        use futures_util::{SinkExt, StreamExt};
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut req = url.as_str().into_client_request().unwrap();
        req.headers_mut().insert("Coder-Session-Token", owner.parse().unwrap());
        let (mut ws, resp) = tokio_tungstenite::connect_async(req).await.expect("dynamic parameters socket");
        assert_eq!(resp.status().as_u16(), 101);
        let msg = tokio::time::timeout(Duration::from_secs(5), ws.next()).await.expect("a frame").unwrap().unwrap();
        let initial: Value = serde_json::from_str(msg.to_text().unwrap()).unwrap();
        ws.send(tokio_tungstenite::tungstenite::Message::text(r#"{"id": 1, "inputs": {"size": "7"}}"#)).await.unwrap();
        let msg = tokio::time::timeout(Duration::from_secs(5), ws.next()).await.expect("a frame").unwrap().unwrap();
        let answer: Value = serde_json::from_str(msg.to_text().unwrap()).unwrap();
        (initial, answer)
    });
    assert_eq!(initial["id"], -1);
    let p = &initial["parameters"][0];
    assert_eq!(p["name"], "size");
    assert_eq!(p["type"], "number");
    assert_eq!(p["form_type"], "input");
    assert_eq!(p["value"], json!({"value": "2", "valid": true}), "the default before any input");
    assert_eq!(answer["id"], 1);
    assert_eq!(answer["parameters"][0]["value"]["value"], "7");
    assert_eq!(answer["parameters"][0]["diagnostics"], json!([]));
    // Refused: no session, a version the caller cannot see.
    srv.get(&format!("/api/v2/templateversions/{version}/dynamic-parameters")).send().expect_error(401);
    srv.get(&format!("/api/v2/templateversions/{}/dynamic-parameters", uuid::Uuid::new_v4())).token(&owner).send().expect_error(404);
    // A key scoped to reading users does not reach templates.
    let scoped = srv.post("/api/v2/users/me/keys/tokens").token(&owner).json(json!({"scopes": ["user:read"]})).send();
    let scoped = scoped.json["key"].as_str().unwrap().to_string();
    srv.get(&format!("/api/v2/templateversions/{version}/dynamic-parameters")).token(&scoped).send().expect_error(404);
    srv.get(&format!("/api/v2/templateversions/{version}/dynamic-parameters?user_id=nobody")).token(&owner).send().expect_error(404);
});
