//! The real server binary as a child process on its own port and database,
//! killed and restarted at will.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::Context;

/// The server binary: `SERVER_BIN`, else the release build, else the debug one.
pub fn server_binary() -> anyhow::Result<PathBuf> {
    if let Ok(bin) = std::env::var("SERVER_BIN") {
        return Ok(bin.into());
    }
    for candidate in ["target/release/server", "target/debug/server"] {
        if Path::new(candidate).exists() {
            return Ok(candidate.into());
        }
    }
    anyhow::bail!("no server binary: build it (cargo build -p server) or set SERVER_BIN")
}

pub struct Server {
    child: tokio::process::Child,
    bin: PathBuf,
    env: Vec<(String, String)>,
    log: PathBuf,
    pub port: u16,
    pub base: String,
    pub starts: u32,
}

impl Server {
    /// Starts the binary on `port` with `env` (on top of the listen
    /// address and PUBLIC_URL) and waits until it is ready.
    pub async fn start(
        port: u16,
        env: Vec<(String, String)>,
        log: PathBuf,
    ) -> anyhow::Result<Server> {
        let bin = server_binary()?;
        let base = format!("http://127.0.0.1:{port}");
        let child = spawn(&bin, port, &env, &log)?;
        let server = Server {
            child,
            bin,
            env,
            log,
            port,
            base,
            starts: 1,
        };
        server.wait_ready(Duration::from_secs(60)).await?;
        Ok(server)
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Resident memory of the process in KiB (`VmRSS`).
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()?)).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }

    pub async fn wait_ready(&self, within: Duration) -> anyhow::Result<()> {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Ok(r) = client.get(format!("{}/readyz", self.base)).send().await
                && r.status().is_success()
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anyhow::bail!(
            "the server on port {} did not become ready (log: {})",
            self.port,
            self.log.display()
        )
    }

    /// SIGKILL: no clean-up of any kind.
    pub async fn kill9(&mut self) -> anyhow::Result<()> {
        self.child.start_kill()?;
        self.child.wait().await?;
        Ok(())
    }

    pub async fn restart(&mut self) -> anyhow::Result<()> {
        self.child = spawn(&self.bin, self.port, &self.env, &self.log)?;
        self.starts += 1;
        self.wait_ready(Duration::from_secs(60)).await
    }

    /// SIGTERM and wait (bounded).
    pub async fn stop(mut self) {
        if let Some(pid) = self.child.id() {
            let _ = std::process::Command::new("kill")
                .arg("-TERM")
                .arg(pid.to_string())
                .status();
        }
        if tokio::time::timeout(Duration::from_secs(15), self.child.wait())
            .await
            .is_err()
        {
            let _ = self.child.start_kill();
            let _ = self.child.wait().await;
        }
    }
}

fn spawn(
    bin: &Path,
    port: u16,
    env: &[(String, String)],
    log: &Path,
) -> anyhow::Result<tokio::process::Child> {
    let out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)?;
    let mut command = tokio::process::Command::new(bin);
    command
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        // Metrics on a port of their own per server (several may run at once).
        .env("METRICS_ADDR", "127.0.0.1:0")
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(Stdio::null())
        .stdout(out.try_clone()?)
        .stderr(out)
        .kill_on_drop(true);
    command
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))
}

/// `[("A", "b")]` as owned pairs.
pub fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}
