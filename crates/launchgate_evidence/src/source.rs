//! Source text and locations: every fact in the evidence model carries a [`Loc`] that names the
//! repository-relative path, the 1-based line and column, and the byte span.

use std::fmt;
use std::sync::{Arc, OnceLock};

use launchgate_core::Location;

/// Where a fact was read: repository-relative path (with `/`), 1-based line and column (in
/// characters), and the byte span `start..end` in the file.
///
/// Why evidence has its own location type rather than [`Location`], the one findings carry:
/// readers need the byte span (to re-read a value's text, to place a nested fact inside it)
/// and keep one shared path per file (`Arc<str>`: a scan holds a location for every fact, and
/// cloning them must not copy paths). A finding needs neither: it is what reviews serialize,
/// so its [`Location`] is the owned path, line and column of the review schema. Evidence turns
/// into findings in one place, [`Loc::location`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    pub path: Arc<str>,
    pub line: u32,
    pub column: u32,
    pub start: usize,
    pub end: usize,
}

impl Loc {
    /// The location as findings carry it.
    pub fn location(&self) -> Location {
        Location::new(self.path.to_string(), self.line, self.column)
    }

    /// The start of a file: for facts about a whole file.
    pub fn file_start(path: &Arc<str>) -> Loc {
        Loc {
            path: path.clone(),
            line: 1,
            column: 1,
            start: 0,
            end: 0,
        }
    }
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path, self.line, self.column)
    }
}

/// A value with the location it was read from (shared by every evidence module).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Located<T> {
    pub value: T,
    pub loc: Loc,
}

impl<T> Located<T> {
    pub fn new(value: T, loc: Loc) -> Located<T> {
        Located { value, loc }
    }
}

impl Located<String> {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// One file's text with a line index, so that byte offsets become line and column cheaply.
/// The index is built on the first question that needs it: most files of a repository are read
/// (for secrets, for the prefilter's words) and yield no fact with a location.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: Arc<str>,
    pub text: String,
    line_starts: OnceLock<Vec<usize>>,
}

impl Source {
    pub fn new(path: impl Into<Arc<str>>, text: impl Into<String>) -> Source {
        Source {
            path: path.into(),
            text: text.into(),
            line_starts: OnceLock::new(),
        }
    }

    /// The byte offset of each line's start.
    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(memchr_newlines(&self.text));
            starts
        })
    }

    /// The location of the byte range `start..end` (clamped to the text, and to character
    /// boundaries).
    pub fn loc(&self, start: usize, end: usize) -> Loc {
        let start = floor_char_boundary(&self.text, start.min(self.text.len()));
        let end = floor_char_boundary(&self.text, end.clamp(start, self.text.len()));
        let line_starts = self.line_starts();
        let line_idx = line_starts.partition_point(|&s| s <= start) - 1;
        let line_start = line_starts[line_idx];
        // Columns count characters; the ASCII fast path keeps long single-line files (minified
        // JSON) from costing a character walk per fact.
        let seg = &self.text[line_start..start];
        let column = if seg.is_ascii() {
            seg.len()
        } else {
            seg.chars().count()
        } + 1;
        Loc {
            path: self.path.clone(),
            line: u32::try_from(line_idx + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
            start,
            end,
        }
    }

    /// The location of a 1-based line and 0-based character column.
    pub fn loc_at_char(&self, line: usize, col: usize) -> Loc {
        let b = self.byte_of(line, col);
        self.loc(b, b)
    }

    /// Byte offset of a 1-based line and 0-based character column.
    pub fn byte_of(&self, line: usize, col: usize) -> usize {
        let Some(&start) = self.line_starts().get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        self.text[start..]
            .char_indices()
            .nth(col)
            .map_or(self.text.len(), |(i, _)| start + i)
    }

    /// The start of 1-based line `line`, as a location.
    pub fn line_loc(&self, line: usize) -> Loc {
        let b = self
            .line_starts()
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len());
        let end = self.text[b..].find('\n').map_or(self.text.len(), |i| b + i);
        self.loc(b, end)
    }

    /// Iterates over lines with their 1-based number and byte offset.
    pub fn lines(&self) -> impl Iterator<Item = (usize, usize, &str)> {
        let starts = self.line_starts();
        starts.iter().enumerate().map(move |(i, &s)| {
            // A line ends at the break before the next line's start.
            let end = starts.get(i + 1).map_or(self.text.len(), |&next| next - 1);
            (i + 1, s, self.text[s..end].trim_end_matches('\r'))
        })
    }

    pub fn file_start(&self) -> Loc {
        Loc::file_start(&self.path)
    }
}

fn memchr_newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_offsets_map_to_one_based_line_and_character_column() {
        let s = Source::new("a.txt", "ab\nxé=1\n");
        let l = s.loc(7, 8); // the `1` after a two-byte é
        assert_eq!((l.line, l.column, l.start, l.end), (2, 4, 7, 8));
        assert_eq!(s.loc(0, 0).to_string(), "a.txt:1:1");
        assert_eq!(s.loc(999, 999).line, 3);
        assert_eq!(s.byte_of(2, 2), 6);
        assert_eq!(s.line_loc(2).end, 8);
    }
}
