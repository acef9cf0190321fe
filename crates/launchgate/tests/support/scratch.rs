//! A directory for one test under the system's temporary directory, removed with everything
//! in it when the test is done with it (also when it fails), so that test runs leave nothing
//! behind. Named `launchgate-{kind}-{process}-{name}`: two test processes never share one. And
//! [`copy_dir`], to put a copy of an example there.

// Shared by several test binaries; each uses a part.
#![allow(dead_code, clippy::unwrap_used)]

use std::ffi::OsStr;
use std::ops::Deref;
use std::path::{Path, PathBuf};

/// An empty directory, removed on drop. It dereferences to its path.
#[derive(Debug)]
pub struct Scratch(PathBuf);

impl Scratch {
    /// A fresh, empty `launchgate-{kind}-{pid}-{name}` directory.
    pub fn new(kind: &str, name: &str) -> Scratch {
        let dir = Scratch::unmade(kind, name);
        std::fs::create_dir_all(&dir.0).unwrap();
        dir
    }

    /// The same path, not created (for a test that copies a tree to it).
    pub fn unmade(kind: &str, name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("launchgate-{kind}-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Scratch(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<OsStr> for Scratch {
    fn as_ref(&self) -> &OsStr {
        self.0.as_os_str()
    }
}

/// Copies the tree `from` to `to`, creating `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
