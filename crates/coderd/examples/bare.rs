//! The HTTP stack's limit, for the benchmark: a bare actix-web server (the same worker count as
//! `coderd server`) answering every GET with a fixed JSON body of a given size.
//!
//! usage: `bare <port> <body-bytes>`

use actix_web::{web, App, HttpResponse, HttpServer};

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let port: u16 = args.get(1).and_then(|p| p.parse().ok()).expect("usage: bare <port> <body-bytes>");
    let size: usize = args.get(2).and_then(|p| p.parse().ok()).expect("usage: bare <port> <body-bytes>");
    let body = format!("{{\"pad\":\"{}\"}}", "x".repeat(size.saturating_sub(10)));
    let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).max(2);
    actix_web::rt::System::new().block_on(async move {
        HttpServer::new(move || {
            let body = body.clone();
            App::new().default_service(web::to(move || {
                let body = body.clone();
                async move { HttpResponse::Ok().content_type("application/json").body(body) }
            }))
        })
        .workers(workers)
        .bind(("127.0.0.1", port))?
        .run()
        .await
    })
}
