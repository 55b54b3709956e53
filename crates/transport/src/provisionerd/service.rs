//! The `ProvisionerDaemon` dRPC service over one daemon's yamux session. Every RPC arrives on
//! its own yamux stream, which is acknowledged the moment it is accepted (a Go yamux client
//! gives up on the whole session when a stream it opened stays unacknowledged for 75 s, and an
//! idle `AcquireJobWithCancel` would otherwise send nothing back).

use std::sync::Arc;
use std::time::Duration;

use domain::app::App;
use domain::provisioners::proto::{provisioner as sdk, provisionerd as pd};
use domain::provisioners::Daemon;
use prost::Message;
use tokio_util::compat::Compat;

use super::drpc::{self, Call, Kind, Packet};
use super::wakeup::JobWakeup;

const SERVICE: &str = "/provisionerd.ProvisionerDaemon/";
/// How long the deprecated unary `AcquireJob` waits for work (Coder's long poll).
const ACQUIRE_LONG_POLL: Duration = Duration::from_secs(5);
/// Idle acquirers look for work at least this often, in case a wake-up was missed.
const ACQUIRE_POLL: Duration = Duration::from_secs(5);
/// Size of the pieces a module archive is sent in.
const CHUNK: usize = 2 << 20;

/// One connected daemon.
pub struct DaemonSession {
    /// The use cases.
    pub app: App,
    /// The daemon as registered.
    pub daemon: Daemon,
    /// Wake-ups for queued jobs.
    pub wakeup: Arc<JobWakeup>,
}

type Stream = yamux::Stream;

/// How often a connected daemon is checked to still be registered (its key not deleted).
const REGISTRATION_CHECK: Duration = Duration::from_secs(5);

/// Serves a daemon's yamux session until it ends, heartbeating the daemon meanwhile; a daemon
/// whose registration goes away (its key was deleted) is disconnected.
pub async fn run<S>(socket: S, session: Arc<DaemonSession>)
where
    S: futures_util::io::AsyncRead + futures_util::io::AsyncWrite + Unpin + 'static,
{
    let watch = {
        let s = session.clone();
        async move {
            let mut last_heartbeat: Option<tokio::time::Instant> = None;
            loop {
                let (app, id) = (s.app.clone(), s.daemon.id);
                let beat = last_heartbeat.is_none_or(|t| t.elapsed() >= domain::provisioners::daemons::HEARTBEAT);
                let registered = actix_web::rt::task::spawn_blocking(move || {
                    if beat {
                        app.daemon_heartbeat(id)?;
                    }
                    app.daemon_registered(id)
                })
                .await;
                if beat {
                    last_heartbeat = Some(tokio::time::Instant::now());
                }
                if matches!(registered, Ok(Ok(false))) {
                    return;
                }
                tokio::time::sleep(REGISTRATION_CHECK).await;
            }
        }
    };
    let s = session.clone();
    let serve = drpc::serve_yamux(socket, move |stream| {
        actix_web::rt::spawn(serve_stream(stream, s.clone()));
    });
    tokio::select! {
        _ = serve => {}
        _ = watch => tracing::info!(daemon = %session.daemon.name, "provisioner daemon no longer registered; disconnecting"),
    }
}

/// Runs `f` on the blocking pool; a failure is the RPC's error text.
async fn blocking<T: Send + 'static>(
    session: &Arc<DaemonSession>,
    f: impl FnOnce(&App, &Daemon) -> domain::Result<T> + Send + 'static,
) -> Result<T, String> {
    let s = session.clone();
    match actix_web::rt::task::spawn_blocking(move || f(&s.app, &s.daemon)).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) if e.detail.is_empty() => Err(e.message),
        Ok(Err(e)) => Err(format!("{}: {}", e.message, e.detail)),
        Err(_) => Err("internal error".into()),
    }
}

