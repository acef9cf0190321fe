//! Ed25519 key pairs for signing ledger events (overrides and sign-offs).
//!
//! File formats (see `docs/ledger.md`):
//!
//! * secret key file (mode 0600):
//!   ```text
//!   -----BEGIN LAUNCHGATE ED25519 SECRET KEY-----
//!   <standard base64 (with padding) of the 32-byte ed25519 seed>
//!   -----END LAUNCHGATE ED25519 SECRET KEY-----
//!   ```
//! * public key: one line `ed25519:<standard base64 of the 32-byte public key>`; the key file
//!   `PATH.pub` holds that line and a newline, and the same string goes into a policy's
//!   `approvers[].public_key`.
//! * signature: `ed25519:<standard base64 of the 64-byte signature>`.
//!
//! The secret key never appears in `Debug` output or in an error message.

use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use zeroize::Zeroizing;

/// First line of a secret key file.
pub const SECRET_KEY_BEGIN: &str = "-----BEGIN LAUNCHGATE ED25519 SECRET KEY-----";
/// Last line of a secret key file.
pub const SECRET_KEY_END: &str = "-----END LAUNCHGATE ED25519 SECRET KEY-----";
/// Prefix of a public key and of a signature.
pub const ED25519_PREFIX: &str = "ed25519:";

/// Why a key could not be read, parsed, generated or written. `what` names the file (or says
/// "the public key" for a string that came from elsewhere, e.g. a policy file). No variant ever
/// carries key material.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The key file does not exist.
    #[error("{path}: no such key file", path = path.display())]
    Missing {
        /// The file that was asked for.
        path: PathBuf,
    },
    /// The key file exists but could not be read or written.
    #[error("{path}: {source}", path = path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not UTF-8 text, so it is no launchgate key file.
    #[error("{what}: not a launchgate key file (it is not UTF-8 text)")]
    NotText {
        /// The file.
        what: String,
    },
    /// An OpenSSH private key was given where a launchgate secret key is needed.
    #[error(
        "{what}: this is an OpenSSH private key, not a launchgate key; launchgate signs with its own ed25519 key pair (a file starting `{SECRET_KEY_BEGIN}`), generate one with launchgate instead of reusing an SSH key"
    )]
    OpenSshPrivate {
        /// The file.
        what: String,
    },
    /// An OpenSSH public key (`ssh-ed25519 AAAA…`) was given.
    #[error(
        "{what}: this is an OpenSSH public key (`ssh-ed25519 …`), not a launchgate key; a launchgate public key is one line `ed25519:<base64 of 32 bytes>`, as written to the `.pub` file by launchgate's key generation"
    )]
    OpenSshPublic {
        /// Where the text came from.
        what: String,
    },
    /// Some other PEM file (a PKCS#8 key, a certificate, …).
    #[error(
        "{what}: this is a PEM file (`-----BEGIN {label}-----`), not a launchgate key; expected the first line `{SECRET_KEY_BEGIN}`"
    )]
    Pem {
        /// The file.
        what: String,
        /// The PEM label, e.g. `PRIVATE KEY`.
        label: String,
    },
    /// A launchgate public key was given where the secret key is needed.
    #[error(
        "{what}: this is a public key (`ed25519:…`), but signing needs the secret key: give the key file without `.pub`"
    )]
    PublicInsteadOfSecret {
        /// The file.
        what: String,
    },
    /// A launchgate secret key was given where a public key is expected.
    #[error(
        "{what}: this is a launchgate SECRET key; give the public key instead (the one line `ed25519:…` in the `.pub` file) and keep the secret key private"
    )]
    SecretInsteadOfPublic {
        /// Where the text came from.
        what: String,
    },
    /// The text is not recognisable as a launchgate key at all.
    #[error("{what}: not a launchgate key: {reason}")]
    NotAKey {
        /// Where the text came from.
        what: String,
        /// What was expected.
        reason: String,
    },
    /// The base64 payload does not decode.
    #[error("{what}: the key is not valid base64: {reason}")]
    BadBase64 {
        /// Where the text came from.
        what: String,
        /// The decoder's complaint, without the offending characters.
        reason: String,
    },
    /// The payload decodes to the wrong number of bytes.
    #[error("{what}: the key is {found} bytes long, an ed25519 key is {expected} bytes")]
    WrongLength {
        /// Where the text came from.
        what: String,
        /// Decoded length.
        found: usize,
        /// Required length.
        expected: usize,
    },
    /// 32 bytes that are not a usable ed25519 public key.
    #[error(
        "{what}: the 32 bytes are not a valid ed25519 public key (not a curve point, or a weak key)"
    )]
    InvalidPublicKey {
        /// Where the text came from.
        what: String,
    },
    /// `write_key_pair` refuses to replace a key.
    #[error("{path}: already exists; refusing to overwrite a key file (move it away or choose another path)", path = path.display())]
    Exists {
        /// The existing file.
        path: PathBuf,
    },
    /// The operating system's random number generator failed.
    #[error(
        "cannot generate a key: the operating system's random number generator failed: {reason}"
    )]
    Random {
        /// The error from the OS.
        reason: String,
    },
}

