//! Small quick-xml helpers shared by the XML report readers: element locations, attributes.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::{Loc, Source};

/// An element start read from the stream.
pub(super) struct Element {
    /// Local name (namespace prefix dropped).
    pub name: String,
    /// Attributes by local name, in document order.
    pub attrs: Vec<(String, String)>,
    /// `<x/>`.
    pub empty: bool,
    pub loc: Loc,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the reader gives the report parsers: element starts, element ends, text.
pub(super) enum Item {
    Start(Element),
    End(String),
    Text(String),
}

/// Reads `src` as a list of [`Item`]s; an XML syntax error is returned at its byte position.
pub(super) fn items(src: &Source) -> Result<Vec<Item>, (Loc, String)> {
    let mut out = Vec::new();
    let mut each = |i: Item| out.push(i);
    let mut reader = Reader::from_str(&src.text);
    reader.config_mut().trim_text(true);
    loop {
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
                return Err((src.loc(at, at), format!("invalid XML: {e}")));
            }
        };
        let end = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        match event {
            Event::Start(e) => each(Item::Start(element(src, &e, end, false))),
            Event::Empty(e) => {
                let el = element(src, &e, end, true);
                let name = el.name.clone();
                each(Item::Start(el));
                each(Item::End(name));
            }
            Event::End(e) => each(Item::End(
                String::from_utf8_lossy(e.local_name().as_ref()).into_owned(),
            )),
            Event::Text(t) => {
                if let Ok(t) = t.decode() {
                    each(Item::Text(t.into_owned()));
                }
            }
            Event::CData(t) => {
                if let Ok(t) = t.decode() {
                    each(Item::Text(t.into_owned()));
                }
            }
            Event::GeneralRef(r) => {
                let text = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => match r.decode().as_deref() {
                        Ok("amp") => "&".into(),
                        Ok("lt") => "<".into(),
                        Ok("gt") => ">".into(),
                        Ok("quot") => "\"".into(),
                        Ok("apos") => "'".into(),
                        _ => String::new(),
                    },
                };
                each(Item::Text(text));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

fn element(src: &Source, e: &BytesStart<'_>, end: usize, empty: bool) -> Element {
    // `<` + content + `>` (or `/>`).
    let start = end.saturating_sub(e.len() + if empty { 3 } else { 2 });
    let attrs = e
        .attributes()
        .with_checks(false)
        .flatten()
        .map(|a| {
            let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_or_else(
                    |_| String::from_utf8_lossy(&a.value).into_owned(),
                    std::borrow::Cow::into_owned,
                );
            (key, value)
        })
        .collect();
    Element {
        name: String::from_utf8_lossy(e.local_name().as_ref()).into_owned(),
        attrs,
        empty,
        loc: src.loc(start, end),
    }
}
