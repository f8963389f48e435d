//! Replacing a file atomically: the new contents go to a temporary file beside the target,
//! which is synced and then renamed over it. A reader sees the old file or the new one, never
//! a part of either, and a save that fails at any step leaves the old file untouched.

use crate::{Error, Result};
use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The temporary name is fixed per process and target (`.<name>.tmp-<pid>`), so that a
/// leftover one is recognisable; saves in one process take turns so they never share it.
static SAVING: Mutex<()> = Mutex::new(());

/// The temporary file a save to `path` writes first: `.<name>.tmp-<pid>` in the same
/// directory, because a rename is atomic only within one file system.
fn temp_path(path: &Path) -> Result<PathBuf> {
    let Some(name) = path.file_name() else {
        return Err(Error::Io {
            context: format!("could not save '{}': the path names no file", path.display()),
            source: ErrorKind::InvalidInput.into(),
        });
    };
    let mut tmp = std::ffi::OsString::from(".");
    tmp.push(name);
    tmp.push(format!(".tmp-{}", std::process::id()));
    Ok(path.with_file_name(tmp))
}

/// Writes `bytes` to `path` through a synced temporary file and a rename.
pub(crate) fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    let _turn = SAVING.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = temp_path(path)?;
    let t = tmp.display();
    let io = |what: String| {
        let context = format!("could not save '{}' ({what})", path.display());
        move |source| Error::Io { context, source }
    };
    let mut file = create_new(&tmp).map_err(io(format!("creating the temporary file '{t}'")))?;
    let written =
        file.write_all(bytes).and_then(|()| file.sync_all()).map_err(io(format!("writing the temporary file '{t}'")));
    drop(file);
    let done = written.and_then(|()| fs::rename(&tmp, path).map_err(io(format!("renaming '{t}' over it"))));
    if let Err(e) = done {
        // The temporary is ours (we created it); the target was never touched.
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(path);
    Ok(())
}

/// Creates `tmp` afresh. A regular file already there is a leftover of an earlier process with
/// this id that died mid-save, and is replaced; anything else (a directory, a link) is not
/// ours to remove, and is an error.
fn create_new(tmp: &Path) -> std::io::Result<File> {
    let open = || OpenOptions::new().write(true).create_new(true).open(tmp);
    match open() {
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            if !fs::symlink_metadata(tmp).is_ok_and(|m| m.is_file()) {
                return Err(std::io::Error::new(ErrorKind::AlreadyExists, "something other than a file is in the way"));
            }
            fs::remove_file(tmp)?;
            open()
        }
        other => other,
    }
}

/// Syncs the directory so that the rename itself survives a power loss. Best effort: the
/// rename is done and visible, and some systems cannot sync a directory at all.
fn sync_dir(path: &Path) {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}
