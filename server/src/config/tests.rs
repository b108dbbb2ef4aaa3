//! The declarations against their defaults, their parse errors, the rules
//! between variables, `--help` and README's table.

use std::ffi::OsString;

use super::*;

fn leptos() -> LeptosOptions {
    LeptosOptions::builder().output_name("test").build()
}

/// The configuration from `flags` alone (the environment ignored).
fn config(flags: &[&str]) -> Result<Config, Vec<String>> {
    let settings = Settings::from_flags(flags.iter().copied()).expect("known flags");
    settings
        .into_config(Some(leptos()))
        .map(|(config, _)| config)
}

fn mistakes(flags: &[&str]) -> Vec<String> {
    config(flags).expect_err("refused")
}

/// The variables declared, by their names.
fn variables() -> Vec<String> {
    Cli::command()
        .get_arguments()
        .filter_map(|arg| arg.get_env())
        .map(|name| name.to_string_lossy().into_owned())
        .collect()
}

/// `DATABASE_URL` → `--database-url`.
fn flag(variable: &str) -> String {
    format!("--{}", variable.to_ascii_lowercase().replace('_', "-"))
}

#[test]
fn the_defaults() {
    let c = config(&[]).expect("the defaults are valid");
    let seconds = |list: &[i64]| {
        list.iter()
            .map(|s| chrono::Duration::seconds(*s))
            .collect::<Vec<_>>()
    };
    assert_eq!(c.database_url, "sqlite://data/notifications.db");
    assert_eq!(c.public_url.as_str(), "http://127.0.0.1:3000/");
    assert_eq!(
        c.bigcommerce_api_base.as_str(),
        "https://api.bigcommerce.com/"
    );
    assert_eq!(
        c.processing_retry,
        seconds(&[5, 30, 120, 600, 1800, 3600, 7200])
    );
    assert_eq!(c.delivery_retry, seconds(&[10, 60, 300, 900, 3600, 10800]));
    assert_eq!(c.smtp_url, None);
    assert_eq!(c.smtp_from, "notifications@localhost");
    assert!(c.sms.is_none());
    assert_eq!(c.outbox_sink_dir, std::path::Path::new("data/outbox"));
    assert_eq!(c.smtp_timeout, std::time::Duration::from_secs(20));
    assert_eq!((c.smtp_max_per_second, c.sms_max_per_second), (None, None));
    assert_eq!(c.delivery_lease, chrono::Duration::seconds(120));
    assert_eq!(c.processing_lease, chrono::Duration::seconds(60));
    assert_eq!(c.delivery_concurrency, 32);
    assert_eq!(c.daily_message_limit, 5000);
    assert_eq!(
        (c.webhook_rate.per_second, c.webhook_rate.burst),
        (100.0, 500)
    );
    assert_eq!(
        c.roles,
        Roles {
            web: true,
            processor: true,
            worker: true
        }
    );
    assert_eq!(
        c.sign_ups_per_ip,
        notify_store::auth::DEFAULT_SIGN_UPS_PER_IP
    );
    assert_eq!(c.metrics_addr, Some("127.0.0.1:9464".parse().unwrap()));
    assert!(c.trusted_proxies.is_empty());
    assert_eq!(c.retention, chrono::Duration::days(30));
    let defaults = Settings::defaults();
    assert_eq!(defaults.log_filter(), Some("info"));
    assert!(matches!(
        defaults.leptos_site_addr,
        Checked::Default(addr) if addr == "127.0.0.1:3000".parse().unwrap()
    ));
    assert!(matches!(
        defaults.leptos_site_root,
        Checked::Default(root) if root == std::path::Path::new("target/site")
    ));
    assert!(matches!(
        defaults.sms_api_base,
        Checked::Default(base) if base.as_str() == "https://api.twilio.com/"
    ));
}

