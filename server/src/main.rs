//! The Customer Notifications server binary: configuration in, app out.

use anyhow::Context;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    server::telemetry::init();
    let config = server::config::Config::from_env().context("invalid configuration")?;
    let listener = tokio::net::TcpListener::bind(config.listen_addr)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen_addr))?;
    let app = server::startup::Application::build(config, listener)?;
    tracing::info!(url = %format!("http://{}", app.local_addr()), "Customer Notifications is running");
    println!(
        "Customer Notifications is running: open http://{}/settings/customer-notifications",
        app.local_addr()
    );
    app.run_until_stopped().await
}
