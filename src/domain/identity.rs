//! Who is acting: from `--as`, the config file, or the OS account, checked against the
//! people registered and their OS bindings.

use super::people::{Person, Role};

/// Where the requested identity came from, for the message when it is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Flag,
    Config,
    OsUser,
}

/// Picks the person to act as and checks they may.
///
/// - `requested` (`--as`) wins, then `configured` (the config file), then the OS user: a
///   person bound to that OS account, or a person whose id is the OS user name.
/// - A person bound to an OS account can be acted as only from that account; an account
///   bound to a person can act only as that person.
/// - The person must hold `role`.
pub fn resolve<'a>(
    people: &'a [Person],
    requested: Option<&str>,
    configured: Option<&str>,
    os_user: &str,
    role: Role,
) -> Result<&'a Person, String> {
    let bound_here = people
        .iter()
        .find(|p| p.os_user.as_deref() == Some(os_user));
    let (id, source) = match (requested, configured) {
        (Some(id), _) => (id.to_string(), Source::Flag),
        (None, Some(id)) => (id.to_string(), Source::Config),
        (None, None) => match bound_here {
            Some(p) => (p.id.clone(), Source::OsUser),
            None => (os_user.to_string(), Source::OsUser),
        },
    };
    let Some(person) = people.iter().find(|p| p.id == id) else {
        return Err(match source {
            Source::OsUser => format!(
                "who are you? Your OS user {os_user:?} is not a registered person. Pass --as ID, set \
                 `identity = \"ID\"` in the config file, or register yourself: \
                 medcurate people add ID --name NAME --role {role} --os-user {os_user}"
            ),
            _ => format!(
                "there is no person {id:?}; register them with: medcurate people add {id} --name NAME --role {role}"
            ),
        });
    };
    if let Some(bound) = &person.os_user
        && bound != os_user
    {
        return Err(format!(
            "{} is bound to the OS account {bound:?}; you are logged in as {os_user:?}, so you cannot act as them",
            person.id
        ));
    }
    if let Some(me) = bound_here
        && me.id != person.id
    {
        return Err(format!(
            "your OS account {os_user:?} is bound to {}; you can act only as {}, not as {}",
            me.id, me.id, person.id
        ));
    }
    check_role(person, role, people)
}

/// Picks the person on a shared host: the one bound to the real uid's account, whatever
/// `--as` or the config file say (they may only name that same person).
pub fn resolve_shared<'a>(
    people: &'a [Person],
    requested: Option<&str>,
    configured: Option<&str>,
    os_user: &str,
    role: Role,
) -> Result<&'a Person, String> {
    let Some(me) = people
        .iter()
        .find(|p| p.os_user.as_deref() == Some(os_user))
    else {
        return Err(format!(
            "your OS account {os_user:?} is not bound to any person on this host; a maintainer \
             can register you: medcurate people add ID --name NAME --role {role} --os-user {os_user} \
             (or bind an existing person: medcurate people bind ID --os-user {os_user})"
        ));
    };
    for (given, what) in [
        (requested, "--as"),
        (configured, "the config file's identity"),
    ] {
        if let Some(id) = given
            && id != me.id
        {
            return Err(format!(
                "you are {} (the OS account {os_user:?}); {what} cannot name {id:?}: on a shared \
                 host you act only as yourself",
                me.id
            ));
        }
    }
    check_role(me, role, people)
}

