//! What a browser's first visit downloads: opens a page of the running
//! server, and fetches each CSS, JS and WASM file the page names three times
//! (`Accept-Encoding: br, gzip` as a browser sends it, `gzip` only, and
//! none), printing the bytes, the encoding and the caching of each.
//!
//! `first-visit <base URL> [WASM budget in KiB, default 200]`
//!
//! Exits 1 when the WASM a first visit downloads (the `br, gzip` answer)
//! exceeds the budget, when it did not come compressed, or when a file or the
//! page lacks its caching headers (`Vary: Accept-Encoding`, immutable for a
//! content-hashed name, `no-store` for the page). Ends with a `RESULT` line.

use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, HeaderMap, VARY};

const PAGE: &str = "/login";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut args = std::env::args().skip(1);
    let base = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:3000".to_owned());
    let budget_kib: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(200);
    // The bytes as sent, whatever features reqwest was built with.
    let client = reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .no_deflate()
        .no_zstd()
        .build()?;

    let mut failures = Vec::new();
    let page = client
        .get(format!("{base}{PAGE}"))
        .header(ACCEPT_ENCODING, "br, gzip")
        .send()
        .await?;
    anyhow::ensure!(page.status().is_success(), "{PAGE}: {}", page.status());
    if header(page.headers(), CACHE_CONTROL) != "no-store" {
        failures.push(format!("{PAGE}: Cache-Control is not no-store"));
    }
    let html = page.text().await?;
    let files = linked_files(&html);
    anyhow::ensure!(
        files.iter().any(|f| f.ends_with(".wasm")),
        "{PAGE} names no .wasm: {files:?}"
    );

    println!(
        "{:<62} {:>10} {:>10} {:>10}  {:<8} cache-control",
        "file", "raw B", "gzip B", "br,gzip B", "encoding"
    );
    let (mut first_visit, mut wasm_first_visit) = (0u64, 0u64);
    let (mut wasm_raw, mut wasm_gzip) = (0u64, 0u64);
    for file in &files {
        let mut sizes = Vec::new();
        let mut answer = HeaderMap::new();
        for accepted in [None, Some("gzip"), Some("br, gzip")] {
            let mut request = client.get(format!("{base}{file}"));
            if let Some(accepted) = accepted {
                request = request.header(ACCEPT_ENCODING, accepted);
            }
            let response = request.send().await?;
            anyhow::ensure!(
                response.status().is_success(),
                "{file}: {}",
                response.status()
            );
            answer = response.headers().clone();
            sizes.push(response.bytes().await?.len() as u64);
        }
        let (raw, gzip, browser) = (sizes[0], sizes[1], sizes[2]);
        let encoding = header(&answer, CONTENT_ENCODING).to_owned();
        let caching = header(&answer, CACHE_CONTROL).to_owned();
        println!("{file:<62} {raw:>10} {gzip:>10} {browser:>10}  {encoding:<8} {caching}");
        first_visit += browser;
        if file.ends_with(".wasm") {
            wasm_first_visit += browser;
            wasm_raw += raw;
            wasm_gzip += gzip;
            if encoding != "br" {
                failures.push(format!("{file}: {encoding:?} for br, gzip, not br"));
            }
        }
        if !header(&answer, VARY)
            .to_ascii_lowercase()
            .contains("accept-encoding")
        {
            failures.push(format!("{file}: no Vary: Accept-Encoding"));
        }
        if !caching.contains("immutable") {
            failures.push(format!(
                "{file}: {caching:?}, not immutable (hashing off? LEPTOS_HASH_FILES=true)"
            ));
        }
    }
    let budget = budget_kib * 1024;
    let within = wasm_first_visit <= budget;
    println!(
        "first visit: WASM {wasm_first_visit} B ({} KiB; budget {budget_kib} KiB: {}), all files {first_visit} B",
        wasm_first_visit / 1024,
        if within { "within" } else { "OVER" }
    );
    if !within {
        failures.push(format!(
            "the WASM a first visit downloads is {wasm_first_visit} B, over the budget of {budget} B"
        ));
    }
    println!(
        "RESULT first_visit_wasm_bytes={wasm_first_visit} wasm_raw_bytes={wasm_raw} \
         wasm_gzip_bytes={wasm_gzip} first_visit_bytes={first_visit} \
         wasm_budget_bytes={budget} checks_failed={}",
        failures.len()
    );
    for failure in &failures {
        eprintln!("FAIL: {failure}");
    }
    if !failures.is_empty() {
        std::process::exit(1);
    }
    Ok(())
}

fn header(headers: &HeaderMap, name: reqwest::header::HeaderName) -> &str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The same-origin CSS, JS and WASM the page links (`href="/…"`), once each.
fn linked_files(html: &str) -> Vec<String> {
    let mut files: Vec<String> = Vec::new();
    for piece in html.split("href=\"").skip(1) {
        let Some(href) = piece.split('"').next() else {
            continue;
        };
        let local = href.starts_with('/') && !href.starts_with("//");
        let asset = [".css", ".js", ".wasm"].iter().any(|e| href.ends_with(e));
        if local && asset && !files.iter().any(|f| f == href) {
            files.push(href.to_owned());
        }
    }
    files
}
