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
