//! The baseline: a bare axum handler that does one durable insert of the
//! body, nothing else. What the machine can do at best; the product's
//! ingest is compared with it. SQLite as the product uses it (WAL,
//! synchronous=FULL), or PostgreSQL (a commit per request, as configured).
//!
//! `bare-ingest <listen addr> <sqlite file | postgres://...>`

use std::str::FromStr;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

const INSERT: &str =
    "INSERT INTO inbound (dedupe_key, body) VALUES ($1, $2) ON CONFLICT DO NOTHING";
const CREATE: &str =
    "CREATE TABLE IF NOT EXISTS inbound (dedupe_key TEXT PRIMARY KEY, body TEXT NOT NULL)";

fn key_and_body(headers: &HeaderMap, body: &Bytes) -> (String, String) {
    let key = headers
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (key, String::from_utf8_lossy(body).into_owned())
}

async fn insert_sqlite(
    State(pool): State<SqlitePool>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let (key, body) = key_and_body(&headers, &body);
    match sqlx::query(INSERT)
        .bind(key)
        .bind(body)
        .execute(&pool)
        .await
    {
        Ok(_) => StatusCode::OK,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

async fn insert_postgres(
    State(pool): State<PgPool>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let (key, body) = key_and_body(&headers, &body);
    match sqlx::query(INSERT)
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
    let target = args
        .next()
        .unwrap_or_else(|| "/tmp/bare-ingest.db".to_owned());
    let app = if target.starts_with("postgres://") || target.starts_with("postgresql://") {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect(&target)
            .await?;
        sqlx::query(CREATE).execute(&pool).await?;
        Router::new()
            .route("/ingest", post(insert_postgres))
            .with_state(pool)
    } else {
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{target}"))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(std::time::Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::query(CREATE).execute(&pool).await?;
        Router::new()
            .route("/ingest", post(insert_sqlite))
            .with_state(pool)
    };
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("bare ingest listening on http://{addr}");
    axum::serve(listener, app).await?;
    Ok(())
}
