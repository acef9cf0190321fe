//! Reading one repository file without trusting it: opened only as a regular file (without
//! following a final symbolic link and without blocking, so a FIFO or device swapped in after
//! the walk looked cannot hang the scan), decoded by its content (UTF-8 with or without a BOM,
//! UTF-16 with a BOM or with the NUL pattern of ASCII text, anything else binary and shown as
//! its printable bytes, as `strings` does), and, when too large to read whole, streamed through
//! the secret scanner in overlapping windows.
//!
//! Decoding uses `encoding_rs` (already in the tree through the YAML parser): its streaming
//! decoders carry a character split across two reads, which the windowed pass needs.

use std::fs;
use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;

use encoding_rs::{CoderResult, Decoder, Encoding, UTF_8, UTF_16BE, UTF_16LE};

use crate::Source;
use crate::secrets::{self, SecretFinding};

/// Bytes looked at to decide how a file is encoded, and whether it is binary.
pub(crate) const SNIFF: usize = 8192;

/// A file opened for reading, or what stands there instead.
pub(crate) enum Opened {
    /// A regular file and its length.
    File(fs::File, u64),
    /// A FIFO, socket, device or folder: its kind, in words. It was opened without blocking and
    /// nothing was read.
    Special(&'static str),
}

/// Opens `path` for reading when it is a regular file. A final symbolic link is not followed
/// (the walk resolves links itself and hands over their canonical targets), and the open does
/// not block or make a terminal the controlling one; the type is checked on the handle.
pub(crate) fn open(path: &Path) -> io::Result<Opened> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt as _;
        let flags = OFlags::NONBLOCK | OFlags::NOFOLLOW | OFlags::NOCTTY;
        options.custom_flags(i32::try_from(flags.bits()).unwrap_or(0));
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if meta.is_file() {
        Ok(Opened::File(file, meta.len()))
    } else {
        Ok(Opened::Special(special_kind(meta.file_type())))
    }
}

/// A special file's kind, in words.
pub(crate) fn special_kind(t: fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if t.is_fifo() {
            return "FIFO";
        }
        if t.is_socket() {
            return "socket";
        }
        if t.is_char_device() {
            return "character device";
        }
        if t.is_block_device() {
            return "block device";
        }
    }
    if t.is_dir() { "folder" } else { "special file" }
}

/// How a file's bytes become text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoded {
    /// UTF-8, with or without a BOM (invalid sequences become U+FFFD).
    Utf8,
    /// UTF-16 of the given byte order, with or without a BOM.
    Utf16(&'static Encoding),
    /// Not text: only its printable ASCII bytes are kept.
    Binary,
}

/// Decides the encoding from the head of a file: a BOM first, then the NUL pattern of UTF-16
/// text, then the share of control bytes. A NUL or two in text (a secret followed by one NUL
/// byte) does not make a file binary; and a binary file is still scanned for secrets.
fn detect(head: &[u8]) -> Encoded {
    if let Some((encoding, _)) = Encoding::for_bom(head) {
        return if encoding == UTF_8 {
            Encoded::Utf8
        } else {
            Encoded::Utf16(encoding)
        };
    }
    let nuls = memchr::memchr_iter(0, head).count();
    if nuls == 0 {
        return Encoded::Utf8;
    }
    if let Some(e) = utf16_without_bom(head) {
        return Encoded::Utf16(e);
    }
    let control = head
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)) || b == 0x7f)
        .count();
    // More than one byte in 32 that no text holds: binary.
    if control * 32 > head.len() {
        Encoded::Binary
    } else {
        Encoded::Utf8
    }
}

