//! Bodies over the limit get `413` on every route that takes one (but the
//! webhooks, which have their own), whether the length is declared or the
//! body is streamed without one; malformed bodies get 400 or 422, never 500.

use std::time::Duration;

use notify_store::testing::TestDb;
use notify_store::tests_on_both_backends;
use reqwest::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::harness::{TestApp, signed_in_with_a_key};
use crate::routes::{Body, state_changing};

const MIB: usize = 1024 * 1024;

/// Sends up to `size` bytes in 64 KiB pieces over a raw connection (with
/// `Content-Length: size`, or chunked without a length) and returns the
/// status line's code. Stops sending when the server stops reading.
async fn send_large(
    app: &TestApp,
    method: &Method,
    path: &str,
    size: usize,
    declared: bool,
) -> u16 {
    let host = app.base.trim_start_matches("http://");
    let stream = TcpStream::connect(host).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let length = if declared {
        format!("Content-Length: {size}")
    } else {
        "Transfer-Encoding: chunked".to_owned()
    };
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: {}\r\nContent-Type: application/json\r\n{length}\r\n\r\n",
        app.origin
    );
    let sender = tokio::spawn(async move {
        writer.write_all(head.as_bytes()).await?;
        let piece = vec![b' '; 64 * 1024];
        let mut sent = 0;
        while sent < size {
            if !declared {
                writer
                    .write_all(format!("{:x}\r\n", piece.len()).as_bytes())
                    .await?;
            }
            writer.write_all(&piece).await?;
            if !declared {
                writer.write_all(b"\r\n").await?;
            }
            sent += piece.len();
        }
        if !declared {
            writer.write_all(b"0\r\n\r\n").await?;
        }
        std::io::Result::Ok(sent)
    });
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    let read = tokio::time::timeout(Duration::from_secs(30), async {
        while !answer.windows(2).any(|w| w == b"\r\n") {
            let n = reader.read(&mut buf).await.unwrap();
            assert!(
                n > 0,
                "{method} {path}: connection closed without an answer"
            );
            answer.extend_from_slice(&buf[..n]);
        }
    })
    .await;
    assert!(read.is_ok(), "{method} {path}: no answer within 30 s");
    sender.abort();
    let line = String::from_utf8_lossy(&answer);
    line.split(' ').nth(1).unwrap().parse().unwrap()
}

async fn oversized_bodies_are_refused_with_413_on_every_route(db: &TestDb) {
    let (app, key_id) = signed_in_with_a_key(db).await;
    for route in state_changing(&key_id) {
        for size in [3 * MIB, 48 * MIB] {
            for declared in [true, false] {
                let status = send_large(&app, &route.method, &route.path, size, declared).await;
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
        for garbage in ["{", "%zz=%&&==", "\u{0}\u{1}", "[1,2", "\"text\""] {
            let r = app
                .call(route.method.clone(), &route.path)
                .header("Content-Type", content_type)
                .body(garbage)
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            assert!(
                status < 500,
                "{route} with {garbage:?}: {status} {}",
                r.text().await.unwrap_or_default()
            );
        }
    }
}

tests_on_both_backends!(
    oversized_bodies_are_refused_with_413_on_every_route,
    malformed_bodies_are_client_errors_on_every_route,
);
