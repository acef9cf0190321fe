//! `Gemfile`: `gem 'name', 'requirement', group: ...` lines and `group ... do` blocks. A
//! Gemfile is Ruby, so only the declaration shapes Bundler documents are recognised; nothing
//! else is an error.

use std::sync::LazyLock;

use regex::Regex;

use super::{Dep, DepManifest, DepSource, Scope};
use crate::{DepFormat, Source};

/// `gem "name"` with the rest of the line.
static GEM: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"^\s*gem\s*\(?\s*["']([^"']+)["'](.*)$"#).ok());
/// A following version argument: `, "~> 1.2"`.
static VERSION_ARG: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"^\s*,\s*["']([^"']*)["']"#).ok());
/// `group: :test`, `groups: [:development, :test]`, `:group => "test"`.
static GROUP_OPT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#":?(?-u:\b)groups?\s*(?::|=>)\s*(\[[^\]]*\]|:[[:word:]]+|["'][[:word:]-]+["'])"#)
        .ok()
});
/// `group :development, :test do`.
static GROUP_BLOCK: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^\s*group(?-u:\b)(.*?)(?-u:\b)do\s*(?:\|[^|]*\|)?\s*$").ok());
/// Any other block opener: `platforms :jruby do`, `source "x" do |s|`.
static DO_BLOCK: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)do\s*(?:\|[^|]*\|)?\s*$").ok());
/// A group name in an argument list: `:test` or `"test"`.
static GROUP_NAME: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(?:^|[\s,(\[]):([[:word:]]+)|["']([[:word:]-]+)["']"#).ok());

pub(super) fn parse_gemfile(src: &Source) -> Option<DepManifest> {
    let (Some(gem), Some(version_arg), Some(group_opt), Some(group_block), Some(do_block)) = (
        GEM.as_ref(),
        VERSION_ARG.as_ref(),
        GROUP_OPT.as_ref(),
        GROUP_BLOCK.as_ref(),
        DO_BLOCK.as_ref(),
    ) else {
        return None;
    };
    let mut m = DepManifest::new(src, DepFormat::Gemfile);
    // One entry per open `do` block: the groups it adds (empty for non-group blocks).
    let mut blocks: Vec<Vec<String>> = Vec::new();
    for (_, offset, line) in src.lines() {
        let code = strip_comment(line);
        let trimmed = code.trim();
        if trimmed.is_empty() {
            continue;
        }
        if trimmed == "end" || trimmed.starts_with("end ") || trimmed.starts_with("end#") {
            blocks.pop();
            continue;
        }
        if let Some(c) = group_block.captures(code) {
            blocks.push(group_names(c.get(1).map_or("", |g| g.as_str())));
            continue;
        }
        if let Some(c) = gem.captures(code)
            && let (Some(name), Some(rest)) = (c.get(1), c.get(2))
        {
            let start = offset + code.len() - code.trim_start().len();
            let mut d = Dep::new(
                name.as_str(),
                src.loc(start, offset + code.trim_end().len()),
            );
            let mut rest = rest.as_str();
            let mut versions = Vec::new();
            while let Some(v) = version_arg.captures(rest) {
                let (Some(all), Some(text)) = (v.get(0), v.get(1)) else {
                    break;
                };
                versions.push(text.as_str().to_string());
                rest = &rest[all.end()..];
            }
            d.version = (!versions.is_empty()).then(|| versions.join(", "));
            let mut groups: Vec<String> = blocks.iter().flatten().cloned().collect();
            for g in group_opt.captures_iter(rest) {
                groups.extend(group_names(g.get(1).map_or("", |x| x.as_str())));
            }
            if has_option(rest, "path") {
                d.source = DepSource::Path;
            } else if has_option(rest, "git") || has_option(rest, "github") {
                d.source = DepSource::Git;
            }
            d.scope = scope_of(&groups);
            if !groups.is_empty() {
                d.group = Some(groups.join(","));
            }
            m.dependencies.push(d);
            continue;
        }
        if do_block.is_match(code) {
            blocks.push(Vec::new());
        }
    }
    Some(m.finish())
}

fn has_option(rest: &str, key: &str) -> bool {
    rest.contains(&format!("{key}:")) || rest.contains(&format!(":{key} =>"))
}

fn group_names(args: &str) -> Vec<String> {
    let Some(re) = GROUP_NAME.as_ref() else {
        return Vec::new();
    };
    // `optional: true` and similar options are not groups.
    re.captures_iter(args)
        .filter_map(|c| c.get(1).or_else(|| c.get(2)))
        .map(|g| g.as_str().to_string())
        .collect()
}

fn scope_of(groups: &[String]) -> Scope {
    if groups.is_empty()
        || groups
            .iter()
            .any(|g| matches!(g.as_str(), "default" | "production" | "prod"))
    {
        Scope::Normal
    } else if groups
        .iter()
        .any(|g| matches!(g.as_str(), "development" | "dev"))
    {
        Scope::Dev
    } else if groups.iter().any(|g| g == "test") {
        Scope::Test
    } else {
        Scope::Normal
    }
}

/// Removes a `#` comment outside string literals.
fn strip_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    for (i, c) in line.char_indices() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
        } else if c == '"' || c == '\'' {
            quote = Some(c);
        } else if c == '#' {
            return &line[..i];
        }
    }
    line
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    type Row<'a> = (&'a str, Option<&'a str>, Scope, Option<&'a str>, u32, u32);

    #[test]
    fn the_patterns_compile() {
        for re in [
            &GEM,
            &VERSION_ARG,
            &GROUP_OPT,
            &GROUP_BLOCK,
            &DO_BLOCK,
            &GROUP_NAME,
        ] {
            assert!(re.is_some());
        }
    }

    const GEMFILE: &str = r#"source "https://rubygems.org"

