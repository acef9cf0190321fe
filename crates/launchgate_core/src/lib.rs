//! The vocabulary every launchgate crate speaks: check metadata, categories, severities, tiers,
//! statuses, findings and source locations. No I/O lives here.

mod check;
mod finding;
pub mod text;
mod tier;

pub use check::{Category, CheckMeta, Effort, Severity, doc_lines, is_valid_check_id};
pub use finding::{Basis, Finding, Location, Outcome};
pub use tier::{Requirement, Status, Tier, TierMatrix};

/// Edit distance in characters, used to suggest the nearest known name for a typo: insertions,
/// deletions, substitutions and swaps of two neighbouring characters (`teir` is one edit from
/// `tier`) each count one (optimal string alignment).
pub fn edit_distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

/// The one wildcard match of launchgate: `*` matches any run of characters (`/` included, so
/// `**` is the same as `*`), `?` any one character, everything else itself. Used for CI branch
/// filters, IAM action patterns (on lower-cased text) and ECR repository filters.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    // Where the last `*` was, and the text position it has consumed up to.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                while p.get(pi) == Some(&'*') {
                    pi += 1;
                }
                star = Some((pi, ti));
            }
            Some(&c) if c == '?' || Some(&c) == t.get(ti) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|&c| c == '*'))
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
    fn edit_distance_counts_insertions_deletions_substitutions_and_swaps() {
        assert_eq!(edit_distance("tier", "tier"), 0);
        assert_eq!(edit_distance("teir", "tier"), 1);
        assert_eq!(edit_distance("ownr", "owner"), 1);
        assert_eq!(nearest("teir", ["service", "tier", "scope"]), Some("tier"));
        assert_eq!(nearest("exposrue", ["exposure", "data"]), Some("exposure"));
        assert_eq!(edit_distance("tiers", "tier"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn wildcards_match_runs_and_single_characters() {
        assert!(wildcard_match("main", "main"));
        assert!(wildcard_match("release/*", "release/1.2"));
        assert!(wildcard_match("**", "a/b"));
        assert!(wildcard_match("ma?n", "main"));
        assert!(wildcard_match("*", ""));
        assert!(wildcard_match("s3:get*", "s3:getobject"));
        assert!(wildcard_match("prod-*-api", "prod-eu-api"));
        assert!(wildcard_match("a*b*c", "aXbYbZc"));
        assert!(!wildcard_match("release/*", "main"));
        assert!(!wildcard_match("prod-*", "dev-api"));
        assert!(!wildcard_match("a*b", "aXbY"));
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