/// An ed25519 secret (signing) key. `Debug` shows only its public key; the seed is wiped from
/// memory when the value is dropped.
#[derive(Clone)]
pub struct SecretKey {
    signing: SigningKey,
}

/// An ed25519 public (verifying) key; `Display` gives its `ed25519:<base64>` form.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey {
    verifying: VerifyingKey,
}

/// A freshly generated key pair.
#[derive(Clone)]
pub struct KeyPair {
    secret: SecretKey,
}

/// The two files `KeyPair::write_key_pair` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFiles {
    /// The secret key file (mode 0600 on unix).
    pub secret: PathBuf,
    /// The public key file (`<secret>.pub`).
    pub public: PathBuf,
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretKey")
            .field("public_key", &self.public_key().to_string())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyPair")
            .field("public_key", &self.public_key().to_string())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({self})")
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{ED25519_PREFIX}{}",
            STANDARD.encode(self.verifying.as_bytes())
        )
    }
}

impl KeyPair {
    /// A new key pair from the operating system's random number generator.
    pub fn generate() -> Result<KeyPair, KeyError> {
        let mut seed = Zeroizing::new([0u8; 32]);
        getrandom::fill(seed.as_mut_slice()).map_err(|e| KeyError::Random {
            reason: e.to_string(),
        })?;
        Ok(KeyPair {
            secret: SecretKey {
                signing: SigningKey::from_bytes(&seed),
            },
        })
    }

    /// The secret half.
    pub fn secret_key(&self) -> &SecretKey {
        &self.secret
    }

    /// The public half.
    pub fn public_key(&self) -> PublicKey {
        self.secret.public_key()
    }

