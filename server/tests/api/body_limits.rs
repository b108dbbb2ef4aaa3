//! Bodies over the limit get `413` on every route that takes one (but the
//! webhooks, which have their own), whether the length is declared or the
//! body is streamed without one; malformed bodies get 400 or 422, never 500.

use notify_store::testing::TestDb;
use notify_store::tests_on_both_backends;
use notify_testkit::raw_http::send_large;
use reqwest::Method;

use crate::harness::signed_in_with_a_key;
use crate::routes::{Body, state_changing};

const MIB: usize = 1024 * 1024;

async fn oversized_bodies_are_refused_with_413_on_every_route(db: &TestDb) {
    let (app, key_id) = signed_in_with_a_key(db).await;
    for route in state_changing(&key_id) {
        for size in [3 * MIB, 48 * MIB] {
            for declared in [true, false] {
                let status = send_large(
                    &app.base,
                    route.method.as_str(),
                    &route.path,
                    "",
                    size,
                    declared,
                )
                .await
                .unwrap();
                assert_eq!(status, 413, "{route}, {size} bytes, declared {declared}");
            }
        }
    }
    // The limit itself: a body of exactly 64 KiB is read (and is then
    // malformed), one byte more is not.
    let body = |n: usize| format!("\"{}\"", "x".repeat(n - 2));
    for (size, expected) in [(64 * 1024, 400), (64 * 1024 + 1, 413)] {
        let r = app
            .call(Method::PUT, "/api/v1/settings")
            .header("Content-Type", "application/json")
            .body(body(size))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), expected, "{size} bytes");
    }
}

async fn malformed_bodies_are_client_errors_on_every_route(db: &TestDb) {
    let (app, key_id) = signed_in_with_a_key(db).await;
    for route in state_changing(&key_id) {
        let content_type = match route.body {
            Body::Json(_) => "application/json",
            Body::Form(_) => "application/x-www-form-urlencoded",
        };
        // The last is not UTF-8 (the page's JSON is read as text).
        let garbage: [&[u8]; 6] = [
            b"{",
            b"%zz=%&&==",
            b"\0\x01",
            b"[1,2",
            b"\"text\"",
            b"[\"\xff\xfe\"]",
        ];
        for garbage in garbage {
            let r = app
                .call(route.method.clone(), &route.path)
                .header("Content-Type", content_type)
                .body(garbage.to_vec())
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            assert!(
                status < 500,
                "{route} with {:?}: {status} {}",
                String::from_utf8_lossy(garbage),
                r.text().await.unwrap_or_default()
            );
        }
    }
}

tests_on_both_backends!(
    oversized_bodies_are_refused_with_413_on_every_route,
    malformed_bodies_are_client_errors_on_every_route,
);
