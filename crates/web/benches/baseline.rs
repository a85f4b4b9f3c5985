//! The yardstick of `scripts/bench-http`: a bare axum handler returning a constant, on the same runtime,
//! so that the cost of Passerelle's own work can be read next to the cost of HTTP itself.
//! Run: `cargo bench -p passerelle-web --bench baseline -- 127.0.0.1:18181`.

use axum::Router;
use axum::routing::get;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .skip(1)
        .find(|a| a.contains(':'))
        .unwrap_or_else(|| "127.0.0.1:18181".into());
    let app = Router::new().route("/", get(|| async { "{\"status\":\"ok\"}" }));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    eprintln!("baseline on http://{addr}");
    axum::serve(listener, app).await
}
