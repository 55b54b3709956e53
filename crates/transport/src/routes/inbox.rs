//! Inbox notifications (`/notifications/inbox`): the list, the `watch` WebSocket that pushes
//! new ones, and read status.

use actix_web::web::{self, Json, Path, ServiceConfig};
use actix_web::{get, put, HttpRequest, HttpResponse};
use actix_ws::Message as WsMessage;
use domain::inbox::{InboxFilter, InboxNotification as Notification};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::Authed;
use crate::error::{ApiError, ApiResult, Response};
use crate::state::{blocking, State};

/// Registers the routes of this module.
pub fn configure(cfg: &mut ServiceConfig) {
    // The fixed paths before `{id}`.
    cfg.service(list).service(watch_inbox).service(mark_all_read).service(read_status);
}

/// `codersdk.InboxNotificationAction`.
#[derive(Serialize, Deserialize, ToSchema, Clone)]
#[schema(as = codersdk::InboxNotificationAction)]
pub struct InboxNotificationAction {
    /// Its text.
    pub label: String,
    /// Where it goes.
    pub url: String,
}

/// `codersdk.InboxNotification`.
#[derive(Serialize, ToSchema, Clone)]
#[schema(as = codersdk::InboxNotification)]
pub struct InboxNotification {
    /// Identity.
    pub id: Uuid,
    /// Whose it is.
    pub user_id: Uuid,
    /// The template it was made from.
    pub template_id: Uuid,
    /// What it is about.
    pub targets: Vec<Uuid>,
    /// Title.
    pub title: String,
    /// Body.
    pub content: String,
    /// Icon, or the dashboard's default for its kind.
    pub icon: String,
    /// Links.
    pub actions: Vec<InboxNotificationAction>,
    /// When it was read; null while unread.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub read_at: Option<time::OffsetDateTime>,
    /// When it was made.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
}

impl From<&Notification> for InboxNotification {
    fn from(n: &Notification) -> Self {
        Self {
            id: n.id,
            user_id: n.user_id,
            template_id: n.template_id,
            targets: n.targets.clone(),
            title: n.title.clone(),
            content: n.content.clone(),
            icon: if n.icon.is_empty() { "DEFAULT_ICON_OTHER".into() } else { n.icon.clone() },
            actions: n.actions.iter().map(|a| InboxNotificationAction { label: a.label.clone(), url: a.url.clone() }).collect(),
            read_at: n.read_at,
            created_at: n.created_at,
        }
    }
}

/// `codersdk.ListInboxNotificationsResponse`.
#[derive(Serialize, ToSchema)]
#[schema(as = codersdk::ListInboxNotificationsResponse)]
pub struct ListInboxNotificationsResponse {
    /// Newest first, at most 25.
    pub notifications: Vec<InboxNotification>,
    /// How many of the caller's notifications are unread.
    pub unread_count: i64,
}

/// `codersdk.GetInboxNotificationResponse`.
#[derive(Serialize, ToSchema)]
#[schema(as = codersdk::GetInboxNotificationResponse)]
pub struct GetInboxNotificationResponse {
    /// The notification.
    pub notification: InboxNotification,
    /// How many are unread now.
    pub unread_count: i64,
}

/// `codersdk.UpdateInboxNotificationReadStatusRequest`.
#[derive(Deserialize, ToSchema)]
#[schema(as = codersdk::UpdateInboxNotificationReadStatusRequest)]
pub struct UpdateReadStatus {
    /// Read (true) or unread (false).
    pub is_read: bool,
}

const EXAMPLE: &str = r#"{"id": "5f5b3e6a-2b8e-4b7f-9a43-0a3a0b3c2d11", "user_id": "a0b0c0d0-0000-4000-8000-000000000001", "template_id": "c0d1e2f3-0000-4000-8000-000000000002", "targets": [], "title": "Workspace \"dev\" was created", "content": "...", "icon": "DEFAULT_ICON_WORKSPACE", "actions": [{"label": "View workspace", "url": "https://coder.example.com/@alice/dev"}], "read_at": null, "created_at": "2026-12-07T11:00:00Z"}"#;

