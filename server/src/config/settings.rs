//! The declarations: every variable the server reads, each written once
//! with its default, its meaning (for `--help` and README's table, which a
//! test checks against them) and its parser.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser};
use notify_core::secret::Secret;
use url::Url;

use super::Roles;
use super::read::{Checked, http_url, lenient, strict};
use super::read::{above_zero, concurrency, database_url, days, email_address, log_filter};
use super::read::{dkim_selector, domain_name};
use super::read::{networks, origin, path, per_second, seconds, seconds_list, secret};
use super::read::{socket_addr, text};
use crate::telemetry::LogFormat;

/// The server's command line: the settings and what to do.
#[derive(Parser)]
#[command(
    name = "server",
    about = "Customer Notifications server",
    long_about = "Customer Notifications server.\n\nEvery setting is an environment variable; the flag beside it (DATABASE_URL: --database-url) wins over it. A blank variable is as if unset, except where parsed as given: LEPTOS_*, DATABASE_URL, PUBLIC_URL, BIGCOMMERCE_API_BASE, PROCESSING_RETRY_SECONDS and RUST_LOG."
)]
pub struct Cli {
    /// seal every integration's secrets again under SECRETS_KEY (after a rotation) and exit
    #[arg(long)]
    pub reseal_secrets: bool,
    #[command(flatten)]
    pub settings: Settings,
}

