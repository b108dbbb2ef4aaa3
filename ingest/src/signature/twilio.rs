//! Twilio's request signature (`X-Twilio-Signature`): base64 of
//! HMAC-SHA1, keyed by the account's auth token, over the full URL followed
//! by every form parameter's name and value, sorted.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use subtle::ConstantTimeEq;

use super::SignatureError;

/// The signature Twilio sends for `url` and `params`.
pub fn sign(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut mac = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()).expect("any key length");
    mac.update(url.as_bytes());
    for (k, v) in sorted {
        mac.update(k.as_bytes());
        mac.update(v.as_bytes());
    }
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Checks `given` in constant time.
pub fn verify(
    auth_token: &str,
    url: &str,
    params: &[(String, String)],
    given: Option<&str>,
) -> Result<(), SignatureError> {
    let given = given.ok_or(SignatureError::MissingHeader("X-Twilio-Signature"))?;
    let expected = sign(auth_token, url, params);
    if bool::from(expected.as_bytes().ct_eq(given.as_bytes())) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_same_token_url_and_params_verify() {
        let params = vec![
            ("To".to_owned(), "+15005550006".to_owned()),
            ("Body".to_owned(), "STOP".to_owned()),
        ];
        let url = "https://shop.example/webhooks/sms/inbound";
        let signature = sign("token", url, &params);
        assert_eq!(verify("token", url, &params, Some(&signature)), Ok(()));
        let mut reordered = params.clone();
        reordered.reverse();
        assert_eq!(verify("token", url, &reordered, Some(&signature)), Ok(()));
        assert!(verify("other", url, &params, Some(&signature)).is_err());
        assert!(verify("token", "https://evil.example/", &params, Some(&signature)).is_err());
        assert!(verify("token", url, &params, None).is_err());
    }
}
