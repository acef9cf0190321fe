//! Writing output files (`check -o`, `audit export -o`, `fleet -o`) so that a symbolic link
//! planted where the output goes (say, committed in the repository under review) cannot
//! redirect the write: a link in the target's place is refused, and the text is written to a
//! new temporary file beside the target and renamed over it, which replaces a path and never
//! follows one.

use std::io::Write as _;
use std::path::Path;

use crate::Failure;

/// Writes `text` to `path` atomically; refuses a symbolic link or a special file there.
pub(crate) fn write_file(path: &Path, text: &str) -> Result<(), Failure> {
    let shown = path.display();
    let fail = |e: &dyn std::fmt::Display| Failure::Message(format!("cannot write {shown}: {e}"));
    let existing = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(Failure::Message(format!(
                "refusing to write {shown}: it is a symbolic link, and launchgate never writes through one (remove the link, choose another path, or leave out -o to write to standard output)"
            )));
        }
        Ok(m) if m.is_dir() => {
            return Err(Failure::Message(format!(
                "cannot write {shown}: it is a folder"
            )));
        }
        // A FIFO or a device the reviewer made (`-o /dev/null`; git cannot commit one): written
        // in place, as a stream.
        Ok(m) if !m.is_file() => return write_stream(path, text).map_err(|e| fail(&e)),
        Ok(m) => Some(m.permissions()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(fail(&e)),
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // tempfile creates the file exclusively (O_EXCL: never through a link) with a random name,
    // and removes it if anything below fails.
    let mut tmp = tempfile::Builder::new()
        .prefix(".launchgate-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| fail(&e))?;
    tmp.write_all(text.as_bytes()).map_err(|e| fail(&e))?;
    // A replaced file keeps its permissions; a new one gets the usual 0644, not the 0600 of a
    // temporary file.
    if let Some(permissions) = existing.or_else(default_permissions) {
        tmp.as_file()
            .set_permissions(permissions)
            .map_err(|e| fail(&e))?;
    }
    tmp.persist(path).map_err(|e| fail(&e.error))?;
    Ok(())
}

/// Writes to an existing special file without creating, truncating or following anything.
fn write_stream(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(i32::try_from(rustix::fs::OFlags::NOFOLLOW.bits()).unwrap_or(0));
    }
    options.open(path)?.write_all(text.as_bytes())
}

// `Option` because other platforms have no mode to set.
#[cfg(unix)]
#[allow(clippy::unnecessary_wraps)]
fn default_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt as _;
    Some(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<std::fs::Permissions> {
    None
}
