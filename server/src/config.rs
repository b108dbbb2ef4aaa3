//! Configuration from the environment, validated once at start-up with one
//! clear message per mistake.

use std::net::SocketAddr;

use leptos::config::LeptosOptions;
use url::Url;

pub use crate::webhooks::RateLimit;

/// Every variable the server reads, with its meaning (printed by `--help`).
pub const VARIABLES: &[(&str, &str)] = &[
    (
        "LEPTOS_SITE_ADDR",
        "listen address (default 127.0.0.1:3000)",
    ),
    (
        "LEPTOS_SITE_ROOT",
        "folder of the compiled site: WASM, JS, CSS (default target/site)",
    ),
    (
        "DATABASE_URL",
        "sqlite:<path> (default sqlite://data/notifications.db) or postgres://user@host/db",
    ),
    (
        "PUBLIC_URL",
        "origin the app is reached at, used in webhook URLs and the same-origin check (default http://<LEPTOS_SITE_ADDR>)",
    ),
    (
        "BIGCOMMERCE_API_BASE",
        "BigCommerce REST API base URL (default https://api.bigcommerce.com/)",
    ),
    (
        "PROCESSING_RETRY_SECONDS",
        "delays between attempts to process a webhook, comma-separated (default 5,30,120,600,1800,3600,7200)",
    ),
    (
        "SMTP_URL",
        "smtp://host:port, smtp://user:pass@host:587?tls=required or smtps://...; unset: emails go to the sink folder",
    ),
    (
        "SMTP_FROM",
        "the address emails are sent from (required with SMTP_URL; default notifications@localhost)",
    ),
    (
        "SMTP_TIMEOUT_SECONDS",
        "how long one SMTP conversation may take; a hang is a transient failure (default 20)",
    ),
    (
        "SMTP_MAX_PER_SECOND",
        "emails one replica hands to the SMTP relay per second at most, like 14 or 0.5 (default: unlimited)",
    ),
    (
        "SMS_API_BASE",
        "Twilio-compatible API base URL (default https://api.twilio.com/)",
    ),
    (
        "SMS_ACCOUNT_SID",
        "SMS account id; with SMS_AUTH_TOKEN and SMS_FROM enables real SMS (unset: the sink folder)",
    ),
    ("SMS_AUTH_TOKEN", "SMS API token"),
    (
        "SMS_TIMEOUT_SECONDS",
        "how long one SMS API request may take; a hang is a transient failure (default 15)",
    ),
    (
        "SMS_FROM",
        "the sending number (E.164) or messaging service id",
    ),
    (
        "SMS_MAX_PER_SECOND",
        "texts one replica hands to the SMS API per second at most, like 1 or 30 (default: unlimited); a 429 with Retry-After also pauses the channel",
    ),
    (
        "OUTBOX_SINK_DIR",
        "where unsent-by-provider messages are written (default data/outbox)",
    ),
    (
        "DELIVERY_RETRY_SECONDS",
        "delays between delivery attempts, comma-separated (default 10,60,300,900,3600,10800)",
    ),
    (
        "DELIVERY_LEASE_SECONDS",
        "how long a worker holds claimed messages before another may take them over; renewed while they are being sent (default 120; above SMS_TIMEOUT_SECONDS and SMTP_TIMEOUT_SECONDS)",
    ),
    (
        "MERCHANT_DAILY_MESSAGE_LIMIT",
        "messages one merchant may send per channel per day (its own calendar day; test sends count); beyond it messages wait, held, until the next day or a raised limit (default 5000)",
    ),
    (
        "DELIVERY_CONCURRENCY",
        "messages one replica sends at once on each channel: email and SMS each have this many in flight at most (default 32)",
    ),
    (
        "PROCESSING_LEASE_SECONDS",
        "how long a processor holds claimed webhooks before another may take them over (default 60)",
    ),
    (
        "WEBHOOK_RATE_PER_SECOND",
        "webhooks admitted per second per endpoint (tenant), per replica; beyond it 429 with Retry-After (default 100)",
    ),
    (
        "WEBHOOK_BURST",
        "webhooks one endpoint may send at once before the rate applies (default 500)",
    ),
    (
        "SECRETS_KEY",
        "32 bytes in base64 that seal integration secrets at rest (default: a key file generated beside the SQLite database, or data/secrets.key, on first run)",
    ),
    (
        "SECRETS_KEY_PREVIOUS",
        "during a rotation, the key before SECRETS_KEY: it still opens what it sealed; start-up seals everything again under SECRETS_KEY",
    ),
    (
        "RETENTION_DAYS",
        "days raw webhook bodies and message contents are kept before they are purged; outcomes stay (default 30)",
    ),
    (
        "TRUSTED_PROXIES",
        "CIDRs of our own proxies, comma-separated (e.g. 10.0.0.0/8); only from them is X-Forwarded-For believed (default none)",
    ),
    (
        "METRICS_ADDR",
        "where /metrics is served, apart from the site (default 127.0.0.1:9464; give each replica on one host its own)",
    ),
    (
        "SIGN_UPS_PER_IP",
        "sign-ups accepted from one client IP per 15 minutes; beyond it 429 (default 20)",
    ),
    (
        "SERVER_ROLES",
        "what this replica runs, comma-separated from web, processor, worker (default all three)",
    ),
    ("RUST_LOG", "log filter (default info)"),
];

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/notifications.db";
pub const DEFAULT_METRICS_ADDR: &str = "127.0.0.1:9464";
pub const DEFAULT_RETENTION_DAYS: i64 = 30;

