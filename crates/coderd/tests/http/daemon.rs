//! An external provisioner daemon for the tests, written from the wire format rather than with
//! the server's own code: a WebSocket (tokio-tungstenite) carrying a hand-written hashicorp
//! yamux client, carrying storj dRPC calls with Coder's protobuf messages, as `coder
//! provisionerd start` dials `serve`.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use domain::provisioners::proto::provisionerd as pd;
use futures_util::{SinkExt, StreamExt};
use prost::Message;
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message as WsMessage;

const DATA: u8 = 0;
const WINDOW_UPDATE: u8 = 1;
const PING: u8 = 2;
const GO_AWAY: u8 = 3;
const SYN: u16 = 1;
const ACK: u16 = 2;
const FIN: u16 = 4;
const RST: u16 = 8;

/// What a stream hears.
#[derive(Debug)]
pub enum Event {
    Ack,
    Data(Vec<u8>),
    Fin,
    Reset,
}

type Streams = Arc<Mutex<HashMap<u32, mpsc::UnboundedSender<Event>>>>;
type Pings = Arc<Mutex<HashMap<u32, oneshot::Sender<()>>>>;

/// A connected daemon: a yamux client session over the WebSocket.
pub struct Daemon {
    out: mpsc::UnboundedSender<Vec<u8>>,
    streams: Streams,
    pings: Pings,
    next_stream: u32,
    pub closed: Arc<Mutex<bool>>,
}

fn header(kind: u8, flags: u16, stream: u32, len: u32) -> Vec<u8> {
    let mut h = vec![0u8, kind];
    h.extend_from_slice(&flags.to_be_bytes());
    h.extend_from_slice(&stream.to_be_bytes());
    h.extend_from_slice(&len.to_be_bytes());
    h
}

/// The HTTP answer when the server refuses the WebSocket.
#[derive(Debug)]
pub struct Refused {
    pub status: u16,
    pub body: String,
}

impl Daemon {
    /// Dials `serve` with these query parameters and headers.
    pub async fn connect(addr: std::net::SocketAddr, org: &str, query: &str, headers: &[(&str, &str)]) -> Result<Daemon, Refused> {
        Self::dial(addr, &format!("/api/v2/organizations/{org}/provisionerdaemons/serve?{query}"), headers).await
    }

