//! Key pairs: files, formats, signatures, and every way a key file can be wrong.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use base64::Engine as _;

use common::TempDir;
use launchgate_store::keys::{self, SECRET_KEY_BEGIN, SECRET_KEY_END, public_key_path};
use launchgate_store::{KeyError, KeyPair, PublicKey, SecretKey};

fn write(dir: &TempDir, name: &str, contents: &[u8]) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// The base64 seed line of a secret key file.
fn seed_line(path: &std::path::Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_owned()
}

#[test]
fn a_written_key_pair_reads_back_and_signs() {
    let dir = TempDir::new("keys-roundtrip");
    let pair = KeyPair::generate().unwrap();
    let path = dir.path().join("keys/alice");
    let files = pair.write_key_pair(&path).unwrap();
    assert_eq!(files.secret, path);
    assert_eq!(files.public, dir.path().join("keys/alice.pub"));
    assert_eq!(public_key_path(&path), files.public);

    let text = std::fs::read_to_string(&files.secret).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    assert_eq!((lines[0], lines[2]), (SECRET_KEY_BEGIN, SECRET_KEY_END));
    assert_eq!(lines[1].len(), 44, "base64 of 32 bytes");
    assert!(text.ends_with("-----\n"));
    let public_text = std::fs::read_to_string(&files.public).unwrap();
    assert_eq!(public_text, format!("{}\n", pair.public_key()));
    assert!(public_text.starts_with("ed25519:"));
    assert_eq!(public_text.trim().len(), "ed25519:".len() + 44);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&files.secret)
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
    }

    let secret = SecretKey::read(&files.secret).unwrap();
    let public = PublicKey::read(&files.public).unwrap();
    assert_eq!(secret.public_key(), pair.public_key());
    assert_eq!(public, pair.public_key());
    assert_eq!(PublicKey::parse(public_text.trim()).unwrap(), public);
    assert_eq!(public_text.trim().parse::<PublicKey>().unwrap(), public);

    let signature = keys::sign(&secret, b"sign-off payload");
    assert!(signature.starts_with("ed25519:"));
    assert_eq!(signature.len(), "ed25519:".len() + 88);
    assert_eq!(
        signature,
        keys::sign(pair.secret_key(), b"sign-off payload"),
        "ed25519 is deterministic"
    );
    assert!(keys::verify(&public, b"sign-off payload", &signature));
    assert!(!keys::verify(&public, b"sign-off payloaD", &signature));
    assert!(!keys::verify(
        &public,
        b"sign-off payload",
        &signature.replacen("ed25519:", "", 1)
    ));
    assert!(!keys::verify(&public, b"sign-off payload", "ed25519:AAAA"));
    assert!(!keys::verify(
        &public,
        b"sign-off payload",
        "ed25519:not base64!"
    ));
}

#[test]
fn a_signature_by_one_key_does_not_verify_with_another() {
    let (a, b) = (KeyPair::generate().unwrap(), KeyPair::generate().unwrap());
    assert_ne!(a.public_key(), b.public_key());
    let signature = keys::sign(a.secret_key(), b"payload");
    assert!(keys::verify(&a.public_key(), b"payload", &signature));
    assert!(!keys::verify(&b.public_key(), b"payload", &signature));
}

#[test]
fn writing_refuses_to_overwrite_either_file() {
    let dir = TempDir::new("keys-overwrite");
    let path = dir.path().join("bob");
    KeyPair::generate().unwrap().write_key_pair(&path).unwrap();
    let before = std::fs::read(&path).unwrap();
    let error = KeyPair::generate()
        .unwrap()
        .write_key_pair(&path)
        .unwrap_err();
    assert!(
        matches!(&error, KeyError::Exists { path: p } if *p == path),
        "{error}"
    );
    assert_eq!(
        error.to_string(),
        format!(
            "{}: already exists; refusing to overwrite a key file (move it away or choose another path)",
            path.display()
        )
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);

    // Only the .pub exists: still refused, and no secret file is left behind.
    let lonely = dir.path().join("carol");
    std::fs::write(public_key_path(&lonely), "ed25519:x\n").unwrap();
    let error = KeyPair::generate()
        .unwrap()
        .write_key_pair(&lonely)
        .unwrap_err();
    assert!(
        matches!(&error, KeyError::Exists { path: p } if *p == public_key_path(&lonely)),
        "{error}"
    );
    assert!(!lonely.exists());
}

