//! Fault drills against the real server binary (`SERVER_BIN`, else
//! target/release/server, else target/debug/server).
//!
//! `drill <crash|outage|bad-input|rate-limit|fairness|abuse|all> [--short] [--sqlite|--postgres]`
//!
//! Without a backend flag each drill runs on SQLite and on PostgreSQL
//! (`TEST_POSTGRES_URL`, default postgres://postgres@127.0.0.1:5432/postgres).
//! Exits non-zero when a drill finds the product did not hold up.

use notify_bench::drill::{Backend, Length, abuse, bad_input, crash, fairness, outage, rate_limit};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let length = if args.iter().any(|a| a == "--short") {
        Length::Short
    } else {
        Length::Full
    };
    let backends: Vec<Backend> = if args.iter().any(|a| a == "--sqlite") {
        vec![Backend::Sqlite]
    } else if args.iter().any(|a| a == "--postgres") {
        vec![Backend::Postgres]
    } else {
        vec![Backend::Sqlite, Backend::Postgres]
    };
    let which = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(String::as_str)
        .unwrap_or("all");
    let drills: &[&str] = match which {
        "all" => &[
            "crash",
            "outage",
            "bad-input",
            "rate-limit",
            "fairness",
            "abuse",
        ],
        "crash" => &["crash"],
        "outage" => &["outage"],
        "bad-input" => &["bad-input"],
        "rate-limit" => &["rate-limit"],
        "fairness" => &["fairness"],
        "abuse" => &["abuse"],
        other => anyhow::bail!(
            "unknown drill {other:?}: use crash, outage, bad-input, rate-limit, fairness, abuse or all (options --short, --sqlite, --postgres)"
        ),
    };
    let mut failed = Vec::new();
    for drill in drills {
        for &backend in &backends {
            let result = match *drill {
                "crash" => crash::run(backend, length).await,
                "outage" => outage::run(backend, length).await,
                "bad-input" => bad_input::run(backend, length).await,
                "fairness" => fairness::run(backend, length).await,
                "abuse" => abuse::run(backend, length).await,
                _ => rate_limit::run(backend, length).await,
            };
            match result {
                Ok(()) => println!("PASS {drill} on {}", backend.name()),
                Err(e) => {
                    println!("FAIL {drill} on {}: {e:#}", backend.name());
                    failed.push(format!("{drill} ({})", backend.name()));
                }
            }
        }
    }
    if !failed.is_empty() {
        anyhow::bail!("drills failed: {}", failed.join(", "));
    }
    println!("\nall drills passed");
    Ok(())
}