#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen.
    pub listen_addr: SocketAddr,
    /// Where the compiled site (WASM, JS, CSS) is served from.
    pub leptos: LeptosOptions,
    pub database_url: String,
    /// The public origin, e.g. `https://notify.example.com` (no path).
    pub public_url: Url,
    pub bigcommerce_api_base: Url,
    /// Delays before each retry of a webhook whose processing failed.
    pub processing_retry: Vec<chrono::Duration>,
    /// `None`: emails go to the sink folder.
    pub smtp_url: Option<String>,
    pub smtp_from: String,
    /// `None`: SMS go to the sink folder.
    pub sms: Option<SmsConfig>,
    pub outbox_sink_dir: std::path::PathBuf,
    /// Delays before each retry of a message whose sending failed.
    pub delivery_retry: Vec<chrono::Duration>,
    /// How long claimed messages stay with one worker (renewed while they
    /// are being sent).
    pub delivery_lease: chrono::Duration,
    /// Messages in flight at once, per channel.
    pub delivery_concurrency: usize,
    /// Messages per merchant, channel and day.
    pub daily_message_limit: u32,
    /// How long one SMTP conversation may take.
    pub smtp_timeout: std::time::Duration,
    /// Sends per second per replica; `None`: unlimited.
    pub smtp_max_per_second: Option<f64>,
    pub sms_max_per_second: Option<f64>,
    /// How long claimed webhooks stay with one processor.
    pub processing_lease: chrono::Duration,
    /// Per-endpoint webhook admission.
    pub webhook_rate: RateLimit,
    /// What this replica runs.
    pub roles: Roles,
    /// Sign-ups accepted from one client IP per login window (15 minutes).
    pub sign_ups_per_ip: i64,
    /// Where `/metrics` is served; `None` (embedders and tests only): on
    /// the site's listener.
    pub metrics_addr: Option<SocketAddr>,
    /// Our own proxies: only from them is `X-Forwarded-For` believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How long raw webhook bodies and message contents are kept.
    pub retention: chrono::Duration,
    /// Seal integration secrets at rest; `None` (embedders and tests only):
    /// stored as they are.
    pub secrets_keys: Option<notify_store::sealed::SecretsKeys>,
}