    /// Writes the secret key to `path` (created with mode 0600 on unix) and the public key to
    /// `path.pub`, creating missing parent directories. Refuses to overwrite either file.
    pub fn write_key_pair(&self, path: &Path) -> Result<KeyFiles, KeyError> {
        let public = public_key_path(path);
        for existing in [path, public.as_path()] {
            if existing.exists() {
                return Err(KeyError::Exists {
                    path: existing.to_path_buf(),
                });
            }
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| KeyError::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let secret_text = Zeroizing::new(self.secret.to_file_text());
        write_new(path, secret_text.as_bytes(), true)?;
        write_new(
            &public,
            format!("{}\n", self.public_key()).as_bytes(),
            false,
        )?;
        Ok(KeyFiles {
            secret: path.to_path_buf(),
            public,
        })
    }
}

/// `PATH.pub` for a secret key at `PATH` (the suffix is appended, as ssh-keygen does).
pub fn public_key_path(secret: &Path) -> PathBuf {
    let mut name = secret.as_os_str().to_owned();
    name.push(".pub");
    PathBuf::from(name)
}

fn write_new(path: &Path, contents: &[u8], secret: bool) -> Result<(), KeyError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(if secret { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = secret;
    let io = |source: std::io::Error| {
        if source.kind() == std::io::ErrorKind::AlreadyExists {
            KeyError::Exists {
                path: path.to_path_buf(),
            }
        } else {
            KeyError::Io {
                path: path.to_path_buf(),
                source,
            }
        }
    };
    let mut file = options.open(path).map_err(io)?;
    file.write_all(contents).map_err(io)?;
    file.sync_all().map_err(io)
}

impl SecretKey {
    /// Reads a secret key file. Errors name the file and the exact cause (missing, an OpenSSH
    /// key, a public key, not a launchgate key, bad base64, wrong length).
    pub fn read(path: &Path) -> Result<SecretKey, KeyError> {
        let bytes = Zeroizing::new(read_file(path)?);
        let what = path.display().to_string();
        let text =
            std::str::from_utf8(&bytes).map_err(|_| KeyError::NotText { what: what.clone() })?;
        SecretKey::parse(text, &what)
    }

    /// Parses the text of a secret key file; `what` names its origin in errors.
    pub fn parse(text: &str, what: &str) -> Result<SecretKey, KeyError> {
        let what = what.to_owned();
        let trimmed = text.trim_start_matches('\u{feff}').trim();
        if trimmed.contains("-----BEGIN OPENSSH PRIVATE KEY-----") {
            return Err(KeyError::OpenSshPrivate { what });
        }
        if trimmed.starts_with(ED25519_PREFIX) {
            return Err(KeyError::PublicInsteadOfSecret { what });
        }
        if is_openssh_public(trimmed) {
            return Err(KeyError::OpenSshPublic { what });
        }
        let mut lines = trimmed.lines().map(str::trim);
        let first = lines.next().unwrap_or_default();
        if first != SECRET_KEY_BEGIN {
            if let Some(label) = pem_label(first) {
                return Err(KeyError::Pem { what, label });
            }
            return Err(KeyError::NotAKey {
                what,
                reason: format!("expected the first line `{SECRET_KEY_BEGIN}`"),
            });
        }
        let body: Vec<&str> = lines.collect();
        let Some((last, middle)) = body
            .split_last()
            .filter(|(last, _)| **last == SECRET_KEY_END)
        else {
            return Err(KeyError::NotAKey {
                what,
                reason: format!(
                    "the file does not end with the line `{SECRET_KEY_END}` (truncated?)"
                ),
            });
        };
        let _ = last;
        let encoded = Zeroizing::new(middle.concat());
        let seed = decode_exact::<32>(&encoded, &what)?;
        Ok(SecretKey {
            signing: SigningKey::from_bytes(&seed),
        })
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            verifying: self.signing.verifying_key(),
        }
    }

    fn to_file_text(&self) -> String {
        let seed = Zeroizing::new(self.signing.to_bytes());
        format!(
            "{SECRET_KEY_BEGIN}\n{}\n{SECRET_KEY_END}\n",
            Zeroizing::new(STANDARD.encode(seed.as_slice())).as_str()
        )
    }
}

impl PublicKey {
    /// Parses `ed25519:<base64 of 32 bytes>` (surrounding whitespace is ignored). Errors say
    /// "the public key"; use [`PublicKey::parse_from`] to name the origin.
    pub fn parse(text: &str) -> Result<PublicKey, KeyError> {
        PublicKey::parse_from(text, "the public key")
    }

    /// Like [`PublicKey::parse`], naming `what` (e.g. `policy.yaml: approvers[0].public_key`)
    /// in errors. The text itself is never echoed, in case a secret was pasted by mistake.
    pub fn parse_from(text: &str, what: &str) -> Result<PublicKey, KeyError> {
        let what = what.to_owned();
        let trimmed = text.trim_start_matches('\u{feff}').trim();
        if trimmed.starts_with(SECRET_KEY_BEGIN) {
            return Err(KeyError::SecretInsteadOfPublic { what });
        }
        if trimmed.contains("-----BEGIN OPENSSH PRIVATE KEY-----") {
            return Err(KeyError::OpenSshPrivate { what });
        }
        if is_openssh_public(trimmed) {
            return Err(KeyError::OpenSshPublic { what });
        }
        if let Some(label) = trimmed.lines().next().and_then(pem_label) {
            return Err(KeyError::Pem { what, label });
        }
        let Some(encoded) = trimmed.strip_prefix(ED25519_PREFIX) else {
            return Err(KeyError::NotAKey {
                what,
                reason: "expected one line `ed25519:<base64 of 32 bytes>`".to_owned(),
            });
        };
        let bytes = decode_exact::<32>(encoded, &what)?;
        let verifying = VerifyingKey::from_bytes(&bytes)
            .map_err(|_| KeyError::InvalidPublicKey { what: what.clone() })?;
        if verifying.is_weak() {
            return Err(KeyError::InvalidPublicKey { what });
        }
        Ok(PublicKey { verifying })
    }

