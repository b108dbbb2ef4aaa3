//! The key sealing integration secrets at rest.

use notify_store::sealed::{KEY_BYTES, SecretsKeys, generate_key, parse_key};

/// `SECRETS_KEY` and `SECRETS_KEY_PREVIOUS`, as given.
pub struct GivenKeys {
    pub current: Option<[u8; KEY_BYTES]>,
    pub previous: Option<[u8; KEY_BYTES]>,
}

/// The keys given; without `SECRETS_KEY`, the key in the key file beside
/// the SQLite database (or `data/secrets.key`), generated there on first
/// run.
pub fn secrets_keys(given: GivenKeys, database_url: &str) -> Result<SecretsKeys, String> {
    let current = match given.current {
        Some(key) => key,
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
    Ok(SecretsKeys::new(&current, given.previous.as_ref()))
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
