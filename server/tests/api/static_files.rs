//! The site's files, on a site folder of our own: each request gets the
//! precompressed variant it accepts (brotli before gzip, else the file as
//! it is), `Vary: Accept-Encoding`, a year's immutable caching for a
//! content-hashed name and revalidation for any other; pages are never
//! stored; anything else is the 404 page, as before.

use std::path::Path;

use notify_store::Backend;
use notify_store::testing::TestDb;
use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_SECURITY_POLICY,
    CONTENT_TYPE, HeaderMap, IF_MODIFIED_SINCE, LAST_MODIFIED, VARY, X_CONTENT_TYPE_OPTIONS,
};
use reqwest::{Client, StatusCode};

use crate::harness::{TestApp, spawn_with};

/// As cargo-leptos names a file when hashing is on: `<stem>.<22-character hash>.<ext>`.
const HASHED_WASM: &str = "/pkg/customer-notifications.Xk2v_9Qe-3TzLm0aB7cD1w.wasm";
/// As it names it when hashing is off (debug builds, the tests' site).
const PLAIN_CSS: &str = "/pkg/customer-notifications.css";

/// Distinct bodies, so each answer tells which file it came from.
struct Site {
    dir: tempfile::TempDir,
    raw: Vec<u8>,
    gzip: Vec<u8>,
    brotli: Vec<u8>,
}

fn site() -> Site {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    let raw: Vec<u8> = (0..64 * 1024).map(|i| (i % 251) as u8).collect();
    let gzip = b"gzip variant ".repeat(300);
    let brotli = b"br variant ".repeat(200);
    let wasm = pkg.join(HASHED_WASM.trim_start_matches("/pkg/"));
    std::fs::write(&wasm, &raw).unwrap();
    std::fs::write(with_suffix(&wasm, ".gz"), &gzip).unwrap();
    std::fs::write(with_suffix(&wasm, ".br"), &brotli).unwrap();
    std::fs::write(
        pkg.join("customer-notifications.css"),
        "body { color: black }",
    )
    .unwrap();
    Site {
        dir,
        raw,
        gzip,
        brotli,
    }
}

fn with_suffix(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    name.into()
}

async fn serve(db: &TestDb, site: &Site) -> TestApp {
    let root = site.dir.path().to_string_lossy().into_owned();
    spawn_with(db, move |config| config.leptos.site_root = root.into()).await
}

/// Bodies as sent: no decompression, whatever features reqwest has.
fn raw_client() -> Client {
    Client::builder()
        .no_gzip()
        .no_brotli()
        .no_deflate()
        .no_zstd()
        .build()
        .unwrap()
}

fn header(headers: &HeaderMap, name: impl reqwest::header::AsHeaderName) -> &str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

async fn get(app: &TestApp, path: &str, accept_encoding: Option<&str>) -> reqwest::Response {
    let mut request = raw_client().get(app.url(path));
    if let Some(accepted) = accept_encoding {
        request = request.header(ACCEPT_ENCODING, accepted);
    }
    request.send().await.unwrap()
}

