//! Configuration from the environment (or the flags beside it), validated
//! once at start-up with one clear message per mistake. The variables are
//! declared in [`settings`]; this module turns them into a [`Config`].

mod dkim;
mod read;
mod secrets;
mod settings;
#[cfg(test)]
mod tests;

use std::net::SocketAddr;

use leptos::config::LeptosOptions;
use url::Url;

pub use crate::delivery::dkim::DkimSigner;
pub use crate::webhooks::RateLimit;
pub use settings::{Cli, Settings};

use read::{Checked, Mistakes};

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
    /// Signs every email; `None`: emails go unsigned. Its domain aligns
    /// with `smtp_from`'s (checked at start-up).
    pub dkim: Option<DkimSigner>,
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
                        "must list some of web, processor, worker separated by commas, not {raw:?}"
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
    pub auth_token: notify_core::secret::Secret,
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

impl Cli {
    /// The command line and the environment; clap answers `--help` (from
    /// the declarations) and refuses an unknown flag itself, and exits.
    pub fn read() -> Cli {
        use clap::FromArgMatches;
        Cli::from_arg_matches(&Cli::command().get_matches()).unwrap_or_else(|e| e.exit())
    }

    /// The declarations as a command, without the variables' values in
    /// `--help` (some are secrets).
    pub fn command() -> clap::Command {
        <Cli as clap::CommandFactory>::command().mut_args(|arg| arg.hide_env_values(true))
    }
}

impl Settings {
    /// The declared defaults alone: no flags, no environment.
    pub fn defaults() -> Settings {
        Settings::from_flags(std::iter::empty::<String>()).expect("no flag to refuse")
    }

    /// From `flags` (like `--webhook-burst=0`) and the defaults, the
    /// environment ignored.
    pub fn from_flags(
        flags: impl IntoIterator<Item = impl Into<std::ffi::OsString> + Clone>,
    ) -> Result<Settings, clap::Error> {
        use clap::{Args, FromArgMatches};
        let command = Settings::augment_args(clap::Command::new("server"))
            .mut_args(|arg| arg.env(None::<&str>));
        let argv = std::iter::once(std::ffi::OsString::from("server"))
            .chain(flags.into_iter().map(Into::into));
        Settings::from_arg_matches(&command.try_get_matches_from(argv)?)
    }

    /// `RUST_LOG`'s filter, unless it is wrong (a mistake to report).
    pub fn log_filter(&self) -> Option<&str> {
        match &self.rust_log {
            Checked::Given(filter) | Checked::Default(filter) => Some(filter),
            Checked::Unset | Checked::Invalid(..) => None,
        }
    }

    /// `LOG_FORMAT`'s format; text when it is wrong (a mistake to report).
    pub fn log_format(&self) -> crate::telemetry::LogFormat {
        match &self.log_format {
            Checked::Given(format) | Checked::Default(format) => *format,
            Checked::Unset | Checked::Invalid(..) => crate::telemetry::LogFormat::Text,
        }
    }

