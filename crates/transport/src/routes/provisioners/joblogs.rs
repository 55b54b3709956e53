//! The log endpoints' parameters and `?follow`: a job's log lines over a WebSocket, as Coder
//! streams them. Each line is one text message (a `ProvisionerJobLog` as JSON); when the job has
//! finished and every line is sent, the server closes with a normal closure ("done").
//!
//! Coder wakes followers through its pubsub; here a follower reads the lines after the last it
//! sent every [`POLL`], two indexed reads, which serves followers on any replica alike and keeps
//! log writes free of notifications.

use std::time::Duration;

use actix_web::{web, HttpRequest, HttpResponse};
use actix_ws::{AggregatedMessage, CloseCode, CloseReason, Session};
use domain::Error;
use futures_util::StreamExt;
use uuid::Uuid;

use crate::dto::ProvisionerJobLog;
use crate::error::{ApiError, ApiResult};
use crate::provisionerd::websocket::check_origin;
use crate::query;
use crate::state::{blocking, State};

/// How often a follower looks for new lines.
pub const POLL: Duration = Duration::from_millis(250);

/// The `after` parameter of the log endpoints: only lines with a greater id.
pub fn after_param(req: &HttpRequest) -> ApiResult<Option<i64>> {
    match query::pairs(req).iter().rev().find(|(k, _)| k == "after").map(|(_, v)| v.clone()) {
        None => Ok(None),
        Some(v) if v.is_empty() => Ok(None),
        Some(v) => v.parse::<i64>().map(Some).map_err(|_| {
            ApiError(Error::bad_request("Query param \"after\" must be an integer.").with_validation("after", "Must be an integer"))
        }),
    }
}

/// Whether the request asks to follow (`follow` present, whatever its value, as in Coder).
pub fn follow_requested(req: &HttpRequest) -> bool {
    query::pairs(req).iter().any(|(k, _)| k == "follow")
}

/// `GET .../logs` of the job `job_of` finds (checking the caller's access): the lines after
/// `after` as a JSON array, or, with `follow`, as a WebSocket stream.
pub async fn respond<F>(
    state: web::Data<State>,
    req: HttpRequest,
    body: web::Payload,
    actor: domain::app::Actor,
    job_of: F,
) -> ApiResult<HttpResponse>
where
    F: FnOnce(&domain::app::App, &domain::app::Actor) -> domain::Result<Uuid> + Send + 'static,
{
    let after = after_param(&req)?;
    if follow_requested(&req) {
        let a = actor.clone();
        let job = blocking(&state, move |app| job_of(app, &a)).await?;
        return follow(state, &req, body, actor, job, after);
    }
    let lines = blocking(&state, move |app| app.job_logs(&actor, job_of(app, &actor)?, after)).await?;
    Ok(HttpResponse::Ok().json(lines.iter().map(ProvisionerJobLog::from).collect::<Vec<_>>()))
}

/// Upgrades to a WebSocket and streams the job's lines after `after` until the job finishes or
/// the client goes away. Access to the job was checked by the caller.
pub fn follow(
    state: web::Data<State>,
    req: &HttpRequest,
    body: web::Payload,
    actor: domain::app::Actor,
    job: Uuid,
    after: Option<i64>,
) -> ApiResult<HttpResponse> {
    check_origin(req, &state.info.access_url)?;
    let (response, session, messages) =
        actix_ws::handle(req, body).map_err(|e| ApiError(Error::bad_request("Failed to accept websocket.").with_detail(e.to_string())))?;
    actix_web::rt::spawn(stream(state, session, messages, actor, job, after));
    Ok(response)
}

async fn stream(
    state: web::Data<State>,
    mut session: Session,
    messages: actix_ws::MessageStream,
    actor: domain::app::Actor,
    job: Uuid,
    mut after: Option<i64>,
) {
    // The client's side: answer pings, notice when it leaves.
    let (gone_tx, mut gone) = tokio::sync::oneshot::channel::<()>();
    let mut incoming = messages.aggregate_continuations();
    let mut pong = session.clone();
    actix_web::rt::spawn(async move {
        while let Some(msg) = incoming.next().await {
            match msg {
                Ok(AggregatedMessage::Ping(p)) => {
                    if pong.pong(&p).await.is_err() {
                        break;
                    }
                }
                Ok(AggregatedMessage::Close(_)) | Err(_) => break,
                Ok(_) => {}
            }
        }
        let _ = gone_tx.send(());
    });
    loop {
        let a = actor.clone();
        let (lines, finished) = match blocking(&state, move |app| app.job_logs_since(&a, job, after)).await {
            Ok(found) => found,
            Err(e) => {
                let reason = CloseReason { code: CloseCode::Error, description: Some(e.0.message.clone()) };
                let _ = session.close(Some(reason)).await;
                return;
            }
        };
        for line in &lines {
            let text = serde_json::to_string(&ProvisionerJobLog::from(line)).unwrap_or_default();
            if session.text(text).await.is_err() {
                return;
            }
            after = Some(line.id);
        }
        if finished {
            let _ = session.close(Some(CloseReason { code: CloseCode::Normal, description: Some("done".into()) })).await;
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL) => {}
            _ = &mut gone => return,
        }
    }
}
