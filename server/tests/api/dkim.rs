//! DKIM: an email the real app hands to a real SMTP listener over TCP (and
//! one it writes to the sink folder) verifies with an independent verifier
//! (`mail-auth`: its own parsing, canonicalisation and crypto) against the
//! public key as an operator publishes it, for RSA-2048 and Ed25519 keys; a
//! message changed after signing does not.
//!
//! The keys are test-only, in `tests/testdata/dkim/`, with the TXT records
//! README's openssl commands make from them (see the README there).

use std::borrow::Borrow;
use std::hash::Hash;
use std::path::PathBuf;

use mail_auth::common::parse::TxtRecordParser;
use mail_auth::common::verify::DomainKey;
use mail_auth::{AuthenticatedMessage, DkimResult, MessageAuthenticator, Parameters};
use mail_auth::{ResolverCache, Txt};
use notify_store::testing::TestDb;
use notify_store::tests_on_both_backends;
use notify_testkit::smtp::SmtpServer;
use server::config::DkimSigner;

use crate::delivery::{signed_order, until};
use crate::harness::{spawn_with, try_spawn_with};
use crate::webhooks::settled;

const DOMAIN: &str = "maple.example";
const SELECTOR: &str = "notify2026";

fn testdata(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/testdata/dkim")
        .join(file)
}

fn read(file: &str) -> String {
    std::fs::read_to_string(testdata(file)).unwrap()
}

/// The TXT record published at `<selector>._domainkey.<domain>`, and no
/// other DNS: the verifier finds the key here and never asks a resolver.
struct Published {
    name: Box<str>,
    record: Txt,
}

impl Published {
    fn new(txt: &str) -> Published {
        let key = DomainKey::parse(txt.trim().as_bytes()).expect("the TXT record parses");
        Published {
            name: format!("{SELECTOR}._domainkey.{DOMAIN}.").into(),
            record: Txt::from(key),
        }
    }
}

impl ResolverCache<Box<str>, Txt> for Published {
    fn get<Q>(&self, name: &Q) -> Option<Txt>
    where
        Box<str>: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        (self.name.borrow() == name).then(|| self.record.clone())
    }

    fn remove<Q>(&self, _: &Q) -> Option<Txt>
    where
        Box<str>: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        None
    }

    fn insert(&self, _: Box<str>, _: Txt, _: std::time::Instant) {}
}

/// What the independent verifier says of each signature on `raw`.
async fn verify(raw: &str, published_txt: &str) -> Vec<DkimResult> {
    let message = AuthenticatedMessage::parse(raw.as_bytes()).expect("the message parses");
    let published = Published::new(published_txt);
    // A resolver is required; it is never asked (the key is published above).
    let authenticator = MessageAuthenticator::new_cloudflare().expect("a resolver");
    authenticator
        .verify_dkim(Parameters::new(&message).with_txt_cache(&published))
        .await
        .iter()
        .map(|output| output.result().clone())
        .collect()
}

/// `raw` with its first `from` after the headers replaced by `to`.
fn body_changed(raw: &str, from: &str, to: &str) -> String {
    let (headers, body) = raw.split_once("\r\n\r\n").expect("headers and body");
    assert!(body.contains(from), "{from:?} not in the body:\n{body}");
    format!("{headers}\r\n\r\n{}", body.replacen(from, to, 1))
}

/// The checks on one signed message: signed for our domain and selector
/// with `algorithm`; verifies; a changed body or Subject does not.
async fn signature_holds(raw: &str, published_txt: &str, algorithm: &str) {
    let signature = raw
        .split("\r\n")
        .take_while(|l| !l.is_empty())
        .find(|l| l.starts_with("DKIM-Signature: "))
        .unwrap_or_else(|| panic!("no DKIM-Signature header:\n{raw}"));
    for tag in [
        format!("d={DOMAIN};"),
        format!("s={SELECTOR};"),
        format!("a={algorithm};"),
    ] {
        assert!(signature.contains(&tag), "{tag} not in {signature}");
    }
    assert_eq!(
        verify(raw, published_txt).await,
        [DkimResult::Pass],
        "{raw}"
    );

    let body = body_changed(raw, "Ada", "Eve");
    let results = verify(&body, published_txt).await;
    assert!(
        results.len() == 1 && results[0] != DkimResult::Pass,
        "a changed body verified: {results:?}"
    );
    let subject = raw.replacen("Subject: ", "Subject: Urgent: ", 1);
    let results = verify(&subject, published_txt).await;
    assert!(
        matches!(results.as_slice(), [DkimResult::Fail(_)]),
        "a changed Subject verified: {results:?}"
    );
}

