//! People and their roles.

use super::Store;
use crate::domain::people::{Person, Role};
use crate::store::db::{OptionalExtension, TransactionBehavior, params};
use crate::store::detail::{detail, raw};
use anyhow::{Result, bail};
use serde_json::json;
use std::collections::BTreeMap;

impl Store {
    /// Registers a person with their roles. Refuses an id or OS user already taken.
    pub fn add_person(&mut self, person: &Person, actor: &str) -> Result<()> {
        self.add_person_with_specialties(person, &[], actor)
    }

    /// Registers a person with their roles and sub-specialties (ids, resolved by the caller).
    pub fn add_person_with_specialties(
        &mut self,
        person: &Person,
        specialties: &[String],
        actor: &str,
    ) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let exists: Option<String> = tx
            .query_row("SELECT name FROM people WHERE id = ?1", [&person.id], |r| {
                r.get(0)
            })
            .optional()?;
        if let Some(name) = exists {
            bail!("a person with id {:?} already exists ({name})", person.id);
        }
        if let Some(os) = &person.os_user {
            let holder: Option<String> = tx
                .query_row("SELECT id FROM people WHERE os_user = ?1", [os], |r| {
                    r.get(0)
                })
                .optional()?;
            if let Some(h) = holder {
                bail!("the OS user {os:?} is already bound to {h:?}");
            }
        }
        tx.execute(
            "INSERT INTO people (id, name, os_user) VALUES (?1, ?2, ?3)",
            params![person.id, person.name, person.os_user],
        )?;
        for role in &person.roles {
            tx.execute(
                "INSERT INTO person_roles (person_id, role) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                params![person.id, role.as_str()],
            )?;
        }
        let roles: Vec<&str> = person.roles.iter().map(|r| r.as_str()).collect();
        tx.execute(
            "INSERT INTO events (account, actor, action, detail)
             VALUES ((SELECT account FROM temp.session), ?1, 'person_added', ?2)",
            params![
                actor,
                detail! {"person" => person.id.as_str(), "roles" => raw(&serde_json::to_string(&roles)?)}
            ],
        )?;
        if !specialties.is_empty() {
            change_specialties_tx(&tx, &person.id, specialties, &[], actor)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Gives an existing person more roles.
    pub fn grant_roles(&mut self, id: &str, roles: &[Role], actor: &str) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        require_person(&tx, id)?;
        for role in roles {
            tx.execute(
                "INSERT INTO person_roles (person_id, role) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                params![id, role.as_str()],
            )?;
        }
        let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        log_event(
            &tx,
            actor,
            "roles_granted",
            json!({"person": id, "roles": names}),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Takes roles away. The last maintainer keeps theirs: someone must be able to manage
    /// the workspace.
    pub fn revoke_roles(&mut self, id: &str, roles: &[Role], actor: &str) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        require_person(&tx, id)?;
        if roles.contains(&Role::Maintainer) {
            let others: i64 = tx.query_row(
                "SELECT count(*) FROM person_roles WHERE role = 'maintainer' AND person_id <> ?1",
                [id],
                |r| r.get(0),
            )?;
            let holds: i64 = tx.query_row(
                "SELECT count(*) FROM person_roles WHERE role = 'maintainer' AND person_id = ?1",
                [id],
                |r| r.get(0),
            )?;
            if holds > 0 && others == 0 {
                bail!(
                    "{id} is the last maintainer; grant the role to someone else first \
                     (medcurate people grant ID --role maintainer), then revoke it"
                );
            }
        }
        for role in roles {
            tx.execute(
                "DELETE FROM person_roles WHERE person_id = ?1 AND role = ?2",
                params![id, role.as_str()],
            )?;
        }
        let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        log_event(
            &tx,
            actor,
            "roles_revoked",
            json!({"person": id, "roles": names}),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Binds a person to an OS account (or, with `None`, unbinds them).
    pub fn bind_person(&mut self, id: &str, os_user: Option<&str>, actor: &str) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        require_person(&tx, id)?;
        if let Some(os) = os_user {
            let holder: Option<String> = tx
                .query_row(
                    "SELECT id FROM people WHERE os_user = ?1 AND id <> ?2",
                    params![os, id],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(h) = holder {
                bail!(
                    "the OS user {os:?} is already bound to {h:?}; unbind them first (medcurate people bind {h} --none)"
                );
            }
        }
        tx.execute(
            "UPDATE people SET os_user = ?2 WHERE id = ?1",
            params![id, os_user],
        )?;
        log_event(
            &tx,
            actor,
            "person_bound",
            json!({"person": id, "os_user": os_user}),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Makes `account` the workspace's first maintainer, if it still has none: a person with
    /// the account's name (registered if needed). Returns their id when it did.
    pub fn add_first_maintainer(&self, account: &str) -> Result<Option<String>> {
        let tx = self
            .conn
            .transaction_unchecked(TransactionBehavior::Immediate)?;
        let any: Option<i64> = tx
            .query_row(
                "SELECT 1 FROM person_roles WHERE role = 'maintainer' LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if any.is_some() {
            return Ok(None);
        }
        let id = if crate::domain::people::check_person_id(account).is_ok() {
            account.to_string()
        } else {
            "maintainer".to_string()
        };
        tx.execute(
            "INSERT INTO people (id, name, os_user) VALUES (?1, ?2, NULL) ON CONFLICT DO NOTHING",
            params![id, account],
        )?;
        tx.execute(
            "INSERT INTO person_roles (person_id, role) VALUES (?1, 'maintainer') ON CONFLICT DO NOTHING",
            [&id],
        )?;
        tx.execute(
            "INSERT INTO events (account, actor, action, detail)
             VALUES ((SELECT account FROM temp.session), ?1, 'first_maintainer', ?2)",
            params![id, detail! {"person" => id.as_str()}],
        )?;
        tx.commit()?;
        Ok(Some(id))
    }

    /// Everyone registered, by id.
    pub fn people(&self) -> Result<Vec<Person>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.id, p.name, p.os_user, string_agg(r.role, ',')
             FROM people p LEFT JOIN person_roles r ON r.person_id = p.id
             GROUP BY p.id ORDER BY p.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, name, os_user, roles) = row?;
            let mut roles: Vec<Role> = roles
                .unwrap_or_default()
                .split(',')
                .filter_map(|r| r.parse().ok())
                .collect();
            roles.sort();
            out.push(Person {
                id,
                name,
                roles,
                os_user,
            });
        }
        Ok(out)
    }

    /// Adds and removes sub-specialties (ids, resolved by the caller) of a registered
    /// person; gives back those they hold now, sorted.
    pub fn change_specialties(
        &mut self,
        id: &str,
        add: &[String],
        remove: &[String],
        actor: &str,
    ) -> Result<Vec<String>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        require_person(&tx, id)?;
        change_specialties_tx(&tx, id, add, remove, actor)?;
        let held = specialties_of(&tx, id)?;
        tx.commit()?;
        Ok(held)
    }

    /// Each person's sub-specialties, sorted; people with none are absent.
    pub fn specialties(&self) -> Result<BTreeMap<String, Vec<String>>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT person_id, department FROM person_specialties ORDER BY person_id, department",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))?;
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for row in rows {
            let (who, dept) = row?;
            out.entry(who).or_default().push(dept);
        }
        Ok(out)
    }