fn check_role<'a>(person: &'a Person, role: Role, people: &[Person]) -> Result<&'a Person, String> {
    if !person.roles.contains(&role) {
        let held: Vec<&str> = person.roles.iter().map(|r| r.as_str()).collect();
        let maintainers: Vec<&str> = people
            .iter()
            .filter(|p| p.roles.contains(&Role::Maintainer))
            .map(|p| p.id.as_str())
            .collect();
        let who = if maintainers.is_empty() {
            "a maintainer".to_string()
        } else {
            format!("a maintainer ({})", maintainers.join(", "))
        };
        return Err(format!(
            "{} is not {} {role} (roles: {}); {who} can grant it: medcurate people grant {} --role {role}",
            person.id,
            if role == Role::Annotator { "an" } else { "a" },
            if held.is_empty() {
                "none".to_string()
            } else {
                held.join(", ")
            },
            person.id
        ));
    }
    Ok(person)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people() -> Vec<Person> {
        vec![
            Person {
                id: "dr-li".into(),
                name: "李".into(),
                roles: vec![Role::Annotator],
                os_user: Some("li".into()),
            },
            Person {
                id: "dr-wang".into(),
                name: "王".into(),
                roles: vec![Role::Annotator],
                os_user: None,
            },
            Person {
                id: "chen".into(),
                name: "陈".into(),
                roles: vec![Role::Curator],
                os_user: None,
            },
        ]
    }

    #[test]
    fn flag_then_config_then_os_user() {
        let p = people();
        assert_eq!(
            resolve(&p, Some("dr-wang"), Some("dr-li"), "x", Role::Annotator)
                .unwrap()
                .id,
            "dr-wang"
        );
        assert_eq!(
            resolve(&p, None, Some("dr-wang"), "x", Role::Annotator)
                .unwrap()
                .id,
            "dr-wang"
        );
        assert_eq!(
            resolve(&p, None, None, "li", Role::Annotator).unwrap().id,
            "dr-li"
        );
        assert_eq!(
            resolve(&p, None, None, "dr-wang", Role::Annotator)
                .unwrap()
                .id,
            "dr-wang"
        );
    }

    #[test]
    fn bindings_hold_both_ways() {
        let p = people();
        let e = resolve(&p, Some("dr-li"), None, "wang", Role::Annotator).unwrap_err();
        assert!(e.contains("dr-li is bound to the OS account \"li\""), "{e}");
        let e = resolve(&p, Some("dr-wang"), None, "li", Role::Annotator).unwrap_err();
        assert!(
            e.contains("your OS account \"li\" is bound to dr-li"),
            "{e}"
        );
    }

    #[test]
    fn on_a_shared_host_the_account_decides() {
        let p = people();
        assert_eq!(
            resolve_shared(&p, None, None, "li", Role::Annotator)
                .unwrap()
                .id,
            "dr-li"
        );
        assert_eq!(
            resolve_shared(&p, Some("dr-li"), Some("dr-li"), "li", Role::Annotator)
                .unwrap()
                .id,
            "dr-li"
        );
        let e = resolve_shared(&p, Some("dr-wang"), None, "li", Role::Annotator).unwrap_err();
        assert!(e.contains("you are dr-li"), "{e}");
        let e = resolve_shared(&p, None, Some("chen"), "li", Role::Annotator).unwrap_err();
        assert!(
            e.contains("config file's identity cannot name \"chen\""),
            "{e}"
        );
        // An unbound person cannot be taken on, not even by an account of the same name.
        let e = resolve_shared(&p, None, None, "dr-wang", Role::Annotator).unwrap_err();
        assert!(e.contains("is not bound to any person"), "{e}");
        let e = resolve_shared(&p, None, None, "li", Role::Curator).unwrap_err();
        assert!(e.contains("dr-li is not a curator"), "{e}");
    }

    #[test]
    fn unknown_people_and_missing_roles_are_explained() {
        let p = people();
        let e = resolve(&p, None, None, "nobody", Role::Annotator).unwrap_err();
        assert!(
            e.contains("medcurate people add ID --name NAME --role annotator --os-user nobody"),
            "{e}"
        );
        let e = resolve(&p, Some("ghost"), None, "x", Role::Annotator).unwrap_err();
        assert!(e.contains("there is no person \"ghost\""), "{e}");
        let e = resolve(&p, Some("chen"), None, "x", Role::Annotator).unwrap_err();
        assert!(e.contains("chen is not an annotator"), "{e}");
    }
}