/// Each variable, a value it refuses (`NAME=value`) and what the message
/// says, one a line.
const REFUSED: &str = r#"
LEPTOS_SITE_ADDR=localhost | must be an address and port
LEPTOS_SITE_ADDR= | must be an address and port
DATABASE_URL=mysql://db/notify | must start with sqlite:, postgres:// or postgresql://
DATABASE_URL= | must start with sqlite:
PUBLIC_URL=https://notify.example.com/app | must be an http(s) origin
PUBLIC_URL= | must be an http(s) origin
BIGCOMMERCE_API_BASE=ftp://api.example | must be an http(s) URL
PROCESSING_RETRY_SECONDS=5,soon | must be whole seconds separated by commas
PROCESSING_RETRY_SECONDS= | must be whole seconds separated by commas
SMTP_FROM=nobody | must be an email address, not "nobody"
SMTP_TIMEOUT_SECONDS=0 | must be a whole number of seconds above 0
SMTP_MAX_PER_SECOND=fast | must be a number above 0
SMTP_MAX_PER_SECOND=NaN | must be a number above 0
DKIM_DOMAIN=localhost | must be a domain name such as example.com, not "localhost"
DKIM_DOMAIN=-maple.example | must be a domain name such as example.com
DKIM_SELECTOR=notify 2026 | must be letters, digits and hyphens
DKIM_PRIVATE_KEY=-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY----- | must be an RSA (2048 bits or more) or Ed25519 private key in PEM
DKIM_PRIVATE_KEY=/nonexistent/dkim.pem | is neither a key in PEM (-----BEGIN ...) nor the path of a file that can be read
SMS_API_BASE=twilio | must be an http(s) URL
SMS_TIMEOUT_SECONDS=-1 | must be a whole number of seconds above 0
SMS_MAX_PER_SECOND=0 | must be a number above 0
DELIVERY_RETRY_SECONDS=10,-5 | must be whole seconds separated by commas
DELIVERY_LEASE_SECONDS=1.5 | must be a whole number of seconds above 0
DELIVERY_LEASE_SECONDS=99999999999999999 | must be a whole number of seconds above 0
MERCHANT_DAILY_MESSAGE_LIMIT=none | must be a whole number above 0
MERCHANT_DAILY_MESSAGE_LIMIT=0 | must be a whole number above 0
DELIVERY_CONCURRENCY=1025 | must be a whole number from 1 to 1024
PROCESSING_LEASE_SECONDS=-1 | must be a whole number of seconds above 0
WEBHOOK_RATE_PER_SECOND=-3 | must be a number above 0
WEBHOOK_BURST=0 | must be a whole number above 0
SECRETS_KEY=c2hvcnQ= | must be 32 bytes in base64
SECRETS_KEY_PREVIOUS=not base64! | must be 32 bytes in base64
RETENTION_DAYS=36501 | must be a whole number of days from 1 to 36500
TRUSTED_PROXIES=10.0.0.0/8, 10.0.0.0/33, x | must be CIDRs separated by commas, like 10.0.0.0/8, not "10.0.0.0/33"
METRICS_ADDR=loopback | must be an address and port
SIGN_UPS_PER_IP=0 | must be a whole number above 0
SERVER_ROLES=web,mailer | must list some of web, processor, worker
RUST_LOG=server=loud | must be a log filter
LOG_FORMAT=xml | must be text or json, not "xml"
LOG_FORMAT=JSON | must be text or json
"#;

/// [`REFUSED`]: (name, value, what the message says).
fn refused() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    REFUSED.lines().filter(|l| !l.is_empty()).map(|line| {
        let (given, says) = line.split_once(" | ").expect("NAME=value | message");
        let (name, value) = given.split_once('=').expect("NAME=value");
        (name, value, says)
    })
}

/// Variables of any text: only text that is not UTF-8 is refused.
const ANY_TEXT: &[&str] = &[
    "LEPTOS_SITE_ROOT",
    "SMTP_URL",
    "SMS_ACCOUNT_SID",
    "SMS_AUTH_TOKEN",
    "SMS_FROM",
    "OUTBOX_SINK_DIR",
];

/// A test key: `tests/testdata/dkim/<file>`.
fn dkim_key(file: &str) -> String {
    format!("{}/tests/testdata/dkim/{file}", env!("CARGO_MANIFEST_DIR"))
}

/// The variables set only together with `name` (all or none), given valid
/// values, so that a value refused is the only mistake.
fn companions(name: &str) -> Vec<String> {
    let dkim = [
        ("DKIM_DOMAIN", "maple.example".to_owned()),
        ("DKIM_SELECTOR", "notify2026".to_owned()),
        ("DKIM_PRIVATE_KEY", dkim_key("ed25519.pem")),
    ];
    if !dkim.iter().any(|(n, _)| *n == name) {
        return Vec::new();
    }
    dkim.iter()
        .filter(|(n, _)| *n != name)
        .map(|(n, value)| format!("{}={value}", flag(n)))
        .collect()
}

