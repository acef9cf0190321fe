//! Where JSON values are: serde_json gives values but no positions, so one linear pass over the
//! text records the byte offset of every value down to a depth, by its path (object keys and
//! array indexes). Run only on text serde_json accepted, so the pass can be simple.

use std::collections::HashMap;

use super::string_end;

/// Separates path segments in [`Positions`] keys (keys may contain `/`, never NUL).
const SEP: char = '\0';

/// Byte offsets of values by path.
#[derive(Debug, Default)]
pub(crate) struct Positions(HashMap<String, usize>);

impl Positions {
    /// The offset of the value at `path` (`["runs", "0", "results", "3"]`).
    pub fn get(&self, path: &[&str]) -> Option<usize> {
        self.0.get(&path.join(&SEP.to_string())).copied()
    }
}

enum Frame {
    Object { key: Option<String> },
    Array { index: usize },
}

/// Offsets of every value at depth 1..=`max_depth` of `text`.
pub(crate) fn index(text: &str, max_depth: usize) -> Positions {
    let b = text.as_bytes();
    let mut out = HashMap::new();
    let mut frames: Vec<Frame> = Vec::new();
    // The path of the innermost container (one segment per frame).
    let mut path: Vec<String> = Vec::new();
    let mut i = 0;
    // Records a value starting at `at`; returns its segment for containers.
    let segment = |frames: &[Frame]| -> Option<String> {
        match frames.last()? {
            Frame::Object { key } => key.clone(),
            Frame::Array { index } => Some(index.to_string()),
        }
    };
    while let Some(&c) = b.get(i) {
        match c {
            b'"' => {
                let end = string_end(b, i);
                let is_key = matches!(frames.last(), Some(Frame::Object { key: None }));
                if is_key {
                    let raw = text.get(i..end).unwrap_or("\"\"");
                    let key = serde_json::from_str::<String>(raw).unwrap_or_default();
                    if let Some(Frame::Object { key: k }) = frames.last_mut() {
                        *k = Some(key);
                    }
                } else if let Some(seg) = segment(&frames)
                    && path.len() < max_depth
                {
                    record(&mut out, &path, &seg, i);
                }
                i = end;
                continue;
            }
            b'{' | b'[' => {
                let seg = segment(&frames);
                if let Some(seg) = &seg
                    && path.len() < max_depth
                {
                    record(&mut out, &path, seg, i);
                }
                if !frames.is_empty() {
                    path.push(seg.unwrap_or_default());
                }
                frames.push(if c == b'{' {
                    Frame::Object { key: None }
                } else {
                    Frame::Array { index: 0 }
                });
            }
            b'}' | b']' => {
                frames.pop();
                if !frames.is_empty() {
                    path.pop();
                }
            }
            b',' => match frames.last_mut() {
                Some(Frame::Object { key }) => *key = None,
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            b':' => {}
            c if c.is_ascii_whitespace() => {}
            _ => {
                // A number, `true`, `false` or `null`.
                if let Some(seg) = segment(&frames)
                    && path.len() < max_depth
                {
                    record(&mut out, &path, &seg, i);
                }
                while b
                    .get(i)
                    .is_some_and(|c| !matches!(c, b',' | b'}' | b']') && !c.is_ascii_whitespace())
                {
                    i += 1;
                }
                continue;
            }
        }
        i += 1;
    }
    Positions(out)
}

fn record(out: &mut HashMap<String, usize>, path: &[String], seg: &str, at: usize) {
    let mut key = String::new();
    for p in path {
        key.push_str(p);
        key.push(SEP);
    }
    key.push_str(seg);
    out.entry(key).or_insert(at);
}

/// Parses a JSON report: its value and the positions of values down to `max_depth`. A syntax
/// error is reported at serde_json's line and column.
pub(crate) fn load(
    src: &crate::Source,
    max_depth: usize,
    err: &mut dyn FnMut(crate::Loc, String),
) -> Option<(serde_json::Value, Positions)> {
    match serde_json::from_str::<serde_json::Value>(&src.text) {
        Ok(v) => Some((v, index(&src.text, max_depth))),
        Err(e) => {
            err(super::error_loc(src, &e), format!("invalid JSON: {e}"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_found_by_path_to_the_depth_asked() {
        let text = r#"{"runs": [ {"tool": {"driver": {"name": "x"}}, "results": [1, {"a": "b"}]} ],
 "k\"ey": true, "n": -1.5e3}"#;
        let p = index(text, 4);
        assert_eq!(p.get(&["runs"]), Some(9));
        assert_eq!(p.get(&["runs", "0"]), Some(11));
        assert_eq!(p.get(&["runs", "0", "results", "0"]), Some(59));
        assert_eq!(p.get(&["runs", "0", "results", "1"]), Some(62));
        assert_eq!(p.get(&["runs", "0", "tool", "driver"]), Some(31));
        assert_eq!(p.get(&["runs", "0", "tool", "driver", "name"]), None);
        assert_eq!(p.get(&["k\"ey"]), Some(text.find("true").unwrap_or(0)));
        assert_eq!(p.get(&["n"]), Some(text.find("-1.5").unwrap_or(0)));
    }
}