#[test]
fn secret_keys_never_show_in_debug_output_or_errors() {
    let dir = TempDir::new("keys-secret");
    let pair = KeyPair::generate().unwrap();
    let path = dir.path().join("dave");
    pair.write_key_pair(&path).unwrap();
    let seed = seed_line(&path);
    let secret = SecretKey::read(&path).unwrap();
    for debug in [
        format!("{secret:?}"),
        format!("{pair:?}"),
        format!("{:?}", pair.secret_key()),
    ] {
        assert!(!debug.contains(&seed), "{debug}");
        assert!(debug.contains(&pair.public_key().to_string()), "{debug}");
    }
    // A damaged secret key file: the error names the position, never the characters.
    let damaged = write(
        &dir,
        "damaged",
        format!("{SECRET_KEY_BEGIN}\n{}!\n{SECRET_KEY_END}\n", &seed[..43]).as_bytes(),
    );
    let error = SecretKey::read(&damaged).unwrap_err().to_string();
    assert!(!error.contains(&seed[..43]), "{error}");
    assert!(!error.contains('!'), "{error}");
    // A secret key pasted where a public key belongs is refused without echoing it.
    let pasted = std::fs::read_to_string(&path).unwrap();
    let error = PublicKey::parse_from(&pasted, "policy.yaml: approvers[0].public_key")
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "policy.yaml: approvers[0].public_key: this is a launchgate SECRET key; give the public key instead (the one line `ed25519:…` in the `.pub` file) and keep the secret key private"
    );
}

