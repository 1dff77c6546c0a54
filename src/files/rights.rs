//! Acting with the person's rights for one file operation.
//!
//! On a shared host the binary runs setuid to the service account: its effective uid can read
//! the database, its real uid is the person at the keyboard. Around each open of a file the
//! person names, the file-system uid and gid are set to the person's (Linux `setfsuid`, which
//! is per thread and changes nothing but permission checks, so a worker thread using the
//! database at the same moment is unaffected), and set back right after. Elsewhere the
//! effective ids are swapped, as crontab does. When the binary is not setuid both are no-ops.

use std::io;
use std::sync::OnceLock;

/// True when the real and effective ids differ: the binary runs setuid (or setgid).
pub fn is_setuid() -> bool {
    // SAFETY: these calls only read the process's credentials.
    unsafe { libc::getuid() != libc::geteuid() || libc::getgid() != libc::getegid() }
}

/// The person's umask, read once at start-up before the process sets its own (077 on a
/// shared host); files the person creates get the modes their umask gives.
pub fn person_umask() -> u32 {
    *UMASK.get_or_init(|| {
        // SAFETY: umask only swaps the process's mask; it is set straight back.
        unsafe {
            let m = libc::umask(0o022);
            libc::umask(m);
            m as u32
        }
    })
}

static UMASK: OnceLock<u32> = OnceLock::new();

/// Records the person's umask and, when setuid, tightens the process's own to 077 so that
/// nothing the service account creates is readable by others.
pub fn fix_umask() {
    let _ = person_umask();
    if is_setuid() {
        // SAFETY: sets the process's file mode creation mask; no memory is involved.
        unsafe {
            libc::umask(0o077);
        }
    }
}

/// Runs `f` with the person's rights for file access.
pub fn as_person<T>(f: impl FnOnce() -> io::Result<T>) -> io::Result<T> {
    if !is_setuid() {
        return f();
    }
    let _guard = PersonRights::take()?;
    f()
}

struct PersonRights {
    uid: libc::uid_t,
    gid: libc::gid_t,
}

#[cfg(target_os = "linux")]
impl PersonRights {
    fn take() -> io::Result<PersonRights> {
        // SAFETY: setfsuid/setfsgid change only this thread's file-system ids; the process may
        // always set them to its real ids.
        unsafe {
            let (ruid, rgid) = (libc::getuid(), libc::getgid());
            let (euid, egid) = (libc::geteuid(), libc::getegid());
            libc::setfsgid(rgid);
            libc::setfsuid(ruid);
            // Both calls report the previous id; asking again with an invalid id reads it.
            let now_uid = libc::setfsuid(libc::uid_t::MAX) as libc::uid_t;
            let now_gid = libc::setfsgid(libc::gid_t::MAX) as libc::gid_t;
            if now_uid != ruid || now_gid != rgid {
                libc::setfsuid(euid);
                libc::setfsgid(egid);
                return Err(io::Error::other(
                    "could not take on your own rights to open the file",
                ));
            }
            Ok(PersonRights {
                uid: euid,
                gid: egid,
            })
        }
    }
}

#[cfg(target_os = "linux")]
impl Drop for PersonRights {
    fn drop(&mut self) {
        // SAFETY: back to the effective ids this thread had before.
        unsafe {
            libc::setfsuid(self.uid);
            libc::setfsgid(self.gid);
        }
    }
}

#[cfg(not(target_os = "linux"))]
impl PersonRights {
    fn take() -> io::Result<PersonRights> {
        // SAFETY: an unprivileged process may set its effective ids to its real ids and back to
        // the saved ones. Process-wide here: callers open files only on the main thread.
        unsafe {
            let (euid, egid) = (libc::geteuid(), libc::getegid());
            if libc::setegid(libc::getgid()) != 0 || libc::seteuid(libc::getuid()) != 0 {
                let err = io::Error::last_os_error();
                libc::seteuid(euid);
                libc::setegid(egid);
                return Err(err);
            }
            Ok(PersonRights {
                uid: euid,
                gid: egid,
            })
        }
    }
}

#[cfg(not(target_os = "linux"))]
impl Drop for PersonRights {
    fn drop(&mut self) {
        // SAFETY: back to the saved set-user-id.
        unsafe {
            libc::seteuid(self.uid);
            libc::setegid(self.gid);
        }
    }
}

/// Runs `f` with the effective ids of another account; for root only (host setup and check
/// open the database as the service account, so every file SQLite makes is the service's).
pub fn as_account<T>(uid: u32, gid: u32, f: impl FnOnce() -> T) -> io::Result<T> {
    // SAFETY: root may set its effective ids to any account and back (its saved uid is 0).
    unsafe {
        let (euid, egid) = (libc::geteuid(), libc::getegid());
        if libc::setegid(gid) != 0 {
            return Err(io::Error::last_os_error());
        }
        if libc::seteuid(uid) != 0 {
            let err = io::Error::last_os_error();
            libc::setegid(egid);
            return Err(err);
        }
        let out = f();
        if libc::seteuid(euid) != 0 || libc::setegid(egid) != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(out)
    }
}
