//! A real SMTP listener: speaks enough SMTP over TCP for lettre (EHLO, MAIL,
//! RCPT, DATA, RSET, NOOP, QUIT) and keeps what it receives. It can start
//! down and come up later on its port (a provider outage), answer slowly (a
//! relay across the internet) and hang up after some messages on a
//! connection (as relays do).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One message as the listener accepted it.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent after DATA (headers and body), dot-unstuffed.
    pub data: String,
    /// When its DATA was read.
    pub at: Instant,
}

impl Received {
    /// The first line of header `name` (`Subject`, `Message-ID`), as sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        let prefix = format!("{name}: ");
        self.data
            .split("\r\n")
            .take_while(|l| !l.is_empty())
            .find_map(|l| l.strip_prefix(prefix.as_str()))
    }
}

/// The listener; clones share what it received. It stops when the last
/// clone is dropped, or at [`SmtpServer::take_down`].
#[derive(Clone)]
pub struct SmtpServer {
    pub port: u16,
    pub received: Arc<Mutex<Vec<Received>>>,
    /// How many connections it has accepted.
    pub connections: Arc<AtomicUsize>,
    /// How long it takes to accept a message (set before [`SmtpServer::up`]).
    pub answer_after: Duration,
    /// It hangs up after this many messages on one connection (set before
    /// [`SmtpServer::up`]).
    pub close_after: usize,
    task: Option<Arc<StopOnDrop>>,
}

struct StopOnDrop(tokio::task::JoinHandle<()>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl SmtpServer {
    /// Listening on `port` (0: any free port).
    pub async fn start(port: u16) -> SmtpServer {
        Self::start_closing_after(port, usize::MAX).await
    }

    /// Like [`SmtpServer::start`], but the server closes each connection
    /// after accepting `messages` messages on it (as relays do).
    pub async fn start_closing_after(port: u16, messages: usize) -> SmtpServer {
        let mut server = SmtpServer::down(port);
        server.close_after = messages;
        server.up().await.expect("bind the SMTP listener");
        server
    }

    /// Not listening yet: `port` is reserved for [`SmtpServer::up`].
    pub fn down(port: u16) -> SmtpServer {
        SmtpServer {
            port,
            received: Arc::default(),
            connections: Arc::default(),
            answer_after: Duration::ZERO,
            close_after: usize::MAX,
            task: None,
        }
    }

    /// Starts listening on its port (port 0 becomes the one bound).
    pub async fn up(&mut self) -> std::io::Result<()> {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await?;
        self.port = listener.local_addr()?.port();
        let (received, accepted) = (self.received.clone(), self.connections.clone());
        let (delay, close_after) = (self.answer_after, self.close_after);
        let task = tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                accepted.fetch_add(1, Ordering::SeqCst);
                let received = received.clone();
                tokio::spawn(async move {
                    let _ = session(socket, received, delay, close_after).await;
                });
            }
        });
        self.task = Some(Arc::new(StopOnDrop(task)));
        Ok(())
    }

    /// Stops listening (open sessions are cut when their task ends).
    pub fn take_down(&mut self) {
        if let Some(task) = self.task.take() {
            task.0.abort();
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn messages(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }
}

async fn session(
    socket: tokio::net::TcpStream,
    store: Arc<Mutex<Vec<Received>>>,
    answer_after: Duration,
    close_after: usize,
) -> std::io::Result<()> {
    let mut accepted = 0;
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 test.local ESMTP\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    while let Some(line) = lines.next_line().await? {
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            write
                .write_all(b"250-test.local\r\n250 8BITMIME\r\n")
                .await?;
        } else if upper.starts_with("MAIL FROM:") {
            from = line[10..].trim().trim_matches(['<', '>']).to_owned();
            write.write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("RCPT TO:") {
            to.push(line[8..].trim().trim_matches(['<', '>']).to_owned());
            write.write_all(b"250 OK\r\n").await?;
        } else if upper == "DATA" {
            write.write_all(b"354 go ahead\r\n").await?;
            let mut data = String::new();
            let mut complete = false;
            while let Some(l) = lines.next_line().await? {
                if l == "." {
                    complete = true;
                    break;
                }
                data.push_str(
                    l.strip_prefix('.')
                        .filter(|_| l.starts_with(".."))
                        .unwrap_or(&l),
                );
                data.push_str("\r\n");
            }
            if !complete {
                // The client went away mid-message (a server killed while
                // sending): like a real relay, nothing was delivered.
                return Ok(());
            }
            store.lock().expect("lock").push(Received {
                from: std::mem::take(&mut from),
                to: std::mem::take(&mut to),
                data,
                at: Instant::now(),
            });
            if !answer_after.is_zero() {
                tokio::time::sleep(answer_after).await;
            }
            write.write_all(b"250 OK queued as test-1\r\n").await?;
            accepted += 1;
            if accepted >= close_after {
                return Ok(()); // hangs up, as a relay does after its limit
            }
        } else if upper == "QUIT" {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            if upper == "RSET" {
                from.clear();
                to.clear();
            }
            write.write_all(b"250 OK\r\n").await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    async fn send(port: u16, lines: &[&str]) {
        let mut socket = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap();
        for line in lines {
            socket
                .write_all(format!("{line}\r\n").as_bytes())
                .await
                .unwrap();
        }
        socket.shutdown().await.unwrap();
        let mut rest = Vec::new();
        let _ = socket.read_to_end(&mut rest).await;
    }

    /// A message whose DATA never ended (the sender was killed) was not
    /// delivered: counting it would hide a lost message, or show a second
    /// one without its Message-ID.
    #[tokio::test]
    async fn only_a_message_ended_by_its_dot_is_received() {
        let server = SmtpServer::start(0).await;
        let envelope = [
            "EHLO test",
            "MAIL FROM:<a@shop.example>",
            "RCPT TO:<b@x.example>",
            "DATA",
        ];
        send(
            server.port,
            &[&envelope[..], &["Subject: cut", "", "half a bo"]].concat(),
        )
        .await;
        send(
            server.port,
            &[
                &envelope[..],
                &["Message-ID: <job_1@shop.example>", "", "body", ".", "QUIT"],
            ]
            .concat(),
        )
        .await;
        let messages = server.messages();
        assert_eq!(
            messages.len(),
            1,
            "{:?}",
            messages.iter().map(|m| &m.data).collect::<Vec<_>>()
        );
        assert_eq!(
            messages[0].header("Message-ID"),
            Some("<job_1@shop.example>")
        );
    }
}
