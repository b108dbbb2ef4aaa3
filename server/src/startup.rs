//! Builds the application on a listener that the caller chose (port 0 in
//! tests), so tests run the real app exactly as production does.

use std::net::SocketAddr;

use app::{App, shell};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tokio::net::TcpListener;

use crate::config::Config;

pub struct Application {
    listener: TcpListener,
    local_addr: SocketAddr,
    router: Router,
}

impl Application {
    pub fn build(config: Config, listener: TcpListener) -> anyhow::Result<Self> {
        let local_addr = listener.local_addr()?;
        Ok(Application {
            listener,
            local_addr,
            router: router(config.leptos),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(crate::shutdown::signal())
            .await?;
        Ok(())
    }
}

fn router(leptos_options: LeptosOptions) -> Router {
    let routes = generate_route_list(App);
    Router::new()
        .leptos_routes(&leptos_options, routes, {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(leptos_options)
}