/// The signer as `DKIM_PRIVATE_KEY` gives it: a PEM file.
fn signer(pem_file: &str) -> DkimSigner {
    DkimSigner::new(DOMAIN, SELECTOR, &read(pem_file)).expect("the test key loads")
}

/// One order email through the real app to a real SMTP listener over TCP.
async fn sent_over_smtp(db: &TestDb, pem_file: &str) -> String {
    let smtp = SmtpServer::start(0).await;
    let smtp_url = smtp.url();
    let dkim = signer(pem_file);
    let app = spawn_with(db, move |c| {
        c.smtp_url = Some(smtp_url);
        c.smtp_from = format!("notify@{DOMAIN}");
        c.dkim = Some(dkim);
    })
    .await;
    signed_order(&app, "91", "").await;
    settled(&app).await;
    until(&app, |d| d.len() == 1 && d[0]["state"] == "sent").await;
    let messages = smtp.messages();
    assert_eq!(messages.len(), 1);
    messages[0].data.clone()
}

async fn an_rsa_2048_signed_email_received_over_smtp_verifies_and_a_changed_one_does_not(
    db: &TestDb,
) {
    let raw = sent_over_smtp(db, "rsa2048.pem").await;
    signature_holds(&raw, &read("rsa2048.dns.txt"), "rsa-sha256").await;
    // The other key's record does not verify it.
    let results = verify(&raw, &read("ed25519.dns.txt")).await;
    assert!(
        results.len() == 1 && results[0] != DkimResult::Pass,
        "{results:?}"
    );
}

async fn an_ed25519_signed_email_received_over_smtp_verifies_and_a_changed_one_does_not(
    db: &TestDb,
) {
    let raw = sent_over_smtp(db, "ed25519.pem").await;
    signature_holds(&raw, &read("ed25519.dns.txt"), "ed25519-sha256").await;
}

async fn the_sink_file_carries_the_same_signature(db: &TestDb) {
    let dkim = signer("rsa2048.pem");
    let app = spawn_with(db, move |c| {
        c.smtp_from = format!("notify@mail.{DOMAIN}"); // a subdomain aligns
        c.dkim = Some(dkim);
    })
    .await;
    signed_order(&app, "92", "").await;
    settled(&app).await;
    until(&app, |d| d.len() == 1 && d[0]["state"] == "sent").await;
    let file = std::fs::read_dir(app.sink.path().join("email"))
        .unwrap()
        .next()
        .expect("an .eml file")
        .unwrap()
        .path();
    let raw = std::fs::read_to_string(file).unwrap();
    signature_holds(&raw, &read("rsa2048.dns.txt"), "rsa-sha256").await;
}

async fn a_from_address_outside_the_signing_domain_is_refused(db: &TestDb) {
    let dkim = signer("ed25519.pem");
    let refused = try_spawn_with(db, move |c| {
        c.smtp_from = "notify@other.example".to_owned();
        c.dkim = Some(dkim);
    })
    .await;
    let error = refused.err().expect("refused").to_string();
    assert!(
        error.contains("(other.example)") && error.contains("DKIM_DOMAIN (maple.example)"),
        "{error}"
    );
}

tests_on_both_backends!(
    an_rsa_2048_signed_email_received_over_smtp_verifies_and_a_changed_one_does_not,
    an_ed25519_signed_email_received_over_smtp_verifies_and_a_changed_one_does_not,
    the_sink_file_carries_the_same_signature,
    a_from_address_outside_the_signing_domain_is_refused,
);
