//! A database outage: PostgreSQL becomes unreachable under the server (a proxy on loopback
//! between them drops every connection and refuses new ones), requests that need it get 503
//! envelopes instead of hanging, `/healthz` says so, and the server heals by itself when the
//! database is back.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::harness::TestServer;
use crate::pg;

/// A TCP forwarder that can be cut.
struct Proxy {
    port: u16,
    stop: Arc<AtomicBool>,
    conns: Arc<Mutex<Vec<TcpStream>>>,
    accept: Option<std::thread::JoinHandle<()>>,
}

fn pipe(mut from: TcpStream, mut to: TcpStream) {
    std::thread::spawn(move || {
        let mut buf = [0u8; 16 * 1024];
        loop {
            match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if to.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            }
        }
        let _ = to.shutdown(Shutdown::Both);
        let _ = from.shutdown(Shutdown::Both);
    });
}

impl Proxy {
    fn start(port: u16, target: SocketAddr) -> Proxy {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("proxy binds");
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let conns: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let (s, c) = (stop.clone(), conns.clone());
        let accept = std::thread::spawn(move || {
            while !s.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((client, _)) => {
                        client.set_nonblocking(false).unwrap();
                        let Ok(server) = TcpStream::connect(target) else { continue };
                        c.lock().unwrap().extend([client.try_clone().unwrap(), server.try_clone().unwrap()]);
                        pipe(client.try_clone().unwrap(), server.try_clone().unwrap());
                        pipe(server, client);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Proxy { port, stop, conns, accept: Some(accept) }
    }

    /// Drops every connection and stops listening.
    fn cut(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(a) = self.accept.take() {
            let _ = a.join();
        }
        for c in self.conns.lock().unwrap().drain(..) {
            let _ = c.shutdown(Shutdown::Both);
        }
    }
}

#[test]
fn a_database_outage_is_a_503_and_heals() {
    let Some((url, name)) = pg::fresh_database() else { return };
    // postgres://user@127.0.0.1:PORT/db
    let (prefix, rest) = url.split_once("@127.0.0.1:").expect("a loopback test cluster");
    let (port, db) = rest.split_once('/').unwrap();
    let target: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let mut proxy = Proxy::start(0, target);
    let through = format!("{prefix}@127.0.0.1:{}/{db}", proxy.port);
    let srv = TestServer::start_postgres_at(through, name, &[]);
    let (owner, _, _) = srv.setup_owner();
    assert_eq!(srv.get("/api/v2/users").token(&owner).send().status, 200);

    proxy.cut();
    let start = Instant::now();
    let r = srv.get("/api/v2/users").token(&owner).send();
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.json["message"], "The database is unavailable.");
    assert!(start.elapsed() < Duration::from_secs(15), "answered after {:?}", start.elapsed());
    assert_eq!(srv.get("/healthz").send().status, 503);

    // The database is back: the server heals without a restart.
    let mut proxy = Proxy::start(proxy.port, target);
    let start = Instant::now();
    loop {
        let r = srv.get("/api/v2/users").token(&owner).send();
        if r.status == 200 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "still {}: {}", r.status, r.body);
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(srv.get("/healthz").send().status, 200);
    drop(srv);
    proxy.cut();
}
