//! Files, templates, template versions and their ACLs.

use actix_web::http::header::CONTENT_TYPE;
use actix_web::web::{self, Path, ServiceConfig};
use actix_web::{delete, get, patch, post, HttpRequest, HttpResponse};
use domain::templates::acl::AclPatch;
use domain::templates::files::MAX_FILE_BYTES;
use domain::templates::template::{NewTemplate, SettingsPatch, TemplatePatch};
use domain::templates::versions::NewVersion;
use domain::{Error, ErrorKind};
use futures_util::StreamExt;

use crate::auth::Authed;
use crate::dto::{
    AclAvailable, CreateTemplateRequest, CreateTemplateVersionRequest, FileFormat, InvalidatePresetsResponse, InvalidatedPreset, Preset,
    ProvisionerJobLog, TarArchive, Template, TemplateAcl, TemplateVersion, TemplateVersionParameter, UpdateActiveTemplateVersion,
    UpdateTemplateAcl, UpdateTemplateMeta, UploadResponse, ZipArchive,
};
use crate::error::{ApiError, ApiResult, Response};
use crate::gate::{Gate, TemplateRbac, WorkspacePrebuilds};
use crate::query;
use crate::routes::provisioners::joblogs;
use crate::state::{blocking, State};

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    // The examples before `/templates/{template}` and `.../templates/{templatename}`.
    cfg.service(template_examples)
        .service(org_template_examples)
        .service(upload_file)
        .service(get_file)
        .service(create_version)
        .service(get_version)
        .service(version_logs)
        .service(version_parameters)
        .service(version_variables)
        .service(version_external_auth)
        .service(version_presets)
        .service(version_resources)
        .service(cancel_version)
        .service(create_template)
        .service(org_templates)
        .service(org_template_by_name)
        .service(all_templates)
        .service(template_acl)
        .service(patch_template_acl)
        .service(template_acl_available)
        .service(invalidate_presets)
        .service(template_versions)
        .service(set_active_version)
        .service(template_version_by_name)
        .service(get_template)
        .service(patch_template)
        .service(delete_template);
}

/// `codersdk.TemplateExample`: a starter template this server ships.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = codersdk::TemplateExample)]
pub struct TemplateExample {
    /// Its id, for `example_id` (a name, not a UUID, as in Coder).
    pub id: String,
    /// Where it is described (empty: it ships with this server).
    pub url: String,
    /// Name.
    pub name: String,
    /// One line about it.
    pub description: String,
    /// Icon path.
    pub icon: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Its README.
    pub markdown: String,
}

fn examples_json(list: &[domain::templates::examples::Example]) -> Vec<TemplateExample> {
    list.iter()
        .map(|e| TemplateExample {
            id: e.id.into(),
            url: String::new(),
            name: e.name.into(),
            description: e.description.into(),
            icon: e.icon.into(),
            tags: e.tags.iter().map(|t| t.to_string()).collect(),
            markdown: e.markdown.into(),
        })
        .collect()
}

