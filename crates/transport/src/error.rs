//! Coder's error envelope (`codersdk.Response`) on every non-2xx answer.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpResponse, ResponseError};
use domain::{Error, ErrorKind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The body of every error and of message-only successes.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[schema(as = codersdk::Response, example = json!({"message": "Validation failed.", "validations": [{"field": "username", "detail": "Validation failed for tag \"username\" with value: \"bad_name\""}]}))]
pub struct Response {
    /// An actionable message that depicts actions the request took.
    pub message: String,
    /// A debug message that provides further insight into why the action failed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
    /// Form field-specific friendly error messages.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub validations: Vec<ValidationError>,
}

/// One field's problem.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[schema(as = codersdk::ValidationError)]
pub struct ValidationError {
    /// The field at fault.
    pub field: String,
    /// What is wrong with it.
    pub detail: String,
}

impl Response {
    /// A message-only body.
    pub fn message(message: impl Into<String>) -> Self {
        Self { message: message.into(), detail: String::new(), validations: Vec::new() }
    }
}

/// A domain error on its way out as HTTP.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// The HTTP status of each error class.
pub fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
        ErrorKind::Unauthorized => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
        ErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorKind::Gone => StatusCode::GONE,
        ErrorKind::ExpectationFailed => StatusCode::EXPECTATION_FAILED,
        ErrorKind::TooEarly => StatusCode::from_u16(425).unwrap_or(StatusCode::BAD_REQUEST),
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        status_of(self.0.kind)
    }

    fn error_response(&self) -> HttpResponse {
        if self.0.kind == ErrorKind::Internal {
            tracing::error!(error = %self.0, "request failed");
        }
        let body = Response {
            message: self.0.message.clone(),
            detail: self.0.detail.clone(),
            validations: self.0.validations.iter().map(|v| ValidationError { field: v.field.clone(), detail: v.detail.clone() }).collect(),
        };
        let mut resp = HttpResponse::build(self.status_code()).json(body);
        if self.0.is_refusal() {
            resp.extensions_mut().insert(crate::middleware::Refused);
        }
        if let Some(secs) = self.0.retry_after {
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        // Like Coder, only the session check's 401s carry the challenge.
        if let (ErrorKind::Unauthorized, Some(refusal)) = (self.0.kind, self.0.session) {
            let value = match refusal {
                domain::error::SessionRefusal::Expired => {
                    "Bearer realm=\"coder\", error=\"invalid_token\", error_description=\"The access token has expired\""
                }
                domain::error::SessionRefusal::Invalid => {
                    "Bearer realm=\"coder\", error=\"invalid_token\", error_description=\"The access token is invalid\""
                }
            };
            resp.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(value));
        }
        resp
    }
}

/// Result type of handlers.
pub type ApiResult<T> = Result<T, ApiError>;

/// The message for an error status that no handler explained (unknown route, wrong method,
/// oversized body, ...).
fn default_message(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "Route not found.",
        StatusCode::METHOD_NOT_ALLOWED => "Method not allowed.",
        StatusCode::PAYLOAD_TOO_LARGE => "Request body is too large.",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "Unsupported content type.",
        StatusCode::BAD_REQUEST => "Bad request.",
        StatusCode::UNAUTHORIZED => "Unauthorized.",
        StatusCode::FORBIDDEN => "Forbidden.",
        StatusCode::REQUEST_TIMEOUT => "Request timed out.",
        s if s.is_server_error() => "An internal server error occurred.",
        _ => "Request failed.",
    }
}

/// Middleware hook: rewrites any error response that is not already JSON into the envelope, so
/// actix's own plain-text errors (404, 405, 413, ...) never reach a client. The server-rendered
/// pages (sign-in, consent) keep their HTML.
pub fn envelope_errors<B: MessageBody + 'static>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json") || v.starts_with("application/scim+json") || v.starts_with("text/html"));
    if is_json {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (req, old) = res.into_parts();
    let detail = old.error().map(|e| e.to_string()).unwrap_or_default();
    let mut body = Response::message(default_message(status));
    if !detail.is_empty() && status != StatusCode::NOT_FOUND {
        body.detail = detail;
    }
    let mut new = HttpResponse::build(status).json(body);
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            new.headers_mut().append(name.clone(), value.clone());
        }
    }
    let res = ServiceResponse::new(req, new.map_body(|_, b| BoxBody::new(b)));
    Ok(ErrorHandlerResponse::Response(res.map_into_right_body()))
}