ruby "3.3.5"

gem "rails", "~> 7.2.1"
gem 'lograge' # JSON request logs
gem "faraday-retry", ">= 2.0", "< 3"
gem "rack-attack", require: false
gem "internal-sdk", path: "../sdk"

group :development, :test do
  gem "rspec-rails", "~> 7.0"
  platforms :mri do
    gem "debug"
  end
end

group :test do
  gem "webmock"
end

gem "semian", group: :production
gem "flipper", groups: [:development]
"#;

    #[test]
    fn gems_versions_groups_and_lines() {
        let src = Source::new("Gemfile", GEMFILE);
        let m = parse_gemfile(&src).unwrap();
        let got: Vec<Row<'_>> = m
            .dependencies
            .iter()
            .map(|d| {
                (
                    d.name.as_str(),
                    d.version.as_deref(),
                    d.scope,
                    d.group.as_deref(),
                    d.loc.line,
                    d.loc.column,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("rails", Some("~> 7.2.1"), Scope::Normal, None, 5, 1),
                ("lograge", None, Scope::Normal, None, 6, 1),
                (
                    "faraday-retry",
                    Some(">= 2.0, < 3"),
                    Scope::Normal,
                    None,
                    7,
                    1
                ),
                ("rack-attack", None, Scope::Normal, None, 8, 1),
                ("internal-sdk", None, Scope::Normal, None, 9, 1),
                (
                    "rspec-rails",
                    Some("~> 7.0"),
                    Scope::Dev,
                    Some("development,test"),
                    12,
                    3
                ),
                ("debug", None, Scope::Dev, Some("development,test"), 14, 5),
                ("webmock", None, Scope::Test, Some("test"), 19, 3),
                ("semian", None, Scope::Normal, Some("production"), 22, 1),
                ("flipper", None, Scope::Dev, Some("development"), 23, 1),
            ]
        );
        assert_eq!(m.dependencies[4].source, DepSource::Path);
    }
}