/// The parts of the server a replica runs (`SERVER_ROLES`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Roles {
    /// The pages, the API and the webhook endpoints.
    pub web: bool,
    /// Turns stored webhooks into messages (and purges expired sessions).
    pub processor: bool,
    /// Sends messages.
    pub worker: bool,
}

impl Roles {
    pub const ALL: Roles = Roles {
        web: true,
        processor: true,
        worker: true,
    };

    /// `"web,worker"` → those roles.
    pub fn parse(raw: &str) -> Result<Roles, String> {
        let mut roles = Roles {
            web: false,
            processor: false,
            worker: false,
        };
        for part in raw.split(',').map(str::trim) {
            match part {
                "web" => roles.web = true,
                "processor" => roles.processor = true,
                "worker" => roles.worker = true,
                _ => {
                    return Err(format!(
                        "SERVER_ROLES must list some of web, processor, worker separated by commas, not {raw:?}"
                    ));
                }
            }
        }
        Ok(roles)
    }
}

#[derive(Clone)]
pub struct SmsConfig {
    pub api_base: Url,
    pub account_sid: String,
    pub auth_token: notify_store::secret::Secret,
    pub from: String,
    /// How long one request to the API may take in all.
    pub timeout: std::time::Duration,
}

impl std::fmt::Debug for SmsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SmsConfig({}, {}, token redacted)",
            self.api_base, self.account_sid
        )
    }
}

pub const DEFAULT_SMS_API_BASE: &str = "https://api.twilio.com/";
pub const DEFAULT_DELIVERY_RETRY_SECONDS: &str = "10,60,300,900,3600,10800";
pub const DEFAULT_SMTP_FROM: &str = "notifications@localhost";

pub const DEFAULT_BIGCOMMERCE_API_BASE: &str = "https://api.bigcommerce.com/";
pub const DEFAULT_PROCESSING_RETRY_SECONDS: &str = "5,30,120,600,1800,3600,7200";
pub const DEFAULT_DELIVERY_LEASE_SECONDS: i64 = 120;
pub const DEFAULT_DELIVERY_CONCURRENCY: usize = 32;
pub const DEFAULT_DAILY_MESSAGE_LIMIT: u32 = 5000;
pub const DEFAULT_SMTP_TIMEOUT_SECONDS: i64 = 20;
pub const DEFAULT_SMS_TIMEOUT_SECONDS: i64 = 15;
pub const DEFAULT_PROCESSING_LEASE_SECONDS: i64 = 60;
pub const DEFAULT_WEBHOOK_RATE: RateLimit = RateLimit {
    per_second: 100.0,
    burst: 500,
};

/// `"5,30,120"` → those many seconds.
pub fn parse_seconds_list(name: &str, raw: &str) -> Result<Vec<chrono::Duration>, String> {
    raw.split(',')
        .map(|part| {
            part.trim()
                .parse::<u32>()
                .map(|s| chrono::Duration::seconds(i64::from(s)))
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| {
            format!("{name} must be whole seconds separated by commas, like 5,30,120, not {raw:?}")
        })
}

/// `SECRETS_KEY` (and `SECRETS_KEY_PREVIOUS`); without it, the key in the
/// key file beside the SQLite database (or `data/secrets.key`), generated
/// there on first run.
fn secrets_keys(
    current: Option<String>,
    previous: Option<String>,
    database_url: &str,
) -> Result<notify_store::sealed::SecretsKeys, String> {
    use notify_store::sealed::{SecretsKeys, generate_key, parse_key};
    let current = match current {
        Some(raw) => parse_key(&raw).map_err(|e| format!("SECRETS_KEY {e}"))?,
        None => {
            let file = key_file(database_url);
            let raw = match std::fs::read_to_string(&file) {
                Ok(raw) => raw,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    let raw = generate_key();
                    write_key_file(&file, &raw)
                        .map_err(|e| format!("SECRETS_KEY unset and {}: {e}", file.display()))?;
                    tracing::warn!(file = %file.display(), "SECRETS_KEY unset: generated a key for secrets at rest into this file; keep it with the database (without it the integrations' secrets cannot be read)");
                    raw
                }
                Err(e) => return Err(format!("SECRETS_KEY unset and {}: {e}", file.display())),
            };
            parse_key(&raw).map_err(|e| format!("the key in {} {e}", file.display()))?
        }
    };
    let previous = previous
        .map(|raw| parse_key(&raw).map_err(|e| format!("SECRETS_KEY_PREVIOUS {e}")))
        .transpose()?;
    Ok(SecretsKeys::new(&current, previous.as_ref()))
}

