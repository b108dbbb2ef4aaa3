//! Reading one variable: the wrapper around each declared parser, which goes
//! on past a mistake so that every mistake is reported at once, and the
//! parsers the declarations name. A parser's error says what the value must
//! be; the wrapper puts the variable's name in front.

use std::ffi::OsStr;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::builder::TypedValueParser;
use clap::parser::ValueSource;
use url::Url;

/// One variable as read.
#[derive(Clone)]
pub enum Checked<T> {
    /// Given, on the command line or in the environment.
    Given(T),
    /// Not given (or blank, where blank is as if unset): the declared default.
    Default(T),
    /// Not given, or blank, and without a default.
    Unset,
    /// What is wrong with the value given, naming the variable; and the
    /// declared default, if any, to go on checking the rest with.
    Invalid(String, Option<T>),
}

/// Text → value, or what the value must be.
pub type Parse<T> = fn(&str) -> Result<T, String>;

/// The value parser of one declaration: it never fails the command line.
#[derive(Clone)]
pub struct Reader<T> {
    parse: Parse<T>,
    blank_is_unset: bool,
}

/// Blank (or only spaces) is as if unset.
pub fn lenient<T>(parse: Parse<T>) -> Reader<T> {
    Reader {
        parse,
        blank_is_unset: true,
    }
}

/// Blank is parsed like any other value.
pub fn strict<T>(parse: Parse<T>) -> Reader<T> {
    Reader {
        parse,
        blank_is_unset: false,
    }
}

impl<T: Clone + Send + Sync + 'static> TypedValueParser for Reader<T> {
    type Value = Checked<T>;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<Checked<T>, clap::Error> {
        self.parse_ref_(cmd, arg, value, ValueSource::CommandLine)
    }

    fn parse_ref_(
        &self,
        _cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
        source: ValueSource,
    ) -> Result<Checked<T>, clap::Error> {
        // The variable's name is its field's in capitals (see `Settings`).
        let name = arg.map_or(String::new(), |a| a.get_id().as_str().to_ascii_uppercase());
        let default = arg.and_then(|a| a.get_default_values().first()).map(|d| {
            let parsed = (self.parse)(&d.to_string_lossy());
            parsed.unwrap_or_else(|must| panic!("{name}'s declared default {must}"))
        });
        let text = value.to_str();
        let unset = source == ValueSource::DefaultValue
            || (self.blank_is_unset && text.is_some_and(|t| t.trim().is_empty()));
        Ok(match text.map(self.parse) {
            _ if unset => default.map_or(Checked::Unset, Checked::Default),
            Some(Ok(value)) => Checked::Given(value),
            Some(Err(must)) => Checked::Invalid(format!("{name} {must}"), default),
            None => Checked::Invalid(format!("{name} must be valid UTF-8"), default),
        })
    }
}

/// Every mistake found, one message each.
#[derive(Default)]
pub struct Mistakes(pub Vec<String>);

impl Mistakes {
    /// A variable with a default: its value, or after a mistake (noted)
    /// the default.
    pub fn value<T>(&mut self, checked: Checked<T>) -> T {
        match checked {
            Checked::Given(value) | Checked::Default(value) => value,
            Checked::Invalid(mistake, Some(default)) => {
                self.0.push(mistake);
                default
            }
            Checked::Unset | Checked::Invalid(_, None) => {
                unreachable!("a variable with a default is never unset")
            }
        }
    }

    /// A variable without a default: `None` when unset, or after a mistake
    /// (noted).
    pub fn optional<T>(&mut self, checked: Option<Checked<T>>) -> Option<T> {
        match checked? {
            Checked::Given(value) | Checked::Default(value) => Some(value),
            Checked::Unset => None,
            Checked::Invalid(mistake, _) => {
                self.0.push(mistake);
                None
            }
        }
    }

    pub fn note(&mut self, mistake: impl Into<String>) {
        self.0.push(mistake.into());
    }

    /// Notes `mistake` unless `rule` holds.
    pub fn require(&mut self, rule: bool, mistake: impl FnOnce() -> String) {
        if !rule {
            self.0.push(mistake());
        }
    }
}

/// `text` trimmed as a number that `fits`, or "must be `what`".
fn number<T: std::str::FromStr>(
    text: &str,
    fits: impl Fn(&T) -> bool,
    what: &str,
) -> Result<T, String> {
    text.trim()
        .parse::<T>()
        .ok()
        .filter(fits)
        .ok_or_else(|| format!("must be {what}"))
}

pub fn text(raw: &str) -> Result<String, String> {
    Ok(raw.to_owned())
}

pub fn path(raw: &str) -> Result<PathBuf, String> {
    Ok(raw.into())
}

