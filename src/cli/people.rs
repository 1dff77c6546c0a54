//! `medcurate people add|grant|revoke|bind|specialty|list`

use crate::cli::identity::act_as;
use crate::domain::people::{Person, Role, check_person_id};
use crate::domain::routing::resolve_specialties;
use crate::host;
use crate::store::Store;
use anyhow::{Result, bail};
use clap::Subcommand;
use std::path::Path;

#[derive(Debug, Subcommand)]
pub enum PeopleCommand {
    /// Register a person (maintainers only)
    Add {
        /// A short id to act as (`--as ID`), e.g. dr-li
        id: String,
        /// Their full name
        #[arg(long)]
        name: String,
        /// A role: annotator, curator or maintainer (repeat for several)
        #[arg(long = "role", required = true, value_parser = parse_role)]
        roles: Vec<Role>,
        /// Bind the person to this OS account: only that account may act as them
        #[arg(long, value_name = "NAME")]
        os_user: Option<String>,
        /// A sub-specialty (id, name or alias), or a major department for all of its
        /// sub-specialties; items in these departments are offered to them first (repeat for several)
        #[arg(long = "specialty", value_name = "DEPARTMENT")]
        specialties: Vec<String>,
        /// The maintainer registering them
        #[arg(long = "as", value_name = "ID")]
        as_id: Option<String>,
    },
    /// Give a registered person more roles (maintainers only)
    Grant {
        /// The person's id
        id: String,
        /// A role to add: annotator, curator or maintainer (repeat for several)
        #[arg(long = "role", required = true, value_parser = parse_role)]
        roles: Vec<Role>,
        /// The maintainer granting them
        #[arg(long = "as", value_name = "ID")]
        as_id: Option<String>,
    },
    /// Take roles away (maintainers only; the last maintainer keeps theirs)
    Revoke {
        /// The person's id
        id: String,
        /// A role to take away (repeat for several)
        #[arg(long = "role", required = true, value_parser = parse_role)]
        roles: Vec<Role>,
        /// The maintainer revoking them
        #[arg(long = "as", value_name = "ID")]
        as_id: Option<String>,
    },
    /// Bind a person to an OS account, or unbind them with --none (maintainers only)
    Bind {
        /// The person's id
        id: String,
        /// The OS account that alone may act as them
        #[arg(long, value_name = "NAME", required_unless_present = "none")]
        os_user: Option<String>,
        /// Remove the binding
        #[arg(long, conflicts_with = "os_user")]
        none: bool,
        /// The maintainer binding them
        #[arg(long = "as", value_name = "ID")]
        as_id: Option<String>,
    },
    /// Add or remove a physician's sub-specialties (maintainers only)
    Specialty {
        /// The person's id
        id: String,
        /// A sub-specialty or major department to add (repeat for several)
        #[arg(long, value_name = "DEPARTMENT", required_unless_present = "remove")]
        add: Vec<String>,
        /// A sub-specialty or major department to remove (repeat for several)
        #[arg(long, value_name = "DEPARTMENT")]
        remove: Vec<String>,
        /// The maintainer changing them
        #[arg(long = "as", value_name = "ID")]
        as_id: Option<String>,
    },
    /// List everyone registered
    List {
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
}

/// On a shared host a binding must name a real account, or nobody could act as the person.
fn check_account(os_user: &str) -> Result<()> {
    if host::is_shared() && crate::os::account::by_name(os_user).is_none() {
        bail!(
            "there is no OS account {os_user:?} on this host; create it first or check the spelling"
        );
    }
    Ok(())
}

pub fn run(db: &Path, cmd: PeopleCommand) -> Result<()> {
    match cmd {
        PeopleCommand::Add {
            id,
            name,
            mut roles,
            os_user: bound,
            specialties,
            as_id,
        } => {
            if let Err(e) = check_person_id(&id) {
                bail!(e);
            }
            let specialties = resolve(&specialties, "--specialty")?;
            if name.trim().is_empty() {
                bail!("--name is empty; give the person's name");
            }
            if let Some(os) = &bound {
                check_account(os)?;
            }
            roles.sort();
            roles.dedup();
            let mut store = Store::open_existing(db)?;
            let me = act_as(&store, as_id.as_deref(), Role::Maintainer)?;
            let person = Person {
                id,
                name: name.trim().to_string(),
                roles,
                os_user: bound,
            };
            store.add_person_with_specialties(&person, &specialties, &me.id)?;
            println!(
                "added {} ({}): {}{}",
                person.id,
                person.name,
                roles_text(&person.roles),
                specialties_text(&specialties)
            );
        }
        PeopleCommand::Grant { id, roles, as_id } => {
            let mut store = Store::open_existing(db)?;
            let me = act_as(&store, as_id.as_deref(), Role::Maintainer)?;
            store.grant_roles(&id, &roles, &me.id)?;
            print_held(&store, &id)?;
        }
        PeopleCommand::Revoke { id, roles, as_id } => {
            let mut store = Store::open_existing(db)?;
            let me = act_as(&store, as_id.as_deref(), Role::Maintainer)?;
            store.revoke_roles(&id, &roles, &me.id)?;
            print_held(&store, &id)?;
        }
        PeopleCommand::Bind {
            id,
            os_user,
            none: _,
            as_id,
        } => {
            if let Some(os) = &os_user {
                check_account(os)?;
            }
            let mut store = Store::open_existing(db)?;
            let me = act_as(&store, as_id.as_deref(), Role::Maintainer)?;
            store.bind_person(&id, os_user.as_deref(), &me.id)?;
            match os_user {
                Some(os) => println!("{id} is bound to the OS account {os}"),
                None => println!("{id} is bound to no OS account"),
            }
        }
        PeopleCommand::Specialty {
            id,
            add,
            remove,
            as_id,
        } => {
            let add = resolve(&add, "--add");
            let remove = resolve(&remove, "--remove");
            let (add, remove) = match (add, remove) {
                (Ok(a), Ok(r)) => (a, r),
                (a, r) => {
                    let problems: Vec<String> = [a.err(), r.err()]
                        .into_iter()
                        .flatten()
                        .map(|e| e.to_string())
                        .collect();
                    bail!(problems.join("\n"));
                }
            };
            let mut store = Store::open_existing(db)?;
            let me = act_as(&store, as_id.as_deref(), Role::Maintainer)?;
            let held = store.change_specialties(&id, &add, &remove, &me.id)?;
            if held.is_empty() {
                println!("{id} now has no specialties: items are offered to them in queue order");
            } else {
                println!("{id} now has the specialties: {}", held.join(", "));
            }
        }
        PeopleCommand::List { json } => {
            let store = Store::open_existing(db)?;
            let people = store.people()?;
            let specialties = store.specialties()?;
            let of = |id: &str| specialties.get(id).cloned().unwrap_or_default();
            if json {
                let v: Vec<_> = people
                    .iter()
                    .map(|p| serde_json::json!({"id": p.id, "name": p.name, "roles": p.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(), "os_user": p.os_user, "specialties": of(&p.id)}))
                    .collect();
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else if people.is_empty() {
                println!(
                    "nobody registered yet: medcurate people add ID --name NAME --role annotator"
                );
            } else {
                for p in &people {
                    let bound = p
                        .os_user
                        .as_deref()
                        .map(|u| format!("  (OS user {u})"))
                        .unwrap_or_default();
                    println!(
                        "{}  {}  {}{bound}{}",
                        p.id,
                        p.name,
                        roles_text(&p.roles),
                        specialties_text(&of(&p.id))
                    );
                }
            }
        }
    }
    Ok(())
}

/// Resolves the departments given with `flag`; every one that fails, in one error.
fn resolve(keys: &[String], flag: &str) -> Result<Vec<String>> {
    resolve_specialties(keys)
        .map_err(|problems| anyhow::anyhow!("{flag}: {}", problems.join(&format!("\n{flag}: "))))
}

fn specialties_text(ids: &[String]) -> String {
    if ids.is_empty() {
        String::new()
    } else {
        format!("  specialties: {}", ids.join(", "))
    }
}

fn print_held(store: &Store, id: &str) -> Result<()> {
    let person = store.person(id)?;
    let held = person
        .map(|p| roles_text(&p.roles))
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "no roles".into());
    println!("{id} now holds: {held}");
    Ok(())
}

fn roles_text(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
