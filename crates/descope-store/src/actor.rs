//! Who is running: `user@host` of this process, recorded in audit records and lock files.

/// `user@host` of this process: the user from `USER` or `LOGNAME`, else the name of the
/// process's user id in `/etc/passwd`, else `uid<N>`; the host from `/etc/hostname` or
/// `HOSTNAME`; `unknown` for what cannot be found.
pub fn actor() -> String {
    let user = ["USER", "LOGNAME"]
        .into_iter()
        .find_map(|key| std::env::var(key).ok().filter(|v| !v.trim().is_empty()))
        .or_else(user_of_process);
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .or_else(|| {
            std::env::var("HOSTNAME")
                .ok()
                .filter(|v| !v.trim().is_empty())
        });
    actor_from(user.as_deref(), host.as_deref())
}

/// The name of this process's user id (the owner of `/proc/self`) in `/etc/passwd`, or
/// `uid<N>` when it has none there.
fn user_of_process() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid();
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    Some(user_name_of(uid, &passwd).unwrap_or_else(|| format!("uid{uid}")))
}

/// The login name of `uid` in the text of an `/etc/passwd` file.
fn user_name_of(uid: u32, passwd: &str) -> Option<String> {
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?.trim();
        let id = fields.nth(1)?.trim().parse::<u32>().ok()?;
        (id == uid && !name.is_empty() && !name.starts_with('#')).then(|| name.to_owned())
    })
}

/// `user@host` from values the caller found (an injectable form of [`actor`]).
pub fn actor_from(user: Option<&str>, host: Option<&str>) -> String {
    let clean = |v: Option<&str>| {
        v.map(str::trim)
            .filter(|v| !v.is_empty())
            .unwrap_or("unknown")
            .to_owned()
    };
    format!("{}@{}", clean(user), clean(host))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actor_from_fills_in_unknown() {
        assert_eq!(actor_from(Some("alice"), Some("laptop\n")), "alice@laptop");
        assert_eq!(actor_from(None, Some("laptop")), "unknown@laptop");
        assert_eq!(actor_from(Some(" "), None), "unknown@unknown");
    }

    #[test]
    fn user_name_of_reads_passwd_lines() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\n# comment\nbob:x:1000:1000::/home/bob:/bin/sh\nbad line\n";
        assert_eq!(user_name_of(0, passwd).as_deref(), Some("root"));
        assert_eq!(user_name_of(1000, passwd).as_deref(), Some("bob"));
        assert_eq!(user_name_of(4242, passwd), None);
        assert_eq!(user_name_of(0, ""), None);
    }

    #[test]
    fn actor_has_user_and_host() {
        let a = actor();
        let (user, host) = a.split_once('@').unwrap();
        assert!(!user.is_empty() && !host.is_empty());
    }
}
