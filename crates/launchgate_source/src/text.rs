//! Walks over source text as bytes, shared by the prefilter, the cut and the readers.

/// The bytes of `bytes` from `from` on that stand outside string literals (`"..."`, `'...'`,
/// `` `...` ``; inside one, a backslash escapes the byte after it), with their offsets. The
/// quotes themselves are not given. As far as the bytes tell: an apostrophe in a comment opens
/// a string.
pub(crate) fn code_bytes(bytes: &[u8], from: usize) -> impl Iterator<Item = (usize, u8)> + '_ {
    let mut i = from;
    let mut quote: Option<u8> = None;
    std::iter::from_fn(move || {
        while let Some(&b) = bytes.get(i) {
            let at = i;
            i += 1;
            match quote {
                Some(_) if b == b'\\' => i += 1,
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if matches!(b, b'"' | b'\'' | b'`') => quote = Some(b),
                None => return Some((at, b)),
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bytes_outside_strings_are_given() {
        let text = br#"f("a(b", 'c\'d)', `e`)x"#;
        let code: String = code_bytes(text, 0).map(|(_, b)| char::from(b)).collect();
        assert_eq!(code, "f(, , )x");
        let at: Vec<usize> = code_bytes(text, 0).map(|(i, _)| i).collect();
        assert_eq!(at.first(), Some(&0));
        assert_eq!(at.last(), Some(&(text.len() - 1)));
        // From an offset; a string never closed runs to the end.
        assert_eq!(code_bytes(b"ab(\"cd", 2).count(), 1);
    }
}
