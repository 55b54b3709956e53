//! Bounded request bodies and slow clients.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use crate::dual_test;

dual_test!(bodies_are_bounded_and_slow_clients_time_out, |srv| {
    let (owner, _, _) = srv.setup_owner();
    // A JSON body over the limit is refused in the envelope, not read whole.
    let huge = format!("{{\"username\": \"{}\"}}", "a".repeat(2 << 20));
    let r = srv.put("/api/v2/users/me/profile").token(&owner).raw(&huge).header("Content-Type", "application/json").send();
    r.expect_error(413);
    // A client that never finishes its request head is cut off.
    let mut conn = std::net::TcpStream::connect(srv.addr).unwrap();
    conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n").unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let start = Instant::now();
    let mut buf = Vec::new();
    let _ = conn.read_to_end(&mut buf);
    let waited = start.elapsed();
    assert!(waited < Duration::from_secs(20), "the connection stayed open for {waited:?}");
    let text = String::from_utf8_lossy(&buf);
    assert!(text.is_empty() || text.starts_with("HTTP/1.1 408"), "{text}");
});

crate::dual_test_with!(a_trickled_body_times_out, ["--http-request-timeout", "2s"], |srv| {
    let mut conn = std::net::TcpStream::connect(srv.addr).unwrap();
    conn.write_all(
        b"POST /api/v2/users/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{",
    )
    .unwrap();
    let mut writer = conn.try_clone().unwrap();
    let trickle = std::thread::spawn(move || {
        for _ in 0..20 {
            std::thread::sleep(Duration::from_millis(400));
            if writer.write_all(b" ").is_err() {
                break;
            }
        }
    });
    conn.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let start = Instant::now();
    let mut buf = [0u8; 512];
    let n = conn.read(&mut buf).unwrap_or(0);
    let text = String::from_utf8_lossy(&buf[..n]);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(start.elapsed() < Duration::from_secs(6), "answered after {:?}", start.elapsed());
    let _ = conn.shutdown(std::net::Shutdown::Both);
    let _ = trickle.join();
});
