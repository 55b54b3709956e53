//! Workspaces, builds, agents, autofill parameters, external agent credentials, and the agent
//! bootstrap (`init-script`, `/bin`).

pub mod agentrpc;
pub mod bootstrap;
pub mod connectionlog;
pub mod page;

use actix_web::web::{self, Path, ServiceConfig};
use actix_web::{get, post, HttpRequest, HttpResponse};
use domain::workspaces::builds::NewBuild;
use domain::workspaces::workspace::NewWorkspace;
use domain::workspaces::Transition;
use domain::Error;
use uuid::Uuid;

use crate::auth::Authed;
use crate::dto::{
    CreateWorkspaceBuildRequest, CreateWorkspaceRequest, ExternalAgentCredentials, ProvisionerJobLog, UserParameter, Workspace,
    WorkspaceAgent, WorkspaceBuild, WorkspaceResource, WorkspacesResponse,
};
use crate::error::{ApiError, ApiResult, Response};
use crate::query;
use crate::state::{blocking, State};

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    page::configure(cfg);
    cfg.service(create_user_workspace)
        .service(create_member_workspace)
        .service(list_workspaces)
        .service(get_workspace)
        .service(workspace_by_name)
        .service(create_build)
        .service(list_builds)
        .service(get_build)
        .service(build_logs)
        .service(build_resources)
        .service(agentrpc::agent_rpc)
        .service(get_agent)
        .service(connectionlog::connection_logs)
        .service(autofill_parameters)
        .service(external_agent_credentials)
        .service(bootstrap::init_script)
        .service(bootstrap::agent_binary);
}

fn new_workspace(b: CreateWorkspaceRequest) -> NewWorkspace {
    NewWorkspace {
        template_id: b.template_id.filter(|t| !t.is_nil()),
        template_version_id: b.template_version_id.filter(|t| !t.is_nil()),
        name: b.name,
        rich_parameter_values: b.rich_parameter_values.into_iter().map(|p| (p.name, p.value)).collect(),
        autostart_schedule: b.autostart_schedule.filter(|s| !s.is_empty()),
        ttl_ms: b.ttl_ms,
        automatic_updates: b.automatic_updates,
    }
}