#[test]
fn every_variable_refuses_what_it_cannot_parse_with_one_message_naming_it() {
    for (name, value, says) in refused() {
        let mut flags = companions(name);
        flags.push(format!("{}={value}", flag(name)));
        let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
        let found = mistakes(&flags);
        assert_eq!(found.len(), 1, "{name}={value:?}: {found:?}");
        assert!(found[0].starts_with(&format!("{name} ")), "{found:?}");
        assert!(found[0].contains(says), "{name}={value:?}: {found:?}");
    }
    for name in ANY_TEXT {
        use std::os::unix::ffi::OsStringExt;
        let mut given = OsString::from(format!("{}=", flag(name)));
        given.push(OsString::from_vec(vec![0xff]));
        let settings = Settings::from_flags([given]).unwrap();
        let found = settings
            .into_config(Some(leptos()))
            .err()
            .unwrap_or_default();
        assert!(
            found
                .iter()
                .any(|m| *m == format!("{name} must be valid UTF-8")),
            "{name}: {found:?}"
        );
    }
    let tested: Vec<&str> = refused()
        .map(|(name, ..)| name)
        .chain(ANY_TEXT.iter().copied())
        .collect();
    for name in variables() {
        assert!(
            tested.contains(&name.as_str()),
            "no parse error tested for {name}"
        );
    }
}

#[test]
fn every_mistake_is_reported_at_once() {
    let found = mistakes(&[
        "--webhook-burst=0",
        "--server-roles=web,mailer",
        "--delivery-lease-seconds=10",
        "--sms-timeout-seconds=15",
        "--smtp-timeout-seconds=0",
        "--retention-days=0",
    ]);
    let mut names: Vec<&str> = found.iter().filter_map(|m| m.split(' ').next()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "DELIVERY_LEASE_SECONDS",
            "RETENTION_DAYS",
            "SERVER_ROLES",
            "SMTP_TIMEOUT_SECONDS",
            "WEBHOOK_BURST"
        ],
        "{found:?}"
    );
}

#[test]
fn blank_is_unset_except_where_it_is_parsed() {
    let c = config(&[
        "--webhook-burst=",
        "--smtp-url= ",
        "--trusted-proxies=",
        "--sms-from=",
    ])
    .expect("blank is unset");
    assert_eq!(c.webhook_rate.burst, 500);
    assert_eq!(c.smtp_url, None);
    assert!(c.sms.is_none() && c.trusted_proxies.is_empty());
    assert!(Settings::from_flags(["--rust-log="]).unwrap().log_filter() == Some(""));
}

#[test]
fn rules_between_variables() {
    let smtp = "--smtp-url=smtp://relay.example:25";
    assert_eq!(
        mistakes(&[smtp]),
        ["SMTP_FROM is required with SMTP_URL (the address emails are sent from)"]
    );
    let sent = config(&[smtp, "--smtp-from=notify@maple.example"]).expect("both given");
    assert_eq!(sent.smtp_url.as_deref(), Some("smtp://relay.example:25"));
    assert_eq!(
        mistakes(&["--sms-account-sid=AC1", "--sms-from=+14155550100"]),
        ["set all of SMS_ACCOUNT_SID, SMS_AUTH_TOKEN and SMS_FROM, or none"]
    );
    let sms = config(&[
        "--sms-account-sid=AC1",
        "--sms-auth-token=t",
        "--sms-from=+14155550100",
    ])
    .expect("all three")
    .sms
    .expect("real SMS");
    assert_eq!(
        (sms.account_sid.as_str(), sms.timeout.as_secs()),
        ("AC1", 15)
    );
    let lease = mistakes(&["--delivery-lease-seconds=20"]);
    assert_eq!(lease.len(), 1);
    assert!(
        lease[0].starts_with("DELIVERY_LEASE_SECONDS (20) must be longer than"),
        "{lease:?}"
    );
    let public = config(&["--leptos-site-addr=0.0.0.0:8080"]).expect("valid");
    assert_eq!(
        public.public_url.as_str(),
        "http://127.0.0.1:3000/",
        "embedders' leptos wins"
    );
}

