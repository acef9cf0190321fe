//! The lines of a text that hold one of a set of words, and every word on each of them: the
//! walk over every byte of a file that the secret scanner (its keywords) and the source
//! prefilter (its words) both make, written once.
//!
//! The walk runs in two steps. A leftmost-first search finds the next line holding a word; it
//! searches only for the words that no other word contains (a line holding `aws_secret` holds
//! `secret`), which keeps the set small enough for aho-corasick's SIMD searcher (Teddy) to skip
//! through text at a few instructions per byte instead of stepping a DFA byte by byte. Every
//! word on that line, overlapping ones included, is then found on the line alone. No word may
//! hold a line break. Matching is byte for byte: a caller that wants case-insensitive matching
//! searches an ASCII-lowercased copy with lowercase words (the offsets are the same).

use aho_corasick::packed;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Input, MatchKind, Span};

/// A set of words, compiled for [`WordLines::lines`] and [`WordLines::words`].
#[derive(Debug, Clone)]
pub struct WordLines {
    first: First,
    all: AhoCorasick,
}

/// The search for the next line: Teddy where the CPU has it, a DFA otherwise.
#[derive(Debug, Clone)]
enum First {
    Packed(packed::Searcher),
    Automaton(AhoCorasick),
}

impl WordLines {
    /// Compiles `words` (none empty, none holding a line break); `None` when an automaton cannot
    /// be built. Pattern numbers in [`WordLines::words`] are positions in `words`.
    pub fn new(words: &[&str]) -> Option<WordLines> {
        if words.iter().any(|w| w.is_empty() || w.contains('\n')) {
            return None;
        }
        let all = AhoCorasick::new(words).ok()?;
        let mut minimal: Vec<&str> = words
            .iter()
            .copied()
            .filter(|w| !words.iter().any(|o| o != w && w.contains(o)))
            .collect();
        minimal.sort_unstable();
        minimal.dedup();
        // aho-corasick's own heuristic refuses Teddy above 64 words; its verification cost
        // grows with the words per bucket, still far below a DFA's step per byte on the sets
        // used here (up to about 80 words).
        let packed = packed::Config::new()
            .match_kind(packed::MatchKind::LeftmostFirst)
            .heuristic_pattern_limits(false)
            .builder()
            .extend(&minimal)
            .build();
        let first = match packed {
            Some(searcher) => First::Packed(searcher),
            None => First::Automaton(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostFirst)
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(&minimal)
                    .ok()?,
            ),
        };
        Some(WordLines { first, all })
    }

    /// The start of the leftmost word in `hay[at..]`.
    fn next(&self, hay: &[u8], at: usize) -> Option<usize> {
        match &self.first {
            First::Packed(s) => s.find_in(hay, Span::from(at..hay.len())).map(|m| m.start()),
            First::Automaton(ac) => ac
                .find(Input::new(hay).span(at..hay.len()))
                .map(|m| m.start()),
        }
    }

    /// Each line of `hay` holding a word, as the byte range `start..end` (`end` at the line
    /// break or the end of `hay`), in order.
    pub fn lines<'h>(&'h self, hay: &'h [u8]) -> impl Iterator<Item = (usize, usize)> + 'h {
        let mut at = 0;
        std::iter::from_fn(move || {
            if at >= hay.len() {
                return None;
            }
            let word = self.next(hay, at)?;
            let start = hay
                .get(at..word)
                .and_then(|t| memchr::memrchr(b'\n', t))
                .map_or(at, |i| at + i + 1);
            let end = hay
                .get(word..)
                .and_then(|t| memchr::memchr(b'\n', t))
                .map_or(hay.len(), |i| word + i);
            at = end + 1;
            Some((start, end))
        })
    }

    /// Every word in `line`, overlapping ones included, as (start in `line`, pattern number),
    /// in the order of their ends.
    pub fn words<'h>(&'h self, line: &'h [u8]) -> impl Iterator<Item = (usize, usize)> + 'h {
        self.all
            .find_overlapping_iter(line)
            .map(|m| (m.start(), m.pattern().as_usize()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    /// A line holding words: its start, its end, and (start in the line, pattern) per word.
    type Line = (usize, usize, Vec<(usize, usize)>);

    fn found(w: &WordLines, text: &str) -> Vec<Line> {
        w.lines(text.as_bytes())
            .map(|(s, e)| (s, e, w.words(&text.as_bytes()[s..e]).collect()))
            .collect()
    }

    #[test]
    fn finds_each_line_once_with_every_word_on_it() {
        let w = WordLines::new(&["secret", "aws_secret", "token", "pwd"]).unwrap();
        let text = "a = 1\naws_secret = x token\nnothing\npwd\n";
        assert_eq!(
            found(&w, text),
            [
                (6, 26, vec![(0, 1), (4, 0), (15, 2)]),
                (35, 38, vec![(0, 3)]),
            ]
        );
        assert!(found(&w, "").is_empty());
        assert!(found(&w, "no words here\n").is_empty());
        // The last line without a line break, and a word at the very start.
        assert_eq!(found(&w, "token"), [(0, 5, vec![(0, 2)])]);
    }

    #[test]
    fn many_words_and_long_texts_match_a_plain_search() {
        // More words than aho-corasick's own Teddy limit, and a text long enough for SIMD.
        let words: Vec<String> = (0..90).map(|i| format!("w{i:02}x")).collect();
        let refs: Vec<&str> = words.iter().map(String::as_str).collect();
        let w = WordLines::new(&refs).unwrap();
        let mut text = String::new();
        for i in 0..400 {
            let _ = write!(text, "line {i} filler filler filler");
            if i % 7 == 0 {
                let _ = write!(text, " w{:02}x", i % 90);
            }
            text.push('\n');
        }
        let expected: Vec<usize> = text
            .lines()
            .scan(0, |at, l| {
                let start = *at;
                *at += l.len() + 1;
                Some((start, l))
            })
            .filter(|(_, l)| refs.iter().any(|w| l.contains(w)))
            .map(|(s, _)| s)
            .collect();
        let got: Vec<usize> = w.lines(text.as_bytes()).map(|(s, _)| s).collect();
        assert_eq!(got, expected);
        assert_eq!(got.len(), 58);
    }

    proptest::proptest! {
        /// Against a plain search: the lines holding a word, and every (overlapping) word on
        /// each, over a small alphabet so that words overlap, nest and repeat.
        #[test]
        fn agrees_with_a_plain_search(
            words in proptest::collection::btree_set("[abc_]{1,4}", 1..90),
            text in "[abc_ \n]{0,400}",
        ) {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            let w = WordLines::new(&words).unwrap();
            let mut expected = Vec::new();
            let mut at = 0;
            for line in text.split('\n') {
                let mut on: Vec<(usize, usize)> = Vec::new();
                for (p, word) in words.iter().enumerate() {
                    for s in 0..line.len() {
                        if line[s..].starts_with(word) {
                            on.push((s, p));
                        }
                    }
                }
                if !on.is_empty() {
                    on.sort_unstable();
                    expected.push((at, at + line.len(), on));
                }
                at += line.len() + 1;
            }
            let mut got = found(&w, &text);
            for (_, _, on) in &mut got {
                on.sort_unstable();
            }
            proptest::prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn refuses_empty_words_and_line_breaks() {
        assert!(WordLines::new(&["a", ""]).is_none());
        assert!(WordLines::new(&["a\nb"]).is_none());
    }
}