    /// Every variable read and every rule between them checked, with one
    /// message per mistake; `leptos` (embedders and tests) in place of the
    /// `LEPTOS_*` variables. Writes nothing: the key file is left to
    /// [`Config::from_settings`].
    fn into_config(
        self,
        leptos: Option<LeptosOptions>,
    ) -> Result<(Config, secrets::GivenKeys), Vec<String>> {
        let mut m = Mistakes::default();
        let site_addr = m.value(self.leptos_site_addr);
        let site_root = m.value(self.leptos_site_root);
        let leptos = match leptos {
            Some(leptos) => leptos,
            // Its error only when not one of ours about the same variables.
            None if m.0.is_empty() => leptos_options(site_addr, site_root).unwrap_or_else(|e| {
                m.note(e);
                placeholder_leptos()
            }),
            None => placeholder_leptos(),
        };
        let public_url = m.optional(self.public_url).unwrap_or_else(|| {
            Url::parse(&format!("http://{}", leptos.site_addr)).expect("an address is an origin")
        });
        let smtp_url = m.optional(self.smtp_url);
        let smtp_from_given = !matches!(self.smtp_from, Checked::Default(_));
        m.require(smtp_url.is_none() || smtp_from_given, || {
            "SMTP_FROM is required with SMTP_URL (the address emails are sent from)".to_owned()
        });
        let smtp_from_valid = !matches!(self.smtp_from, Checked::Invalid(..));
        let smtp_from = m.value(self.smtp_from);
        let dkim = dkim::signer(
            &mut m,
            [self.dkim_domain, self.dkim_selector],
            self.dkim_private_key,
        );
        if let Some(signer) = &dkim
            && smtp_from_valid
            && let Ok(from) = smtp_from.parse::<lettre::Address>()
        {
            m.require(
                crate::delivery::dkim::aligned(&from, signer.domain()),
                || crate::delivery::dkim::misaligned(&from, signer.domain()),
            );
        }
        let smtp_timeout = m.value(self.smtp_timeout_seconds);
        let sms_timeout = m.value(self.sms_timeout_seconds);
        let delivery_lease = m.value(self.delivery_lease_seconds);
        m.require(delivery_lease > sms_timeout.max(smtp_timeout), || format!(
            "DELIVERY_LEASE_SECONDS ({}) must be longer than SMS_TIMEOUT_SECONDS ({}) and SMTP_TIMEOUT_SECONDS ({}): a send starts only while its lease covers its whole timeout",
            delivery_lease.as_secs(),
            sms_timeout.as_secs(),
            smtp_timeout.as_secs(),
        ));
        let sms_api_base = m.value(self.sms_api_base);
        let sms = match (
            m.optional(self.sms_account_sid),
            m.optional(self.sms_auth_token),
            m.optional(self.sms_from),
        ) {
            (None, None, None) => None,
            (Some(account_sid), Some(auth_token), Some(from)) => Some(SmsConfig {
                api_base: sms_api_base,
                account_sid,
                auth_token,
                from,
                timeout: sms_timeout,
            }),
            _ => {
                m.note("set all of SMS_ACCOUNT_SID, SMS_AUTH_TOKEN and SMS_FROM, or none");
                None
            }
        };
        let keys = secrets::GivenKeys {
            current: m.optional(self.secrets_key),
            previous: m.optional(self.secrets_key_previous),
        };
        m.value(self.rust_log); // for telemetry: see `log_filter`
        m.value(self.log_format); // and `log_format`
        let config = Config {
            listen_addr: leptos.site_addr,
            leptos,
            database_url: m.value(self.database_url),
            public_url,
            bigcommerce_api_base: m.value(self.bigcommerce_api_base),
            processing_retry: m.value(self.processing_retry_seconds),
            smtp_url,
            smtp_from,
            dkim,
            sms,
            outbox_sink_dir: m.value(self.outbox_sink_dir),
            delivery_retry: m.value(self.delivery_retry_seconds),
            delivery_lease: chrono::Duration::from_std(delivery_lease)
                .expect("in range: see `read::seconds`"),
            delivery_concurrency: m.value(self.delivery_concurrency),
            daily_message_limit: m.value(self.merchant_daily_message_limit),
            smtp_timeout,
            smtp_max_per_second: m.optional(self.smtp_max_per_second),
            sms_max_per_second: m.optional(self.sms_max_per_second),
            processing_lease: chrono::Duration::from_std(m.value(self.processing_lease_seconds))
                .expect("in range: see `read::seconds`"),
            webhook_rate: RateLimit {
                per_second: m.value(self.webhook_rate_per_second),
                burst: m.value(self.webhook_burst),
            },
            roles: m.value(self.server_roles),
            sign_ups_per_ip: m.value(self.sign_ups_per_ip),
            metrics_addr: Some(m.value(self.metrics_addr)),
            trusted_proxies: m.optional(self.trusted_proxies).unwrap_or_default(),
            retention: m.value(self.retention_days),
            secrets_keys: None,
        };
        if m.0.is_empty() {
            Ok((config, keys))
        } else {
            Err(m.0)
        }
    }
}

/// Stands in for the site's options after a mistake (never served).
fn placeholder_leptos() -> LeptosOptions {
    LeptosOptions::builder().output_name("").build()
}

/// Leptos' own options from its variables (`LEPTOS_OUTPUT_NAME`,
/// `LEPTOS_SITE_PKG_DIR`, ...), with the site's address and folder as
/// declared here.
fn leptos_options(
    site_addr: SocketAddr,
    site_root: std::path::PathBuf,
) -> Result<LeptosOptions, String> {
    let mut options = leptos::config::get_configuration(None)
        .map_err(|e| format!("LEPTOS_* variables: {e}"))?
        .leptos_options;
    options.site_addr = site_addr;
    options.site_root = site_root.to_string_lossy().into();
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(ToOwned::to_owned));
    match missing_hash_file(&options, exe_dir.as_deref()) {
        Some(mistake) => Err(mistake),
        None => Ok(options),
    }
}

/// With `LEPTOS_HASH_FILES=true` Leptos names the CSS, JS and WASM in every
/// page from the hash file `cargo leptos build` wrote beside the server
/// binary; without it the pages would name files that are not there.
fn missing_hash_file(options: &LeptosOptions, exe_dir: Option<&std::path::Path>) -> Option<String> {
    if !options.hash_files {
        return None;
    }
    let path = exe_dir
        .unwrap_or(std::path::Path::new(""))
        .join(options.hash_file.as_ref());
    (!path.is_file()).then(|| {
        format!(
            "LEPTOS_HASH_FILES=true but {} (LEPTOS_HASH_FILE_NAME, written by `cargo leptos build` \
             with hashing on, beside the server binary) is missing: build with LEPTOS_HASH_FILES=true \
             or unset it",
            path.display()
        )
    })
}

impl Config {
    /// Defaults for everything but where to listen and what to connect to
    /// (tests and embedders): `/metrics` on the site's listener, secrets
    /// stored as they are.
    pub fn new(leptos: LeptosOptions, database_url: String, public_url: Url) -> Self {
        let (mut config, _) = Settings::defaults()
            .into_config(Some(leptos))
            .expect("the declared defaults are valid");
        config.database_url = database_url;
        config.public_url = public_url;
        config.metrics_addr = None;
        config
    }

    /// The configuration `settings` declare, or one message per mistake.
    /// Last, for an otherwise valid configuration, the secrets key: this may
    /// generate a key file.
    pub fn from_settings(settings: Settings) -> Result<Self, Vec<String>> {
        let (mut config, keys) = settings.into_config(None)?;
        let keys = secrets::secrets_keys(keys, &config.database_url).map_err(|e| vec![e])?;
        config.secrets_keys = Some(keys);
        Ok(config)
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
