//! Where JSON object keys are: serde_json gives values but no positions, so one linear pass
//! over the text finds the keys of the top-level object and of the objects directly under it
//! (package.json `dependencies` entries), tolerating anything it does not understand.

use super::string_end;

/// A key found in the text: its path (`top` key, and `key` under it for second-level keys),
/// and the byte span of the key's string token (quotes included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeyPos {
    pub top: String,
    /// `None` for a top-level key.
    pub key: Option<String>,
    pub start: usize,
    pub end: usize,
}

/// The keys of the top-level object, and the keys of the objects under the top-level keys
/// named in `sections`.
pub(crate) fn locate(text: &str, sections: &[&str]) -> Vec<KeyPos> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    // Container stack: `true` for an object. `expect_key` tracks, for the innermost object,
    // whether the next string is a key.
    let mut stack: Vec<bool> = Vec::new();
    let mut expect_key = false;
    let mut top: Option<String> = None;
    let mut wanted = false;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'"' => {
                let end = string_end(b, i);
                if expect_key && stack.last() == Some(&true) {
                    let key = decode(text.get(i..end).unwrap_or(""));
                    match stack.len() {
                        1 => {
                            wanted = sections.contains(&key.as_str());
                            out.push(KeyPos {
                                top: key.clone(),
                                key: None,
                                start: i,
                                end,
                            });
                            top = Some(key);
                        }
                        2 if wanted => {
                            if let Some(t) = &top {
                                out.push(KeyPos {
                                    top: t.clone(),
                                    key: Some(key),
                                    start: i,
                                    end,
                                });
                            }
                        }
                        _ => {}
                    }
                    expect_key = false;
                }
                i = end;
                continue;
            }
            b'{' => {
                stack.push(true);
                expect_key = true;
            }
            b'[' => {
                stack.push(false);
                expect_key = false;
            }
            b'}' | b']' => {
                stack.pop();
                expect_key = false;
                if stack.len() == 1 {
                    wanted = false;
                }
            }
            b',' => expect_key = stack.last() == Some(&true),
            b':' => expect_key = false,
            _ => {}
        }
        i += 1;
    }
    out
}

/// The text of a JSON string token (with its quotes).
fn decode(token: &str) -> String {
    if token.contains('\\') {
        serde_json::from_str(token).unwrap_or_else(|_| token.trim_matches('"').to_string())
    } else {
        token.trim_matches('"').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_top_and_section_keys_only() {
        let text = r#"{
  "name": "a",
  "scripts": {"x": "{\"y\": 1}"},
  "dependencies": {
    "pino": "^9",
    "@scope/x\u0041": {"nested": "no"}
  },
  "list": [{"dependencies": 1}]
}"#;
        let keys = locate(text, &["dependencies"]);
        let names: Vec<(String, Option<String>)> = keys
            .iter()
            .map(|k| (k.top.clone(), k.key.clone()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("name".into(), None),
                ("scripts".into(), None),
                ("dependencies".into(), None),
                ("dependencies".into(), Some("pino".into())),
                ("dependencies".into(), Some("@scope/xA".into())),
                ("list".into(), None),
            ]
        );
        let pino = &keys[3];
        assert_eq!(&text[pino.start..pino.end], "\"pino\"");
    }
}