/// Create user workspace
#[utoipa::path(
    operation_id = "create-user-workspace",
    tag = "Workspaces",
    params(("user" = String, Path, description = "Username, UUID, or me")),
    request_body = CreateWorkspaceRequest,
    responses(
        (status = 201, description = "Created", body = Workspace),
        (status = 400, description = "Invalid request, unknown template, or invalid parameter values", body = Response),
        (status = 403, description = "Not allowed to create this workspace or to use the template", body = Response),
        (status = 404, description = "No such user", body = Response),
        (status = 406, description = "The template version has not finished importing", body = Response),
        (status = 409, description = "The owner has a workspace of this name", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[post("/api/v2/users/{user}/workspaces")]
pub async fn create_user_workspace(
    state: web::Data<State>,
    actor: Authed,
    user: Path<String>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let b: CreateWorkspaceRequest = crate::de::json_body(&body)?;
    let input = new_workspace(b);
    let w = blocking(&state, move |app| app.create_workspace(&actor.0, None, &user, input)).await?;
    Ok(HttpResponse::Created().json(Workspace::from(&w)))
}

/// Create workspace by organization
#[utoipa::path(
    operation_id = "create-workspace-by-organization",
    tag = "Workspaces",
    params(
        ("organization" = String, Path, description = "Organization ID or name"),
        ("user" = String, Path, description = "Username, UUID, or me"),
    ),
    request_body = CreateWorkspaceRequest,
    responses(
        (status = 201, description = "Created", body = Workspace),
        (status = 400, description = "Invalid request, unknown template, or invalid parameter values", body = Response),
        (status = 403, description = "Not allowed to create this workspace or to use the template", body = Response),
        (status = 404, description = "No such organization or member", body = Response),
        (status = 406, description = "The template version has not finished importing", body = Response),
        (status = 409, description = "The owner has a workspace of this name", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[post("/api/v2/organizations/{organization}/members/{user}/workspaces")]
pub async fn create_member_workspace(
    state: web::Data<State>,
    actor: Authed,
    path: Path<(String, String)>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let (org, user) = path.into_inner();
    let b: CreateWorkspaceRequest = crate::de::json_body(&body)?;
    let input = new_workspace(b);
    let w = blocking(&state, move |app| app.create_workspace(&actor.0, Some(&org), &user, input)).await?;
    Ok(HttpResponse::Created().json(Workspace::from(&w)))
}

/// List workspaces
#[utoipa::path(
    operation_id = "list-workspaces",
    tag = "Workspaces",
    params(
        ("q" = Option<String>, Query, description = "Search: `owner:`, `template:`, `name:`, `status:`, `organization:`; bare words match names"),
        ("limit" = Option<i32>, Query, minimum = 0, description = "Page limit"),
        ("offset" = Option<i32>, Query, minimum = 0, description = "Page offset"),
    ),
    responses(
        (status = 200, description = "OK", body = WorkspacesResponse),
        (status = 400, description = "Invalid search or pagination", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/workspaces")]
pub async fn list_workspaces(state: web::Data<State>, actor: Authed, req: HttpRequest) -> ApiResult<HttpResponse> {
    let pairs = query::pairs(&req);
    let page = query::page(&pairs)?;
    let q = query::string(&pairs, "q");
    let (list, count) = blocking(&state, move |app| app.list_workspaces(&actor.0, &q, page.limit as usize, page.offset as usize)).await?;
    Ok(HttpResponse::Ok().json(WorkspacesResponse { workspaces: list.iter().map(Workspace::from).collect(), count }))
}

/// Get workspace metadata by ID
#[utoipa::path(
    operation_id = "get-workspace-metadata-by-id",
    tag = "Workspaces",
    params(
        ("workspace" = uuid::Uuid, Path, description = "Workspace ID"),
        ("include_deleted" = Option<bool>, Query, description = "Return data instead of HTTP 410 if the workspace is deleted"),
    ),
    responses(
        (status = 200, description = "OK", body = Workspace),
        (status = 400, description = "Not a UUID, or `include_deleted` is not a boolean", body = Response),
        (status = 404, description = "No such workspace, or not visible", body = Response),
        (status = 410, description = "The workspace was deleted (ask with `include_deleted=true`)", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/workspaces/{workspace}")]
pub async fn get_workspace(state: web::Data<State>, actor: Authed, id: Path<String>, req: HttpRequest) -> ApiResult<HttpResponse> {
    // Coder names the field `deleted` here and `include_deleted` on the by-name route.
    let include_deleted = include_deleted(&req, "deleted")?;
    let w = blocking(&state, move |app| app.get_workspace(&actor.0, &id, include_deleted)).await?;
    Ok(HttpResponse::Ok().json(Workspace::from(&w)))
}

/// Get workspace metadata by user and workspace name
#[utoipa::path(
    operation_id = "get-workspace-metadata-by-user-and-workspace-name",
    tag = "Workspaces",
    params(
        ("user" = String, Path, description = "Username, UUID, or me"),
        ("workspacename" = String, Path, description = "Workspace name"),
        ("include_deleted" = Option<bool>, Query, description = "Return the latest deleted workspace of that name when no live one has it"),
    ),
    responses(
        (status = 200, description = "OK", body = Workspace),
        (status = 400, description = "`include_deleted` is not a boolean", body = Response),
        (status = 404, description = "No such user or workspace, or not visible", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/users/{user}/workspace/{workspacename}")]
pub async fn workspace_by_name(
    state: web::Data<State>,
    actor: Authed,
    path: Path<(String, String)>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let include_deleted = include_deleted(&req, "include_deleted")?;
    let (user, name) = path.into_inner();
    let w = blocking(&state, move |app| app.workspace_by_owner_and_name(&actor.0, &user, &name, include_deleted)).await?;
    Ok(HttpResponse::Ok().json(Workspace::from(&w)))
}

/// The `include_deleted` parameter, with Coder's message for a value that is no boolean (its
/// validation names `field`).
fn include_deleted(req: &HttpRequest, field: &str) -> Result<bool, ApiError> {
    query::strict_boolean(&query::pairs(req), "include_deleted").map(|b| b.unwrap_or(false)).map_err(|raw| {
        ApiError(
            Error::bad_request(format!("Invalid boolean value {raw:?} for \"include_deleted\" query param."))
                .with_validation(field, "Must be a valid boolean"),
        )
    })
}

fn build_json(v: &domain::workspaces::builds::BuildView) -> WorkspaceBuild {
    WorkspaceBuild::of(v, &v.workspace, &v.owner_name)
}

/// Create workspace build
#[utoipa::path(
    operation_id = "create-workspace-build",
    tag = "Builds",
    params(("workspace" = uuid::Uuid, Path, description = "Workspace ID")),
    request_body = CreateWorkspaceBuildRequest,
    responses(
        (status = 201, description = "Created", body = WorkspaceBuild),
        (status = 400, description = "Invalid transition, version or parameter values", body = Response),
        (status = 403, description = "Not allowed to start, stop or delete the workspace", body = Response),
        (status = 404, description = "No such workspace, or not visible", body = Response),
        (status = 406, description = "The template version has not finished importing", body = Response),
        (status = 409, description = "A build is already active", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[post("/api/v2/workspaces/{workspace}/builds")]
pub async fn create_build(state: web::Data<State>, actor: Authed, id: Path<String>, body: web::Bytes) -> ApiResult<HttpResponse> {
    let b: CreateWorkspaceBuildRequest = crate::de::json_body(&body)?;
    let transition = Transition::parse(&b.transition).ok_or_else(|| {
        ApiError(
            Error::bad_request("Validation failed.")
                .with_validation("transition", format!("Validation failed for tag \"oneof\" with value: \"{}\"", b.transition)),
        )
    })?;
    let req = NewBuild {
        transition,
        template_version_id: b.template_version_id.filter(|v| !v.is_nil()),
        rich_parameter_values: b.rich_parameter_values.into_iter().map(|p| (p.name, p.value)).collect(),
    };
    let v = blocking(&state, move |app| app.create_build(&actor.0, &id, req)).await?;
    Ok(HttpResponse::Created().json(build_json(&v)))
}

/// Get workspace builds by workspace ID
#[utoipa::path(
    operation_id = "get-workspace-builds-by-workspace-id",
    tag = "Builds",
    params(
        ("workspace" = uuid::Uuid, Path, description = "Workspace ID"),
        ("limit" = Option<i32>, Query, minimum = 0, description = "Page limit"),
        ("offset" = Option<i32>, Query, minimum = 0, description = "Page offset"),
    ),
    responses(
        (status = 200, description = "OK", body = Vec<WorkspaceBuild>),
        (status = 400, description = "Invalid pagination", body = Response),
        (status = 404, description = "No such workspace, or not visible", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/workspaces/{workspace}/builds")]
pub async fn list_builds(state: web::Data<State>, actor: Authed, id: Path<String>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let page = query::page(&query::pairs(&req))?;
    let list = blocking(&state, move |app| app.workspace_builds(&actor.0, &id, page)).await?;
    Ok(HttpResponse::Ok().json(list.iter().map(build_json).collect::<Vec<_>>()))
}

/// Get workspace build
#[utoipa::path(
    operation_id = "get-workspace-build",
    tag = "Builds",
    params(("workspacebuild" = uuid::Uuid, Path, description = "Workspace build ID")),
    responses(
        (status = 200, description = "OK", body = WorkspaceBuild),
        (status = 400, description = "Not a UUID", body = Response),
        (status = 404, description = "No such build, or not visible", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/workspacebuilds/{workspacebuild}")]
pub async fn get_build(state: web::Data<State>, actor: Authed, id: Path<String>) -> ApiResult<HttpResponse> {
    let v = blocking(&state, move |app| app.get_build(&actor.0, &id)).await?;
    Ok(HttpResponse::Ok().json(build_json(&v)))
}

/// Get workspace build logs
#[utoipa::path(
    operation_id = "get-workspace-build-logs",
    tag = "Builds",
    params(
        ("workspacebuild" = uuid::Uuid, Path, description = "Workspace build ID"),
        ("after" = Option<i64>, Query, description = "Only lines after this log id"),
        ("follow" = Option<bool>, Query, description = "Stream the lines over a WebSocket (one JSON message each) until the job finishes"),
    ),
    responses(
        (status = 101, description = "Switching to a WebSocket of log lines (`follow`)"),
        (status = 200, description = "OK", body = Vec<ProvisionerJobLog>),
        (status = 400, description = "Not a UUID, or `after` is not an integer", body = Response),
        (status = 403, description = "A WebSocket from another origin", body = Response),
        (status = 404, description = "No such build, or not visible", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/workspacebuilds/{workspacebuild}/logs")]
pub async fn build_logs(
    state: web::Data<State>,
    actor: Authed,
    id: Path<String>,
    req: HttpRequest,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    crate::routes::provisioners::joblogs::respond(state, req, body, actor.0, move |app, actor| app.build_job(actor, &id)).await
}

/// Get workspace resources for workspace build
#[utoipa::path(
    operation_id = "get-workspace-resources-for-workspace-build",
    tag = "Builds",
    params(("workspacebuild" = uuid::Uuid, Path, description = "Workspace build ID")),
    responses(
        (status = 200, description = "OK", body = Vec<WorkspaceResource>),
        (status = 400, description = "Not a UUID, or the build has not completed", body = Response),
        (status = 404, description = "No such build, or not visible", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/workspacebuilds/{workspacebuild}/resources")]
pub async fn build_resources(state: web::Data<State>, actor: Authed, id: Path<String>) -> ApiResult<HttpResponse> {
    let v = blocking(&state, move |app| app.build_resources(&actor.0, &id)).await?;
    if v.job.job.completed_at.is_none() {
        return Err(ApiError(Error::bad_request("Job hasn't completed!")));
    }
    let mut resources: Vec<WorkspaceResource> = v.resources.iter().map(|r| WorkspaceResource::of(r, &v.agents)).collect();
    resources.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(HttpResponse::Ok().json(resources))
}

/// Get workspace agent by ID
#[utoipa::path(
    operation_id = "get-workspace-agent-by-id",
    tag = "Agents",
    params(("workspaceagent" = uuid::Uuid, Path, description = "Workspace agent ID")),
    responses(
        (status = 200, description = "OK", body = WorkspaceAgent),
        (status = 400, description = "Not a UUID", body = Response),
        (status = 404, description = "No such agent, or not visible", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/workspaceagents/{workspaceagent}")]
pub async fn get_agent(state: web::Data<State>, actor: Authed, id: Path<String>) -> ApiResult<HttpResponse> {
    let a = blocking(&state, move |app| app.get_agent(&actor.0, &id)).await.map_err(|e| {
        if e.0.kind == domain::ErrorKind::NotFound {
            ApiError(Error { message: "Agent doesn't exist with that id, or you do not have access to it.".into(), ..e.0 })
        } else {
            e
        }
    })?;
    Ok(HttpResponse::Ok().json(WorkspaceAgent::from(&a)))
}

/// Get autofill build parameters for user
#[utoipa::path(
    operation_id = "get-autofill-build-parameters-for-user",
    tag = "Users",
    params(
        ("user" = String, Path, description = "User ID, username, or me"),
        ("template_id" = uuid::Uuid, Query, description = "Template ID"),
    ),
    responses(
        (status = 200, description = "OK", body = Vec<UserParameter>),
        (status = 400, description = "Missing or malformed template_id, or an unknown parameter", body = Response),
        (status = 403, description = "Not allowed to read the user's parameters", body = Response),
        (status = 404, description = "No such user", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/users/{user}/autofill-parameters")]
pub async fn autofill_parameters(state: web::Data<State>, actor: Authed, user: Path<String>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let pairs = query::pairs(&req);
    let mut bad = domain::error::Validations::new();
    for (k, _) in &pairs {
        if k != "template_id" {
            bad.add(k, format!("{k:?} is not a valid query param"));
        }
    }
    let raw = query::string(&pairs, "template_id");
    let template = if raw.is_empty() {
        bad.add("template_id", "Query param \"template_id\" is required and cannot be empty");
        None
    } else {
        match Uuid::parse_str(&raw) {
            Ok(id) => Some(id),
            Err(_) => {
                bad.add("template_id", "Query param \"template_id\" must be a valid uuid");
                None
            }
        }
    };
    bad.finish("Invalid query parameters.")?;
    let template = template.unwrap_or_default();
    let values = blocking(&state, move |app| app.autofill_parameters(&actor.0, &user, template)).await?;
    Ok(HttpResponse::Ok().json(values.into_iter().map(|(name, value)| UserParameter { name, value }).collect::<Vec<_>>()))
}

/// Get workspace external agent credentials
#[utoipa::path(
    operation_id = "get-workspace-external-agent-credentials",
    tag = "Enterprise",
    params(
        ("workspace" = uuid::Uuid, Path, description = "Workspace ID"),
        ("agent" = String, Path, description = "Agent name"),
    ),
    responses(
        (status = 200, description = "OK", body = ExternalAgentCredentials),
        (status = 400, description = "Not a UUID", body = Response),
        (status = 403, description = "The deployment is not licensed for external workspace agents", body = Response),
        (status = 404, description = "No such workspace, no external agent, or no agent of that name", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/workspaces/{workspace}/external-agent/{agent}/credentials")]
pub async fn external_agent_credentials(state: web::Data<State>, actor: Authed, path: Path<(String, String)>) -> ApiResult<HttpResponse> {
    let (ws, agent) = path.into_inner();
    let c = blocking(&state, move |app| app.external_agent_credentials(&actor.0, &ws, &agent)).await?;
    Ok(HttpResponse::Ok().json(ExternalAgentCredentials { agent_token: c.agent_token, command: c.command }))
}
