//! Starter templates (Coder's `GET /templates/examples`): a few templates this server ships,
//! made for the built-in `echo` provisioner so that they build without Terraform or a cloud, each
//! usable as `example_id` when creating a template version.

use prost::Message;

use crate::app::{Actor, App};
use crate::error::{Error, Result};
use crate::provisioners::proto::provisioner as sdk;
use crate::rbac::{action, resource, Object};

/// A starter template as `codersdk.TemplateExample` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// Its id (`example_id`).
    pub id: &'static str,
    /// Name.
    pub name: &'static str,
    /// One line about it.
    pub description: &'static str,
    /// Icon path.
    pub icon: &'static str,
    /// Tags.
    pub tags: &'static [&'static str],
    /// Its README.
    pub markdown: &'static str,
}

const EXAMPLES: &[Example] = &[
    Example {
        id: "scratch",
        name: "Scratch",
        description: "A minimal starter template: no resources, ready to be edited.",
        icon: "/emojis/1f4e6.png",
        tags: &["local", "echo"],
        markdown: "# Scratch\n\nA minimal template with no resources, built by the built-in `echo` provisioner.\n",
    },
    Example {
        id: "echo-container",
        name: "Echo container",
        description: "A workspace with one container and an agent, simulated by the echo provisioner.",
        icon: "/icon/docker.png",
        tags: &["local", "echo", "container"],
        markdown: "# Echo container\n\nOne container with a Linux agent, planned and applied by the built-in `echo` provisioner \
                   (nothing is started for real). It costs 1 quota credit a day.\n",
    },
];

/// Every starter template, in a stable order.
pub fn examples() -> &'static [Example] {
    EXAMPLES
}

fn response(t: sdk::response::Type) -> Vec<u8> {
    sdk::Response { r#type: Some(t) }.encode_to_vec()
}

/// The archive of a starter template: the echo provisioner's responses for every stage.
pub fn example_archive(id: &str) -> Option<Vec<u8>> {
    use sdk::response::Type as T;
    let example = EXAMPLES.iter().find(|e| e.id == id)?;
    let log = |m: &str| response(T::Log(sdk::Log { level: sdk::LogLevel::Info as i32, output: m.into() }));
    let mut files = vec![
        ("0.parse.protobuf".to_string(), log(&format!("echo: parsing the {} starter template", example.name))),
        (
            "1.parse.protobuf".to_string(),
            response(T::Parse(sdk::ParseComplete { readme: example.markdown.as_bytes().to_vec(), ..Default::default() })),
        ),
        ("0.init.protobuf".to_string(), response(T::Init(Default::default()))),
        ("0.plan.protobuf".to_string(), response(T::Plan(Default::default()))),
        ("0.graph.protobuf".to_string(), response(T::Graph(Default::default()))),
        ("0.apply.protobuf".to_string(), response(T::Apply(Default::default()))),
    ];
    if example.id == "echo-container" {
        let resources = vec![sdk::Resource {
            name: "dev".into(),
            r#type: "docker_container".into(),
            // No token in the archive: each build's agent gets its own.
            agents: vec![sdk::Agent {
                name: "main".into(),
                operating_system: "linux".into(),
                architecture: "amd64".into(),
                ..Default::default()
            }],
            ..Default::default()
        }];
        files.push(("0.start.plan.protobuf".into(), response(T::Plan(sdk::PlanComplete { daily_cost: 1, ..Default::default() }))));
        files.push(("0.start.graph.protobuf".into(), response(T::Graph(sdk::GraphComplete { resources, ..Default::default() }))));
        files.push((
            "0.start.apply.protobuf".into(),
            response(T::Apply(sdk::ApplyComplete { state: b"echo".to_vec(), ..Default::default() })),
        ));
    }
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(0);
        h.set_cksum();
        b.append_data(&mut h, name, data.as_slice()).ok()?;
    }
    b.into_inner().ok()
}

impl App {
    /// `GET /templates/examples` (and per organization): for callers who may read templates
    /// somewhere (in `org`, when given), else Coder's 404.
    pub fn template_examples(&self, actor: &Actor, org: Option<&str>) -> Result<&'static [Example]> {
        let object = match org {
            Some(param) => Object::of(resource::TEMPLATE).in_org(self.resolve_org(actor, param)?.id),
            None => Object::of(resource::TEMPLATE).in_any_org(),
        };
        self.db(actor).require_visible(action::READ, &object)?;
        Ok(examples())
    }
}

/// Coder's 400 for an `example_id` it does not have.
pub fn not_found() -> Error {
    Error::bad_request("Example not found.")
}
