//! Builds the application on a listener that the caller chose (port 0 in
//! tests), so tests run the real app exactly as production does.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use notify_store::Store;
use notify_store::auth::AuthPolicy;
use tokio::net::TcpListener;

use crate::config::Config;
use crate::state::AppState;

pub struct Application {
    listener: TcpListener,
    local_addr: SocketAddr,
    router: Router,
    store: Store,
}

impl Application {
    /// Connects to the database (running migrations) and assembles the app.
    pub async fn build(config: Config, listener: TcpListener) -> anyhow::Result<Self> {
        let local_addr = listener.local_addr()?;
        let store = Store::connect(&config.database_url).await?;
        tracing::info!(backend = ?store.backend(), "database ready");
        let state = AppState {
            store: store.clone(),
            config: Arc::new(config),
            auth_policy: AuthPolicy::default(),
        };
        Ok(Application {
            listener,
            local_addr,
            router: crate::http::router(state),
            store,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(crate::shutdown::signal())
        .await?;
        self.store.close().await;
        Ok(())
    }
}