/// UTF-16 without a BOM, as ASCII-heavy text writes it: nearly every other byte NUL, on one side.
fn utf16_without_bom(head: &[u8]) -> Option<&'static Encoding> {
    let pairs = head.len() / 2;
    if pairs < 8 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for p in head.chunks_exact(2) {
        even += usize::from(p[0] == 0);
        odd += usize::from(p[1] == 0);
    }
    let most = |n: usize| n * 10 >= pairs * 9;
    let few = |n: usize| n * 10 <= pairs;
    if most(odd) && few(even) {
        Some(UTF_16LE)
    } else if most(even) && few(odd) {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// A binary byte as the secret scanner sees it: printable ASCII, tab and newline stay, anything
/// else becomes a space, so offsets and line numbers are the file's own.
fn printable(b: u8) -> char {
    if matches!(b, b'\t' | b'\n' | 0x20..=0x7e) {
        char::from(b)
    } else {
        ' '
    }
}

/// A whole file's content.
pub(crate) enum Decoded {
    /// Text (UTF-8 or UTF-16), BOM removed.
    Text(String),
    /// A binary file's printable bytes, for the secret scanner only.
    Binary(String),
}

/// Decodes a whole file.
pub(crate) fn decode(mut bytes: Vec<u8>) -> Decoded {
    match detect(&bytes[..bytes.len().min(SNIFF)]) {
        Encoded::Utf8 => {
            if bytes.starts_with(b"\xEF\xBB\xBF") {
                bytes.drain(..3);
            }
            Decoded::Text(match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
            })
        }
        Encoded::Utf16(encoding) => {
            Decoded::Text(encoding.decode_with_bom_removal(&bytes).0.into_owned())
        }
        Encoded::Binary => Decoded::Binary(bytes.iter().copied().map(printable).collect()),
    }
}

/// Bytes read from the file at a time in the streaming pass.
const BLOCK: usize = 1 << 20;
/// Text scanned at a time in the streaming pass.
const WINDOW: usize = 4 << 20;
/// How far a window reaches past the part it answers for: longer than any secret the rules
/// find (PEM blocks are looked for up to 64 KiB), so one across a window edge is seen whole.
const OVERLAP: usize = 128 << 10;
/// How far back a window reaches for the line above its first one (allow markers there).
const CONTEXT: usize = 4 << 10;

/// Streams a file too large to read whole through the secret scanner: decoded as [`decode`]
/// would, in windows of [`WINDOW`] bytes that overlap by [`OVERLAP`]. Each window reports
/// only the findings that start in its own part, so none is reported twice. Returns the
/// findings, with the file's own lines and byte offsets, and the number of bytes read.
pub(crate) fn stream_secrets(
    path: &Arc<str>,
    mut reader: impl Read,
) -> io::Result<(Vec<SecretFinding>, u64, bool)> {
    let mut raw = vec![0u8; BLOCK];
    let n = read_full(&mut reader, &mut raw)?;
    let mut total = n as u64;
    let encoded = detect(&raw[..n.min(SNIFF)]);
    let mut decoder = match encoded {
        Encoded::Utf8 => Some(UTF_8.new_decoder_with_bom_removal()),
        Encoded::Utf16(e) => Some(e.new_decoder_with_bom_removal()),
        Encoded::Binary => None,
    };
    let mut windows = Windows {
        path: path.clone(),
        base: 0,
        base_line: 0,
        owned_from: 0,
        found: Vec::new(),
    };
    let mut text = String::new();
    push(decoder.as_mut(), &raw[..n], false, &mut text);
    loop {
        if text.len() >= WINDOW {
            text = windows.scan(text, false);
        }
        let n = read_full(&mut reader, &mut raw)?;
        if n == 0 {
            break;
        }
        total += n as u64;
        push(decoder.as_mut(), &raw[..n], false, &mut text);
    }
    push(decoder.as_mut(), &[], true, &mut text);
    windows.scan(text, true);
    Ok((windows.found, total, encoded == Encoded::Binary))
}

/// Appends decoded bytes (or, without a decoder, printable bytes) to `out`.
fn push(decoder: Option<&mut Decoder>, mut bytes: &[u8], last: bool, out: &mut String) {
    let Some(d) = decoder else {
        out.extend(bytes.iter().copied().map(printable));
        return;
    };
    loop {
        let need = d
            .max_utf8_buffer_length(bytes.len())
            .unwrap_or(bytes.len().saturating_mul(3).saturating_add(16));
        out.reserve(need);
        let (result, read, _) = d.decode_to_string(bytes, out, last);
        bytes = bytes.get(read..).unwrap_or_default();
        if result == CoderResult::InputEmpty {
            break;
        }
    }
}

/// Reads until `buf` is full or the file ends.
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// The state of the windowed pass.
struct Windows {
    path: Arc<str>,
    /// The file offset (in decoded text) of the current window's first byte.
    base: usize,
    /// Lines before the current window.
    base_line: u32,
    /// Where, in the current window, its own part starts (before it: the line above, for
    /// context).
    owned_from: usize,
    found: Vec<SecretFinding>,
}