/// Get template examples
///
/// Starter templates for the built-in echo provisioner, usable as `example_id` when creating a
/// template version. For callers who may read templates in some organization.
#[utoipa::path(
    operation_id = "get-template-examples",
    tag = "Templates",
    responses(
        (status = 200, description = "OK", body = Vec<TemplateExample>, example = json!([{
            "id": "scratch", "url": "", "name": "Scratch", "description": "A minimal starter template: no resources, ready to be edited.",
            "icon": "/emojis/1f4e6.png", "tags": ["local", "echo"], "markdown": "# Scratch\n"
        }])),
        (status = 404, description = "The caller may not read templates", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/templates/examples")]
pub async fn template_examples(state: web::Data<State>, actor: Authed) -> ApiResult<HttpResponse> {
    let list = blocking(&state, move |app| app.template_examples(&actor.0, None)).await?;
    Ok(HttpResponse::Ok().json(examples_json(list)))
}

/// Get template examples by organization
///
/// The same starter templates, for callers who may read templates in the organization.
#[utoipa::path(
    operation_id = "get-template-examples-by-organization",
    tag = "Templates",
    params(("organization" = String, Path, description = "Organization ID or name")),
    responses(
        (status = 200, description = "OK", body = Vec<TemplateExample>, example = json!([{
            "id": "scratch", "url": "", "name": "Scratch", "description": "A minimal starter template: no resources, ready to be edited.",
            "icon": "/emojis/1f4e6.png", "tags": ["local", "echo"], "markdown": "# Scratch\n"
        }])),
        (status = 404, description = "No such organization, or the caller may not read its templates", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/organizations/{organization}/templates/examples")]
pub async fn org_template_examples(state: web::Data<State>, actor: Authed, org: Path<String>) -> ApiResult<HttpResponse> {
    let org = org.into_inner();
    let list = blocking(&state, move |app| app.template_examples(&actor.0, Some(&org))).await?;
    Ok(HttpResponse::Ok().json(examples_json(list)))
}

fn message(text: &str) -> Response {
    Response { message: text.into(), detail: String::new(), validations: Vec::new() }
}

/// Upload file
#[utoipa::path(
    operation_id = "upload-file",
    tag = "Files",
    request_body(
        description = "A tar or zip archive of template source, at most 100 MiB (a zip also expanded as tar); a zip is stored as tar",
        content((TarArchive = "application/x-tar"), (ZipArchive = "application/zip"), (ZipArchive = "application/x-zip-compressed")),
    ),
    responses(
        (status = 200, description = "The caller had uploaded the same bytes before: that file", body = UploadResponse),
        (status = 201, description = "Created", body = UploadResponse),
        (status = 400, description = "Neither tar nor zip, or a broken zip", body = Response),
        (status = 413, description = "Larger than 100 MiB", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[post("/api/v2/files")]
pub async fn upload_file(state: web::Data<State>, actor: Authed, req: HttpRequest, mut body: web::Payload) -> ApiResult<HttpResponse> {
    let content_type = req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let mut data = Vec::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| ApiError(Error::bad_request("Failed to read file from request.").with_detail(e.to_string())))?;
        if data.len() + chunk.len() > MAX_FILE_BYTES {
            return Err(ApiError(
                Error::new(ErrorKind::TooLarge, "Failed to read file from request.").with_detail("http: request body too large"),
            ));
        }
        data.extend_from_slice(&chunk);
    }
    let (id, created) = blocking(&state, move |app| app.upload_file(&actor.0, &content_type, data)).await?;
    let body = UploadResponse { hash: id };
    Ok(if created { HttpResponse::Created().json(body) } else { HttpResponse::Ok().json(body) })
}

/// Get file by ID
#[utoipa::path(
    operation_id = "get-file-by-id",
    tag = "Files",
    params(
        ("fileID" = uuid::Uuid, Path, description = "File ID"),
        ("format" = inline(Option<FileFormat>), Query, description = "`zip` converts the stored tar archive to zip"),
    ),
    responses(
        (status = 200, description = "The archive", content(
            (TarArchive = "application/x-tar", example = json!("<tar bytes>")),
            (ZipArchive = "application/zip", example = json!("<zip bytes>")),
        )),
        (status = 400, description = "Not a UUID, or an unsupported format", body = Response),
        (status = 404, description = "No such file, or not yours", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/files/{fileID}")]
pub async fn get_file(state: web::Data<State>, actor: Authed, id: Path<String>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let format = query::string(&query::pairs(&req), "format");
    let (mimetype, data) = blocking(&state, move |app| app.get_file_as(&actor.0, &id, &format)).await?;
    Ok(HttpResponse::Ok().content_type(mimetype).body(data))
}

/// Create template version by organization
#[utoipa::path(
    operation_id = "create-template-version-by-organization",
    tag = "Templates",
    params(("organization" = String, Path, description = "Organization ID or name")),
    request_body = CreateTemplateVersionRequest,
    responses(
        (status = 201, description = "Created", body = TemplateVersion),
        (status = 400, description = "Invalid request", body = Response),
        (status = 403, description = "Not allowed to create templates here", body = Response),
        (status = 404, description = "No such organization, template or file", body = Response),
        (status = 409, description = "The template has a version of this name", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[post("/api/v2/organizations/{organization}/templateversions")]
pub async fn create_version(state: web::Data<State>, actor: Authed, org: Path<String>, body: web::Bytes) -> ApiResult<HttpResponse> {
    let b: CreateTemplateVersionRequest = crate::de::json_body(&body)?;
    let input = NewVersion {
        name: b.name,
        message: b.message,
        template_id: b.template_id.filter(|t| !t.is_nil()),
        storage_method: b.storage_method,
        file_id: b.file_id.filter(|f| !f.is_nil()),
        example_id: b.example_id.filter(|e| !e.is_empty()),
        provisioner: b.provisioner,
        tags: b.tags,
    };
    let v = blocking(&state, move |app| app.create_template_version(&actor.0, &org, input)).await?;
    Ok(HttpResponse::Created().json(TemplateVersion::from(&v)))
}

/// Get template version by ID
#[utoipa::path(
    operation_id = "get-template-version-by-id",
    tag = "Templates",
    params(("templateversion" = uuid::Uuid, Path, description = "Template version ID")),
    responses(
        (status = 200, description = "OK", body = TemplateVersion),
        (status = 400, description = "Not a UUID", body = Response),
        (status = 404, description = "No such version, or not visible", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/templateversions/{templateversion}")]
pub async fn get_version(state: web::Data<State>, actor: Authed, id: Path<String>) -> ApiResult<HttpResponse> {
    let v = blocking(&state, move |app| app.get_template_version(&actor.0, &id)).await?;
    Ok(HttpResponse::Ok().json(TemplateVersion::from(&v)))
}

/// Get logs by template version
#[utoipa::path(
    operation_id = "get-logs-by-template-version",
    tag = "Templates",
    params(
        ("templateversion" = uuid::Uuid, Path, description = "Template version ID"),
        ("after" = Option<i64>, Query, description = "Only lines after this log id"),
        ("follow" = Option<bool>, Query, description = "Stream the lines over a WebSocket (one JSON message each) until the job finishes"),
    ),
    responses(
        (status = 101, description = "Switching to a WebSocket of log lines (`follow`)"),
        (status = 200, description = "OK", body = Vec<ProvisionerJobLog>),
        (status = 400, description = "Not a UUID, or `after` is not an integer", body = Response),
        (status = 403, description = "A WebSocket from another origin", body = Response),
        (status = 404, description = "No such version, or not visible", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/templateversions/{templateversion}/logs")]
pub async fn version_logs(
    state: web::Data<State>,
    actor: Authed,
    id: Path<String>,
    req: HttpRequest,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    joblogs::respond(state, req, body, actor.0, move |app, actor| app.template_version_job(actor, &id)).await
}

/// Get rich parameters by template version
#[utoipa::path(
    operation_id = "get-rich-parameters-by-template-version",
    tag = "Templates",
    params(("templateversion" = uuid::Uuid, Path, description = "Template version ID")),
    responses(
        (status = 200, description = "OK", body = Vec<TemplateVersionParameter>),
        (status = 400, description = "Not a UUID", body = Response),
        (status = 404, description = "No such version, or not visible", body = Response),
        (status = 425, description = "The import has not finished", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/templateversions/{templateversion}/rich-parameters")]
pub async fn version_parameters(state: web::Data<State>, actor: Authed, id: Path<String>) -> ApiResult<HttpResponse> {
    let params = blocking(&state, move |app| app.template_version_parameters(&actor.0, &id)).await?;
    Ok(HttpResponse::Ok().json(params.iter().map(TemplateVersionParameter::from).collect::<Vec<_>>()))
}

/// `codersdk.TemplateVersionVariable`.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = codersdk::TemplateVersionVariable)]
pub struct TemplateVersionVariable {
    /// Its name.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// `string`, `number`, `bool`, `list(string)`.
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub type_: String,
    /// The value in use (`*redacted*` when sensitive).
    pub value: String,
    /// The default (`*redacted*` when sensitive).
    pub default_value: String,
    /// Whether a value must be given.
    pub required: bool,
    /// Whether the value is secret.
    pub sensitive: bool,
}

/// Get template variables by template version
#[utoipa::path(
    operation_id = "get-template-variables-by-template-version",
    tag = "Templates",
    params(("templateversion" = uuid::Uuid, Path, description = "Template version ID")),
    responses(
        (status = 200, description = "OK", body = Vec<TemplateVersionVariable>, example = json!([{"name": "region", "description": "Where to run",
            "type": "string", "value": "eu", "default_value": "eu", "required": false, "sensitive": false}])),
        (status = 400, description = "Not a UUID", body = Response),
        (status = 401, description = "Not signed in", body = Response),
        (status = 404, description = "No such version, or not visible", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/templateversions/{templateversion}/variables")]
pub async fn version_variables(state: web::Data<State>, actor: Authed, id: Path<String>) -> ApiResult<HttpResponse> {
    let list = blocking(&state, move |app| app.template_version_variables(&actor.0, &id)).await?;
    Ok(HttpResponse::Ok().json(
        list.into_iter()
            .map(|v| TemplateVersionVariable {
                name: v.name,
                description: v.description,
                type_: v.type_,
                value: v.value,
                default_value: v.default_value,
                required: v.required,
                sensitive: v.sensitive,
            })
            .collect::<Vec<_>>(),
    ))
}

/// `codersdk.TemplateVersionExternalAuth`.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = codersdk::TemplateVersionExternalAuth)]
pub struct TemplateVersionExternalAuth {
    /// The provider's id.
    pub id: String,
    /// Its type (its id: this deployment configures no providers).
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub type_: String,
    /// Shown name.
    pub display_name: String,
    /// Shown icon.
    pub display_icon: String,
    /// Where to authenticate (empty: no such provider is configured here).
    pub authenticate_url: String,
    /// Whether the caller has authenticated.
    pub authenticated: bool,
    /// Whether a workspace may be built without it.
    pub optional: bool,
}

/// Get external auth by template version
#[utoipa::path(
    operation_id = "get-external-auth-by-template-version",
    tag = "Templates",
    params(("templateversion" = uuid::Uuid, Path, description = "Template version ID")),
    responses(
        (status = 200, description = "OK", body = Vec<TemplateVersionExternalAuth>, example = json!([{"id": "github", "type": "github",
            "display_name": "github", "display_icon": "", "authenticate_url": "", "authenticated": false, "optional": false}])),
        (status = 400, description = "Not a UUID", body = Response),
        (status = 401, description = "Not signed in", body = Response),
        (status = 404, description = "No such version, or not visible", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/templateversions/{templateversion}/external-auth")]
pub async fn version_external_auth(state: web::Data<State>, actor: Authed, id: Path<String>) -> ApiResult<HttpResponse> {
    let list = blocking(&state, move |app| app.template_version_external_auth(&actor.0, &id)).await?;
    Ok(HttpResponse::Ok().json(
        list.into_iter()
            .map(|p| TemplateVersionExternalAuth {
                type_: p.id.clone(),
                display_name: p.id.clone(),
                id: p.id,
                display_icon: String::new(),
                authenticate_url: String::new(),
                authenticated: false,
                optional: p.optional,
            })
            .collect::<Vec<_>>(),
    ))
}

/// Get template version presets
#[utoipa::path(
    operation_id = "get-template-version-presets",
    tag = "Templates",
    params(("templateversion" = uuid::Uuid, Path, description = "Template version ID")),
    responses(
        (status = 200, description = "OK", body = Vec<Preset>),
        (status = 400, description = "Not a UUID", body = Response),
        (status = 404, description = "No such version, or not visible", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/templateversions/{templateversion}/presets")]
pub async fn version_presets(state: web::Data<State>, actor: Authed, id: Path<String>) -> ApiResult<HttpResponse> {
    let presets = blocking(&state, move |app| app.template_version_presets(&actor.0, &id)).await?;
    Ok(HttpResponse::Ok().json(presets.iter().map(Preset::from).collect::<Vec<_>>()))
}

/// Get resources by template version
#[utoipa::path(
    operation_id = "get-resources-by-template-version",
    tag = "Templates",
    params(("templateversion" = uuid::Uuid, Path, description = "Template version ID")),
    responses(
        (status = 200, description = "OK: `codersdk.WorkspaceResource` objects the import found", body = Vec<Object>, example = json!([{"id": "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d", "created_at": "2026-01-02T03:04:05Z", "job_id": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d", "workspace_transition": "start", "type": "docker_container", "name": "box", "hide": false, "icon": "", "agents": [], "metadata": [], "daily_cost": 0}])),
        (status = 400, description = "Not a UUID", body = Response),
        (status = 404, description = "No such version, or not visible", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/templateversions/{templateversion}/resources")]
pub async fn version_resources(state: web::Data<State>, actor: Authed, id: Path<String>) -> ApiResult<HttpResponse> {
    let resources = blocking(&state, move |app| app.template_version_resources(&actor.0, &id)).await?;
    Ok(HttpResponse::Ok().json(resources.iter().map(|r| r.data.clone()).collect::<Vec<_>>()))
}

/// Cancel template version by ID
#[utoipa::path(
    operation_id = "cancel-template-version-by-id",
    tag = "Templates",
    params(("templateversion" = uuid::Uuid, Path, description = "Template version ID")),
    responses(
        (status = 200, description = "OK", body = Response, example = json!({"message": "Job has been marked as canceled..."})),
        (status = 400, description = "The import already finished or was already cancelled", body = Response),
        (status = 403, description = "Not allowed to update the template", body = Response),
        (status = 404, description = "No such version, or not visible", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[patch("/api/v2/templateversions/{templateversion}/cancel")]
pub async fn cancel_version(state: web::Data<State>, actor: Authed, id: Path<String>) -> ApiResult<HttpResponse> {
    blocking(&state, move |app| app.cancel_template_version(&actor.0, &id)).await?;
    Ok(HttpResponse::Ok().json(message("Job has been marked as canceled...")))
}

fn settings_of_create(b: &CreateTemplateRequest) -> SettingsPatch {
    SettingsPatch {
        default_ttl_ms: b.default_ttl_ms,
        activity_bump_ms: b.activity_bump_ms,
        time_til_autostop_notify_ms: b.time_til_autostop_notify_ms,
        autostop_requirement: b.autostop_requirement.as_ref().map(|r| (r.days_of_week.clone(), r.weeks)),
        autostart_requirement: b.autostart_requirement.as_ref().map(|r| r.days_of_week.clone()),
        allow_user_autostart: b.allow_user_autostart,
        allow_user_autostop: b.allow_user_autostop,
        allow_user_cancel_workspace_jobs: b.allow_user_cancel_workspace_jobs,
        failure_ttl_ms: b.failure_ttl_ms,
        time_til_dormant_ms: b.dormant_ttl_ms,
        time_til_dormant_autodelete_ms: b.delete_ttl_ms,
        require_active_version: Some(b.require_active_version),
        deprecation_message: None,
        max_port_share_level: b.max_port_share_level.clone(),
        cors_behavior: b.cors_behavior.clone(),
        use_classic_parameter_flow: b.template_use_classic_parameter_flow,
        disable_module_cache: None,
    }
}

/// Create template by organization
#[utoipa::path(
    operation_id = "create-template-by-organization",
    tag = "Templates",
    params(("organization" = String, Path, description = "Organization ID or name")),
    request_body = CreateTemplateRequest,
    responses(
        (status = 201, description = "Created", body = Template),
        (status = 400, description = "Invalid request, or a version that is archived or already has a template", body = Response),
        (status = 403, description = "Not allowed to create templates here", body = Response),
        (status = 404, description = "No such organization or template version", body = Response),
        (status = 409, description = "Name taken in this organization", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[post("/api/v2/organizations/{organization}/templates")]
pub async fn create_template(state: web::Data<State>, actor: Authed, org: Path<String>, body: web::Bytes) -> ApiResult<HttpResponse> {
    let b: CreateTemplateRequest = crate::de::json_body(&body)?;
    let input = NewTemplate {
        patch: settings_of_create(&b),
        name: b.name,
        display_name: b.display_name,
        description: b.description,
        icon: b.icon,
        template_version_id: b.template_version_id,
        disable_everyone_group_access: b.disable_everyone_group_access,
    };
    let t = blocking(&state, move |app| app.create_template(&actor.0, &org, input)).await?;
    Ok(HttpResponse::Created().json(Template::from(&t)))
}

/// Get templates by organization
#[utoipa::path(
    operation_id = "get-templates-by-organization",
    tag = "Templates",
    params(
        ("organization" = String, Path, description = "Organization ID or name"),
        ("q" = Option<String>, Query, description = "Search: words match names; `name:`, `exact_name:`, `deprecated:`, `ids:`"),
    ),
    responses(
        (status = 200, description = "OK", body = Vec<Template>),
        (status = 400, description = "Invalid search", body = Response),
        (status = 404, description = "No such organization", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/organizations/{organization}/templates")]
pub async fn org_templates(state: web::Data<State>, actor: Authed, org: Path<String>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let q = query::string(&query::pairs(&req), "q");
    let list = blocking(&state, move |app| app.list_templates(&actor.0, Some(&org), &q)).await?;
    Ok(HttpResponse::Ok().json(list.iter().map(Template::from).collect::<Vec<_>>()))
}

/// Get templates by organization and template name
#[utoipa::path(
    operation_id = "get-templates-by-organization-and-template-name",
    tag = "Templates",
    params(
        ("organization" = String, Path, description = "Organization ID or name"),
        ("templatename" = String, Path, description = "Template name"),
    ),
    responses(
        (status = 200, description = "OK", body = Template),
        (status = 404, description = "No such organization or template", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/organizations/{organization}/templates/{templatename}")]
pub async fn org_template_by_name(state: web::Data<State>, actor: Authed, path: Path<(String, String)>) -> ApiResult<HttpResponse> {
    let (org, name) = path.into_inner();
    let t = blocking(&state, move |app| app.template_by_name(&actor.0, &org, &name)).await?;
    Ok(HttpResponse::Ok().json(Template::from(&t)))
}

/// Get all templates
#[utoipa::path(
    operation_id = "get-all-templates",
    tag = "Templates",
    params(("q" = Option<String>, Query, description = "Search: words match names; `name:`, `exact_name:`, `deprecated:`, `ids:`")),
    responses(
        (status = 200, description = "OK", body = Vec<Template>),
        (status = 400, description = "Invalid search", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/templates")]
pub async fn all_templates(state: web::Data<State>, actor: Authed, req: HttpRequest) -> ApiResult<HttpResponse> {
    let q = query::string(&query::pairs(&req), "q");
    let list = blocking(&state, move |app| app.list_templates(&actor.0, None, &q)).await?;
    Ok(HttpResponse::Ok().json(list.iter().map(Template::from).collect::<Vec<_>>()))
}

/// Get template settings by ID
#[utoipa::path(
    operation_id = "get-template-settings-by-id",
    tag = "Templates",
    params(("template" = uuid::Uuid, Path, description = "Template ID")),
    responses(
        (status = 200, description = "OK", body = Template),
        (status = 400, description = "Not a UUID", body = Response),
        (status = 404, description = "No such template, or not visible", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/templates/{template}")]
pub async fn get_template(state: web::Data<State>, actor: Authed, id: Path<String>) -> ApiResult<HttpResponse> {
    let t = blocking(&state, move |app| app.get_template(&actor.0, &id)).await?;
    Ok(HttpResponse::Ok().json(Template::from(&t)))
}

/// Update template settings by ID
#[utoipa::path(
    operation_id = "update-template-settings-by-id",
    tag = "Templates",
    params(("template" = uuid::Uuid, Path, description = "Template ID")),
    request_body = UpdateTemplateMeta,
    responses(
        (status = 200, description = "OK", body = Template),
        (status = 400, description = "Invalid change", body = Response),
        (status = 403, description = "Not allowed to update the template", body = Response),
        (status = 404, description = "No such template, or not visible", body = Response),
        (status = 409, description = "Name taken in the organization", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[patch("/api/v2/templates/{template}")]
pub async fn patch_template(state: web::Data<State>, actor: Authed, id: Path<String>, body: web::Bytes) -> ApiResult<HttpResponse> {
    let b: UpdateTemplateMeta = crate::de::json_body(&body)?;
    let patch = TemplatePatch {
        name: b.name,
        display_name: b.display_name,
        description: b.description,
        icon: b.icon,
        disable_everyone_group_access: b.disable_everyone_group_access,
        settings: SettingsPatch {
            default_ttl_ms: b.default_ttl_ms,
            activity_bump_ms: b.activity_bump_ms,
            time_til_autostop_notify_ms: b.time_til_autostop_notify_ms,
            autostop_requirement: b.autostop_requirement.map(|r| (r.days_of_week, r.weeks)),
            autostart_requirement: b.autostart_requirement.map(|r| r.days_of_week),
            allow_user_autostart: b.allow_user_autostart,
            allow_user_autostop: b.allow_user_autostop,
            allow_user_cancel_workspace_jobs: b.allow_user_cancel_workspace_jobs,
            failure_ttl_ms: b.failure_ttl_ms,
            time_til_dormant_ms: b.time_til_dormant_ms,
            time_til_dormant_autodelete_ms: b.time_til_dormant_autodelete_ms,
            require_active_version: b.require_active_version,
            deprecation_message: b.deprecation_message,
            max_port_share_level: b.max_port_share_level,
            cors_behavior: b.cors_behavior,
            use_classic_parameter_flow: b.use_classic_parameter_flow,
            disable_module_cache: b.disable_module_cache,
        },
    };
    let t = blocking(&state, move |app| app.patch_template(&actor.0, &id, patch)).await?;
    Ok(HttpResponse::Ok().json(Template::from(&t)))
}

/// Delete template by ID
#[utoipa::path(
    operation_id = "delete-template-by-id",
    tag = "Templates",
    params(("template" = uuid::Uuid, Path, description = "Template ID")),
    responses(
        (status = 200, description = "OK", body = Response, example = json!({"message": "Template has been deleted!"})),
        (status = 400, description = "Not a UUID", body = Response),
        (status = 403, description = "Not allowed to delete the template", body = Response),
        (status = 404, description = "No such template, or not visible", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[delete("/api/v2/templates/{template}")]
pub async fn delete_template(state: web::Data<State>, actor: Authed, id: Path<String>) -> ApiResult<HttpResponse> {
    blocking(&state, move |app| app.delete_template(&actor.0, &id)).await?;
    Ok(HttpResponse::Ok().json(message("Template has been deleted!")))
}

/// List template versions by template ID
#[utoipa::path(
    operation_id = "list-template-versions-by-template-id",
    tag = "Templates",
    params(
        ("template" = uuid::Uuid, Path, description = "Template ID"),
        ("after_id" = Option<uuid::Uuid>, Query, description = "After ID"),
        ("include_archived" = Option<bool>, Query, description = "Include archived versions in the list"),
        ("limit" = Option<i32>, Query, minimum = 0, description = "Page limit"),
        ("offset" = Option<i32>, Query, minimum = 0, description = "Page offset"),
    ),
    responses(
        (status = 200, description = "OK", body = Vec<TemplateVersion>),
        (status = 400, description = "Invalid pagination", body = Response),
        (status = 404, description = "No such template, or not visible", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/templates/{template}/versions")]
pub async fn template_versions(state: web::Data<State>, actor: Authed, id: Path<String>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let pairs = query::pairs(&req);
    let page = query::page(&pairs)?;
    let archived = query::boolean(&pairs, "include_archived");
    let list = blocking(&state, move |app| app.template_versions(&actor.0, &id, page, archived)).await?;
    Ok(HttpResponse::Ok().json(list.iter().map(TemplateVersion::from).collect::<Vec<_>>()))
}

/// Update active template version by template ID
#[utoipa::path(
    operation_id = "update-active-template-version-by-template-id",
    tag = "Templates",
    params(("template" = uuid::Uuid, Path, description = "Template ID")),
    request_body = UpdateActiveTemplateVersion,
    responses(
        (status = 200, description = "OK", body = Response, example = json!({"message": "Updated the active template version!"})),
        (status = 400, description = "The version belongs to another template or is archived", body = Response),
        (status = 403, description = "The version did not import successfully, or not allowed to update the template", body = Response),
        (status = 404, description = "No such template or version", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[patch("/api/v2/templates/{template}/versions")]
pub async fn set_active_version(state: web::Data<State>, actor: Authed, id: Path<String>, body: web::Bytes) -> ApiResult<HttpResponse> {
    let b: UpdateActiveTemplateVersion = crate::de::json_body(&body)?;
    blocking(&state, move |app| app.set_active_version(&actor.0, &id, b.id)).await?;
    Ok(HttpResponse::Ok().json(message("Updated the active template version!")))
}

/// Get template version by template ID and name
#[utoipa::path(
    operation_id = "get-template-version-by-template-id-and-name",
    tag = "Templates",
    params(
        ("template" = uuid::Uuid, Path, description = "Template ID"),
        ("templateversionname" = String, Path, description = "Template version name"),
    ),
    responses(
        (status = 200, description = "OK", body = TemplateVersion),
        (status = 400, description = "Not a UUID", body = Response),
        (status = 404, description = "No such template or version", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/templates/{template}/versions/{templateversionname}")]
pub async fn template_version_by_name(state: web::Data<State>, actor: Authed, path: Path<(String, String)>) -> ApiResult<HttpResponse> {
    let (id, name) = path.into_inner();
    let v = blocking(&state, move |app| app.template_version_by_name(&actor.0, &id, &name)).await?;
    Ok(HttpResponse::Ok().json(TemplateVersion::from(&v)))
}

/// Get template ACLs
#[utoipa::path(
    operation_id = "get-template-acls",
    tag = "Enterprise",
    params(("template" = uuid::Uuid, Path, description = "Template ID")),
    responses(
        (status = 200, description = "OK", body = TemplateAcl),
        (status = 400, description = "Not a UUID", body = Response),
        (status = 403, description = "Not allowed to update the template, or the deployment is not licensed for Template RBAC", body = Response),
        (status = 404, description = "No such template, or not visible", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/templates/{template}/acl")]
pub async fn template_acl(_: Gate<TemplateRbac>, state: web::Data<State>, actor: Authed, id: Path<String>) -> ApiResult<HttpResponse> {
    let acl = blocking(&state, move |app| app.template_acl(&actor.0, &id)).await?;
    Ok(HttpResponse::Ok().json(TemplateAcl::from(&acl)))
}

/// Update template ACL
#[utoipa::path(
    operation_id = "update-template-acl",
    tag = "Enterprise",
    params(("template" = uuid::Uuid, Path, description = "Template ID")),
    request_body = UpdateTemplateAcl,
    responses(
        (status = 200, description = "OK", body = Response, example = json!({"message": "Successfully updated template ACL list."})),
        (status = 400, description = "An unknown role, a malformed id, or a user or group that does not exist", body = Response),
        (status = 403, description = "Not allowed to update the template, or the deployment is not licensed for Template RBAC", body = Response),
        (status = 404, description = "No such template, or not visible", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[patch("/api/v2/templates/{template}/acl")]
pub async fn patch_template_acl(
    _: Gate<TemplateRbac>,
    state: web::Data<State>,
    actor: Authed,
    id: Path<String>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let b: UpdateTemplateAcl = crate::de::json_body(&body)?;
    let patch = AclPatch { user_perms: b.user_perms, group_perms: b.group_perms };
    blocking(&state, move |app| app.patch_template_acl(&actor.0, &id, patch)).await?;
    Ok(HttpResponse::Ok().json(message("Successfully updated template ACL list.")))
}

/// Get template available acl users/groups
#[utoipa::path(
    operation_id = "get-template-available-acl-usersgroups",
    tag = "Enterprise",
    params(
        ("template" = uuid::Uuid, Path, description = "Template ID"),
        ("q" = Option<String>, Query, description = "Users search query (the users list's language); groups match its bare words"),
        ("limit" = Option<i32>, Query, minimum = 0, description = "Page limit"),
        ("offset" = Option<i32>, Query, minimum = 0, description = "Page offset (users only)"),
        ("after_id" = Option<uuid::Uuid>, Query, description = "After ID (users only)"),
    ),
    responses(
        (status = 200, description = "OK", body = Vec<AclAvailable>),
        (status = 400, description = "Invalid search or pagination", body = Response),
        (status = 403, description = "The deployment is not licensed for Template RBAC", body = Response),
        (status = 404, description = "No such template, or not allowed to update it", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/templates/{template}/acl/available")]
pub async fn template_acl_available(
    _: Gate<TemplateRbac>,
    state: web::Data<State>,
    actor: Authed,
    id: Path<String>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let pairs = query::pairs(&req);
    let page = query::page(&pairs)?;
    let q = query::string(&pairs, "q");
    let a = blocking(&state, move |app| app.template_acl_available(&actor.0, &id, &q, page)).await?;
    Ok(HttpResponse::Ok().json(AclAvailable::from(&a)))
}

/// Invalidate presets for template
#[utoipa::path(
    operation_id = "invalidate-presets-for-template",
    tag = "Enterprise",
    params(("template" = uuid::Uuid, Path, description = "Template ID")),
    responses(
        (status = 200, description = "OK", body = InvalidatePresetsResponse),
        (status = 400, description = "Not a UUID", body = Response),
        (status = 403, description = "The deployment is not licensed for Workspace Prebuilds", body = Response),
        (status = 404, description = "No such template, or not allowed to update it", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[post("/api/v2/templates/{template}/prebuilds/invalidate")]
pub async fn invalidate_presets(
    _: Gate<WorkspacePrebuilds>,
    state: web::Data<State>,
    actor: Authed,
    id: Path<String>,
) -> ApiResult<HttpResponse> {
    let list = blocking(&state, move |app| app.invalidate_presets(&actor.0, &id)).await?;
    let invalidated = list
        .into_iter()
        .map(|p| InvalidatedPreset {
            template_name: p.template_name,
            template_version_name: p.template_version_name,
            preset_name: p.preset_name,
        })
        .collect();
    Ok(HttpResponse::Ok().json(InvalidatePresetsResponse { invalidated }))
}
