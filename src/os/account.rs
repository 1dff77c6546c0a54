//! OS accounts, from the kernel and the password database, never from `$USER` or `$HOME`.

use std::ffi::{CStr, CString};

/// An OS account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
}

/// The account of the real uid: the person at the keyboard, even in a setuid binary.
pub fn real() -> Account {
    // SAFETY: getuid/getgid only read the process's credentials.
    let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
    by_uid(uid).unwrap_or(Account {
        name: format!("uid{uid}"),
        uid,
        gid,
    })
}

/// The account the process runs as (the service account when installed setuid).
pub fn effective() -> Account {
    // SAFETY: geteuid/getegid only read the process's credentials.
    let (uid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
    by_uid(uid).unwrap_or(Account {
        name: format!("uid{uid}"),
        uid,
        gid,
    })
}

/// The login name of the real uid.
pub fn real_name() -> String {
    real().name
}

pub fn by_uid(uid: u32) -> Option<Account> {
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: getpwuid_r writes into `pwd` and `buf`, which we own, and sets `result` to
    // null or to `pwd`.
    unsafe {
        let mut pwd: libc::passwd = std::mem::zeroed();
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        if libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result) != 0
            || result.is_null()
            || pwd.pw_name.is_null()
        {
            return None;
        }
        Some(Account {
            name: CStr::from_ptr(pwd.pw_name).to_string_lossy().into_owned(),
            uid: pwd.pw_uid,
            gid: pwd.pw_gid,
        })
    }
}

pub fn by_name(name: &str) -> Option<Account> {
    let c = CString::new(name).ok()?;
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: as in `by_uid`; `c` outlives the call.
    unsafe {
        let mut pwd: libc::passwd = std::mem::zeroed();
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        if libc::getpwnam_r(
            c.as_ptr(),
            &mut pwd,
            buf.as_mut_ptr(),
            buf.len(),
            &mut result,
        ) != 0
            || result.is_null()
        {
            return None;
        }
        Some(Account {
            name: name.to_string(),
            uid: pwd.pw_uid,
            gid: pwd.pw_gid,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_real_account_round_trips_through_the_password_database() {
        let me = real();
        if let Some(again) = by_name(&me.name) {
            assert_eq!(again.uid, me.uid);
        }
        assert!(by_name("no-such-account-medcurate-xyz").is_none());
    }
}
