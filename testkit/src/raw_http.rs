//! A request with a large body, streamed over a raw connection, for the
//! body-limit tests and the abuse drill: the server must answer before it
//! has read it all.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Streams `size` bytes in 64 KiB pieces as `method path` to `base`
/// (`http://host:port`), with `Content-Length: size` when `declared`, else
/// chunked; `headers` are extra header lines (each ending in `\r\n`).
/// Returns the status of the answer; stops sending when the server answers
/// or stops reading.
pub async fn send_large(
    base: &str,
    method: &str,
    path: &str,
    headers: &str,
    size: usize,
    declared: bool,
) -> anyhow::Result<u16> {
    let host = base.trim_start_matches("http://").to_owned();
    let stream = TcpStream::connect(&host).await?;
    let (mut reader, mut writer) = stream.into_split();
    let length = if declared {
        format!("Content-Length: {size}")
    } else {
        "Transfer-Encoding: chunked".to_owned()
    };
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: {base}\r\n{headers}Content-Type: application/json\r\n{length}\r\n\r\n"
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
        std::io::Result::Ok(())
    });
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    let read = tokio::time::timeout(Duration::from_secs(60), async {
        while !answer.windows(2).any(|w| w == b"\r\n") {
            let n = reader.read(&mut buf).await?;
            if n == 0 {
                anyhow::bail!("{method} {path}: closed without an answer");
            }
            answer.extend_from_slice(&buf[..n]);
        }
        Ok(())
    })
    .await;
    sender.abort();
    read.map_err(|_| anyhow::anyhow!("{method} {path}: no answer within 60 s"))??;
    let line = String::from_utf8_lossy(&answer);
    line.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| anyhow::anyhow!("{method} {path}: not an HTTP answer: {line:.80}"))
}
