//! The HTTP layer of the Coder control plane: actix-web handlers, the authentication extractor,
//! Coder's error envelope, and the utoipa annotations the OpenAPI document is generated from.
#![recursion_limit = "256"]
#![warn(missing_docs)]

pub mod agentapi;
pub mod auth;
pub mod csrf;
pub mod de;
pub mod dto;
pub mod error;
pub mod externallogin;
pub mod gate;
pub mod html;
mod memory;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod provisionerd;
pub mod query;
pub mod ratelimit;
pub mod realip;
pub mod routes;
pub mod site;
pub mod state;

use actix_web::http::{header, Method, StatusCode};
use actix_web::web::{self, ServiceConfig};
use actix_web::{HttpRequest, HttpResponse};
use domain::Error;
use utoipa_swagger_ui::SwaggerUi;

use crate::error::{ApiError, Response};

/// Largest JSON body accepted, in bytes.
pub const MAX_JSON_BODY: usize = 1 << 20;

/// Registers every route, the body/query/path decoders with Coder's error wording, and the
/// OpenAPI document with Swagger UI.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.app_data(json_config()).app_data(query_config()).app_data(path_config());
    routes::configure(cfg);
    // Coder serves the UI at `/swagger`; the UI's own assets live under `/swagger/`.
    cfg.route(
        "/swagger",
        web::get().to(|| async { HttpResponse::PermanentRedirect().insert_header((header::LOCATION, "/swagger/")).finish() }),
    );
    // The document is rendered once, on first request, and shared by every worker: building it
    // is the largest allocation the server makes, so it is neither repeated per worker nor paid
    // at start-up.
    cfg.route("/api/v2/openapi.json", web::get().to(openapi_json));
    cfg.service(SwaggerUi::new("/swagger/{_:.*}").config(utoipa_swagger_ui::Config::from("/api/v2/openapi.json")));
}

static OPENAPI_JSON: std::sync::OnceLock<String> = std::sync::OnceLock::new();

async fn openapi_json() -> HttpResponse {
    let body: &'static str = OPENAPI_JSON.get_or_init(|| {
        let json = openapi::document_json();
        memory::release_freed();
        json
    });
    HttpResponse::Ok().content_type("application/json").body(body)
}

/// Coder decodes any body as JSON whatever its content type (`httpapi.Read`), so this does too;
/// failures get Coder's "Request body must be valid JSON." message.
fn json_config() -> web::JsonConfig {
    web::JsonConfig::default().limit(MAX_JSON_BODY).content_type_required(false).error_handler(|err, _req| {
        use actix_web::error::JsonPayloadError;
        let e = match &err {
            JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
                return actix_web::error::InternalError::from_response(
                    err.to_string(),
                    HttpResponse::build(StatusCode::PAYLOAD_TOO_LARGE).json(Response {
                        message: "Request body is too large.".into(),
                        detail: err.to_string(),
                        validations: vec![],
                    }),
                )
                .into();
            }
            JsonPayloadError::Deserialize(de) => Error::bad_request("Request body must be valid JSON.").with_detail(de.to_string()),
            other => Error::bad_request("Request body must be valid JSON.").with_detail(other.to_string()),
        };
        ApiError(e).into()
    })
}

fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| {
        ApiError(Error::bad_request("Query parameters have invalid values.").with_detail(err.to_string())).into()
    })
}

fn path_config() -> web::PathConfig {
    web::PathConfig::default()
        .error_handler(|err, _req| ApiError(Error::bad_request("Invalid path parameter.").with_detail(err.to_string())).into())
}

/// The documented routes, used to tell "no such route" (404) from "wrong method" (405).
pub struct RouteTable(Vec<(actix_router::ResourceDef, Vec<Method>)>);

impl RouteTable {
    fn new() -> Self {
        let doc = openapi::document();
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let mut methods = Vec::new();
                for (m, op) in [
                    (Method::GET, &item.get),
                    (Method::POST, &item.post),
                    (Method::PUT, &item.put),
                    (Method::PATCH, &item.patch),
                    (Method::DELETE, &item.delete),
                ] {
                    if op.is_some() {
                        methods.push(m);
                    }
                }
                (actix_router::ResourceDef::new(path.as_str()), methods)
            })
            .collect();
        Self(routes)
    }

    /// The methods of the route a path resolves to. Where several patterns match (the fixed
    /// `/users/authmethods` and `/users/{user}`), the one the router picks counts: at the first
    /// segment where they differ, a fixed segment wins over a parameter.
    fn allowed(&self, path: &str) -> Option<Vec<Method>> {
        self.0
            .iter()
            .filter(|(def, _)| def.is_match(path))
            .min_by_key(|(def, _)| def.pattern().unwrap_or_default().split('/').map(|seg| seg.starts_with('{')).collect::<Vec<bool>>())
            .map(|(_, methods)| methods.clone())
    }
}

/// Fallback for requests no route took: 405 with `Allow` when the path exists under another
/// method, otherwise Coder's 404 "Route not found.".
/// The table is derived from the OpenAPI document once, on the first unrouted request, and
/// shared by every worker: building the document is the largest allocation the server makes.
pub async fn fallback(req: HttpRequest) -> HttpResponse {
    // Every path outside the API is the dashboard's (or, without one, the landing page at `/`).
    if !req.path().starts_with("/api/") {
        if let Some(state) = req.app_data::<actix_web::web::Data<crate::state::State>>().cloned() {
            if (state.site.is_some() || req.path() == "/") && matches!(*req.method(), Method::GET | Method::HEAD) {
                return site::serve(req, state).await;
            }
        }
    }
    static TABLE: std::sync::OnceLock<RouteTable> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let table = RouteTable::new();
        memory::release_freed();
        table
    });
    match table.allowed(req.path()) {
        Some(methods) if !methods.contains(req.method()) => {
            let allow = methods.iter().map(Method::as_str).collect::<Vec<_>>().join(", ");
            HttpResponse::MethodNotAllowed().insert_header((header::ALLOW, allow)).json(Response::message(format!(
                "Method {} is not allowed on {}.",
                req.method(),
                req.path()
            )))
        }
        _ => HttpResponse::NotFound().json(Response::message("Route not found.")),
    }
}
