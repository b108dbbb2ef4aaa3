//! Builds the application on a listener that the caller chose (port 0 in
//! tests), so tests run the real app exactly as production does.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use notify_store::Store;
use notify_store::auth::AuthPolicy;
use tokio::net::TcpListener;
use tokio::sync::Notify;

use crate::config::Config;
use crate::delivery::{EmailTransport, LaneLimits, SmsTransport, Worker};
use crate::processing::{OrderApiClient, Processor, RetryPolicy};
use crate::state::AppState;

/// rustls' cryptography (ring) for outbound HTTPS (idempotent).
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

pub struct Application {
    listener: TcpListener,
    local_addr: SocketAddr,
    router: Router,
    /// `/metrics` apart from the site (`METRICS_ADDR`), bound at build.
    metrics: Option<(TcpListener, Router)>,
    /// How long personal data is kept (`RETENTION_DAYS`).
    retention: chrono::Duration,
    store: Store,
    processor: Option<Processor>,
    worker: Option<Worker>,
}

impl Application {
    /// Connects to the database (running migrations) and assembles the app.
    pub async fn build(config: Config, listener: TcpListener) -> anyhow::Result<Self> {
        install_tls_provider();
        let local_addr = listener.local_addr()?;
        let store = open_store(&config).await?;
        let metrics = crate::metrics::Metrics::new();
        let worker = delivery_worker(&config, &store, metrics.clone())?;
        let processor = webhook_processor(&config, &store, &worker);
        let (roles, retention) = (config.roles, config.retention);
        let state = app_state(config, &store, &processor, &worker, metrics);
        let metrics = metrics_listener(&state).await?;
        let router = if roles.web {
            crate::http::router(state)
        } else {
            crate::http::operations_router(state)
        };
        Ok(Application {
            listener,
            local_addr,
            router,
            metrics,
            retention,
            store,
            processor: roles.processor.then_some(processor),
            worker: roles.worker.then_some(worker),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Where `/metrics` is served when it has its own listener.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics
            .as_ref()
            .and_then(|(listener, _)| listener.local_addr().ok())
    }

    /// Serves and processes until SIGTERM / Ctrl-C: then stops accepting,
    /// lets the processor finish the event in hand, and closes the pool.
    /// Only the roles this replica has run (`SERVER_ROLES`); health,
    /// readiness and metrics are always served.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let (trigger, shutdown) = crate::shutdown::channel();
        let mut tasks = Vec::new();
        if let Some(processor) = self.processor {
            tasks.push(tokio::spawn(crate::maintenance::purge_sessions(
                self.store.clone(),
                crate::maintenance::SESSION_PURGE_EVERY,
                shutdown.clone(),
            )));
            tasks.push(tokio::spawn(crate::maintenance::purge_personal_data(
                self.store.clone(),
                self.retention,
                crate::maintenance::RETENTION_PURGE_EVERY,
                shutdown.clone(),
            )));
            tasks.push(tokio::spawn(processor.run(shutdown.clone())));
        }
        if let Some(worker) = self.worker {
            tasks.push(tokio::spawn(worker.run(shutdown.clone())));
        }
        if let Some((listener, router)) = self.metrics {
            tasks.push(tokio::spawn(async move {
                let served = axum::serve(listener, router)
                    .with_graceful_shutdown(async move { shutdown.wait().await })
                    .await;
                if let Err(e) = served {
                    tracing::error!(error = %e, "metrics listener failed");
                }
            }));
        }
        let served = axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(crate::shutdown::signal())
        .await;
        trigger.stop();
        for task in tasks {
            let _ = task.await;
        }
        self.store.close().await;
        Ok(served?)
    }
}

/// The database, migrated, with the secrets key; a wrong key fails here,
/// not at the first webhook.
async fn open_store(config: &Config) -> anyhow::Result<Store> {
    let store = Store::connect(&config.database_url).await?;
    let store = match config.secrets_keys.clone() {
        Some(keys) => store.with_secrets_keys(keys),
        None => store,
    };
    let resealed = store
        .reseal_secrets()
        .await
        .map_err(|e| anyhow::anyhow!("secrets at rest: {e}"))?;
    if resealed > 0 {
        tracing::info!(
            integrations = resealed,
            "secrets sealed again under SECRETS_KEY"
        );
    }
    tracing::info!(backend = ?store.backend(), roles = ?config.roles, "database ready");
    Ok(store)
}

/// Email through SMTP or into the sink folder, DKIM-signed when configured.
fn email_transport(config: &Config) -> anyhow::Result<EmailTransport> {
    let from: lettre::Address = config
        .smtp_from
        .parse()
        .map_err(|e| anyhow::anyhow!("SMTP_FROM: {e}"))?;
    let transport = match &config.smtp_url {
        Some(url) => {
            EmailTransport::smtp(url, from, config.delivery_concurrency, config.smtp_timeout)
                .map_err(anyhow::Error::msg)?
        }
        None => EmailTransport::sink(config.outbox_sink_dir.clone(), from),
    };
    if let Some(signer) = &config.dkim {
        tracing::info!(
            domain = signer.domain(),
            selector = signer.selector(),
            txt_name = %signer.dns_name(),
            txt_record = signer.dns_record(),
            "emails are DKIM-signed; receivers verify them against this TXT record"
        );
    }
    transport
        .signed_with(config.dkim.clone())
        .map_err(anyhow::Error::msg)
}

/// Texts through the SMS API or into the sink folder.
fn sms_transport(config: &Config) -> SmsTransport {
    match &config.sms {
        Some(c) => SmsTransport::api(
            c.api_base.clone(),
            c.account_sid.clone(),
            c.auth_token.clone(),
            c.from.clone(),
            Some(format!("{}/webhooks/sms/status", config.public_origin())),
            c.timeout,
        ),
        None => SmsTransport::Sink {
            dir: config.outbox_sink_dir.clone(),
        },
    }
}

/// Sends messages: a lane per channel.
fn delivery_worker(
    config: &Config,
    store: &Store,
    metrics: crate::metrics::Metrics,
) -> anyhow::Result<Worker> {
    let email = email_transport(config)?;
    let sms = sms_transport(config);
    tracing::info!(
        email = email.describe(),
        sms = sms.describe(),
        "delivery channels"
    );
    Ok(Worker {
        store: store.clone(),
        email: Arc::new(email),
        sms: Arc::new(sms),
        wake: Arc::new(Notify::new()),
        retry: RetryPolicy::new(config.delivery_retry.clone()),
        lease: config.delivery_lease,
        email_lane: LaneLimits {
            concurrency: config.delivery_concurrency,
            max_per_second: config.smtp_max_per_second,
            send_timeout: config.smtp_timeout,
        },
        daily_limit: config.daily_message_limit,
        sms_lane: LaneLimits {
            concurrency: config.delivery_concurrency,
            max_per_second: config.sms_max_per_second,
            send_timeout: config
                .sms
                .as_ref()
                .map_or(config.smtp_timeout, |sms| sms.timeout),
        },
        backstop: std::time::Duration::from_secs(2),
        metrics,
        ingest_load: Default::default(),
    })
}

/// Turns stored webhooks into messages, then wakes the worker.
fn webhook_processor(config: &Config, store: &Store, worker: &Worker) -> Processor {
    Processor {
        store: store.clone(),
        order_api: OrderApiClient::new(vec![(
            notify_ingest::platforms::bigcommerce::PLATFORM,
            config.bigcommerce_api_base.clone(),
        )]),
        wake: Arc::new(Notify::new()),
        retry: RetryPolicy::new(config.processing_retry.clone()),
        lease: config.processing_lease,
        backstop: std::time::Duration::from_secs(2),
        batch: 32,
        delivery_wake: worker.wake.clone(),
        ingest_load: worker.ingest_load.clone(),
    }
}

/// What the handlers share.
fn app_state(
    config: Config,
    store: &Store,
    processor: &Processor,
    worker: &Worker,
    metrics: crate::metrics::Metrics,
) -> AppState {
    let webhook_limiter = Arc::new(crate::webhooks::RateLimiter::new(config.webhook_rate));
    let auth_policy = AuthPolicy {
        max_sign_ups_per_ip: config.sign_ups_per_ip,
        ..AuthPolicy::default()
    };
    AppState {
        store: store.clone(),
        config: Arc::new(config),
        auth_policy,
        processor_wake: processor.wake.clone(),
        ingest_load: processor.ingest_load.clone(),
        ingest: crate::webhooks::IngestWriter::spawn(store.clone(), 256),
        email: worker.email.clone(),
        sms: worker.sms.clone(),
        metrics,
        webhook_limiter,
    }
}

/// `/metrics` on a listener of its own (`METRICS_ADDR`), bound now.
async fn metrics_listener(state: &AppState) -> anyhow::Result<Option<(TcpListener, Router)>> {
    let Some(addr) = state.config.metrics_addr else {
        return Ok(None);
    };
    let listener = TcpListener::bind(addr).await.map_err(|e| {
        anyhow::anyhow!(
            "METRICS_ADDR: cannot listen on {addr}: {e} (give each replica on one host its own)"
        )
    })?;
    tracing::info!(addr = %listener.local_addr()?, "metrics listener");
    Ok(Some((listener, crate::http::metrics_router(state.clone()))))
}