/// List inbox notifications
///
/// The caller's notifications, newest first, 25 at a time (`starting_before` pages), with the
/// unread count.
#[utoipa::path(
    operation_id = "list-inbox-notifications",
    tag = "Notifications",
    params(
        ("targets" = Option<String>, Query, description = "Comma-separated target IDs: notifications about all of them"),
        ("templates" = Option<String>, Query, description = "Comma-separated template IDs"),
        ("read_status" = Option<String>, Query, description = "`all` (default), `read` or `unread`"),
        ("starting_before" = Option<uuid::Uuid>, Query, description = "Only notifications older than this one"),
    ),
    responses(
        (status = 200, description = "OK", body = ListInboxNotificationsResponse,
            example = json!({"notifications": [serde_json::from_str::<serde_json::Value>(EXAMPLE).unwrap_or_default()], "unread_count": 1})),
        (status = 400, description = "A bad or unknown query parameter", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/notifications/inbox")]
pub async fn list(state: web::Data<State>, actor: Authed, req: HttpRequest) -> ApiResult<HttpResponse> {
    let (filter, _) = InboxFilter::parse(&crate::query::pairs(&req), false)?;
    let (page, unread) = blocking(&state, move |app| app.inbox(&actor.0, &filter)).await?;
    Ok(HttpResponse::Ok()
        .json(ListInboxNotificationsResponse { notifications: page.iter().map(Into::into).collect(), unread_count: unread }))
}

/// Watch for new inbox notifications
///
/// A WebSocket: each notification the caller receives from now on (matching the filters) is
/// sent as a text frame `{"notification": ..., "unread_count": N}`; the server reads nothing.
#[utoipa::path(
    operation_id = "watch-for-new-inbox-notifications",
    tag = "Notifications",
    params(
        ("targets" = Option<String>, Query, description = "Comma-separated target IDs"),
        ("templates" = Option<String>, Query, description = "Comma-separated template IDs"),
        ("read_status" = Option<String>, Query, description = "`all` (default), `read` or `unread`"),
        ("format" = Option<String>, Query, description = "`markdown` (default) or `plaintext`"),
    ),
    responses(
        (status = 101, description = "Switching to the WebSocket protocol"),
        (status = 400, description = "A bad or unknown query parameter", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[get("/api/v2/notifications/inbox/watch")]
pub async fn watch_inbox(state: web::Data<State>, actor: Authed, req: HttpRequest, body: web::Payload) -> ApiResult<HttpResponse> {
    let (filter, _format) = InboxFilter::parse(&crate::query::pairs(&req), true)?;
    crate::provisionerd::websocket::check_origin(&req, &state.info.access_url)?;
    let (response, mut session, mut messages) = actix_ws::handle(&req, body)
        .map_err(|e| ApiError(domain::Error::bad_request("Failed to accept websocket.").with_detail(e.to_string())))?;
    let mut wake = state.inbox.subscribe();
    let state = state.clone();
    let actor = actor.0;
    actix_web::rt::spawn(async move {
        let mut since = domain::clock::now();
        loop {
            tokio::select! {
                changed = wake.changed() => {
                    if changed.is_err() {
                        break;
                    }
                    let (a, f) = (actor.clone(), filter.clone());
                    let Ok((new, unread)) = blocking(&state, move |app| app.inbox_since(&a, &f, since)).await else { break };
                    for n in &new {
                        since = since.max(n.created_at);
                        let frame = serde_json::to_string(&GetInboxNotificationResponse { notification: n.into(), unread_count: unread }).unwrap_or_default();
                        if session.text(frame).await.is_err() {
                            return;
                        }
                    }
                }
                msg = messages.next() => match msg {
                    Some(Ok(WsMessage::Ping(p))) => {
                        if session.pong(&p).await.is_err() {
                            break;
                        }
                    }
                    Some(Ok(WsMessage::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => {}
                },
            }
        }
        let _ = session.close(None).await;
    });
    Ok(response)
}

/// Update read status of a notification
#[utoipa::path(
    operation_id = "update-read-status-of-a-notification",
    tag = "Notifications",
    params(("id" = uuid::Uuid, Path, description = "The notification")),
    request_body(content = UpdateReadStatus, example = json!({"is_read": true})),
    responses(
        (status = 200, description = "OK", body = GetInboxNotificationResponse,
            example = json!({"notification": serde_json::from_str::<serde_json::Value>(EXAMPLE).unwrap_or_default(), "unread_count": 0})),
        (status = 400, description = "A malformed id", body = Response),
        (status = 404, description = "Not one of the caller's notifications", body = Response),
    ),
    security(("CoderSessionToken" = [])),
)]
#[put("/api/v2/notifications/inbox/{id}/read-status")]
pub async fn read_status(
    state: web::Data<State>,
    actor: Authed,
    id: Path<String>,
    body: Json<UpdateReadStatus>,
) -> ApiResult<HttpResponse> {
    let (id, is_read) = (id.into_inner(), body.is_read);
    let (n, unread) = blocking(&state, move |app| app.set_inbox_read(&actor.0, &id, is_read)).await?;
    Ok(HttpResponse::Ok().json(GetInboxNotificationResponse { notification: (&n).into(), unread_count: unread }))
}

/// Mark all unread notifications as read
#[utoipa::path(
    operation_id = "mark-all-unread-notifications-as-read",
    tag = "Notifications",
    responses((status = 204, description = "No Content")),
    security(("CoderSessionToken" = [])),
)]
#[put("/api/v2/notifications/inbox/mark-all-as-read")]
pub async fn mark_all_read(state: web::Data<State>, actor: Authed) -> ApiResult<HttpResponse> {
    blocking(&state, move |app| app.mark_inbox_read(&actor.0)).await?;
    Ok(HttpResponse::NoContent().finish())
}