async fn serve_stream(stream: Stream, session: Arc<DaemonSession>) {
    let Some((mut rpc, name)) = drpc::accept(stream).await else { return };
    let method = name.strip_prefix(SERVICE).unwrap_or("");
    match method {
        "AcquireJob" => {
            if rpc.next_message().await.is_none() {
                return;
            }
            let job = acquire_within(&session, ACQUIRE_LONG_POLL).await;
            rpc.reply(job.map(Option::unwrap_or_default)).await;
        }
        "AcquireJobWithCancel" => acquire_with_cancel(&mut rpc, &session).await,
        "UpdateJob" => unary(&mut rpc, &session, |app, d, req: pd::UpdateJobRequest| app.update_job(d, req)).await,
        "FailJob" => unary(&mut rpc, &session, |app, d, req: pd::FailedJob| app.fail_job(d, req).map(|_| pd::Empty {})).await,
        "CompleteJob" => unary(&mut rpc, &session, |app, d, req: pd::CompletedJob| app.complete_job(d, req).map(|_| pd::Empty {})).await,
        "CommitQuota" => unary(&mut rpc, &session, |app, d, req: pd::CommitQuotaRequest| app.commit_quota(d, req)).await,
        "UploadFile" => upload_file(&mut rpc, &session).await,
        "DownloadFile" => download_file(&mut rpc, &session).await,
        _ => {
            let text = format!("unimplemented: {name}");
            rpc.reply::<pd::Empty>(Err(text)).await;
        }
    }
    rpc.finish().await;
}

async fn unary<Req, Resp>(
    rpc: &mut Call,
    session: &Arc<DaemonSession>,
    f: impl FnOnce(&App, &Daemon, Req) -> domain::Result<Resp> + Send + 'static,
) where
    Req: Message + Default + Send + 'static,
    Resp: Message + Send + 'static,
{
    let Some(data) = rpc.next_message().await else { return };
    let result = match Req::decode(data.as_slice()) {
        Ok(req) => blocking(session, move |app, d| f(app, d, req)).await,
        Err(e) => Err(format!("unmarshal request: {e}")),
    };
    rpc.reply(result).await;
}

/// Looks for work until `within` has passed (woken early by queued jobs).
async fn acquire_within(session: &Arc<DaemonSession>, within: Duration) -> Result<Option<pd::AcquiredJob>, String> {
    let deadline = tokio::time::Instant::now() + within;
    let mut woken = session.wakeup.subscribe();
    loop {
        woken.borrow_and_update();
        if let Some(job) = blocking(session, |app, d| app.acquire_job(d)).await? {
            return Ok(Some(job));
        }
        tokio::select! {
            _ = woken.changed() => {}
            _ = tokio::time::sleep_until(deadline) => return Ok(None),
        }
    }
}

/// Blocks until a job is claimed or the daemon sends `CancelAcquire`; answers exactly one
/// `AcquiredJob` (empty when cancelled).
async fn acquire_with_cancel(rpc: &mut Call, session: &Arc<DaemonSession>) {
    let mut woken = session.wakeup.subscribe();
    loop {
        woken.borrow_and_update();
        match blocking(session, |app, d| app.acquire_job(d)).await {
            Ok(Some(job)) => return send_job(rpc, session, job).await,
            Ok(None) => {}
            Err(e) => return rpc.reply::<pd::AcquiredJob>(Err(e)).await,
        }
        tokio::select! {
            _ = woken.changed() => {}
            _ = tokio::time::sleep(ACQUIRE_POLL) => {}
            packet = rpc.reader.next() => match packet {
                Ok(Some(Packet { kind: Kind::Message, .. })) => return rpc.reply(Ok(pd::AcquiredJob::default())).await,
                Ok(Some(Packet { kind: Kind::CloseSend | Kind::InvokeMetadata, .. })) => {}
                _ => return,
            },
        }
    }
}

/// Sends an acquired job; if the daemon is gone, fails the job at once rather than leaving it
/// to the hang detector.
async fn send_job(rpc: &mut Call, session: &Arc<DaemonSession>, job: pd::AcquiredJob) {
    let job_id = job.job_id.clone();
    if rpc.send_reply(job).await.is_err() {
        let failed =
            pd::FailedJob { job_id, error: "the provisioner daemon disconnected before it received the job".into(), ..Default::default() };
        let _ = blocking(session, move |app, d| app.fail_job(d, failed)).await;
    }
}