fn key_file(database_url: &str) -> std::path::PathBuf {
    let beside_sqlite = database_url.strip_prefix("sqlite:").map(|path| {
        std::path::Path::new(path.trim_start_matches("//")).with_file_name("secrets.key")
    });
    beside_sqlite.unwrap_or_else(|| "data/secrets.key".into())
}

fn write_key_file(file: &std::path::Path, key: &str) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(file)?.write_all(key.as_bytes())
}

/// `"10.0.0.0/8, 192.0.2.1"` → those networks (a bare address is itself).
pub fn parse_networks(name: &str, raw: &str) -> Result<Vec<ipnet::IpNet>, String> {
    raw.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            part.parse::<ipnet::IpNet>()
                .or_else(|_| part.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    format!(
                        "{name} must be CIDRs separated by commas, like 10.0.0.0/8, not {part:?}"
                    )
                })
        })
        .collect()
}

impl Config {
    /// Defaults for everything but where to listen and what to connect to
    /// (tests and embedders).
    pub fn new(leptos: LeptosOptions, database_url: String, public_url: Url) -> Self {
        Config {
            listen_addr: leptos.site_addr,
            leptos,
            database_url,
            public_url,
            bigcommerce_api_base: Url::parse(DEFAULT_BIGCOMMERCE_API_BASE).expect("valid default"),
            processing_retry: parse_seconds_list("", DEFAULT_PROCESSING_RETRY_SECONDS)
                .expect("valid default"),
            smtp_url: None,
            smtp_from: DEFAULT_SMTP_FROM.to_owned(),
            sms: None,
            outbox_sink_dir: "data/outbox".into(),
            delivery_retry: parse_seconds_list("", DEFAULT_DELIVERY_RETRY_SECONDS)
                .expect("valid default"),
            delivery_lease: chrono::Duration::seconds(DEFAULT_DELIVERY_LEASE_SECONDS),
            delivery_concurrency: DEFAULT_DELIVERY_CONCURRENCY,
            daily_message_limit: DEFAULT_DAILY_MESSAGE_LIMIT,
            smtp_timeout: std::time::Duration::from_secs(DEFAULT_SMTP_TIMEOUT_SECONDS as u64),
            smtp_max_per_second: None,
            sms_max_per_second: None,
            processing_lease: chrono::Duration::seconds(DEFAULT_PROCESSING_LEASE_SECONDS),
            webhook_rate: DEFAULT_WEBHOOK_RATE,
            roles: Roles::ALL,
            sign_ups_per_ip: notify_store::auth::DEFAULT_SIGN_UPS_PER_IP,
            metrics_addr: None,
            trusted_proxies: Vec::new(),
            retention: chrono::Duration::days(DEFAULT_RETENTION_DAYS),
            secrets_keys: None,
        }
    }

