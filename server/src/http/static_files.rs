//! The compiled site's files (`LEPTOS_SITE_ROOT`: the WASM, its JS, the
//! CSS, the public assets), served with the brotli or gzip variant built
//! beside each file (`cargo leptos build --release --precompress` writes
//! `x.br` and `x.gz` next to `x`) when the request accepts it, and cached by
//! name: a content-hashed name under the package folder never changes its
//! bytes, so browsers keep it a year without asking again; any other file
//! is revalidated on every use, so a rebuilt one is never stale. Anything
//! that is not a file gets the app's 404 page, as before.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, VARY};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::state::AppState;

/// A content-hashed file: its name changes whenever its bytes do.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Any other file: kept, but checked with the server (`Last-Modified`)
/// before every use.
pub const REVALIDATE: &str = "no-cache";

/// The router's fallback: a file of the site, or the 404 page.
pub async fn serve(State(state): State<AppState>, request: Request) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return not_found(state, request).await;
    }
    let options = &state.config.leptos;
    let (parts, body) = request.into_parts();
    let files = ServeDir::new(&*options.site_root)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false);
    let Ok(response) = files
        .oneshot(Request::from_parts(parts.clone(), Body::empty()))
        .await;
    if response.status() == StatusCode::NOT_FOUND {
        return not_found(state, Request::from_parts(parts, body)).await;
    }
    let mut response = response.into_response();
    let headers = response.headers_mut();
    // The same URL answers with another body for another Accept-Encoding.
    headers.append(VARY, HeaderValue::from_static("accept-encoding"));
    let policy = if is_content_hashed(parts.uri.path(), &options.site_pkg_dir) {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(policy));
    response
}

/// Leptos' handler renders the app's "Page not found." with status 404.
async fn not_found(state: AppState, request: Request) -> Response {
    let uri = request.uri().clone();
    leptos_axum::file_and_error_handler::<AppState, _>(app::shell)(uri, State(state), request).await
}

/// `/<pkg>/…/<stem>.<hash>.<ext>`, as cargo-leptos names the package's files
/// when hashing is on (`LEPTOS_HASH_FILES`): the hash is the file's MD5 in
/// unpadded URL-safe base64, 22 characters. Nothing outside the package
/// folder is hashed (public assets keep their names).
pub fn is_content_hashed(path: &str, pkg_dir: &str) -> bool {
    let pkg_dir = pkg_dir.trim_matches('/');
    let Some(inside) = path
        .strip_prefix('/')
        .and_then(|p| p.strip_prefix(pkg_dir))
        .and_then(|p| p.strip_prefix('/'))
    else {
        return false;
    };
    let name = inside.rsplit('/').next().unwrap_or_default();
    let mut pieces = name.rsplitn(3, '.');
    let (Some(ext), Some(hash), Some(stem)) = (pieces.next(), pieces.next(), pieces.next()) else {
        return false;
    };
    !ext.is_empty()
        && !stem.is_empty()
        && hash.len() == 22
        && hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::is_content_hashed;

    #[test]
    fn only_hashed_names_in_the_package_folder_are_content_hashed() {
        for hashed in [
            "/pkg/customer-notifications.Ab3_x-Z9Ab3_x-Z9Ab3_x-.wasm",
            "/pkg/customer-notifications.Ab3_x-Z9Ab3_x-Z9Ab3_x-.js",
            "/pkg/sub/chunk_1.AAAAAAAAAAAAAAAAAAAAAA.wasm",
        ] {
            assert!(is_content_hashed(hashed, "pkg"), "{hashed}");
        }
        for plain in [
            "/pkg/customer-notifications.wasm",
            "/pkg/customer-notifications.css",
            // A variant asked for by name: its bytes are not the hash's.
            "/pkg/customer-notifications.Ab3_x-Z9Ab3_x-Z9Ab3_x-.wasm.br",
            // 21 and 23 characters, and one that is not base64url.
            "/pkg/x.Ab3_x-Z9Ab3_x-Z9Ab3_x.wasm",
            "/pkg/x.Ab3_x-Z9Ab3_x-Z9Ab3_x-A.wasm",
            "/pkg/x.Ab3_x-Z9Ab3_x-Z9Ab3_x+.wasm",
            "/pkg/.Ab3_x-Z9Ab3_x-Z9Ab3_x-.wasm",
            // Outside the package folder.
            "/x.Ab3_x-Z9Ab3_x-Z9Ab3_x-.wasm",
            "/pkgx/x.Ab3_x-Z9Ab3_x-Z9Ab3_x-.wasm",
        ] {
            assert!(!is_content_hashed(plain, "pkg"), "{plain}");
        }
        assert!(is_content_hashed(
            "/assets/pkg/x.AAAAAAAAAAAAAAAAAAAAAA.js",
            "assets/pkg"
        ));
    }
}
