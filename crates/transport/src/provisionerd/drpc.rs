//! storj dRPC framing (v0.0.34, `drpcwire`), as Coder's daemons speak it on each yamux stream.
//!
//! A frame is a control byte (bit 0 done, bits 1–6 kind, bit 7 control), then the stream id,
//! the message id and the data length as unsigned varints, then the data. A packet is the
//! frames of one (stream, message) id up to the one marked done.

use futures_util::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Largest packet accepted (Coder's `drpcsdk.MaxMessageSize`).
pub const MAX_MESSAGE: usize = 4 << 20;

/// What a packet is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Starts an RPC; the data is its name.
    Invoke = 1,
    /// A protobuf message.
    Message = 2,
    /// The RPC failed: an 8-byte code and the text.
    Error = 3,
    /// The client gave up on the RPC.
    Cancel = 4,
    /// The stream is closed.
    Close = 5,
    /// The sender will send no more.
    CloseSend = 6,
    /// Metadata for the next invoke.
    InvokeMetadata = 7,
}

impl Kind {
    fn of(b: u8) -> Option<Self> {
        use Kind::*;
        [Invoke, Message, Error, Cancel, Close, CloseSend, InvokeMetadata].into_iter().find(|k| *k as u8 == b)
    }
}

/// One assembled packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    /// What it is.
    pub kind: Kind,
    /// Stream id.
    pub stream: u64,
    /// Message id.
    pub message: u64,
    /// Payload.
    pub data: Vec<u8>,
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// One frame carrying a whole packet.
pub fn frame(kind: Kind, stream: u64, message: u64, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 16);
    let mut control = (kind as u8) << 1 | 1;
    if kind == Kind::Cancel {
        control |= 0x80;
    }
    out.push(control);
    put_varint(&mut out, stream);
    put_varint(&mut out, message);
    put_varint(&mut out, data.len() as u64);
    out.extend_from_slice(data);
    out
}

/// The data of an error packet: code 0 and the text.
pub fn error_data(text: &str) -> Vec<u8> {
    let mut out = vec![0u8; 8];
    out.extend_from_slice(text.as_bytes());
    out
}

fn invalid(what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, format!("drpc: {what}"))
}

/// Reads packets off a byte stream. Cancel-safe: bytes read stay buffered if a read is
/// abandoned.
pub struct Reader<R> {
    inner: R,
    buf: Vec<u8>,
    partial: Option<Packet>,
}

/// A frame parsed from the front of the buffer: its kind byte fields and the bytes it used.
struct Frame {
    kind: u8,
    done: bool,
    control: bool,
    stream: u64,
    message: u64,
    data: Vec<u8>,
}

fn varint(buf: &[u8], at: &mut usize) -> Result<Option<u64>, std::io::Error> {
    let mut v: u64 = 0;
    for shift in 0..10 {
        let Some(b) = buf.get(*at) else { return Ok(None) };
        *at += 1;
        v |= u64::from(b & 0x7f) << (7 * shift);
        if b & 0x80 == 0 {
            return Ok(Some(v));
        }
    }
    Err(invalid("varint too long"))
}

fn parse_frame(buf: &[u8]) -> Result<Option<(Frame, usize)>, std::io::Error> {
    let Some(&control) = buf.first() else { return Ok(None) };
    let mut at = 1;
    let Some(stream) = varint(buf, &mut at)? else { return Ok(None) };
    let Some(message) = varint(buf, &mut at)? else { return Ok(None) };
    let Some(len) = varint(buf, &mut at)? else { return Ok(None) };
    let len = usize::try_from(len).map_err(|_| invalid("frame too large"))?;
    if len > MAX_MESSAGE {
        return Err(invalid("frame too large"));
    }
    if buf.len() < at + len {
        return Ok(None);
    }
    let frame = Frame {
        kind: (control >> 1) & 0x3f,
        done: control & 1 == 1,
        control: control & 0x80 != 0,
        stream,
        message,
        data: buf[at..at + len].to_vec(),
    };
    Ok(Some((frame, at + len)))
}

impl<R: AsyncRead + Unpin> Reader<R> {
    /// Wraps a byte stream.
    pub fn new(inner: R) -> Self {
        Self { inner, buf: Vec::new(), partial: None }
    }