async fn upload_file(rpc: &mut Call, session: &Arc<DaemonSession>) {
    let mut header: Option<sdk::DataUpload> = None;
    let mut data = Vec::new();
    let mut failed = None;
    let limit = domain::templates::files::MAX_FILE_BYTES;
    while let Some(bytes) = rpc.next_message().await {
        match sdk::FileUpload::decode(bytes.as_slice()).map(|f| f.r#type) {
            Ok(Some(sdk::file_upload::Type::DataUpload(h))) if h.file_size < 0 || h.file_size as usize > limit => {
                failed = Some(format!("file size {} exceeds the limit of {limit} bytes", h.file_size));
                break;
            }
            Ok(Some(sdk::file_upload::Type::DataUpload(h))) => header = Some(h),
            Ok(Some(sdk::file_upload::Type::ChunkPiece(_))) if header.is_none() => {
                failed = Some("a chunk arrived before the data_upload header".into());
                break;
            }
            Ok(Some(sdk::file_upload::Type::ChunkPiece(c))) => {
                let declared = header.as_ref().map(|h| h.file_size as usize).unwrap_or(0);
                if data.len() + c.data.len() > declared {
                    failed = Some("the chunks exceed the declared file size".into());
                    break;
                }
                data.extend_from_slice(&c.data);
            }
            Ok(Some(sdk::file_upload::Type::Error(e))) => failed = Some(e.error),
            Ok(None) => {}
            Err(e) => failed = Some(format!("unmarshal upload: {e}")),
        }
        if let Some(h) = &header {
            if h.chunks >= 0 && data.len() as i64 >= h.file_size {
                break;
            }
        }
    }
    let result = match (failed, header) {
        (Some(e), _) => Err(format!("the daemon failed the upload: {e}")),
        (None, None) => Err("upload without a data_upload header".to_string()),
        (None, Some(h)) => {
            blocking(session, move |app, d| app.store_module_files(d, h.upload_type, &h.data_hash, data)).await.map(|_| pd::Empty {})
        }
    };
    rpc.reply(result).await;
}

async fn download_file(rpc: &mut Call, session: &Arc<DaemonSession>) {
    let Some(bytes) = rpc.next_message().await else { return };
    let req = match pd::FileRequest::decode(bytes.as_slice()) {
        Ok(r) => r,
        Err(e) => return rpc.reply::<pd::Empty>(Err(format!("unmarshal request: {e}"))).await,
    };
    let upload_type = req.upload_type;
    let file = match blocking(session, move |app, d| app.module_files(d, &req.file_id)).await {
        Ok(f) => f,
        Err(e) => return rpc.reply::<pd::Empty>(Err(e)).await,
    };
    let hash = domain::secret::hash_secret_bytes(&file);
    let pieces: Vec<&[u8]> = file.chunks(CHUNK).collect();
    let head = sdk::FileUpload {
        r#type: Some(sdk::file_upload::Type::DataUpload(sdk::DataUpload {
            upload_type,
            data_hash: hash.clone(),
            file_size: file.len() as i64,
            chunks: pieces.len() as i32,
        })),
    };
    if rpc.writer.send(Kind::Message, &head.encode_to_vec()).await.is_err() {
        return;
    }
    for (i, piece) in pieces.iter().enumerate() {
        let m = sdk::FileUpload {
            r#type: Some(sdk::file_upload::Type::ChunkPiece(sdk::ChunkPiece {
                data: piece.to_vec(),
                full_data_hash: hash.clone(),
                piece_index: i as i32,
            })),
        };
        if rpc.writer.send(Kind::Message, &m.encode_to_vec()).await.is_err() {
            return;
        }
    }
    let _ = rpc.writer.send(Kind::CloseSend, &[]).await;
}

/// The socket type `serve` hands to [`run`].
pub type Socket = Compat<tokio::io::DuplexStream>;
