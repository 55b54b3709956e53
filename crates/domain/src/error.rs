//! The one error type every use case returns.
//!
//! It mirrors Coder's `codersdk.Response` envelope (message, detail, per-field validations) so the
//! transport layer only has to pick the HTTP status from [`ErrorKind`]; the words a client sees are
//! decided here, next to the rule that failed.

use std::fmt;

/// Which class of failure happened; the transport maps each to exactly one HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request is malformed or breaks a validation rule (400).
    BadRequest,
    /// No valid credentials were presented (401).
    Unauthorized,
    /// The caller is known but may not do this (403).
    Forbidden,
    /// The target does not exist, or the caller may not know it exists (404).
    NotFound,
    /// The request collides with existing state, e.g. a taken name (409).
    Conflict,
    /// The request is understood but cannot be served in the target's state (406).
    NotAcceptable,
    /// The body is larger than the endpoint takes (413).
    TooLarge,
    /// What was asked for is not ready yet; ask again later (425).
    TooEarly,
    /// The target existed and was deleted (410), where Coder tells that apart from 404.
    Gone,
    /// The request cannot be met until something else is done first (417), as Coder answers
    /// a user deletion while the user still owns workspaces.
    ExpectationFailed,
    /// Something failed on our side; the client cannot fix it (500).
    Internal,
    /// A dependency (the database) is unreachable; retrying later may work (503).
    Unavailable,
}

/// Which `WWW-Authenticate` challenge a refused session gets (Coder's API-key middleware).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionRefusal {
    /// `error="invalid_token"`, "The access token is invalid".
    Invalid,
    /// `error="invalid_token"`, "The access token has expired".
    Expired,
}

/// A field-level complaint, shown by Coder's UI next to the form field it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The JSON field (or query term) that is wrong.
    pub field: String,
    /// Why it is wrong, as a sentence fragment.
    pub detail: String,
}

/// A failed use case, carrying everything Coder's error envelope shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Decides the HTTP status.
    pub kind: ErrorKind,
    /// An actionable, user-facing sentence.
    pub message: String,
    /// Technical detail for debugging; may be empty.
    pub detail: String,
    /// Field-specific problems; may be empty.
    pub validations: Vec<FieldError>,
    /// Seconds the client should wait before trying again (sent as `Retry-After`).
    pub retry_after: Option<u64>,
    /// An authorization refusal, told apart from a row that is really missing (both answer
    /// 404), so that the test suite can account for every operation's refusals.
    pub denial: bool,
    /// Set when the session check refused the credentials: the 401 then carries a challenge.
    pub session: Option<SessionRefusal>,
}

/// Shorthand used by every use case and store method.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Coder's wording for a hidden or missing resource (`httpapi.ResourceNotFound`).
pub const RESOURCE_NOT_FOUND: &str = "Resource not found or you do not have access to this resource";

/// Coder's wording for a denied action (`httpapi.Forbidden`).
pub const FORBIDDEN: &str = "Forbidden.";

impl Error {
    /// Builds an error of any kind with a message and no detail.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            detail: String::new(),
            validations: Vec::new(),
            retry_after: None,
            denial: false,
            session: None,
        }
    }

    /// A 400 with a message.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadRequest, message)
    }

    /// A 400 about one field: the message plus a validation entry naming the field.
    pub fn invalid_field(message: impl Into<String>, field: &str, detail: impl Into<String>) -> Self {
        Self::bad_request(message).with_validation(field, detail)
    }

    /// A 401 with a message.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unauthorized, message)
    }

    /// The standard 403.
    pub fn forbidden() -> Self {
        Self::new(ErrorKind::Forbidden, FORBIDDEN)
    }

    /// The standard 404, used both for absent resources and ones the caller may not see.
    pub fn not_found() -> Self {
        Self::new(ErrorKind::NotFound, RESOURCE_NOT_FOUND)
    }

    /// Marks a 401 as the session check's (see [`Error::session`]).
    pub fn with_session(mut self, refusal: SessionRefusal) -> Self {
        self.session = Some(refusal);
        self
    }

    /// Marks the error as an authorization refusal (see [`Error::denial`]).
    pub fn denied(mut self) -> Self {
        self.denial = true;
        self
    }

    /// Whether the error refuses the caller: every 403, and the 404s the authorization layer
    /// answers for what the caller may not see.
    pub fn is_refusal(&self) -> bool {
        self.kind == ErrorKind::Forbidden || self.denial
    }

    /// A 409 with a message.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, message)
    }

    /// A 500; the detail carries the underlying cause for the logs and the client.
    pub fn internal(message: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message).with_detail(detail)
    }

    /// Adds technical detail.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }

    /// Asks the client to wait `seconds` before retrying.
    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// Adds one field validation.
    pub fn with_validation(mut self, field: &str, detail: impl Into<String>) -> Self {
        self.validations.push(FieldError { field: field.to_string(), detail: detail.into() });
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.detail.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.message, self.detail)
        }
    }
}

impl std::error::Error for Error {}

/// Collects field problems so a request reports all of them at once, as Coder's validator does.
#[derive(Debug, Default)]
pub struct Validations(Vec<FieldError>);

impl Validations {
    /// Starts an empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem with `field`.
    pub fn add(&mut self, field: &str, detail: impl Into<String>) {
        self.0.push(FieldError { field: field.to_string(), detail: detail.into() });
    }

    /// Records the outcome of a check that yields `Err(detail)` on failure.
    pub fn check(&mut self, field: &str, outcome: std::result::Result<(), String>) {
        if let Err(detail) = outcome {
            self.add(field, detail);
        }
    }

    /// Fails with a 400 carrying every recorded problem, or succeeds when there are none.
    pub fn finish(self, message: &str) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error { validations: self.0, ..Error::bad_request(message) })
        }
    }
}