/// `DKIM_DOMAIN=maple.example`, `DKIM_SELECTOR=notify2026`, the key
/// `tests/testdata/dkim/<key_file>` and `SMTP_FROM=<from>`.
fn dkim_flags(key_file: &str, from: &str) -> Vec<String> {
    vec![
        "--dkim-domain=maple.example".to_owned(),
        "--dkim-selector=notify2026".to_owned(),
        format!("--dkim-private-key={}", dkim_key(key_file)),
        format!("--smtp-from={from}"),
    ]
}

fn with(flags: &[String]) -> Result<Config, Vec<String>> {
    config(&flags.iter().map(String::as_str).collect::<Vec<_>>())
}

#[test]
fn dkim_needs_all_three_variables_and_a_from_address_in_its_domain() {
    assert!(config(&[]).unwrap().dkim.is_none(), "unsigned by default");
    assert_eq!(
        mistakes(&["--dkim-domain=maple.example"]),
        [
            "set all of DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY, or none (emails are signed only with all three): DKIM_SELECTOR and DKIM_PRIVATE_KEY unset"
        ]
    );
    let key = format!("--dkim-private-key={}", dkim_key("rsa2048.pem"));
    assert_eq!(
        mistakes(&["--dkim-selector=s1", &key]),
        [
            "set all of DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY, or none (emails are signed only with all three): DKIM_DOMAIN unset"
        ]
    );
    let blank = config(&["--dkim-domain=", "--dkim-selector= ", "--dkim-private-key="]);
    assert!(blank.unwrap().dkim.is_none(), "blank is unset");

    // The From domain must align: the default SMTP_FROM does not either.
    assert_eq!(
        with(&dkim_flags("ed25519.pem", "notify@other.example")).unwrap_err(),
        [
            "SMTP_FROM's domain (other.example) must be DKIM_DOMAIN (maple.example) or a subdomain of it: receivers apply DMARC only to a signature whose domain aligns with the From address"
        ]
    );
    let unset_from = mistakes(&[
        "--dkim-domain=maple.example",
        "--dkim-selector=notify2026",
        &key,
    ]);
    assert_eq!(unset_from.len(), 1);
    assert!(
        unset_from[0]
            .starts_with("SMTP_FROM's domain (localhost) must be DKIM_DOMAIN (maple.example)"),
        "{unset_from:?}"
    );
    let lookalike = with(&dkim_flags("ed25519.pem", "notify@evilmaple.example"));
    assert!(
        lookalike.is_err(),
        "a domain ending in the same letters is not below it"
    );

    // Aligned: the domain itself or a subdomain.
    for from in ["notify@maple.example", "notify@mail.maple.example"] {
        let signed = with(&dkim_flags("ed25519.pem", from)).expect("aligned");
        let dkim = signed.dkim.expect("signing");
        assert_eq!(
            (dkim.domain(), dkim.selector()),
            ("maple.example", "notify2026")
        );
        assert_eq!(dkim.dns_name(), "notify2026._domainkey.maple.example");
    }
}

#[test]
fn dkim_keys_load_from_a_file_or_the_value_and_give_the_record_openssl_gives() {
    let record = |file: &str| {
        std::fs::read_to_string(dkim_key(file))
            .unwrap()
            .trim()
            .to_owned()
    };
    let from = "notify@maple.example";
    // PKCS#8 (openssl genpkey) and PKCS#1 (BEGIN RSA PRIVATE KEY) RSA, and
    // Ed25519: the record each publishes is the one README's openssl
    // commands make (tests/testdata/dkim/*.dns.txt).
    for (key, published) in [
        ("rsa2048.pem", "rsa2048.dns.txt"),
        ("rsa2048-pkcs1.pem", "rsa2048.dns.txt"),
        ("ed25519.pem", "ed25519.dns.txt"),
    ] {
        let dkim = with(&dkim_flags(key, from)).expect(key).dkim.unwrap();
        assert_eq!(dkim.dns_record(), record(published), "{key}");
    }
    // The PEM itself as the value, with line breaks or `\n` on one line.
    let pem = std::fs::read_to_string(dkim_key("ed25519.pem")).unwrap();
    for value in [pem.clone(), pem.trim().replace('\n', "\\n")] {
        let mut flags = dkim_flags("ed25519.pem", from);
        flags[2] = format!("--dkim-private-key={value}");
        let dkim = with(&flags).expect("a PEM value").dkim.unwrap();
        assert_eq!(dkim.dns_record(), record("ed25519.dns.txt"));
        // The key is a secret: never in the configuration's Debug.
        let shown = format!("{:?}", with(&flags).unwrap());
        assert!(shown.contains("DkimSigner(d=maple.example, s=notify2026, key redacted)"));
        let secret_line = pem.lines().nth(1).unwrap();
        assert!(!shown.contains(secret_line), "{shown}");
    }
    // RSA below 2048 bits is refused, saying how many it has.
    let small = with(&dkim_flags("rsa1024.pem", from)).unwrap_err();
    assert_eq!(small.len(), 1);
    assert!(
        small[0].starts_with("DKIM_PRIVATE_KEY must be an RSA (2048 bits or more)")
            && small[0].contains("this RSA key has 1024 bits"),
        "{small:?}"
    );
    // A file that is not a key.
    let not_a_key = with(&dkim_flags("rsa2048.dns.txt", from)).unwrap_err();
    assert_eq!(not_a_key.len(), 1);
    assert!(
        not_a_key[0].starts_with("DKIM_PRIVATE_KEY must be an RSA"),
        "{not_a_key:?}"
    );
}