fn assert_varies_and_is_a_non_page(headers: &HeaderMap, what: &str) {
    assert!(
        header(headers, VARY)
            .to_ascii_lowercase()
            .contains("accept-encoding"),
        "{what}: Vary {:?}",
        headers.get(VARY)
    );
    assert_eq!(header(headers, X_CONTENT_TYPE_OPTIONS), "nosniff", "{what}");
    assert_eq!(
        header(headers, CONTENT_SECURITY_POLICY),
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
        "{what}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_request_gets_the_variant_it_accepts_brotli_first() {
    let db = TestDb::new(Backend::Sqlite).await;
    let site = site();
    let app = serve(&db, &site).await;
    for (accepted, encoding, body) in [
        (Some("br, gzip"), "br", &site.brotli),
        (Some("gzip, deflate, br, zstd"), "br", &site.brotli),
        (Some("gzip"), "gzip", &site.gzip),
        (Some("br;q=0.5, gzip"), "gzip", &site.gzip),
        (None, "", &site.raw),
        (Some("identity"), "", &site.raw),
    ] {
        let what = format!("Accept-Encoding {accepted:?}");
        let r = get(&app, HASHED_WASM, accepted).await;
        assert_eq!(r.status(), StatusCode::OK, "{what}");
        let headers = r.headers().clone();
        assert_eq!(header(&headers, CONTENT_ENCODING), encoding, "{what}");
        assert_eq!(header(&headers, CONTENT_TYPE), "application/wasm", "{what}");
        assert_eq!(
            header(&headers, CACHE_CONTROL),
            "public, max-age=31536000, immutable",
            "{what}"
        );
        assert_varies_and_is_a_non_page(&headers, &what);
        assert_eq!(
            header(&headers, CONTENT_LENGTH),
            body.len().to_string(),
            "{what}"
        );
        let got = r.bytes().await.unwrap();
        assert!(got.as_ref() == body.as_slice(), "{what}: another body");
    }
    // What a browser downloads on a first visit: the brotli file, a fraction of the WASM.
    assert!(site.brotli.len() * 10 < site.raw.len());

    // HEAD: the same headers, no body.
    let r = raw_client()
        .head(app.url(HASHED_WASM))
        .header(ACCEPT_ENCODING, "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(r.headers(), CONTENT_ENCODING), "br");
    assert_eq!(
        header(r.headers(), CONTENT_LENGTH),
        site.brotli.len().to_string()
    );
    assert_varies_and_is_a_non_page(r.headers(), "HEAD");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_without_a_hash_are_revalidated_and_never_stale() {
    let db = TestDb::new(Backend::Sqlite).await;
    let site = site();
    let app = serve(&db, &site).await;
    let r = get(&app, PLAIN_CSS, Some("br, gzip")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let headers = r.headers().clone();
    // No variant on disk: the file as it is.
    assert_eq!(header(&headers, CONTENT_ENCODING), "");
    assert_eq!(header(&headers, CACHE_CONTROL), "no-cache");
    assert_varies_and_is_a_non_page(&headers, PLAIN_CSS);
    assert_eq!(r.text().await.unwrap(), "body { color: black }");

    // Revalidation: unchanged → 304 with the same caching headers…
    let last_modified = header(&headers, LAST_MODIFIED).to_owned();
    assert!(!last_modified.is_empty());
    let r = raw_client()
        .get(app.url(PLAIN_CSS))
        .header(IF_MODIFIED_SINCE, &last_modified)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(r.headers(), CACHE_CONTROL), "no-cache");
    assert_varies_and_is_a_non_page(r.headers(), "304");

    // …rebuilt → the new bytes.
    let css = site.dir.path().join("pkg/customer-notifications.css");
    std::fs::write(&css, "body { color: navy }").unwrap();
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    std::fs::File::options()
        .write(true)
        .open(&css)
        .unwrap()
        .set_modified(later)
        .unwrap();
    let r = raw_client()
        .get(app.url(PLAIN_CSS))
        .header(IF_MODIFIED_SINCE, &last_modified)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().await.unwrap(), "body { color: navy }");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_never_stored_and_unknown_files_are_the_404_page() {
    let db = TestDb::new(Backend::Sqlite).await;
    let site = site();
    let app = serve(&db, &site).await;
    let r = get(&app, "/login", Some("br, gzip")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(header(r.headers(), CONTENT_TYPE).starts_with("text/html"));
    assert_eq!(header(r.headers(), CACHE_CONTROL), "no-store");
    assert!(
        r.text().await.unwrap().contains(PLAIN_CSS),
        "the stylesheet"
    );

    for path in [
        "/pkg/missing.wasm",
        "/pkg/customer-notifications.AAAAAAAAAAAAAAAAAAAAAA.wasm",
        "/pkg",
        "/pkg/",
        "/no-such-page",
    ] {
        let r = get(&app, path, Some("br, gzip")).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(header(r.headers(), CACHE_CONTROL), "no-store", "{path}");
        assert_eq!(header(r.headers(), CONTENT_ENCODING), "", "{path}");
        assert!(
            r.text().await.unwrap().contains("Page not found."),
            "{path}"
        );
    }
}
