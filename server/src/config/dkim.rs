//! `DKIM_DOMAIN`, `DKIM_SELECTOR` and `DKIM_PRIVATE_KEY`: all three or
//! none; the key in PEM, or the path of a PEM file.

use notify_core::secret::Secret;

use super::read::{Checked, Mistakes};
use crate::delivery::dkim::DkimSigner;

const NAMES: [&str; 3] = ["DKIM_DOMAIN", "DKIM_SELECTOR", "DKIM_PRIVATE_KEY"];

fn given<T>(checked: &Option<Checked<T>>) -> bool {
    !matches!(checked, None | Some(Checked::Unset))
}

/// The signer the three variables describe; `None` when none is set, or
/// after a mistake (noted).
pub fn signer(
    m: &mut Mistakes,
    [domain, selector]: [Option<Checked<String>>; 2],
    key: Option<Checked<Secret>>,
) -> Option<DkimSigner> {
    let set = [given(&domain), given(&selector), given(&key)];
    if set.iter().any(|s| *s) && !set.iter().all(|s| *s) {
        let unset: Vec<&str> = NAMES
            .iter()
            .zip(set)
            .filter_map(|(name, set)| (!set).then_some(*name))
            .collect();
        m.note(format!(
            "set all of DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY, or none (emails are signed only with all three): {} unset",
            unset.join(" and ")
        ));
    }
    let (domain, selector, key) = (m.optional(domain), m.optional(selector), m.optional(key));
    let (domain, selector, key) = (domain?, selector?, key?);
    let signer = pem(&key).and_then(|pem| DkimSigner::new(&domain, &selector, &pem));
    signer
        .map_err(|must| m.note(format!("DKIM_PRIVATE_KEY {must}")))
        .ok()
}

/// The key's PEM: the value itself when it is PEM (a value written on one
/// line with `\n` for the line breaks too), else the file it names.
fn pem(key: &Secret) -> Result<String, String> {
    let raw = key.expose().trim();
    if raw.starts_with("-----BEGIN") {
        return Ok(if raw.contains('\n') {
            raw.to_owned()
        } else {
            raw.replace("\\n", "\n")
        });
    }
    // The value is not quoted: it may be a key pasted without its PEM lines.
    std::fs::read_to_string(raw).map_err(|e| {
        format!(
            "is neither a key in PEM (-----BEGIN ...) nor the path of a file that can be read: {e}"
        )
    })
}