#[test]
fn each_variable_is_a_flag_of_the_same_name_with_its_meaning() {
    let command = Cli::command();
    for arg in command.get_arguments().filter(|a| a.get_env().is_some()) {
        let name = arg.get_env().unwrap().to_string_lossy();
        assert_eq!(format!("--{}", arg.get_long().unwrap()), flag(&name));
        assert!(
            arg.get_help().is_some_and(|h| !h.to_string().is_empty()),
            "{name}"
        );
    }
    let help = command.clone().render_long_help().to_string();
    for name in variables() {
        assert!(
            help.contains(&format!("[env: {name}]")),
            "--help misses {name}"
        );
    }
    assert!(help.contains("--reseal-secrets"));
}

/// README's table of variables: (names, default cell).
fn readme_table() -> Vec<(Vec<String>, String)> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    readme
        .lines()
        .skip_while(|l| *l != "| variable | default | meaning |")
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|row| {
            let cells: Vec<&str> = row.split(" | ").collect();
            let names = cells[0]
                .trim_start_matches("| ")
                .split(", ")
                .map(|n| n.trim_matches('`').to_owned())
                .collect();
            (names, cells[1].to_owned())
        })
        .collect()
}

/// Each declared variable is in README's table with its default (or
/// "unset" when it has none), and the table has no other.
#[test]
fn readme_lists_every_variable_with_its_default() {
    let table = readme_table();
    assert!(!table.is_empty(), "README's table of variables not found");
    let command = Cli::command();
    for arg in command.get_arguments() {
        let Some(name) = arg.get_env().map(|n| n.to_string_lossy()) else {
            continue;
        };
        let (_, default_cell) = table
            .iter()
            .find(|(names, _)| names.iter().any(|n| *n == name))
            .unwrap_or_else(|| panic!("README's table misses {name}"));
        match arg.get_default_values() {
            [default] => {
                let default = default.to_string_lossy();
                assert!(
                    default_cell.starts_with(&format!("`{default}`")),
                    "README gives {name} the default {default_cell:?}, the code {default:?}"
                );
            }
            _ => assert!(
                default_cell.starts_with("unset"),
                "{name} has no default, README says {default_cell:?}"
            ),
        }
    }
    let declared = variables();
    for (names, _) in &table {
        for name in names {
            assert!(
                declared.contains(name),
                "README lists {name}, which the server does not read"
            );
        }
    }
}

#[test]
fn hashed_file_names_need_the_hash_file_beside_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = leptos();
    assert_eq!(missing_hash_file(&options, Some(dir.path())), None);
    options.hash_files = true;
    let mistake = missing_hash_file(&options, Some(dir.path())).expect("refused");
    assert!(
        mistake.starts_with("LEPTOS_HASH_FILES=true but "),
        "{mistake}"
    );
    assert!(mistake.contains("hash.txt"), "{mistake}");
    std::fs::write(dir.path().join("hash.txt"), "js: a\nwasm: b\ncss: c\n").unwrap();
    assert_eq!(missing_hash_file(&options, Some(dir.path())), None);
}