/// One field per variable: the variable is the field's name in capitals,
/// the flag the same in lower case with dashes. A variable without a
/// default is an `Option`.
#[derive(Args)]
pub struct Settings {
    /// listen address
    #[arg(long, env, default_value = "127.0.0.1:3000", value_parser = strict(socket_addr))]
    pub(super) leptos_site_addr: Checked<SocketAddr>,
    /// folder of the compiled site: WASM, JS, CSS (run from the workspace root)
    #[arg(long, env, default_value = "target/site", value_parser = strict(path))]
    pub(super) leptos_site_root: Checked<PathBuf>,
    /// sqlite:<path> or postgres://user@host/db; migrations run at start-up
    #[arg(long, env, default_value = "sqlite://data/notifications.db", value_parser = strict(database_url))]
    pub(super) database_url: Checked<String>,
    /// origin the app is reached at, used in webhook URLs and the same-origin check (unset: http://<LEPTOS_SITE_ADDR>)
    #[arg(long, env, value_parser = strict(origin))]
    pub(super) public_url: Option<Checked<Url>>,
    /// BigCommerce REST API base URL
    #[arg(long, env, default_value = "https://api.bigcommerce.com/", value_parser = strict(http_url))]
    pub(super) bigcommerce_api_base: Checked<Url>,
    /// delays between attempts to process a webhook, comma-separated
    #[arg(long, env, default_value = "5,30,120,600,1800,3600,7200", value_parser = strict(seconds_list))]
    pub(super) processing_retry_seconds: Checked<Vec<chrono::Duration>>,
    /// smtp://host:port, smtp://user:pass@host:587?tls=required or smtps://... (unset: emails go to the sink folder)
    #[arg(long, env, value_parser = lenient(text))]
    pub(super) smtp_url: Option<Checked<String>>,
    /// the address emails are sent from (required with SMTP_URL)
    #[arg(long, env, default_value = "notifications@localhost", value_parser = lenient(email_address))]
    pub(super) smtp_from: Checked<String>,
    /// how long one SMTP conversation may take; a hang is a transient failure
    #[arg(long, env, default_value = "20", value_parser = lenient(seconds))]
    pub(super) smtp_timeout_seconds: Checked<std::time::Duration>,
    /// emails one replica hands to the SMTP relay per second at most, like 14 or 0.5 (unset: unlimited)
    #[arg(long, env, value_parser = lenient(per_second))]
    pub(super) smtp_max_per_second: Option<Checked<f64>>,
    /// the domain every email is DKIM-signed for (d=); SMTP_FROM's domain must be it or a subdomain of it (unset: not signed)
    #[arg(long, env, value_parser = lenient(domain_name))]
    pub(super) dkim_domain: Option<Checked<String>>,
    /// the DKIM selector (s=): the public key is published at <selector>._domainkey.<DKIM_DOMAIN> (unset: not signed)
    #[arg(long, env, value_parser = lenient(dkim_selector))]
    pub(super) dkim_selector: Option<Checked<String>>,
    /// the DKIM private key, RSA (2048 bits or more) or Ed25519, in PEM or the path of a PEM file (unset: not signed)
    #[arg(long, env, value_parser = lenient(secret))]
    pub(super) dkim_private_key: Option<Checked<Secret>>,
    /// Twilio-compatible API base URL
    #[arg(long, env, default_value = "https://api.twilio.com/", value_parser = lenient(http_url))]
    pub(super) sms_api_base: Checked<Url>,
    /// SMS account id; with SMS_AUTH_TOKEN and SMS_FROM enables real SMS (unset: the sink folder)
    #[arg(long, env, value_parser = lenient(text))]
    pub(super) sms_account_sid: Option<Checked<String>>,
    /// SMS API token (unset: the sink folder)
    #[arg(long, env, value_parser = lenient(secret))]
    pub(super) sms_auth_token: Option<Checked<Secret>>,
    /// how long one SMS API request may take; a hang is a transient failure
    #[arg(long, env, default_value = "15", value_parser = lenient(seconds))]
    pub(super) sms_timeout_seconds: Checked<std::time::Duration>,
    /// the sending number (E.164) or messaging service id (unset: the sink folder)
    #[arg(long, env, value_parser = lenient(text))]
    pub(super) sms_from: Option<Checked<String>>,
    /// texts one replica hands to the SMS API per second at most, like 1 or 30 (unset: unlimited); a 429 with Retry-After also pauses the channel
    #[arg(long, env, value_parser = lenient(per_second))]
    pub(super) sms_max_per_second: Option<Checked<f64>>,
    /// where unsent-by-provider messages are written
    #[arg(long, env, default_value = "data/outbox", value_parser = lenient(path))]
    pub(super) outbox_sink_dir: Checked<PathBuf>,
    /// delays between delivery attempts, comma-separated
    #[arg(long, env, default_value = "10,60,300,900,3600,10800", value_parser = lenient(seconds_list))]
    pub(super) delivery_retry_seconds: Checked<Vec<chrono::Duration>>,
    /// how long a worker holds claimed messages before another may take them over; renewed while they are being sent (above SMS_TIMEOUT_SECONDS and SMTP_TIMEOUT_SECONDS)
    #[arg(long, env, default_value = "120", value_parser = lenient(seconds))]
    pub(super) delivery_lease_seconds: Checked<std::time::Duration>,
    /// messages one merchant may send per channel per day (its own calendar day; test sends count); beyond it messages wait, held, until the next day or a raised limit
    #[arg(long, env, default_value = "5000", value_parser = lenient(above_zero::<u32>))]
    pub(super) merchant_daily_message_limit: Checked<u32>,
    /// messages one replica sends at once on each channel: email and SMS each have this many in flight at most
    #[arg(long, env, default_value = "32", value_parser = lenient(concurrency))]
    pub(super) delivery_concurrency: Checked<usize>,
    /// how long a processor holds claimed webhooks before another may take them over
    #[arg(long, env, default_value = "60", value_parser = lenient(seconds))]
    pub(super) processing_lease_seconds: Checked<std::time::Duration>,
    /// webhooks admitted per second per endpoint (tenant), per replica; beyond it 429 with Retry-After
    #[arg(long, env, default_value = "100", value_parser = lenient(per_second))]
    pub(super) webhook_rate_per_second: Checked<f64>,
    /// webhooks one endpoint may send at once before the rate applies
    #[arg(long, env, default_value = "500", value_parser = lenient(above_zero::<u32>))]
    pub(super) webhook_burst: Checked<u32>,
    /// 32 bytes in base64 that seal integration secrets at rest (unset: a key file generated beside the SQLite database, or data/secrets.key, on first run)
    #[arg(long, env, value_parser = lenient(notify_store::sealed::parse_key))]
    pub(super) secrets_key: Option<Checked<[u8; notify_store::sealed::KEY_BYTES]>>,
    /// during a rotation, the key before SECRETS_KEY: it still opens what it sealed; start-up seals everything again under SECRETS_KEY (unset: none)
    #[arg(long, env, value_parser = lenient(notify_store::sealed::parse_key))]
    pub(super) secrets_key_previous: Option<Checked<[u8; notify_store::sealed::KEY_BYTES]>>,
    /// days raw webhook bodies and message contents are kept before they are purged; outcomes stay
    #[arg(long, env, default_value = "30", value_parser = lenient(days))]
    pub(super) retention_days: Checked<chrono::Duration>,
    /// CIDRs of our own proxies, comma-separated (e.g. 10.0.0.0/8); only from them is X-Forwarded-For believed (unset: none)
    #[arg(long, env, value_parser = lenient(networks))]
    pub(super) trusted_proxies: Option<Checked<Vec<ipnet::IpNet>>>,
    /// where /metrics is served, apart from the site (give each replica on one host its own)
    #[arg(long, env, default_value = "127.0.0.1:9464", value_parser = lenient(socket_addr))]
    pub(super) metrics_addr: Checked<SocketAddr>,
    /// sign-ups accepted from one client IP per 15 minutes; beyond it 429
    #[arg(long, env, default_value = notify_store::auth::DEFAULT_SIGN_UPS_PER_IP.to_string(), value_parser = lenient(above_zero::<i64>))]
    pub(super) sign_ups_per_ip: Checked<i64>,
    /// what this replica runs, comma-separated from web, processor, worker
    #[arg(long, env, default_value = "web,processor,worker", value_parser = lenient(Roles::parse))]
    pub(super) server_roles: Checked<Roles>,
    /// log filter
    #[arg(long, env, default_value = "info", value_parser = strict(log_filter))]
    pub(super) rust_log: Checked<String>,
    /// how log lines are written: text (for people) or json (one object per line, for a log collector)
    #[arg(long, env, default_value = "text", value_parser = lenient(LogFormat::parse))]
    pub(super) log_format: Checked<LogFormat>,
}