    /// Dials any WebSocket endpoint that runs a yamux session (`serve`, the agent's `rpc`).
    pub async fn dial(addr: std::net::SocketAddr, path: &str, headers: &[(&str, &str)]) -> Result<Daemon, Refused> {
        let url = format!("ws://{addr}{path}");
        let mut req = url.into_client_request().unwrap();
        for (k, v) in headers {
            let name = tokio_tungstenite::tungstenite::http::HeaderName::from_bytes(k.as_bytes()).unwrap();
            req.headers_mut().insert(name, v.parse().unwrap());
        }
        let (ws, _) = match tokio_tungstenite::connect_async(req).await {
            Ok(ok) => ok,
            Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
                let status = resp.status().as_u16();
                let body = String::from_utf8_lossy(resp.body().as_deref().unwrap_or_default()).into_owned();
                return Err(Refused { status, body });
            }
            Err(e) => panic!("dial serve: {e}"),
        };
        let (mut sink, mut source) = ws.split();
        let (out, mut out_rx) = mpsc::unbounded_channel::<Vec<u8>>();
        tokio::spawn(async move {
            while let Some(frame) = out_rx.recv().await {
                if sink.send(WsMessage::Binary(frame.into())).await.is_err() {
                    break;
                }
            }
        });
        let streams: Streams = Arc::default();
        let pings: Pings = Arc::default();
        let closed = Arc::new(Mutex::new(false));
        let (s, p, c, o) = (streams.clone(), pings.clone(), closed.clone(), out.clone());
        tokio::spawn(async move {
            let mut buf: Vec<u8> = Vec::new();
            while let Some(Ok(msg)) = source.next().await {
                let WsMessage::Binary(bytes) = msg else { continue };
                buf.extend_from_slice(&bytes);
                while buf.len() >= 12 {
                    let kind = buf[1];
                    let flags = u16::from_be_bytes([buf[2], buf[3]]);
                    let stream = u32::from_be_bytes([buf[4], buf[5], buf[6], buf[7]]);
                    let len = u32::from_be_bytes([buf[8], buf[9], buf[10], buf[11]]);
                    let body_len = if kind == DATA { len as usize } else { 0 };
                    if buf.len() < 12 + body_len {
                        break;
                    }
                    let body: Vec<u8> = buf[12..12 + body_len].to_vec();
                    buf.drain(..12 + body_len);
                    match kind {
                        PING if flags & SYN != 0 => {
                            let _ = o.send(header(PING, ACK, 0, len));
                        }
                        PING => {
                            if let Some(tx) = p.lock().unwrap().remove(&len) {
                                let _ = tx.send(());
                            }
                        }
                        GO_AWAY => {
                            *c.lock().unwrap() = true;
                        }
                        _ => {
                            let tx = s.lock().unwrap().get(&stream).cloned();
                            let Some(tx) = tx else { continue };
                            if flags & ACK != 0 {
                                let _ = tx.send(Event::Ack);
                            }
                            if !body.is_empty() {
                                // Give the window back at once: the tests read everything.
                                let _ = o.send(header(WINDOW_UPDATE, 0, stream, body.len() as u32));
                                let _ = tx.send(Event::Data(body));
                            }
                            if flags & FIN != 0 {
                                let _ = tx.send(Event::Fin);
                            }
                            if flags & RST != 0 {
                                let _ = tx.send(Event::Reset);
                            }
                        }
                    }
                }
            }
            *c.lock().unwrap() = true;
        });
        Ok(Daemon { out, streams, pings, next_stream: 1, closed })
    }

    /// Sends a yamux ping and waits for its answer.
    pub async fn ping(&self, opaque: u32) -> bool {
        let (tx, rx) = oneshot::channel();
        self.pings.lock().unwrap().insert(opaque, tx);
        self.out.send(header(PING, SYN, 0, opaque)).unwrap();
        tokio::time::timeout(Duration::from_secs(5), rx).await.is_ok_and(|r| r.is_ok())
    }

    /// Opens a stream the way hashicorp's client does (a window update with SYN) and returns
    /// it with whether the server acknowledged it within `ack_within`, before anything was sent.
    pub async fn open(&mut self, ack_within: Duration) -> (YStream, bool) {
        let id = self.next_stream;
        self.next_stream += 2;
        let (tx, mut rx) = mpsc::unbounded_channel();
        self.streams.lock().unwrap().insert(id, tx);
        self.out.send(header(WINDOW_UPDATE, SYN, id, 0)).unwrap();
        let acked = matches!(tokio::time::timeout(ack_within, rx.recv()).await, Ok(Some(Event::Ack)));
        (YStream { id, out: self.out.clone(), rx, buf: Vec::new(), next_message: 1 }, acked)
    }

    /// A unary call of the provisioner daemon service.
    pub async fn unary<Req: Message, Resp: Message + Default>(&mut self, method: &str, req: &Req) -> Result<Resp, String> {
        self.call(&format!("/provisionerd.ProvisionerDaemon/{method}"), req).await
    }

    /// A unary dRPC call (full method path) on a new stream.
    pub async fn call<Req: Message, Resp: Message + Default>(&mut self, method: &str, req: &Req) -> Result<Resp, String> {
        let (mut s, acked) = self.open(Duration::from_secs(5)).await;
        assert!(acked, "stream for {method} not acknowledged");
        s.send_packet(1, method.as_bytes());
        s.send_packet(2, &req.encode_to_vec());
        s.send_packet(6, &[]);
        let out = match s.next_packet(Duration::from_secs(20)).await {
            Some((2, data)) => Ok(Resp::decode(data.as_slice()).expect("decode response")),
            Some((3, data)) => Err(String::from_utf8_lossy(&data[8..]).into_owned()),
            other => panic!("{method}: unexpected answer {other:?}"),
        };
        s.close();
        out
    }

    /// Starts `AcquireJobWithCancel` on a new stream; `acked` tells whether the server
    /// acknowledged the stream before the daemon sent anything.
    pub async fn start_acquire(&mut self) -> (Acquire, bool) {
        let (mut s, acked) = self.open(Duration::from_secs(2)).await;
        s.send_packet(1, b"/provisionerd.ProvisionerDaemon/AcquireJobWithCancel");
        (Acquire { stream: s }, acked)
    }
}

