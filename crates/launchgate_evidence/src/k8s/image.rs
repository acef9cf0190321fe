//! Container image references (`registry:5000/team/app:v1@sha256:...`) split into registry,
//! repository, tag and digest, following the distribution reference grammar.

/// A parsed image reference. Borrowed from the image string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// The registry host (with port), when the first path component names one
    /// (`registry:5000`, `ghcr.io`, `localhost`).
    pub registry: Option<&'a str>,
    /// The repository path without registry, tag or digest (`team/app`, `nginx`).
    pub repository: &'a str,
    /// The tag (`1.25`, `latest`); `None` when the reference has none (the runtime then pulls
    /// `latest`).
    pub tag: Option<&'a str>,
    /// The digest (`sha256:...`).
    pub digest: Option<&'a str>,
}

impl<'a> ImageRef<'a> {
    /// Splits an image reference. Never fails: unusual text ends up in `repository`.
    pub fn parse(image: &'a str) -> ImageRef<'a> {
        let image = image.trim();
        let (name, digest) = match image.split_once('@') {
            Some((n, d)) => (n, Some(d).filter(|d| !d.is_empty())),
            None => (image, None),
        };
        let last_slash = name.rfind('/').map_or(0, |i| i + 1);
        let (path, tag) = match name[last_slash..].rfind(':') {
            Some(i) => {
                let at = last_slash + i;
                (&name[..at], Some(&name[at + 1..]).filter(|t| !t.is_empty()))
            }
            None => (name, None),
        };
        let (registry, repository) = match path.split_once('/') {
            Some((first, rest))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (Some(first), rest)
            }
            _ => (None, path),
        };
        ImageRef {
            registry,
            repository,
            tag,
            digest,
        }
    }

    /// Whether the reference names an immutable or versioned image: a digest, or a tag other
    /// than `latest`.
    pub fn is_pinned(&self) -> bool {
        self.digest.is_some() || self.tag.is_some_and(|t| t != "latest")
    }

    /// Whether the reference carries a digest (the strongest pin).
    pub fn is_digest_pinned(&self) -> bool {
        self.digest.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::ImageRef;

    fn parts(s: &str) -> (Option<&str>, &str, Option<&str>, Option<&str>, bool) {
        let r = ImageRef::parse(s);
        (r.registry, r.repository, r.tag, r.digest, r.is_pinned())
    }

    #[test]
    fn splits_registry_repository_tag_and_digest() {
        assert_eq!(parts("nginx"), (None, "nginx", None, None, false));
        assert_eq!(
            parts("nginx:1.25"),
            (None, "nginx", Some("1.25"), None, true)
        );
        assert_eq!(
            parts("registry:5000/app:v1"),
            (Some("registry:5000"), "app", Some("v1"), None, true)
        );
        assert_eq!(
            parts("registry:5000/app"),
            (Some("registry:5000"), "app", None, None, false)
        );
        assert_eq!(
            parts("app@sha256:0123abcd"),
            (None, "app", None, Some("sha256:0123abcd"), true)
        );
        assert_eq!(
            parts("app:latest"),
            (None, "app", Some("latest"), None, false)
        );
        assert_eq!(
            parts("ghcr.io/org/team/app:2.0@sha256:ff"),
            (
                Some("ghcr.io"),
                "org/team/app",
                Some("2.0"),
                Some("sha256:ff"),
                true
            )
        );
        assert_eq!(
            parts("library/redis:alpine"),
            (None, "library/redis", Some("alpine"), None, true)
        );
        assert_eq!(
            parts("localhost/app"),
            (Some("localhost"), "app", None, None, false)
        );
        assert_eq!(parts("app:"), (None, "app", None, None, false));
        assert!(ImageRef::parse("app:latest@sha256:aa").is_pinned());
        assert!(ImageRef::parse("app@sha256:aa").is_digest_pinned());
        assert_eq!(parts(""), (None, "", None, None, false));
    }
}
