//! Turns a WebSocket into a byte stream, as Coder's `WebsocketNetConn` does: binary messages
//! in, concatenated; each write out, one binary message. yamux frames need not align with
//! WebSocket messages.

use actix_ws::{AggregatedMessage, Session};
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio_util::compat::{Compat, TokioAsyncReadCompatExt};

/// Largest WebSocket message accepted (Coder's `WebsocketNetConn` read limit).
pub const MAX_MESSAGE: usize = 4 << 20;
const BUFFER: usize = 512 * 1024;

/// Refuses a cross-origin WebSocket upgrade, as Coder's WebSocket library does: a browser on
/// another site could otherwise open one with the user's session cookie. Clients that are not
/// browsers send no `Origin`.
pub fn check_origin(req: &actix_web::HttpRequest, access_url: &str) -> Result<(), crate::error::ApiError> {
    let Some(origin) = req.headers().get(actix_web::http::header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return Ok(());
    };
    let origin_host = url::Url::parse(origin).ok().and_then(|u| {
        u.host_str().map(|h| match u.port() {
            Some(p) => format!("{h}:{p}"),
            None => h.to_string(),
        })
    });
    // The Host header as sent: `X-Forwarded-Host` is a client's word unless a trusted proxy
    // set it, and a browser cannot forge Host.
    let request_host = req.headers().get(actix_web::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default().to_string();
    let access_host = url::Url::parse(access_url).ok().and_then(|u| {
        u.host_str().map(|h| match u.port() {
            Some(p) => format!("{h}:{p}"),
            None => h.to_string(),
        })
    });
    match origin_host {
        Some(h) if h.eq_ignore_ascii_case(&request_host) || access_host.is_some_and(|a| a.eq_ignore_ascii_case(&h)) => Ok(()),
        _ => Err(crate::error::ApiError(
            domain::Error::new(domain::ErrorKind::Forbidden, "Cross-origin WebSocket requests are not allowed.")
                .with_detail(format!("origin {origin:?} is not this deployment")),
        )),
    }
}

/// Pumps between the WebSocket and the returned byte stream until either side ends.
pub fn byte_stream(session: Session, messages: actix_ws::MessageStream) -> Compat<DuplexStream> {
    let (ours, theirs) = tokio::io::duplex(BUFFER);
    let (mut read_half, mut write_half) = tokio::io::split(ours);
    let mut incoming = messages.max_frame_size(MAX_MESSAGE).aggregate_continuations().max_continuation_size(MAX_MESSAGE);
    let mut inbound_session = session.clone();
    actix_web::rt::spawn(async move {
        while let Some(msg) = incoming.next().await {
            match msg {
                Ok(AggregatedMessage::Binary(bytes)) => {
                    if write_half.write_all(&bytes).await.is_err() {
                        break;
                    }
                }
                Ok(AggregatedMessage::Ping(p)) => {
                    if inbound_session.pong(&p).await.is_err() {
                        break;
                    }
                }
                Ok(AggregatedMessage::Close(_)) | Err(_) => break,
                Ok(_) => {}
            }
        }
        let _ = write_half.shutdown().await;
    });
    let mut outbound_session = session;
    actix_web::rt::spawn(async move {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match read_half.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if outbound_session.binary(buf[..n].to_vec()).await.is_err() {
                        break;
                    }
                }
            }
        }
        let _ = outbound_session.close(None).await;
    });
    theirs.compat()
}
