//! The baseline: a bare axum handler that does one durable SQLite insert of
//! the body (WAL, synchronous=FULL, as the product), nothing else. What the
//! machine can do at best; the product's ingest is compared with it.
//!
//! `bare-ingest <listen addr> <sqlite file>`

use std::str::FromStr;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

async fn insert(State(pool): State<SqlitePool>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let key = headers
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = String::from_utf8_lossy(&body).into_owned();
    match sqlx::query(
        "INSERT INTO inbound (dedupe_key, body) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(key)
    .bind(body)
    .execute(&pool)
    .await
    {
        Ok(_) => StatusCode::OK,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:3400".to_owned());
    let file = args
        .next()
        .unwrap_or_else(|| "/tmp/bare-ingest.db".to_owned());
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{file}"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(std::time::Duration::from_secs(10));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await?;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS inbound (dedupe_key TEXT PRIMARY KEY, body TEXT NOT NULL)",
    )
    .execute(&pool)
    .await?;
    let app = Router::new()
        .route("/ingest", post(insert))
        .with_state(pool);
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("bare ingest listening on http://{addr}");
    axum::serve(listener, app).await?;
    Ok(())
}
