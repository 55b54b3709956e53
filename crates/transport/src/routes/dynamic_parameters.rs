//! `GET /templateversions/{id}/dynamic-parameters` (WebSocket): the form Coder's dashboard
//! renders to create a workspace. Coder evaluates the template's Terraform for every change of
//! the inputs; this server runs no Terraform, so the form is the version's parameters as its
//! import recorded them, each with the value typed so far (or its default) and a diagnostic
//! when that value is not one the parameter accepts. Same messages as Coder's: an initial
//! form (`id: -1`) on connect, then one answer per request with the request's `id`.

use std::collections::BTreeMap;

use actix_web::web::{self, Path, ServiceConfig};
use actix_web::{get, HttpRequest, HttpResponse};
use actix_ws::Message as WsMessage;
use domain::templates::Parameter;
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::Authed;
use crate::error::{ApiError, ApiResult, Response};
use crate::state::{blocking, State};

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(dynamic_parameters);
}

/// A request of the form: the inputs typed so far.
#[derive(Deserialize)]
struct FormRequest {
    id: i64,
    #[serde(default)]
    inputs: BTreeMap<String, String>,
}

/// Query parameters of the WebSocket.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DynamicParametersQuery {
    /// The user the workspace is for (id, name or `me`; default: the caller).
    pub user_id: Option<String>,
}

/// Open dynamic parameters WebSocket by template version
///
/// A WebSocket: on connect the server sends the form without inputs (`id` -1); each text
/// message `{"id", "inputs": {name: value}}` is answered with `{"id", "diagnostics",
/// "parameters"}` for those inputs. This server renders the version's recorded parameters (it
/// runs no Terraform).
#[utoipa::path(
    operation_id = "open-dynamic-parameters-websocket-by-template-version",
    tag = "Templates",
    params(("templateversion" = uuid::Uuid, Path, description = "Template version ID"), DynamicParametersQuery),
    responses(
        (status = 101, description = "Switching protocols"),
        (status = 400, description = "Not a UUID, or not a WebSocket request", body = Response),
        (status = 401, description = "Not signed in", body = Response),
        (status = 404, description = "No such version or user, or not visible", body = Response),
        (status = 425, description = "The version's import has not finished", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/templateversions/{templateversion}/dynamic-parameters")]
pub async fn dynamic_parameters(
    state: web::Data<State>,
    actor: Authed,
    id: Path<String>,
    q: web::Query<DynamicParametersQuery>,
    req: HttpRequest,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    let user = q.user_id.clone().unwrap_or_else(|| "me".into());
    let params = blocking(&state, move |app| {
        app.find_user(&actor.0, &user)?;
        app.template_version_parameters(&actor.0, &id)
    })
    .await?;
    crate::provisionerd::websocket::check_origin(&req, &state.info.access_url)?;
    let (response, mut session, mut messages) = actix_ws::handle(&req, body)
        .map_err(|e| ApiError(domain::Error::bad_request("Failed to accept websocket.").with_detail(e.to_string())))?;
    actix_web::rt::spawn(async move {
        if session.text(form(-1, &params, &BTreeMap::new()).to_string()).await.is_err() {
            return;
        }
        // Requests are small; a larger message is refused and closes the socket.
        while let Some(msg) = messages.next().await {
            match msg {
                Ok(WsMessage::Text(text)) if text.len() <= 64 * 1024 => {
                    let Ok(request) = serde_json::from_str::<FormRequest>(&text) else { break };
                    if session.text(form(request.id, &params, &request.inputs).to_string()).await.is_err() {
                        return;
                    }
                }
                Ok(WsMessage::Ping(p)) => {
                    if session.pong(&p).await.is_err() {
                        return;
                    }
                }
                Ok(WsMessage::Close(_)) | Err(_) => break,
                Ok(WsMessage::Text(_)) | Ok(WsMessage::Binary(_)) => break,
                Ok(_) => {}
            }
        }
        let _ = session.close(None).await;
    });
    Ok(response)
}

/// The form for these inputs, as Coder's `DynamicParametersResponse`.
fn form(id: i64, params: &[Parameter], inputs: &BTreeMap<String, String>) -> Value {
    let parameters: Vec<Value> = params.iter().map(|p| preview(p, inputs.get(&p.name))).collect();
    json!({"id": id, "diagnostics": [], "parameters": parameters})
}

fn hcl(value: &str) -> Value {
    json!({"value": value, "valid": true})
}

/// One parameter as Coder's `PreviewParameter`.
fn preview(p: &Parameter, input: Option<&String>) -> Value {
    let value = input.cloned().unwrap_or_else(|| p.default_value.clone());
    let mut diagnostics = Vec::new();
    if p.required && value.is_empty() {
        diagnostics.push(json!({"severity": "error", "summary": "Required parameter not provided", "detail": format!("Parameter {:?} requires a value.", p.name), "extra": {"code": ""}}));
    } else if !p.options.is_empty() && !value.is_empty() && !p.options.iter().any(|o| o.value == value) {
        diagnostics.push(json!({"severity": "error", "summary": "Value must be a valid option", "detail": format!("{value:?} is not an option of {:?}.", p.name), "extra": {"code": ""}}));
    }
    let form_type = if !p.form_type.is_empty() {
        p.form_type.clone()
    } else if !p.options.is_empty() {
        "radio".into()
    } else if p.kind == "bool" {
        "switch".into()
    } else if p.kind == "list(string)" {
        "tag-select".into()
    } else {
        "input".into()
    };
    let has_validation =
        !p.validation_regex.is_empty() || p.validation_min.is_some() || p.validation_max.is_some() || !p.validation_monotonic.is_empty();
    let validations = if has_validation {
        json!([{
            "validation_error": p.validation_error, "validation_regex": (!p.validation_regex.is_empty()).then_some(&p.validation_regex),
            "validation_min": p.validation_min, "validation_max": p.validation_max,
            "validation_monotonic": (!p.validation_monotonic.is_empty()).then_some(&p.validation_monotonic),
        }])
    } else {
        json!([])
    };
    json!({
        "name": p.name,
        "display_name": p.display_name,
        "description": p.description,
        "type": p.kind,
        "form_type": form_type,
        "styling": {},
        "mutable": p.mutable,
        "default_value": hcl(&p.default_value),
        "icon": p.icon,
        "options": p.options.iter().map(|o| json!({"name": o.name, "description": o.description, "value": hcl(&o.value), "icon": o.icon})).collect::<Vec<_>>(),
        "validations": validations,
        "required": p.required,
        "order": p.order,
        "ephemeral": p.ephemeral,
        "value": hcl(&value),
        "diagnostics": diagnostics,
    })
}
