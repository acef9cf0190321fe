//! The vocabulary every launchgate crate speaks: check metadata, categories, severities, tiers,
//! statuses, findings and source locations. No I/O lives here.

mod check;
mod finding;
pub mod text;
mod tier;

pub use check::{Category, CheckMeta, Effort, Severity, doc_lines, is_valid_check_id};
pub use finding::{Basis, Finding, Location, Outcome};
pub use tier::{Requirement, Status, Tier, TierMatrix};

/// Levenshtein distance, used to suggest the nearest known name for a typo.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `word`, if it is close enough to be a plausible typo
/// (at most a third of the word's length, and at least one edit allowed).
pub fn nearest<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = word.to_ascii_lowercase();
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by(|(da, a), (db, b)| da.cmp(db).then_with(|| a.cmp(b)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_insertions_deletions_and_substitutions() {
        assert_eq!(edit_distance("tier", "tier"), 0);
        assert_eq!(edit_distance("teir", "tier"), 2);
        assert_eq!(edit_distance("tiers", "tier"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn nearest_suggests_only_plausible_typos() {
        let keys = ["tier", "owner", "exposure", "dependencies"];
        assert_eq!(nearest("tiers", keys), Some("tier"));
        assert_eq!(nearest("dependancies", keys), Some("dependencies"));
        assert_eq!(nearest("Owner", keys), Some("owner"));
        assert_eq!(nearest("zzzzzz", keys), None);
    }
}
