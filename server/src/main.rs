//! The Customer Notifications server binary: configuration in, app out.

use anyhow::Context;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if std::env::args().any(|a| a == "--help" || a == "-h") {
        println!("Customer Notifications server\n\nEnvironment variables:");
        for (name, meaning) in server::config::VARIABLES {
            println!("  {name:<18} {meaning}");
        }
        return Ok(());
    }
    server::telemetry::init();
    let config = match server::config::Config::from_env() {
        Ok(config) => config,
        Err(errors) => {
            for e in &errors {
                eprintln!("configuration error: {e}");
            }
            std::process::exit(2);
        }
    };
    let listener = tokio::net::TcpListener::bind(config.listen_addr)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen_addr))?;
    let app = server::startup::Application::build(config, listener).await?;
    tracing::info!(url = %format!("http://{}", app.local_addr()), "Customer Notifications is running");
    println!(
        "Customer Notifications is running: open http://{}/settings/customer-notifications",
        app.local_addr()
    );
    app.run_until_stopped().await
}
