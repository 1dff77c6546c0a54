//! `medcurate people add|list`

use crate::cli::identity::os_account;
use crate::domain::people::{Person, Role, check_person_id};
use crate::store::Store;
use anyhow::{Result, bail};
use clap::Subcommand;
use std::path::Path;

#[derive(Debug, Subcommand)]
pub enum PeopleCommand {
    /// Register a person
    Add {
        /// A short id to act as (`--as ID`), e.g. dr-li
        id: String,
        /// Their full name
        #[arg(long)]
        name: String,
        /// A role: annotator, curator or maintainer (repeat for several)
        #[arg(long = "role", required = true, value_parser = parse_role)]
        roles: Vec<Role>,
        /// Bind the person to this OS account on a shared host: only that account may act as them
        #[arg(long, value_name = "NAME")]
        os_user: Option<String>,
    },
    /// Give a registered person more roles
    Grant {
        /// The person's id
        id: String,
        /// A role to add: annotator, curator or maintainer (repeat for several)
        #[arg(long = "role", required = true, value_parser = parse_role)]
        roles: Vec<Role>,
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

pub fn run(db: &Path, cmd: PeopleCommand) -> Result<()> {
    match cmd {
        PeopleCommand::Add {
            id,
            name,
            mut roles,
            os_user: bound,
        } => {
            if let Err(e) = check_person_id(&id) {
                bail!(e);
            }
            if name.trim().is_empty() {
                bail!("--name is empty; give the person's name");
            }
            roles.sort();
            roles.dedup();
            let mut store = Store::open_existing(db)?;
            let person = Person {
                id,
                name: name.trim().to_string(),
                roles,
                os_user: bound,
            };
            store.add_person(&person, &os_account())?;
            println!(
                "added {} ({}): {}",
                person.id,
                person.name,
                roles_text(&person.roles)
            );
        }
        PeopleCommand::Grant { id, roles } => {
            let mut store = Store::open_existing(db)?;
            store.grant_roles(&id, &roles, &os_account())?;
            let person = store.person(&id)?;
            let held = person.map(|p| roles_text(&p.roles)).unwrap_or_default();
            println!("{id} now holds: {held}");
        }
        PeopleCommand::List { json } => {
            let store = Store::open_existing(db)?;
            let people = store.people()?;
            if json {
                let v: Vec<_> = people
                    .iter()
                    .map(|p| serde_json::json!({"id": p.id, "name": p.name, "roles": p.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(), "os_user": p.os_user}))
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
                    println!("{}  {}  {}{bound}", p.id, p.name, roles_text(&p.roles));
                }
            }
        }
    }
    Ok(())
}

fn roles_text(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
