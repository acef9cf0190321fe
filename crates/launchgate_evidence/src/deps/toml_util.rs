//! Small helpers over `toml`'s spanned document tree (`DeTable`), shared by the Cargo.toml,
//! pyproject.toml and Pipfile parsers.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::{Loc, Source};

pub(super) type Table<'i> = DeTable<'i>;
pub(super) type Item<'i> = Spanned<DeValue<'i>>;

/// Parses a TOML document; a syntax error becomes a located error message.
pub(super) fn parse<'i>(
    src: &'i Source,
    err: &mut dyn FnMut(Loc, String),
) -> Option<Spanned<Table<'i>>> {
    match DeTable::parse(&src.text) {
        Ok(t) => Some(t),
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().trim_end().to_string();
            err(
                src.loc(span.start, span.end),
                format!("invalid TOML: {msg}"),
            );
            None
        }
    }
}

/// The value of `key` in `table`.
pub(super) fn get<'a, 'i>(table: &'a Table<'i>, key: &str) -> Option<&'a Item<'i>> {
    table.get(key)
}

/// The table under `key`, if `key` holds a table.
pub(super) fn table<'a, 'i>(table: &'a Table<'i>, key: &str) -> Option<&'a Table<'i>> {
    table.get(key).and_then(|v| v.get_ref().as_table())
}

/// Follows a path of keys through nested tables.
pub(super) fn table_at<'a, 'i>(root: &'a Table<'i>, path: &[&str]) -> Option<&'a Table<'i>> {
    path.iter().try_fold(root, |t, k| table(t, k))
}

/// A string value.
pub(super) fn str_of<'a>(item: &'a Item<'_>) -> Option<&'a str> {
    item.get_ref().as_str()
}

/// The string under `key`.
pub(super) fn str_at<'a>(table: &'a Table<'_>, key: &str) -> Option<&'a str> {
    table.get(key).and_then(str_of)
}

/// The strings of an array under `key` (non-strings skipped).
pub(super) fn strings_at(table: &Table<'_>, key: &str) -> Vec<String> {
    table
        .get(key)
        .and_then(|v| v.get_ref().as_array())
        .map(|a| {
            a.iter()
                .filter_map(|i| str_of(i).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The location of a spanned key or value.
pub(super) fn loc_of<T>(src: &Source, s: &Spanned<T>) -> Loc {
    let span = s.span();
    src.loc(span.start, span.end)
}

/// The TOML type name of a value, for messages.
pub(super) fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}