    pub fn from_env() -> Result<Self, Vec<String>> {
        let mut errors = Vec::new();
        let leptos = match leptos::config::get_configuration(None) {
            Ok(c) => Some(c.leptos_options),
            Err(e) => {
                errors.push(format!("LEPTOS_SITE_ADDR / LEPTOS_SITE_ROOT: {e}"));
                None
            }
        };
        let database_url =
            std::env::var("DATABASE_URL").unwrap_or_else(|_| DEFAULT_DATABASE_URL.to_owned());
        if !["sqlite:", "postgres://", "postgresql://"]
            .iter()
            .any(|p| database_url.starts_with(p))
        {
            errors.push(
                "DATABASE_URL must start with sqlite:, postgres:// or postgresql://".to_owned(),
            );
        }
        let public_url = match (std::env::var("PUBLIC_URL"), &leptos) {
            (Ok(raw), _) => match Url::parse(&raw) {
                Ok(u)
                    if matches!(u.scheme(), "http" | "https")
                        && u.host().is_some()
                        && u.path() == "/" =>
                {
                    Some(u)
                }
                _ => {
                    errors.push(format!("PUBLIC_URL must be an http(s) origin such as https://notify.example.com, not {raw:?}"));
                    None
                }
            },
            (Err(_), Some(l)) => Url::parse(&format!("http://{}", l.site_addr)).ok(),
            (Err(_), None) => None,
        };
        let bigcommerce_api_base = std::env::var("BIGCOMMERCE_API_BASE")
            .unwrap_or_else(|_| DEFAULT_BIGCOMMERCE_API_BASE.to_owned());
        let bigcommerce_api_base = match Url::parse(&bigcommerce_api_base) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => Some(u),
            _ => {
                errors.push(format!(
                    "BIGCOMMERCE_API_BASE must be an http(s) URL, not {bigcommerce_api_base:?}"
                ));
                None
            }
        };
        let retry_raw = std::env::var("PROCESSING_RETRY_SECONDS")
            .unwrap_or_else(|_| DEFAULT_PROCESSING_RETRY_SECONDS.to_owned());
        let processing_retry = parse_seconds_list("PROCESSING_RETRY_SECONDS", &retry_raw)
            .map_err(|e| errors.push(e))
            .ok();
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let smtp_url = var("SMTP_URL");
        let smtp_from = var("SMTP_FROM").unwrap_or_else(|| DEFAULT_SMTP_FROM.to_owned());
        if smtp_url.is_some() && var("SMTP_FROM").is_none() {
            errors.push(
                "SMTP_FROM is required with SMTP_URL (the address emails are sent from)".to_owned(),
            );
        }
        if smtp_from.parse::<lettre::Address>().is_err() {
            errors.push(format!(
                "SMTP_FROM must be an email address, not {smtp_from:?}"
            ));
        }
        let whole_seconds = |name: &str, default: i64, errors: &mut Vec<String>| match var(name)
            .map(|v| v.trim().parse::<i64>())
        {
            None => default,
            Some(Ok(s)) if s > 0 => s,
            Some(_) => {
                errors.push(format!("{name} must be a whole number of seconds above 0"));
                default
            }
        };
        let sms_timeout = whole_seconds(
            "SMS_TIMEOUT_SECONDS",
            DEFAULT_SMS_TIMEOUT_SECONDS,
            &mut errors,
        ) as u64;
        let smtp_timeout = whole_seconds(
            "SMTP_TIMEOUT_SECONDS",
            DEFAULT_SMTP_TIMEOUT_SECONDS,
            &mut errors,
        ) as u64;
        let max_rate = |name: &str, errors: &mut Vec<String>| match var(name)
            .map(|v| v.trim().parse::<f64>())
        {
            None => None,
            Some(Ok(r)) if r.is_finite() && r > 0.0 => Some(r),
            Some(_) => {
                errors.push(format!(
                    "{name} must be a number above 0, like 10 or 0.5 (unset: unlimited)"
                ));
                None
            }
        };
        let smtp_max_per_second = max_rate("SMTP_MAX_PER_SECOND", &mut errors);
        let sms_max_per_second = max_rate("SMS_MAX_PER_SECOND", &mut errors);
        let daily_message_limit = match var("MERCHANT_DAILY_MESSAGE_LIMIT")
            .map(|v| v.trim().parse::<u32>())
        {
            None => DEFAULT_DAILY_MESSAGE_LIMIT,
            Some(Ok(n)) if n > 0 => n,
            Some(_) => {
                errors
                    .push("MERCHANT_DAILY_MESSAGE_LIMIT must be a whole number above 0".to_owned());
                DEFAULT_DAILY_MESSAGE_LIMIT
            }
        };
        let delivery_concurrency = match var("DELIVERY_CONCURRENCY")
            .map(|v| v.trim().parse::<usize>())
        {
            None => DEFAULT_DELIVERY_CONCURRENCY,
            Some(Ok(n)) if (1..=1024).contains(&n) => n,
            Some(_) => {
                errors
                    .push("DELIVERY_CONCURRENCY must be a whole number from 1 to 1024".to_owned());
                DEFAULT_DELIVERY_CONCURRENCY
            }
        };
        let sms = match (
            var("SMS_ACCOUNT_SID"),
            var("SMS_AUTH_TOKEN"),
            var("SMS_FROM"),
        ) {
            (None, None, None) => None,
            (Some(account_sid), Some(token), Some(from)) => {
                let base = var("SMS_API_BASE").unwrap_or_else(|| DEFAULT_SMS_API_BASE.to_owned());
                match Url::parse(&base) {
                    Ok(api_base) => Some(SmsConfig {
                        api_base,
                        account_sid,
                        auth_token: notify_store::secret::Secret::new(token),
                        from,
                        timeout: std::time::Duration::from_secs(sms_timeout),
                    }),
                    Err(_) => {
                        errors.push(format!("SMS_API_BASE must be a URL, not {base:?}"));
                        None
                    }
                }
            }
            _ => {
                errors.push(
                    "set all of SMS_ACCOUNT_SID, SMS_AUTH_TOKEN and SMS_FROM, or none".to_owned(),
                );
                None
            }
        };
        let delivery_lease = whole_seconds(
            "DELIVERY_LEASE_SECONDS",
            DEFAULT_DELIVERY_LEASE_SECONDS,
            &mut errors,
        );
        if delivery_lease <= sms_timeout.max(smtp_timeout) as i64 {
            errors.push(format!(
                "DELIVERY_LEASE_SECONDS ({delivery_lease}) must be longer than SMS_TIMEOUT_SECONDS ({sms_timeout}) and SMTP_TIMEOUT_SECONDS ({smtp_timeout}): a send starts only while its lease covers its whole timeout"
            ));
        }
        let processing_lease = whole_seconds(
            "PROCESSING_LEASE_SECONDS",
            DEFAULT_PROCESSING_LEASE_SECONDS,
            &mut errors,
        );
        let per_second = match var("WEBHOOK_RATE_PER_SECOND").map(|v| v.trim().parse::<f64>()) {
            None => DEFAULT_WEBHOOK_RATE.per_second,
            Some(Ok(r)) if r.is_finite() && r > 0.0 => r,
            Some(_) => {
                errors.push(
                    "WEBHOOK_RATE_PER_SECOND must be a number above 0, like 100 or 0.5".to_owned(),
                );
                DEFAULT_WEBHOOK_RATE.per_second
            }
        };
        let burst = match var("WEBHOOK_BURST").map(|v| v.trim().parse::<u32>()) {
            None => DEFAULT_WEBHOOK_RATE.burst,
            Some(Ok(b)) if b > 0 => b,
            Some(_) => {
                errors.push("WEBHOOK_BURST must be a whole number above 0".to_owned());
                DEFAULT_WEBHOOK_RATE.burst
            }
        };
        let roles = match var("SERVER_ROLES").map(|r| Roles::parse(&r)) {
            None => Roles::ALL,
            Some(Ok(r)) => r,
            Some(Err(e)) => {
                errors.push(e);
                Roles::ALL
            }
        };
        let sign_ups_per_ip = match var("SIGN_UPS_PER_IP").map(|v| v.trim().parse::<i64>()) {
            None => notify_store::auth::DEFAULT_SIGN_UPS_PER_IP,
            Some(Ok(n)) if n > 0 => n,
            Some(_) => {
                errors.push("SIGN_UPS_PER_IP must be a whole number above 0".to_owned());
                notify_store::auth::DEFAULT_SIGN_UPS_PER_IP
            }
        };
        let metrics_raw = var("METRICS_ADDR").unwrap_or_else(|| DEFAULT_METRICS_ADDR.to_owned());
        let metrics_addr = metrics_raw
            .trim()
            .parse::<SocketAddr>()
            .map_err(|_| {
                errors.push(format!(
                    "METRICS_ADDR must be an address and port such as 127.0.0.1:9464, not {metrics_raw:?}"
                ))
            })
            .ok();
        let trusted_proxies = var("TRUSTED_PROXIES")
            .map(|raw| parse_networks("TRUSTED_PROXIES", &raw).map_err(|e| errors.push(e)))
            .unwrap_or(Ok(Vec::new()))
            .unwrap_or_default();
        let retention_days = match var("RETENTION_DAYS").map(|v| v.trim().parse::<i64>()) {
            None => DEFAULT_RETENTION_DAYS,
            Some(Ok(days)) if (1..=36_500).contains(&days) => days,
            Some(_) => {
                errors.push(
                    "RETENTION_DAYS must be a whole number of days from 1 to 36500".to_owned(),
                );
                DEFAULT_RETENTION_DAYS
            }
        };
        let delivery_raw = var("DELIVERY_RETRY_SECONDS")
            .unwrap_or_else(|| DEFAULT_DELIVERY_RETRY_SECONDS.to_owned());
        let delivery_retry = parse_seconds_list("DELIVERY_RETRY_SECONDS", &delivery_raw)
            .map_err(|e| errors.push(e))
            .ok();
        // Last, and only for an otherwise valid configuration: it may write
        // a key file.
        let secrets_keys = if errors.is_empty() {
            secrets_keys(
                var("SECRETS_KEY"),
                var("SECRETS_KEY_PREVIOUS"),
                &database_url,
            )
            .map_err(|e| errors.push(e))
            .ok()
        } else {
            None
        };
        match (
            leptos,
            public_url,
            bigcommerce_api_base,
            processing_retry,
            delivery_retry,
        ) {
            (
                Some(leptos),
                Some(public_url),
                Some(bigcommerce_api_base),
                Some(processing_retry),
                Some(delivery_retry),
            ) if errors.is_empty() => Ok(Config {
                listen_addr: leptos.site_addr,
                leptos,
                database_url,
                public_url,
                bigcommerce_api_base,
                processing_retry,
                smtp_url,
                smtp_from,
                sms,
                outbox_sink_dir: var("OUTBOX_SINK_DIR")
                    .unwrap_or_else(|| "data/outbox".to_owned())
                    .into(),
                delivery_retry,
                delivery_lease: chrono::Duration::seconds(delivery_lease),
                delivery_concurrency,
                daily_message_limit,
                smtp_timeout: std::time::Duration::from_secs(smtp_timeout),
                smtp_max_per_second,
                sms_max_per_second,
                processing_lease: chrono::Duration::seconds(processing_lease),
                webhook_rate: RateLimit { per_second, burst },
                roles,
                sign_ups_per_ip,
                metrics_addr,
                trusted_proxies,
                retention: chrono::Duration::days(retention_days),
                secrets_keys,
            }),
            _ => Err(errors),
        }
    }

    /// The origin browsers send in `Origin` (scheme://host[:port]).
    pub fn public_origin(&self) -> String {
        self.public_url.origin().ascii_serialization()
    }

    /// Cookies get `Secure` when the app is served over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// `https://host/webhooks/{platform}/{endpoint}`.
    pub fn webhook_url(&self, platform: notify_ingest::Platform, endpoint_id: &str) -> String {
        platform.webhook_url(&self.public_origin(), endpoint_id)
    }
}