/// A waiting `AcquireJobWithCancel`.
pub struct Acquire {
    stream: YStream,
}

impl Acquire {
    /// The job, if one arrives within `within`.
    pub async fn job(&mut self, within: Duration) -> Option<pd::AcquiredJob> {
        match self.stream.next_packet(within).await {
            Some((2, data)) => Some(pd::AcquiredJob::decode(data.as_slice()).expect("decode job")),
            Some((3, data)) => panic!("acquire failed: {}", String::from_utf8_lossy(&data[8..])),
            _ => None,
        }
    }

    /// Sends `CancelAcquire` and returns what the server answers.
    pub async fn cancel(mut self) -> Option<pd::AcquiredJob> {
        self.stream.send_packet(2, &pd::CancelAcquire {}.encode_to_vec());
        let job = self.job(Duration::from_secs(10)).await;
        self.stream.close();
        job
    }
}

/// One yamux stream carrying one dRPC call (stream id 1, as each Go `drpcconn` numbers it).
pub struct YStream {
    id: u32,
    out: mpsc::UnboundedSender<Vec<u8>>,
    rx: mpsc::UnboundedReceiver<Event>,
    buf: Vec<u8>,
    next_message: u64,
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn read_varint(buf: &[u8], at: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in 0..10 {
        let b = *buf.get(*at)?;
        *at += 1;
        v |= u64::from(b & 0x7f) << (7 * shift);
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

impl YStream {
    /// Sends one dRPC packet of `kind` as a single done frame.
    pub fn send_packet(&mut self, kind: u8, data: &[u8]) {
        let mut f = vec![(kind << 1) | 1];
        varint(&mut f, 1);
        varint(&mut f, self.next_message);
        self.next_message += 1;
        varint(&mut f, data.len() as u64);
        f.extend_from_slice(data);
        let mut frame = header(DATA, 0, self.id, f.len() as u32);
        frame.extend(f);
        self.out.send(frame).unwrap();
    }

    /// The next whole dRPC packet: (kind, data).
    pub async fn next_packet(&mut self, within: Duration) -> Option<(u8, Vec<u8>)> {
        let deadline = tokio::time::Instant::now() + within;
        let mut assembled: Option<(u8, u64, Vec<u8>)> = None;
        loop {
            if let Some(&control) = self.buf.first() {
                let mut at = 1;
                let parsed = (|| {
                    let _stream = read_varint(&self.buf, &mut at)?;
                    let message = read_varint(&self.buf, &mut at)?;
                    let len = read_varint(&self.buf, &mut at)? as usize;
                    (self.buf.len() >= at + len).then_some((message, len))
                })();
                if let Some((message, len)) = parsed {
                    let data = self.buf[at..at + len].to_vec();
                    self.buf.drain(..at + len);
                    let kind = (control >> 1) & 0x3f;
                    let mut whole = match assembled.take() {
                        Some((k, m, mut d)) if k == kind && m == message => {
                            d.extend(data);
                            (k, m, d)
                        }
                        _ => (kind, message, data),
                    };
                    if control & 1 == 1 {
                        return Some((whole.0, std::mem::take(&mut whole.2)));
                    }
                    assembled = Some(whole);
                    continue;
                }
            }
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(Event::Data(d))) => self.buf.extend(d),
                Ok(Some(Event::Ack)) => {}
                _ => return None,
            }
        }
    }

    /// Sends dRPC Close and yamux FIN.
    pub fn close(&mut self) {
        self.send_packet(5, &[]);
        let _ = self.out.send(header(DATA, FIN, self.id, 0));
    }
}