    /// The next whole packet, or `None` at the end of the stream.
    pub async fn next(&mut self) -> std::io::Result<Option<Packet>> {
        loop {
            while let Some((f, used)) = parse_frame(&self.buf)? {
                self.buf.drain(..used);
                let Some(kind) = Kind::of(f.kind) else {
                    if f.control {
                        continue;
                    }
                    return Err(invalid("unknown packet kind"));
                };
                let packet = match self.partial.take() {
                    Some(mut p) if p.stream == f.stream && p.message == f.message && p.kind == kind => {
                        if p.data.len() + f.data.len() > MAX_MESSAGE {
                            return Err(invalid("message too large"));
                        }
                        p.data.extend_from_slice(&f.data);
                        p
                    }
                    _ => Packet { kind, stream: f.stream, message: f.message, data: f.data },
                };
                if f.done {
                    return Ok(Some(packet));
                }
                self.partial = Some(packet);
            }
            let mut chunk = [0u8; 16 * 1024];
            let n = self.inner.read(&mut chunk).await?;
            if n == 0 {
                return Ok(None);
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }
}

/// Writes packets of one stream, numbering its messages.
pub struct Writer<W> {
    inner: W,
    stream: u64,
    next_message: u64,
}

impl<W: AsyncWrite + Unpin> Writer<W> {
    /// Wraps a byte stream for answering on `stream`.
    pub fn new(inner: W, stream: u64) -> Self {
        Self { inner, stream, next_message: 1 }
    }

    /// Sends one packet.
    pub async fn send(&mut self, kind: Kind, data: &[u8]) -> std::io::Result<()> {
        let f = frame(kind, self.stream, self.next_message, data);
        self.next_message += 1;
        self.inner.write_all(&f).await?;
        self.inner.flush().await
    }

    /// The stream the writer answers on.
    pub fn set_stream(&mut self, stream: u64) {
        self.stream = stream;
    }

    /// Closes the byte stream.
    pub async fn close(&mut self) -> std::io::Result<()> {
        self.inner.close().await
    }
}

/// One RPC on its own yamux stream: the packets the client sends and the answers.
pub struct Call {
    /// Packets from the client.
    pub reader: Reader<futures_util::io::ReadHalf<yamux::Stream>>,
    /// Answers to it.
    pub writer: Writer<futures_util::io::WriteHalf<yamux::Stream>>,
}

impl Call {
    /// The next message packet of the call; `None` when the client closed or sent no more.
    pub async fn next_message(&mut self) -> Option<Vec<u8>> {
        loop {
            match self.reader.next().await {
                Ok(Some(Packet { kind: Kind::Message, data, .. })) => return Some(data),
                Ok(Some(Packet { kind: Kind::InvokeMetadata, .. })) => continue,
                _ => return None,
            }
        }
    }

    /// Answers a unary call: the message and `CloseSend`, or an error with code 0.
    pub async fn reply<M: prost::Message>(&mut self, result: Result<M, String>) {
        let _ = match result {
            Ok(m) => match self.writer.send(Kind::Message, &m.encode_to_vec()).await {
                Ok(()) => self.writer.send(Kind::CloseSend, &[]).await,
                Err(e) => Err(e),
            },
            Err(text) => self.writer.send(Kind::Error, &error_data(&text)).await,
        };
    }

    /// Answers a unary call with a message and `CloseSend`, reporting whether it was sent.
    pub async fn send_reply<M: prost::Message>(&mut self, m: M) -> std::io::Result<()> {
        self.writer.send(Kind::Message, &m.encode_to_vec()).await?;
        self.writer.send(Kind::CloseSend, &[]).await
    }

    /// Answers with an error carrying a dRPC code (12 is "unimplemented").
    pub async fn reply_error_code(&mut self, code: u64, text: &str) {
        let mut data = code.to_be_bytes().to_vec();
        data.extend_from_slice(text.as_bytes());
        let _ = self.writer.send(Kind::Error, &data).await;
    }

    /// Waits (briefly) for the client to close its side, then closes ours.
    pub async fn finish(mut self) {
        let _ = tokio::time::timeout(std::time::Duration::from_secs(10), async {
            while let Ok(Some(p)) = self.reader.next().await {
                if p.kind == Kind::Close {
                    break;
                }
            }
        })
        .await;
        let _ = self.writer.close().await;
    }
}

/// Takes a stream the client opened: acknowledges it at once (yamux sends the ACK with the
/// first frame written, and a Go client drops the session when a stream stays unacknowledged
/// for 75 s), then reads the invoke. Returns the call and the RPC's name.
pub async fn accept(mut stream: yamux::Stream) -> Option<(Call, String)> {
    if stream.write(&[]).await.is_err() {
        return None;
    }
    let (r, w) = stream.split();
    let mut reader = Reader::new(r);
    let invoke = loop {
        match reader.next().await {
            Ok(Some(p)) if p.kind == Kind::Invoke => break p,
            Ok(Some(p)) if p.kind == Kind::InvokeMetadata => continue,
            _ => return None,
        }
    };
    let name = String::from_utf8_lossy(&invoke.data).into_owned();
    Some((Call { reader, writer: Writer::new(w, invoke.stream) }, name))
}

/// Runs a yamux server session over `socket`, handing every stream the client opens to
/// `on_stream`, until the session ends.
pub async fn serve_yamux<S>(socket: S, on_stream: impl Fn(yamux::Stream))
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut conn = yamux::Connection::new(socket, yamux::Config::default(), yamux::Mode::Server);
    loop {
        match futures_util::future::poll_fn(|cx| conn.poll_next_inbound(cx)).await {
            Some(Ok(stream)) => on_stream(stream),
            Some(Err(e)) => {
                tracing::debug!(error = %e, "yamux session ended");
                break;
            }
            None => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_split_packets_assemble() {
        futures_executor_lite(async {
            let mut bytes = frame(Kind::Invoke, 1, 1, b"/svc/Method");
            // A message split over two frames: the first not done.
            let mut first = frame(Kind::Message, 1, 2, b"hel");
            first[0] &= !1;
            bytes.extend(first);
            bytes.extend(frame(Kind::Message, 1, 2, b"lo"));
            let mut r = Reader::new(futures_util::io::Cursor::new(bytes));
            let p = r.next().await.unwrap().unwrap();
            assert_eq!((p.kind, p.data.as_slice()), (Kind::Invoke, b"/svc/Method".as_slice()));
            let p = r.next().await.unwrap().unwrap();
            assert_eq!((p.kind, p.data.as_slice()), (Kind::Message, b"hello".as_slice()));
            assert!(r.next().await.unwrap().is_none());
        });
    }

    #[test]
    fn varints_over_one_byte() {
        let f = frame(Kind::Message, 300, 70000, &[7u8; 200]);
        let (parsed, used) = parse_frame(&f).unwrap().unwrap();
        assert_eq!((parsed.stream, parsed.message, parsed.data.len(), used), (300, 70000, 200, f.len()));
    }

    fn futures_executor_lite(f: impl std::future::Future<Output = ()>) {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f);
    }
}