    /// Reads a public key file (`PATH.pub`).
    pub fn read(path: &Path) -> Result<PublicKey, KeyError> {
        let bytes = read_file(path)?;
        let what = path.display().to_string();
        let text =
            std::str::from_utf8(&bytes).map_err(|_| KeyError::NotText { what: what.clone() })?;
        PublicKey::parse_from(text, &what)
    }
}

impl std::str::FromStr for PublicKey {
    type Err = KeyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PublicKey::parse(s)
    }
}

/// Signs `payload`; returns `ed25519:<base64 of the 64-byte signature>`.
pub fn sign(secret: &SecretKey, payload: &[u8]) -> String {
    let signature: Signature = secret.signing.sign(payload);
    format!("{ED25519_PREFIX}{}", STANDARD.encode(signature.to_bytes()))
}

/// Whether `signature` (as [`sign`] writes it) is `key`'s signature over `payload`. Malformed
/// signatures are simply `false`. Uses strict verification (no malleable or small-order forms).
pub fn verify(key: &PublicKey, payload: &[u8], signature: &str) -> bool {
    let Some(encoded) = signature.strip_prefix(ED25519_PREFIX) else {
        return false;
    };
    let Ok(bytes) = decode_exact::<64>(encoded, "") else {
        return false;
    };
    key.verifying
        .verify_strict(payload, &Signature::from_bytes(&bytes))
        .is_ok()
}

/// 16 random bytes from the operating system, as 32 lowercase hex digits: the `nonce` a signer
/// puts into an event body so that no two events share a signature (see `OverrideBody::nonce`).
pub fn nonce() -> Result<String, KeyError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| KeyError::Random {
        reason: e.to_string(),
    })?;
    Ok(bytes
        .iter()
        .flat_map(|b| {
            [
                char::from(b"0123456789abcdef"[usize::from(b >> 4)]),
                char::from(b"0123456789abcdef"[usize::from(b & 0xf)]),
            ]
        })
        .collect())
}

fn read_file(path: &Path) -> Result<Vec<u8>, KeyError> {
    std::fs::read(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            KeyError::Missing {
                path: path.to_path_buf(),
            }
        } else {
            KeyError::Io {
                path: path.to_path_buf(),
                source,
            }
        }
    })
}

fn is_openssh_public(text: &str) -> bool {
    [
        "ssh-ed25519 ",
        "ssh-rsa ",
        "ecdsa-sha2-",
        "sk-ssh-ed25519@",
        "sk-ecdsa-sha2-",
    ]
    .iter()
    .any(|p| text.starts_with(p))
}

fn pem_label(line: &str) -> Option<String> {
    line.strip_prefix("-----BEGIN ")
        .and_then(|rest| rest.strip_suffix("-----"))
        .map(str::to_owned)
}

/// Decodes standard padded base64 into exactly `N` bytes. Error texts never quote the input.
fn decode_exact<const N: usize>(encoded: &str, what: &str) -> Result<Zeroizing<[u8; N]>, KeyError> {
    let decoded = Zeroizing::new(STANDARD.decode(encoded).map_err(|e| KeyError::BadBase64 {
        what: what.to_owned(),
        reason: match e {
            base64::DecodeError::InvalidByte(offset, _) => {
                format!("invalid character at position {}", offset + 1)
            }
            base64::DecodeError::InvalidLength(len) => {
                format!("{len} base64 characters cannot encode whole bytes")
            }
            base64::DecodeError::InvalidLastSymbol(offset, _) => {
                format!("non-canonical last character at position {}", offset + 1)
            }
            base64::DecodeError::InvalidPadding => "wrong `=` padding".to_owned(),
        },
    })?);
    let mut out = Zeroizing::new([0u8; N]);
    if decoded.len() != N {
        return Err(KeyError::WrongLength {
            what: what.to_owned(),
            found: decoded.len(),
            expected: N,
        });
    }
    out.copy_from_slice(&decoded);
    Ok(out)
}
