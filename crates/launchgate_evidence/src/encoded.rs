//! Encoded values in scanned files. The one base64 decoder of the evidence readers (Kubernetes Secret `data`, Alertmanager
//! configs kept in Secrets, encoded secret values): the `base64` crate, made as lenient as what
//! people write by hand.

use base64::Engine as _;
use base64::alphabet::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// Standard base64 that takes any trailing bits and no padding (the decoder strips it first).
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone),
);

/// Decodes base64 in the standard or URL-safe alphabet (or a mix), with or without `=`
/// padding, ignoring ASCII whitespace anywhere; `None` when it is not base64 (a character
/// outside both alphabets, `=` before the end, or a length no encoding produces).
pub fn base64(text: &str) -> Option<Vec<u8>> {
    let mut clean = String::with_capacity(text.len());
    for c in text.chars().filter(|c| !c.is_ascii_whitespace()) {
        match c {
            '-' => clean.push('+'),
            '_' => clean.push('/'),
            c => clean.push(c),
        }
    }
    let body = clean.trim_end_matches('=');
    if body.contains('=') {
        return None;
    }
    LENIENT.decode(body).ok()
}

#[cfg(test)]
mod tests {
    use super::base64 as decode;

    #[test]
    fn decodes_both_alphabets_with_or_without_padding_and_whitespace() {
        assert_eq!(decode("aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(decode("aGVsbG8").as_deref(), Some(&b"hello"[..]));
        assert_eq!(decode("aGVs\n bG8=\n").as_deref(), Some(&b"hello"[..]));
        assert_eq!(decode("-_-_").as_deref(), decode("+/+/").as_deref());
        assert_eq!(decode("").as_deref(), Some(&b""[..]));
        assert_eq!(decode("QQ===").as_deref(), Some(&b"A"[..]));
        assert_eq!(decode("QR==").as_deref(), Some(&b"A"[..]));
        assert_eq!(decode("Q"), None);
        assert_eq!(decode("QQ=Q"), None);
        assert_eq!(decode("a*b="), None);
    }
}
