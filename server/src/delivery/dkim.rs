//! DKIM signing of outgoing email (`DKIM_DOMAIN`, `DKIM_SELECTOR`,
//! `DKIM_PRIVATE_KEY`): the key as `openssl genpkey` writes it (RSA of 2048
//! bits or more, or Ed25519), the DNS record it asks for, the alignment of
//! the From domain with the signing domain, and the signature itself
//! (lettre's, relaxed/relaxed, over the headers a receiver shows).

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use lettre::message::dkim::{
    DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm,
    DkimSigningKey,
};
use lettre::message::header::HeaderName;
use lettre::{Address, Message};

/// The smallest RSA key accepted (RFC 8301 asks verifiers to accept 1024
/// to 4096 bits; 1024 is no longer safe to sign with).
pub const MIN_RSA_BITS: usize = 2048;

/// The headers signed: what a reader sees and what makes the message this
/// message. (The multipart's Content-Type is written with the body by
/// lettre, so the body hash covers the parts but the header is not listed.)
const SIGNED_HEADERS: &[&str] = &[
    "From",
    "Reply-To",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "MIME-Version",
];

/// Signs every message with one key for one domain. Clones share the key.
#[derive(Clone)]
pub struct DkimSigner {
    domain: String,
    selector: String,
    dns_record: String,
    config: Arc<DkimConfig>,
}

impl std::fmt::Debug for DkimSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "DkimSigner(d={}, s={}, key redacted)",
            self.domain, self.selector
        )
    }
}

impl DkimSigner {
    /// `private_key`: the key in PEM (PKCS#8, `BEGIN PRIVATE KEY`, for RSA
    /// or Ed25519; or PKCS#1, `BEGIN RSA PRIVATE KEY`). The error says what
    /// the key must be and never quotes it.
    pub fn new(domain: &str, selector: &str, private_key: &str) -> Result<DkimSigner, String> {
        let (key, dns_record) = signing_key(private_key)?;
        let headers = SIGNED_HEADERS
            .iter()
            .map(|name| HeaderName::new_from_ascii_str(name))
            .collect();
        let relaxed = DkimCanonicalization {
            header: DkimCanonicalizationType::Relaxed,
            body: DkimCanonicalizationType::Relaxed,
        };
        let config = DkimConfig::new(
            selector.to_owned(),
            domain.to_owned(),
            key,
            headers,
            relaxed,
        );
        Ok(DkimSigner {
            domain: domain.to_owned(),
            selector: selector.to_owned(),
            dns_record,
            config: Arc::new(config),
        })
    }

    /// `d=`: the signing domain.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// `s=`: the selector.
    pub fn selector(&self) -> &str {
        &self.selector
    }

    /// Where the public key is published: `<selector>._domainkey.<domain>`.
    pub fn dns_name(&self) -> String {
        format!("{}._domainkey.{}", self.selector, self.domain)
    }

    /// The TXT record to publish at [`DkimSigner::dns_name`]:
    /// `v=DKIM1; k=rsa; p=...` or `v=DKIM1; k=ed25519; p=...`.
    pub fn dns_record(&self) -> &str {
        &self.dns_record
    }

    /// Adds the `DKIM-Signature` header; the message must not change after.
    pub fn sign(&self, message: &mut Message) {
        message.sign(&self.config);
    }
}

/// Whether mail from `from` aligns with signatures for `dkim_domain`
/// (DMARC's relaxed alignment, short of the public-suffix list): the From
/// domain is the signing domain or a subdomain of it.
pub fn aligned(from: &Address, dkim_domain: &str) -> bool {
    let from = from.domain().trim_end_matches('.').to_ascii_lowercase();
    let signing = dkim_domain.trim_end_matches('.').to_ascii_lowercase();
    from == signing || from.ends_with(&format!(".{signing}"))
}

/// The message for a From address that does not align with `dkim_domain`.
pub fn misaligned(from: &Address, dkim_domain: &str) -> String {
    format!(
        "SMTP_FROM's domain ({}) must be DKIM_DOMAIN ({dkim_domain}) or a subdomain of it: receivers apply DMARC only to a signature whose domain aligns with the From address",
        from.domain()
    )
}

const KEY_MUST_BE: &str = "must be an RSA (2048 bits or more) or Ed25519 private key in PEM (as `openssl genpkey` writes it, or `BEGIN RSA PRIVATE KEY`), or the path of a file holding one";

/// lettre's key from the PEM, and the DNS record of its public half.
fn signing_key(pem: &str) -> Result<(DkimSigningKey, String), String> {
    use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
    use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey};
    use rsa::traits::PublicKeyParts;

    let pem = pem.trim();
    let rsa = rsa::RsaPrivateKey::from_pkcs8_pem(pem)
        .or_else(|_| rsa::RsaPrivateKey::from_pkcs1_pem(pem));
    if let Ok(key) = rsa {
        let bits = key.size() * 8;
        if bits < MIN_RSA_BITS {
            return Err(format!(
                "{KEY_MUST_BE}: this RSA key has {bits} bits (generate one with `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`)"
            ));
        }
        key.validate()
            .map_err(|e| format!("{KEY_MUST_BE}: the RSA key is not valid ({e})"))?;
        let public = key
            .to_public_key()
            .to_public_key_der()
            .map_err(|e| format!("{KEY_MUST_BE}: {e}"))?;
        let pkcs1 = key
            .to_pkcs1_pem(rsa::pkcs8::LineEnding::LF)
            .map_err(|e| format!("{KEY_MUST_BE}: {e}"))?;
        let signing = DkimSigningKey::new(&pkcs1, DkimSigningAlgorithm::Rsa)
            .map_err(|e| format!("{KEY_MUST_BE}: {e}"))?;
        let record = format!("v=DKIM1; k=rsa; p={}", STANDARD.encode(public.as_bytes()));
        return Ok((signing, record));
    }
    if let Ok(key) =
        <ed25519_dalek::SigningKey as ed25519_dalek::pkcs8::DecodePrivateKey>::from_pkcs8_pem(pem)
    {
        let seed = STANDARD.encode(key.to_bytes());
        let signing = DkimSigningKey::new(&seed, DkimSigningAlgorithm::Ed25519)
            .map_err(|e| format!("{KEY_MUST_BE}: {e}"))?;
        let record = format!(
            "v=DKIM1; k=ed25519; p={}",
            STANDARD.encode(key.verifying_key().to_bytes())
        );
        return Ok((signing, record));
    }
    Err(KEY_MUST_BE.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(raw: &str) -> Address {
        raw.parse().unwrap()
    }

    #[test]
    fn the_from_domain_aligns_when_it_is_the_signing_domain_or_below_it() {
        assert!(aligned(&address("notify@maple.example"), "maple.example"));
        assert!(aligned(
            &address("notify@Mail.Maple.example"),
            "maple.EXAMPLE"
        ));
        assert!(!aligned(
            &address("notify@maple.example"),
            "mail.maple.example"
        ));
        assert!(!aligned(
            &address("notify@evilmaple.example"),
            "maple.example"
        ));
        assert!(!aligned(&address("notify@localhost"), "maple.example"));
    }

    #[test]
    fn a_key_that_is_not_one_says_what_it_must_be_without_quoting_it() {
        for junk in [
            "",
            "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----",
            "secret",
        ] {
            let Err(e) = DkimSigner::new("maple.example", "s1", junk) else {
                panic!("{junk:?} accepted")
            };
            assert!(e.starts_with("must be an RSA"), "{e}");
            assert!(!e.contains("c2VjcmV0") && !e.contains("secret"), "{e}");
        }
    }
}
