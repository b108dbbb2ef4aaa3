//! Secrets at rest: an integration's settings (the platforms' secrets and
//! tokens) are stored sealed with ChaCha20-Poly1305 under `SECRETS_KEY`,
//! bound to their merchant, so the database alone reveals none of them and
//! a sealed value cannot be moved to another merchant. During a rotation
//! the previous key still opens what it sealed, until everything is
//! sealed again under the new one.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

/// Key length: 32 bytes (given as base64).
pub const KEY_BYTES: usize = 32;
const PREFIX: &str = "sealed:v1:";

/// The key that seals, and the one before it (it only opens).
#[derive(Clone)]
pub struct SecretsKeys {
    current: LessSafeKey,
    previous: Option<LessSafeKey>,
}

impl std::fmt::Debug for SecretsKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SecretsKeys(redacted, previous: {})",
            self.previous.is_some()
        )
    }
}

/// How a stored value was opened.
#[derive(Debug, PartialEq, Eq)]
pub struct Opened {
    pub plain: String,
    /// Stored in plain text or under the previous key: seal it again.
    pub needs_resealing: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a stored secret does not open with SECRETS_KEY (nor SECRETS_KEY_PREVIOUS): wrong key?")]
pub struct WrongKey;

fn key(bytes: &[u8; KEY_BYTES]) -> LessSafeKey {
    LessSafeKey::new(UnboundKey::new(&CHACHA20_POLY1305, bytes).expect("a 32-byte key"))
}

/// `base64` of 32 bytes → the bytes, or what is wrong (for start-up).
pub fn parse_key(raw: &str) -> Result<[u8; KEY_BYTES], String> {
    STANDARD
        .decode(raw.trim())
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(|| format!("must be {KEY_BYTES} bytes in base64"))
}

/// A new random key, base64 (for a key file or `SECRETS_KEY`).
pub fn generate_key() -> String {
    let mut bytes = [0u8; KEY_BYTES];
    getrandom::fill(&mut bytes).expect("the OS random number generator is available");
    STANDARD.encode(bytes)
}

impl SecretsKeys {
    pub fn new(current: &[u8; KEY_BYTES], previous: Option<&[u8; KEY_BYTES]>) -> Self {
        SecretsKeys {
            current: key(current),
            previous: previous.map(key),
        }
    }

    /// `plain` sealed under the current key, for the row of `owner`.
    pub fn seal(&self, plain: &str, owner: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).expect("the OS random number generator is available");
        let mut sealed = plain.as_bytes().to_vec();
        self.current
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(owner.as_bytes()),
                &mut sealed,
            )
            .expect("sealing a short text");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{PREFIX}{}", STANDARD.encode(out))
    }

    /// A stored value, sealed (by either key) or from before sealing.
    pub fn open(&self, stored: &str, owner: &str) -> Result<Opened, WrongKey> {
        let Some(encoded) = stored.strip_prefix(PREFIX) else {
            return Ok(Opened {
                plain: stored.to_owned(),
                needs_resealing: true,
            });
        };
        let bytes = STANDARD.decode(encoded).map_err(|_| WrongKey)?;
        if bytes.len() < NONCE_LEN {
            return Err(WrongKey);
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| WrongKey)?;
        let keys =
            std::iter::once((&self.current, false)).chain(self.previous.iter().map(|k| (k, true)));
        for (key, needs_resealing) in keys {
            let mut buffer = sealed.to_vec();
            if let Ok(plain) = key.open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(owner.as_bytes()),
                &mut buffer,
            ) {
                let plain = String::from_utf8(plain.to_vec()).map_err(|_| WrongKey)?;
                return Ok(Opened {
                    plain,
                    needs_resealing,
                });
            }
        }
        Err(WrongKey)
    }
}

pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: [u8; 32] = [1; 32];
    const B: [u8; 32] = [2; 32];

    #[test]
    fn sealed_values_open_only_with_their_key_and_owner() {
        let keys = SecretsKeys::new(&A, None);
        let sealed = keys.seal("{\"webhook_secret\":\"s3cret\"}", "mer_1");
        assert!(is_sealed(&sealed) && !sealed.contains("s3cret"));
        assert_ne!(
            sealed,
            keys.seal("{\"webhook_secret\":\"s3cret\"}", "mer_1")
        );
        assert_eq!(
            keys.open(&sealed, "mer_1"),
            Ok(Opened {
                plain: "{\"webhook_secret\":\"s3cret\"}".to_owned(),
                needs_resealing: false
            })
        );
        assert_eq!(keys.open(&sealed, "mer_2"), Err(WrongKey));
        assert_eq!(
            SecretsKeys::new(&B, None).open(&sealed, "mer_1"),
            Err(WrongKey)
        );
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push('A');
        assert_eq!(keys.open(&tampered, "mer_1"), Err(WrongKey));
    }

    #[test]
    fn during_a_rotation_the_previous_key_opens_and_asks_for_resealing() {
        let old = SecretsKeys::new(&A, None).seal("x", "mer_1");
        let rotating = SecretsKeys::new(&B, Some(&A));
        assert_eq!(
            rotating.open(&old, "mer_1").unwrap(),
            Opened {
                plain: "x".to_owned(),
                needs_resealing: true
            }
        );
        // From before sealing: read as it is, and to be sealed.
        assert!(rotating.open("{}", "mer_1").unwrap().needs_resealing);
    }

    #[test]
    fn keys_are_32_bytes_of_base64() {
        assert!(parse_key(&generate_key()).is_ok());
        assert!(parse_key("c2hvcnQ=").is_err());
        assert!(parse_key("not base64!").is_err());
    }
}
