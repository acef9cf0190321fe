//! The repository boundary for the files the binary itself reads from the repository by
//! path (the scan has its own): the default manifest, `PATH/launchgate.yaml`, is read only when
//! it is inside the repository, so a link committed in its place cannot make launchgate read
//! (and quote in an error) a file of the reviewer's machine.

use std::path::Path;

use crate::Failure;

/// Refuses `file` when it is a symbolic link whose target is outside `root`.
pub(crate) fn inside(root: &Path, file: &Path, shown: &str) -> Result<(), Failure> {
    let is_link = std::fs::symlink_metadata(file).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return Ok(());
    }
    let within = match (std::fs::canonicalize(root), std::fs::canonicalize(file)) {
        (Ok(root), Ok(target)) => target.starts_with(root),
        _ => false,
    };
    if within {
        Ok(())
    } else {
        Err(Failure::Message(format!(
            "{shown} is a symbolic link leading outside the repository: not read (pass --manifest FILE to review with a manifest kept elsewhere)"
        )))
    }
}