#[test]
fn each_bad_secret_key_file_is_named_with_its_cause() {
    let dir = TempDir::new("keys-errors");
    let pair = KeyPair::generate().unwrap();
    let good = dir.path().join("good");
    pair.write_key_pair(&good).unwrap();
    let d = |p: &std::path::Path| p.display().to_string();

    let missing = dir.path().join("nope");
    assert_eq!(
        SecretKey::read(&missing).unwrap_err().to_string(),
        format!("{}: no such key file", d(&missing))
    );

    let openssh = write(
        &dir,
        "id_ed25519",
        b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ==\n-----END OPENSSH PRIVATE KEY-----\n",
    );
    let error = SecretKey::read(&openssh).unwrap_err();
    assert!(matches!(error, KeyError::OpenSshPrivate { .. }));
    assert!(
        error.to_string().starts_with(&format!(
            "{}: this is an OpenSSH private key, not a launchgate key",
            d(&openssh)
        )),
        "{error}"
    );

    let public = public_key_path(&good);
    let error = SecretKey::read(&public).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{}: this is a public key (`ed25519:…`), but signing needs the secret key: give the key file without `.pub`",
            d(&public)
        )
    );

    let ssh_pub = write(
        &dir,
        "id_ed25519.pub",
        b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB me@host\n",
    );
    assert!(matches!(
        SecretKey::read(&ssh_pub).unwrap_err(),
        KeyError::OpenSshPublic { .. }
    ));

    let pkcs8 = write(
        &dir,
        "key.pem",
        b"-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n",
    );
    assert_eq!(
        SecretKey::read(&pkcs8).unwrap_err().to_string(),
        format!(
            "{}: this is a PEM file (`-----BEGIN PRIVATE KEY-----`), not a launchgate key; expected the first line `{SECRET_KEY_BEGIN}`",
            d(&pkcs8)
        )
    );

    let notes = write(&dir, "notes.txt", b"remember to rotate keys\n");
    assert_eq!(
        SecretKey::read(&notes).unwrap_err().to_string(),
        format!(
            "{}: not a launchgate key: expected the first line `{SECRET_KEY_BEGIN}`",
            d(&notes)
        )
    );

    let truncated = write(
        &dir,
        "truncated",
        format!("{SECRET_KEY_BEGIN}\n{}\n", seed_line(&good)).as_bytes(),
    );
    assert_eq!(
        SecretKey::read(&truncated).unwrap_err().to_string(),
        format!(
            "{}: not a launchgate key: the file does not end with the line `{SECRET_KEY_END}` (truncated?)",
            d(&truncated)
        )
    );

    let bad_base64 = write(
        &dir,
        "bad64",
        format!("{SECRET_KEY_BEGIN}\nAAAA*AAA\n{SECRET_KEY_END}\n").as_bytes(),
    );
    assert_eq!(
        SecretKey::read(&bad_base64).unwrap_err().to_string(),
        format!(
            "{}: the key is not valid base64: invalid character at position 5",
            d(&bad_base64)
        )
    );

    let short = write(
        &dir,
        "short",
        format!("{SECRET_KEY_BEGIN}\nAAAAAAAAAAAAAAAAAAAAAA==\n{SECRET_KEY_END}\n").as_bytes(),
    );
    let error = SecretKey::read(&short).unwrap_err();
    assert!(matches!(
        error,
        KeyError::WrongLength {
            found: 16,
            expected: 32,
            ..
        }
    ));
    assert_eq!(
        error.to_string(),
        format!(
            "{}: the key is 16 bytes long, an ed25519 key is 32 bytes",
            d(&short)
        )
    );

    let binary = write(&dir, "binary", &[0xff, 0xfe, 0x00, 0x80]);
    assert_eq!(
        SecretKey::read(&binary).unwrap_err().to_string(),
        format!(
            "{}: not a launchgate key file (it is not UTF-8 text)",
            d(&binary)
        )
    );

    // CRLF line endings and surrounding blank lines are fine.
    let crlf = write(
        &dir,
        "crlf",
        std::fs::read_to_string(&good)
            .unwrap()
            .replace('\n', "\r\n")
            .as_bytes(),
    );
    assert_eq!(
        SecretKey::read(&crlf).unwrap().public_key(),
        pair.public_key()
    );
}

#[test]
fn each_bad_public_key_is_named_with_its_cause() {
    let what = "policy.yaml: approvers[1].public_key";
    let error = |text: &str| PublicKey::parse_from(text, what).unwrap_err();
    assert_eq!(
        error("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB me@host").to_string(),
        format!(
            "{what}: this is an OpenSSH public key (`ssh-ed25519 …`), not a launchgate key; a launchgate public key is one line `ed25519:<base64 of 32 bytes>`, as written to the `.pub` file by launchgate's key generation"
        )
    );
    assert_eq!(
        error("AAAAC3NzaC1lZDI1NTE5AAAAIB").to_string(),
        format!("{what}: not a launchgate key: expected one line `ed25519:<base64 of 32 bytes>`")
    );
    assert_eq!(
        error("ed25519:AAAA").to_string(),
        format!("{what}: the key is 3 bytes long, an ed25519 key is 32 bytes")
    );
    assert_eq!(
        error("ed25519:AA AA").to_string(),
        format!("{what}: the key is not valid base64: invalid character at position 3")
    );
    // The identity point is a small-order ("weak") key that would accept forged signatures.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let weak = format!(
        "ed25519:{}",
        base64::engine::general_purpose::STANDARD.encode(identity)
    );
    assert!(matches!(error(&weak), KeyError::InvalidPublicKey { .. }));
    assert_eq!(
        PublicKey::parse("").unwrap_err().to_string(),
        "the public key: not a launchgate key: expected one line `ed25519:<base64 of 32 bytes>`"
    );
    // Surrounding whitespace (a .pub file's newline) is fine.
    let pair = KeyPair::generate().unwrap();
    assert_eq!(
        PublicKey::parse(&format!("  {}\n", pair.public_key())).unwrap(),
        pair.public_key()
    );
}
