//! Dockerfiles: instructions with locations, stages, and what the final stage decides (user,
//! health check, runtime base image), plus the image reference parser other formats reuse.

mod image;
mod parse;
#[cfg(test)]
mod tests;

use crate::{EvidenceError, Loc, Source};

pub use image::ImageRef;

pub use crate::source::Located;

/// Every Dockerfile found, sorted by path.
#[derive(Debug, Clone, Default)]
pub struct Dockerfiles {
    pub files: Vec<Dockerfile>,
}

impl Dockerfiles {
    pub fn iter(&self) -> std::slice::Iter<'_, Dockerfile> {
        self.files.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// The Dockerfile at a repository-relative path.
    pub fn get(&self, path: &str) -> Option<&Dockerfile> {
        self.files.iter().find(|f| &*f.loc.path == path)
    }
}

impl<'a> IntoIterator for &'a Dockerfiles {
    type Item = &'a Dockerfile;
    type IntoIter = std::slice::Iter<'a, Dockerfile>;

    fn into_iter(self) -> Self::IntoIter {
        self.files.iter()
    }
}

/// One parsed Dockerfile.
#[derive(Debug, Clone)]
pub struct Dockerfile {
    /// Repository-relative path.
    pub path: String,
    /// The start of the file.
    pub loc: Loc,
    /// The escape character (`\`, or `` ` `` from a `# escape=` parser directive).
    pub escape: char,
    /// Global `ARG`s declared before the first `FROM` (usable in `FROM` lines).
    pub args: Vec<Var>,
    /// Build stages in order; the last one is the image that runs.
    pub stages: Vec<Stage>,
}

/// One build stage: a `FROM` and the instructions up to the next one.
#[derive(Debug, Clone)]
pub struct Stage {
    /// 0-based position among the stages.
    pub index: usize,
    /// The `AS name`, as written.
    pub name: Option<Located<String>>,
    pub from: FromImage,
    /// All instructions of the stage, `FROM` included.
    pub instructions: Vec<Instruction>,
    /// The last `USER` of the stage (its value, located at the value).
    pub user: Option<Located<String>>,
    /// The last `HEALTHCHECK` of the stage.
    pub healthcheck: Option<Healthcheck>,
    /// `EXPOSE`d ports, one per word.
    pub exposes: Vec<Expose>,
    /// `ENV` variables in order.
    pub env: Vec<Var>,
    /// `ARG`s declared in the stage.
    pub args: Vec<Var>,
    /// The last `STOPSIGNAL`.
    pub stopsignal: Option<Located<String>>,
}

/// A `FROM` line: the stage's base image.
#[derive(Debug, Clone)]
pub struct FromImage {
    /// The image as written (`${BASE}:1.2`), located at the image word.
    pub image: Located<String>,
    /// The image after substituting global `ARG` defaults; `None` when a variable has no
    /// literal value (a build argument must provide it).
    pub resolved: Option<String>,
    /// The parsed reference, when resolved and well-formed (`None` for `FROM <stage>`).
    pub reference: Option<ImageRef>,
    /// `FROM scratch`.
    pub is_scratch: bool,
    /// `FROM builder`: the index of the earlier stage named so.
    pub refers_to_stage: Option<usize>,
    /// `--platform=...`, if given.
    pub platform: Option<String>,
    /// The `FROM` keyword.
    pub loc: Loc,
}

impl FromImage {
    /// The tag of the resolved image, if any.
    pub fn tag(&self) -> Option<&str> {
        self.reference.as_ref().and_then(|r| r.tag.as_deref())
    }

    /// The digest of the resolved image, if any.
    pub fn digest(&self) -> Option<&str> {
        self.reference.as_ref().and_then(|r| r.digest.as_deref())
    }

    /// An image pulled from a registry: neither `scratch` nor an earlier stage.
    pub fn is_external(&self) -> bool {
        !self.is_scratch && self.refers_to_stage.is_none()
    }
}

/// One instruction, continuation lines joined and heredoc bodies skipped.
#[derive(Debug, Clone)]
pub struct Instruction {
    /// Upper-case keyword (`RUN`).
    pub keyword: String,
    /// The text after the keyword, continuation lines joined, trimmed.
    pub args: String,
    /// The JSON array (exec) form's words, when the arguments are one (`CMD ["app"]`).
    pub exec_form: Option<Vec<String>>,
    /// Heredoc terminators the instruction opened (`EOF` for `<<EOF`).
    pub heredocs: Vec<String>,
    /// The keyword.
    pub loc: Loc,
    /// The start of the arguments (the keyword's end when there are none).
    pub args_loc: Loc,
    /// First and last physical line (heredoc bodies included).
    pub first_line: u32,
    pub last_line: u32,
}

/// A `HEALTHCHECK`.
#[derive(Debug, Clone)]
pub struct Healthcheck {
    /// `HEALTHCHECK NONE`: disables a health check inherited from the base image.
    pub none: bool,
    /// The command after `CMD` (exec form kept as written).
    pub cmd: Option<String>,
    /// Options before `CMD` (`--interval=30s`).
    pub options: Vec<String>,
    /// The `HEALTHCHECK` keyword.
    pub loc: Loc,
}

/// One `EXPOSE` word.
#[derive(Debug, Clone)]
pub struct Expose {
    /// As written (`8080/tcp`, `${PORT}`).
    pub raw: String,
    /// The port, when literal (the first port of a range).
    pub port: Option<u16>,
    /// `tcp` / `udp` when given.
    pub protocol: Option<String>,
    pub loc: Loc,
}