pub fn socket_addr(raw: &str) -> Result<SocketAddr, String> {
    raw.trim()
        .parse()
        .map_err(|_| format!("must be an address and port such as 127.0.0.1:8080, not {raw:?}"))
}

pub fn database_url(raw: &str) -> Result<String, String> {
    if ["sqlite:", "postgres://", "postgresql://"]
        .iter()
        .any(|p| raw.starts_with(p))
    {
        Ok(raw.to_owned())
    } else {
        Err("must start with sqlite:, postgres:// or postgresql://".to_owned())
    }
}

/// An http(s) origin: no path.
pub fn origin(raw: &str) -> Result<Url, String> {
    Url::parse(raw)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some() && u.path() == "/")
        .ok_or_else(|| {
            format!("must be an http(s) origin such as https://notify.example.com, not {raw:?}")
        })
}

pub fn http_url(raw: &str) -> Result<Url, String> {
    Url::parse(raw)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| format!("must be an http(s) URL, not {raw:?}"))
}

/// `"5,30,120"` → those many seconds.
pub fn seconds_list(raw: &str) -> Result<Vec<chrono::Duration>, String> {
    raw.split(',')
        .map(|part| {
            part.trim()
                .parse::<u32>()
                .map(|s| chrono::Duration::seconds(i64::from(s)))
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| {
            format!("must be whole seconds separated by commas, like 5,30,120, not {raw:?}")
        })
}

pub fn email_address(raw: &str) -> Result<String, String> {
    raw.parse::<lettre::Address>()
        .map(|_| raw.to_owned())
        .map_err(|_| format!("must be an email address, not {raw:?}"))
}

/// Whole seconds above 0 (at most what a `chrono::Duration` holds).
pub fn seconds(raw: &str) -> Result<std::time::Duration, String> {
    let fits = |s: &i64| (1..=i64::MAX / 1000).contains(s);
    number(raw, fits, "a whole number of seconds above 0")
        .map(|s| std::time::Duration::from_secs(s.unsigned_abs()))
}

pub fn days(raw: &str) -> Result<chrono::Duration, String> {
    let fits = |d: &i64| (1..=36_500).contains(d);
    number(raw, fits, "a whole number of days from 1 to 36500").map(chrono::Duration::days)
}

/// A rate: a number above 0, like 10 or 0.5.
pub fn per_second(raw: &str) -> Result<f64, String> {
    let fits = |r: &f64| r.is_finite() && *r > 0.0;
    number(raw, fits, "a number above 0, like 10 or 0.5")
}

pub fn above_zero<T: std::str::FromStr + PartialOrd + From<u8>>(raw: &str) -> Result<T, String> {
    number(raw, |n: &T| *n >= T::from(1), "a whole number above 0")
}

pub fn concurrency(raw: &str) -> Result<usize, String> {
    let fits = |n: &usize| (1..=1024).contains(n);
    number(raw, fits, "a whole number from 1 to 1024")
}

/// `"10.0.0.0/8, 192.0.2.1"` → those networks (a bare address is itself).
pub fn networks(raw: &str) -> Result<Vec<ipnet::IpNet>, String> {
    raw.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            part.parse::<ipnet::IpNet>()
                .or_else(|_| part.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    format!("must be CIDRs separated by commas, like 10.0.0.0/8, not {part:?}")
                })
        })
        .collect()
}

pub fn secret(raw: &str) -> Result<notify_core::secret::Secret, String> {
    Ok(notify_core::secret::Secret::new(raw))
}

/// `labels` separated by dots, each 1 to 63 letters, digits or hyphens,
/// not beginning or ending with a hyphen; lower-cased.
fn dns_labels(raw: &str) -> Option<Vec<String>> {
    let name = raw.trim().trim_end_matches('.').to_ascii_lowercase();
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let labels: Vec<String> = name.split('.').map(str::to_owned).collect();
    (name.len() <= 253 && labels.iter().all(|l| label_ok(l))).then_some(labels)
}

/// A domain name of two labels or more, like `example.com`.
pub fn domain_name(raw: &str) -> Result<String, String> {
    dns_labels(raw)
        .filter(|labels| labels.len() >= 2)
        .map(|labels| labels.join("."))
        .ok_or_else(|| format!("must be a domain name such as example.com, not {raw:?}"))
}

/// A DKIM selector: one or more DNS labels, like `notify2026`.
pub fn dkim_selector(raw: &str) -> Result<String, String> {
    dns_labels(raw)
        .map(|labels| labels.join("."))
        .ok_or_else(|| {
            format!("must be letters, digits and hyphens (dots between labels), like notify2026, not {raw:?}")
        })
}

pub fn log_filter(raw: &str) -> Result<String, String> {
    tracing_subscriber::EnvFilter::try_new(raw)
        .map(|_| raw.to_owned())
        .map_err(|e| format!("must be a log filter such as info or server=debug,warn: {e}"))
}