impl Windows {
    /// Scans one window and returns the text the next window starts with.
    fn scan(&mut self, text: String, last: bool) -> String {
        let len = text.len();
        // The window answers for findings starting before `cut`: a line start at least
        // OVERLAP before its end, so a secret starting before the cut ends inside the window.
        let cut = if last {
            len
        } else {
            let limit = floor_char(&text, len.saturating_sub(OVERLAP));
            let floor = floor_char(&text, limit.saturating_sub(OVERLAP));
            text[floor..limit]
                .rfind('\n')
                .map_or(limit, |i| floor + i + 1)
        };
        let src = Source::new(self.path.clone(), text);
        for mut f in secrets::scan(&src, None) {
            if f.loc.start < self.owned_from || f.loc.start >= cut {
                continue;
            }
            f.loc.line = f.loc.line.saturating_add(self.base_line);
            f.loc.start += self.base;
            f.loc.end += self.base;
            self.found.push(f);
        }
        if last {
            return String::new();
        }
        let text = src.text;
        // The next window starts with the line above the cut, so a marker there still counts.
        let before = floor_char(&text, cut.saturating_sub(1).saturating_sub(CONTEXT));
        let from = text[before..cut.saturating_sub(1).max(before)]
            .rfind('\n')
            .map_or(cut, |i| before + i + 1);
        let lines = memchr::memchr_iter(b'\n', &text.as_bytes()[..from]).count();
        self.base_line = self
            .base_line
            .saturating_add(u32::try_from(lines).unwrap_or(u32::MAX));
        self.base += from;
        self.owned_from = cut - from;
        text[from..].to_string()
    }
}

/// The largest char boundary of `text` at or before `i`.
fn floor_char(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn key() -> String {
        format!("{}{}", "AKIA", "Q7ZXWVUTSRPONMLK")
    }

    #[test]
    fn one_nul_does_not_make_text_binary_and_binary_keeps_its_printable_text() {
        let text = format!("aws_access_key_id = {}\n\0", key());
        assert!(matches!(decode(text.into_bytes()), Decoded::Text(_)));
        let mut blob = vec![0u8, 1, 2, 3, 0, 0, 0x89, 0xff];
        blob.extend(key().as_bytes());
        blob.extend([0u8; 64]);
        let Decoded::Binary(shown) = decode(blob) else {
            panic!("not binary")
        };
        assert_eq!(shown.trim(), key());
    }

    #[test]
    fn utf16_and_boms_decode() {
        let s = "kind: Service\nname: x\n";
        for (enc, bom) in [(UTF_16LE, &b"\xFF\xFE"[..]), (UTF_16BE, &b"\xFE\xFF"[..])] {
            let body: Vec<u8> = s
                .encode_utf16()
                .flat_map(|u| {
                    if enc == UTF_16LE {
                        u.to_le_bytes()
                    } else {
                        u.to_be_bytes()
                    }
                })
                .collect();
            let mut with = bom.to_vec();
            with.extend(&body);
            for bytes in [with, body] {
                let Decoded::Text(t) = decode(bytes) else {
                    panic!("not text")
                };
                assert_eq!(t, s);
            }
        }
        let Decoded::Text(t) = decode(format!("\u{feff}{s}").into_bytes()) else {
            panic!("not text")
        };
        assert_eq!(t, s);
    }

    #[test]
    fn the_windowed_pass_finds_a_secret_across_every_edge_once() {
        let path: Arc<str> = Arc::from("big.txt");
        let line = format!("aws_access_key_id = {}\n", key());
        let filler = "x".repeat(99) + "\n";
        // A secret every few lines, so some sit at or across every window edge; one at the
        // very end.
        let mut text = String::new();
        let mut expected = Vec::new();
        let mut lines = 0u32;
        while text.len() < 3 * WINDOW {
            if lines % 23 == 5 {
                expected.push(lines + 1);
                text.push_str(&line);
            } else {
                text.push_str(&filler);
            }
            lines += 1;
        }
        text.push_str(&key());
        expected.push(lines + 1);
        let (found, total, binary) = stream_secrets(&path, text.as_bytes()).unwrap();
        assert!(!binary);
        assert_eq!(total, text.len() as u64);
        let got: Vec<u32> = found.iter().map(|f| f.loc.line).collect();
        assert_eq!(got, expected);
        for f in &found {
            assert_eq!(&text[f.loc.start..f.loc.end], key());
        }
    }
}