/// Where a variable was declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VarKind {
    Env,
    Arg,
}

/// An `ENV` or `ARG` variable. Values of secret-looking names must never be printed: report the
/// name and location only.
#[derive(Debug, Clone)]
pub struct Var {
    pub kind: VarKind,
    pub name: String,
    /// The value as written, unquoted; `None` for `ARG NAME` without a default.
    pub value: Option<String>,
    /// The name.
    pub loc: Loc,
    /// The value, when there is one.
    pub value_loc: Option<Loc>,
}

impl Var {
    /// A non-empty value with no variable reference in it.
    pub fn is_literal(&self) -> bool {
        self.value
            .as_deref()
            .is_some_and(|v| !v.trim().is_empty() && !v.contains('$'))
    }

    /// A secret-looking name with a literal value (SEC-002).
    pub fn is_literal_secret(&self) -> bool {
        self.is_literal() && is_secret_name(&self.name)
    }
}

impl Dockerfile {
    /// The stage that becomes the image: the last one.
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// The stages from `index` back along `FROM <earlier stage>` links.
    pub fn chain(&self, index: usize) -> impl Iterator<Item = &Stage> {
        let mut next = self.stages.get(index);
        std::iter::from_fn(move || {
            let cur = next?;
            // Links only point backwards, so the walk ends.
            next = cur
                .from
                .refers_to_stage
                .filter(|&i| i < cur.index)
                .and_then(|i| self.stages.get(i));
            Some(cur)
        })
    }

    /// The final stage's real base image: `FROM <earlier stage>` chains are followed to the
    /// external image (or `scratch`).
    pub fn runtime_base(&self) -> Option<&FromImage> {
        let last = self.stages.len().checked_sub(1)?;
        self.chain(last).last().map(|s| &s.from)
    }

    /// The `USER` the final image runs as, inherited along `FROM <stage>` chains in this file.
    /// `None`: the base image decides (root for most images).
    pub fn effective_user(&self) -> Option<&Located<String>> {
        let last = self.stages.len().checked_sub(1)?;
        self.chain(last).find_map(|s| s.user.as_ref())
    }

    /// The `HEALTHCHECK` of the final image, inherited along `FROM <stage>` chains in this file.
    pub fn effective_healthcheck(&self) -> Option<&Healthcheck> {
        let last = self.stages.len().checked_sub(1)?;
        self.chain(last).find_map(|s| s.healthcheck.as_ref())
    }

    /// `FROM` lines that pull an image from a registry (SEC-007), in order.
    pub fn external_froms(&self) -> impl Iterator<Item = &FromImage> {
        self.stages
            .iter()
            .map(|s| &s.from)
            .filter(|f| f.is_external())
    }

    /// Every `ENV` / `ARG` with a secret-looking name and a literal value (SEC-002).
    pub fn literal_secrets(&self) -> impl Iterator<Item = &Var> {
        self.args
            .iter()
            .chain(self.stages.iter().flat_map(|s| s.args.iter().chain(&s.env)))
            .filter(|v| v.is_literal_secret())
    }
}

/// Whether `user` (`USER` value: `name`, `uid`, `name:group`) means root: `Some(true)` for
/// `root` / `0` (any group), `Some(false)` for another name or a uid > 0, `None` when it is a
/// variable or empty.
pub fn user_is_root(user: &str) -> Option<bool> {
    let u = user.trim();
    let name = u.split_once(':').map_or(u, |(n, _)| n).trim();
    if name.is_empty() || name.contains('$') {
        return None;
    }
    if let Ok(uid) = name.parse::<u64>() {
        return Some(uid == 0);
    }
    Some(name == "root")
}

/// A variable name that looks like it holds a secret (`DB_PASSWORD`, `API_KEY`, `GITHUB_TOKEN`),
/// but not one that names where a secret lives (`PASSWORD_FILE`, `TOKEN_URL`).
pub fn is_secret_name(name: &str) -> bool {
    const NOT_SECRET_SUFFIX: &[&str] = &[
        "FILE", "PATH", "DIR", "URL", "URI", "ENDPOINT", "NAME", "ID", "TTL", "TIMEOUT", "EXPIRY",
        "EXPIRES", "LENGTH", "HEADER", "TYPE", "ARN", "REF", "VERSION", "ENABLED", "POLICY",
    ];
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let Some(last) = words.last() else {
        return false;
    };
    if NOT_SECRET_SUFFIX.contains(last) && words.len() > 1 {
        return false;
    }
    let has = |w: &str| words.contains(&w);
    has("PASSWORD")
        || has("PASSWD")
        || has("SECRET")
        || has("TOKEN")
        || has("APIKEY")
        || has("CREDENTIALS")
        || has("PRIVATE") && has("KEY")
        || (has("API") || has("ACCESS") || has("SECRET") || has("SIGNING") || has("ENCRYPTION"))
            && (has("KEY") || last.ends_with("KEY"))
        || words
            .iter()
            .any(|w| w.ends_with("PASSWORD") || w.ends_with("TOKEN"))
}

// The scanner's contract returns an Option; a Dockerfile always yields a model (possibly with
// errors), so checks can still point at what was read.
#[allow(clippy::unnecessary_wraps)]
pub(crate) fn parse(src: &Source, errors: &mut Vec<EvidenceError>) -> Option<Dockerfile> {
    Some(parse::parse(src, errors))
}

pub(crate) fn assemble(mut files: Vec<Dockerfile>) -> Dockerfiles {
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Dockerfiles { files }
}
