//! The Customer Notifications server binary: configuration in, app out.

use anyhow::Context;

/// glibc keeps a freed large block for reuse once it has seen one freed,
/// raising its threshold for mapping large blocks separately: each 19 MiB
/// password hash then stays in the process (measured: 50 logins took the
/// server from 39 to 357 MiB). A fixed threshold gives every large block
/// back when it is freed (the same 50 logins: a 62 MiB peak).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn give_large_blocks_back() {
    // SAFETY: mallopt only sets an allocator parameter; called before any
    // other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn give_large_blocks_back() {}

fn main() -> anyhow::Result<()> {
    give_large_blocks_back();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}

async fn run() -> anyhow::Result<()> {
    let cli = server::config::Cli::read();
    let log_format = cli.settings.log_format();
    if let Some(filter) = cli.settings.log_filter() {
        server::telemetry::init(filter, log_format);
    }
    let config = match server::config::Config::from_settings(cli.settings) {
        Ok(config) => config,
        Err(errors) => {
            for e in &errors {
                eprintln!("configuration error: {e}");
            }
            std::process::exit(2);
        }
    };
    if cli.reseal_secrets {
        // After a key rotation: everything under SECRETS_KEY, then exit.
        let mut store = notify_store::Store::connect(&config.database_url).await?;
        if let Some(keys) = config.secrets_keys.clone() {
            store = store.with_secrets_keys(keys);
        }
        let resealed = store.reseal_secrets().await?;
        println!("{resealed} integration(s) sealed again under SECRETS_KEY");
        return Ok(());
    }
    let listener = tokio::net::TcpListener::bind(config.listen_addr)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen_addr))?;
    let app = server::startup::Application::build(config, listener).await?;
    tracing::info!(url = %format!("http://{}", app.local_addr()), "Customer Notifications is running");
    if log_format == server::telemetry::LogFormat::Text {
        // For people; a log collector has the line above (every line on
        // standard output is JSON then).
        println!(
            "Customer Notifications is running: open http://{}/settings/customer-notifications",
            app.local_addr()
        );
    }
    app.run_until_stopped().await
}