    /// One person by id.
    pub fn person(&self, id: &str) -> Result<Option<Person>> {
        Ok(self.people()?.into_iter().find(|p| p.id == id))
    }
}

/// Adds, then removes, sub-specialties, logging the change when there is one.
fn change_specialties_tx(
    tx: &crate::store::db::Transaction,
    id: &str,
    add: &[String],
    remove: &[String],
    actor: &str,
) -> Result<()> {
    let mut added = Vec::new();
    let mut removed = Vec::new();
    for d in add {
        let n = tx
            .prepare_cached(
                "INSERT INTO person_specialties (person_id, department) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            )?
            .execute(params![id, d])?;
        if n > 0 {
            added.push(d.as_str());
        }
    }
    for d in remove {
        let n = tx
            .prepare_cached(
                "DELETE FROM person_specialties WHERE person_id = ?1 AND department = ?2",
            )?
            .execute(params![id, d])?;
        if n > 0 {
            removed.push(d.as_str());
        }
    }
    if !added.is_empty() || !removed.is_empty() {
        log_event(
            tx,
            actor,
            "specialties_changed",
            json!({"person": id, "added": added, "removed": removed}),
        )?;
    }
    Ok(())
}

fn specialties_of(conn: &crate::store::db::Connection, id: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT department FROM person_specialties WHERE person_id = ?1 ORDER BY department",
    )?;
    let rows = stmt.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<crate::store::db::Result<_>>()?)
}

/// Refuses unless `id` is registered.
fn require_person(conn: &crate::store::db::Connection, id: &str) -> Result<()> {
    let exists: Option<i64> = conn
        .query_row("SELECT 1 FROM people WHERE id = ?1", [id], |r| r.get(0))
        .optional()?;
    if exists.is_none() {
        bail!(
            "there is no person {id:?}; `medcurate people list` shows who is registered, and \
             `medcurate people add {id} --name NAME --role ROLE` registers them"
        );
    }
    Ok(())
}

/// Logs a change to people and roles, with the OS account of the session.
fn log_event(
    conn: &crate::store::db::Connection,
    actor: &str,
    action: &str,
    detail: serde_json::Value,
) -> Result<()> {
    conn.execute(
        "INSERT INTO events (account, actor, action, detail)
         VALUES ((SELECT account FROM temp.session), ?1, ?2, ?3)",
        params![actor, action, detail.to_string()],
    )?;
    Ok(())
}

/// Refuses unless `person` holds one of `roles`. Store APIs that show what reviewers may not
/// see (both reviews, the history of an unresolved item) check it themselves.
pub(crate) fn require_role(
    conn: &crate::store::db::Connection,
    person: &str,
    roles: &[Role],
) -> Result<()> {
    for role in roles {
        let held: Option<i64> = conn
            .prepare_cached("SELECT 1 FROM person_roles WHERE person_id = ?1 AND role = ?2")?
            .query_row(params![person, role.as_str()], |r| r.get(0))
            .optional()?;
        if held.is_some() {
            return Ok(());
        }
    }
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    bail!(
        "{person} does not have the {} role; a maintainer can grant it with \
         `medcurate people grant {person} --role {}`",
        names.join(" or "),
        names[0]
    )
}
