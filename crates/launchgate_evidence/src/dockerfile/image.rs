//! Container image references (`registry:5000/ns/app:1.2@sha256:abc`): a pure parser shared by
//! every format that names images (Dockerfile `FROM`, Kubernetes `image:`, ECS task definitions).

use std::fmt;

/// A parsed image reference. Docker Hub names keep their short form (`nginx`, not
/// `docker.io/library/nginx`): the registry is `None` when the reference names none.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ImageRef {
    /// The registry host (with port), when the first path component is one (`ghcr.io`,
    /// `registry:5000`, `localhost`).
    pub registry: Option<String>,
    /// The repository path without registry, tag and digest (`ns/app`, `nginx`).
    pub repository: String,
    /// The tag after `:`, if any.
    pub tag: Option<String>,
    /// The digest after `@` (`sha256:abc...`), if any.
    pub digest: Option<String>,
}

impl ImageRef {
    /// Parses a reference; `None` when it is empty, contains whitespace or an unresolved
    /// variable (`$`), or has an empty part (`app:`, `app@`, `/app`).
    pub fn parse(text: &str) -> Option<ImageRef> {
        let s = text.trim();
        if s.is_empty() || s.contains(char::is_whitespace) || s.contains('$') {
            return None;
        }
        let (name_tag, digest) = match s.split_once('@') {
            Some((n, d)) => {
                if d.is_empty() || d.contains('@') {
                    return None;
                }
                (n, Some(d.to_string()))
            }
            None => (s, None),
        };
        let last_slash = name_tag.rfind('/');
        let (name, tag) = match name_tag.rfind(':') {
            Some(i) if last_slash.is_none_or(|j| i > j) => {
                let tag = name_tag.get(i + 1..).unwrap_or("");
                if tag.is_empty() {
                    return None;
                }
                (name_tag.get(..i).unwrap_or(""), Some(tag.to_string()))
            }
            _ => (name_tag, None),
        };
        let (registry, repository) = match name.split_once('/') {
            Some((first, rest))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (Some(first.to_string()), rest)
            }
            _ => (None, name),
        };
        let valid = |s: &str, extra: &[char]| {
            s.chars().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') || extra.contains(&c)
            })
        };
        // The reference grammar's character sets: placeholders (`{tag}`, `%VERSION%`) and other
        // template syntax make the reference unknown, not pinned.
        if repository.is_empty()
            || repository.starts_with('/')
            || repository.ends_with('/')
            || repository.contains("//")
            || !valid(repository, &['/'])
            || repository.chars().any(|c| c.is_ascii_uppercase())
            || registry.as_deref().is_some_and(|r| !valid(r, &[':']))
            || tag
                .as_deref()
                .is_some_and(|t| t.len() > 128 || !valid(t, &[]) || t.starts_with(['.', '-']))
            || digest
                .as_deref()
                .is_some_and(|d| !d.contains(':') || !valid(d, &[':', '+', '=']))
        {
            return None;
        }
        Some(ImageRef {
            registry,
            repository: repository.to_string(),
            tag,
            digest,
        })
    }

    /// A tag is present and is not `latest`. (A digest alone is not a tag: see
    /// [`ImageRef::is_digest_pinned`].)
    pub fn is_pinned_tag(&self) -> bool {
        self.tag.as_deref().is_some_and(|t| t != "latest")
    }

    /// The reference carries a digest: the strongest pin.
    pub fn is_digest_pinned(&self) -> bool {
        self.digest.is_some()
    }

    /// Pinned by tag or digest: what "not `latest` and not missing a tag" means.
    pub fn is_pinned(&self) -> bool {
        self.is_pinned_tag() || self.is_digest_pinned()
    }

    /// The special empty base image `scratch`.
    pub fn is_scratch(&self) -> bool {
        self.registry.is_none() && self.repository.eq_ignore_ascii_case("scratch")
    }

    /// The name without tag and digest (`registry:5000/ns/app`).
    pub fn name(&self) -> String {
        match &self.registry {
            Some(r) => format!("{r}/{}", self.repository),
            None => self.repository.clone(),
        }
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(r) = &self.registry {
            write!(f, "{r}/")?;
        }
        f.write_str(&self.repository)?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (input, registry, repository, tag, digest, pinned tag, digest pinned)
    type Row<'a> = (
        &'a str,
        Option<&'a str>,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
        bool,
        bool,
    );

    #[test]
    fn references_parse_into_their_parts() {
        let table: &[Row<'_>] = &[
            ("nginx", None, "nginx", None, None, false, false),
            (
                "nginx:latest",
                None,
                "nginx",
                Some("latest"),
                None,
                false,
                false,
            ),
            (
                "nginx:1.27-alpine",
                None,
                "nginx",
                Some("1.27-alpine"),
                None,
                true,
                false,
            ),
            (
                "library/nginx:1",
                None,
                "library/nginx",
                Some("1"),
                None,
                true,
                false,
            ),
            (
                "registry:5000/ns/app:1.2@sha256:abc",
                Some("registry:5000"),
                "ns/app",
                Some("1.2"),
                Some("sha256:abc"),
                true,
                true,
            ),
            (
                "ghcr.io/org/app@sha256:0f",
                Some("ghcr.io"),
                "org/app",
                None,
                Some("sha256:0f"),
                false,
                true,
            ),
            (
                "localhost/app:dev",
                Some("localhost"),
                "app",
                Some("dev"),
                None,
                true,
                false,
            ),
            (
                "localhost:5000/app",
                Some("localhost:5000"),
                "app",
                None,
                None,
                false,
                false,
            ),
            ("org/app:v2", None, "org/app", Some("v2"), None, true, false),
            (
                "123.dkr.ecr.eu-west-1.amazonaws.com/api:7",
                Some("123.dkr.ecr.eu-west-1.amazonaws.com"),
                "api",
                Some("7"),
                None,
                true,
                false,
            ),
        ];
        for &(input, registry, repository, tag, digest, pinned, digested) in table {
            let r = ImageRef::parse(input).unwrap();
            assert_eq!(r.registry.as_deref(), registry, "{input}");
            assert_eq!(r.repository, repository, "{input}");
            assert_eq!(r.tag.as_deref(), tag, "{input}");
            assert_eq!(r.digest.as_deref(), digest, "{input}");
            assert_eq!(r.is_pinned_tag(), pinned, "{input}");
            assert_eq!(r.is_digest_pinned(), digested, "{input}");
            assert_eq!(r.to_string(), input);
        }
    }

    #[test]
    fn malformed_and_unresolved_references_are_none() {
        for bad in [
            "", "  ", "app:", "app@", "/app", "a b", "${BASE}", "org//app", "a@b@c",
        ] {
            assert_eq!(ImageRef::parse(bad), None, "{bad:?}");
        }
        assert!(ImageRef::parse("scratch").unwrap().is_scratch());
        assert!(!ImageRef::parse("ghcr.io/scratch").unwrap().is_scratch());
        assert_eq!(
            ImageRef::parse("r:5000/ns/app:1").unwrap().name(),
            "r:5000/ns/app"
        );
    }
}
