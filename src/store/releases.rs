//! Frozen releases: the pinned items a release is built from, and its files kept byte for
//! byte.

use super::people::require_role;
use super::samples::sample_state;
use super::{Store, clock};
use crate::domain::hash::sha256_hex;
use crate::domain::item::Difficulty;
use crate::domain::people::Role;
use crate::domain::release::{ReleaseDecision, ReleaseFile, ReleaseItem, ReleaseReview};
use crate::store::db::{OptionalExtension, TransactionBehavior, params};
use crate::store::detail::detail;
use anyhow::{Context, Result, bail};
use std::time::SystemTime;

impl Store {
    /// The items of sample `name` at their pinned revisions, with the reviews and decision
    /// behind each. Also the sampled items that are no longer accepted at that revision
    /// (revised or reopened since), as "DATASET/ID: state at revision N".
    pub fn release_items(&self, name: &str) -> Result<(Vec<ReleaseItem>, Vec<String>)> {
        let mut stmt = self.conn.prepare(
            "SELECT si.item_id, d.name, i.ext_id, si.revision_no, r.body, r.content_hash,
                    si.departments, si.difficulty, i.state, i.revision_no
             FROM sample_items si JOIN samples s ON s.id = si.sample_id
             JOIN items i ON i.id = si.item_id JOIN datasets d ON d.id = i.dataset_id
             JOIN revisions r ON r.item_id = si.item_id AND r.revision_no = si.revision_no
             WHERE s.name = ?1 ORDER BY d.name, i.ext_id",
        )?;
        let mut rows = stmt.query([name])?;
        let mut items = Vec::new();
        let mut moved = Vec::new();
        let mut reviews = self.conn.prepare_cached(
            "SELECT reviewer, submitted_at, content FROM reviews
             WHERE item_id = ?1 AND revision_no = ?2 AND status = 'submitted' ORDER BY id",
        )?;
        let mut decision = self.conn.prepare_cached(
            "SELECT curator, at FROM decisions
             WHERE item_id = ?1 AND revision_no = ?2 AND action = 'accept' ORDER BY id DESC LIMIT 1",
        )?;
        while let Some(r) = rows.next()? {
            let rowid: i64 = r.get(0)?;
            let dataset: String = r.get(1)?;
            let id: String = r.get(2)?;
            let revision_no: i64 = r.get(3)?;
            let state: String = r.get(8)?;
            let current: i64 = r.get(9)?;
            if state != "accepted" || current != revision_no {
                moved.push(format!(
                    "{dataset}/{id}: {state} at revision {current} (sampled at revision {revision_no})"
                ));
                continue;
            }
            let what = format!("{dataset}/{id}");
            let body: String = r.get(4)?;
            let departments: Option<String> = r.get(6)?;
            let difficulty: Option<String> = r.get(7)?;
            let rv: Vec<(String, Option<String>, String)> = reviews
                .query_map(params![rowid, revision_no], |x| {
                    Ok((x.get(0)?, x.get(1)?, x.get(2)?))
                })?
                .collect::<crate::store::db::Result<_>>()?;
            let mut rel_reviews = Vec::new();
            for (reviewer, at, content) in rv {
                rel_reviews.push(ReleaseReview {
                    reviewer,
                    submitted_at: at.unwrap_or_default(),
                    content: serde_json::from_str(&content)
                        .with_context(|| format!("reading a review of {what}"))?,
                });
            }
            let dec: Option<ReleaseDecision> = decision
                .query_row(params![rowid, revision_no], |x| {
                    Ok(ReleaseDecision {
                        curator: x.get(0)?,
                        at: x.get(1)?,
                    })
                })
                .optional()?;
            items.push(ReleaseItem {
                body: serde_json::from_str(&body).with_context(|| format!("reading {what}"))?,
                dataset,
                id,
                revision_no,
                content_hash: r.get(5)?,
                departments: departments
                    .map(|d| serde_json::from_str(&d))
                    .transpose()?
                    .unwrap_or_default(),
                difficulty: difficulty.as_deref().and_then(Difficulty::parse),
                reviews: rel_reviews,
                decision: dec,
            });
        }
        Ok((items, moved))
    }

    /// Freezes sample `name` as release `version` with these files, in one transaction.
    /// Refused if it is frozen already.
    pub fn freeze_release(
        &mut self,
        actor: &str,
        name: &str,
        version: &str,
        files: &[ReleaseFile],
    ) -> Result<()> {
        let now = clock::iso(SystemTime::now());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        require_role(&tx, actor, &[Role::Maintainer])?;
        let sample_id = match sample_state(&tx, name)? {
            None => bail!("there is no sample {name}; draw one with `medcurate sample`"),
            Some((_, Some(v))) => bail!(
                "{name} is already frozen as version {v}; `medcurate release export {name} --out DIR` writes it again"
            ),
            Some((id, None)) => id,
        };
        let release_id = tx
            .insert_id(
                "INSERT INTO releases (sample_id, name, version, frozen_by, frozen_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![sample_id, name, version, actor, now],
            )?
            .context("the new release has no id")?;
        for f in files {
            tx.execute(
                "INSERT INTO release_files (release_id, path, bytes, sha256) VALUES (?1, ?2, ?3, ?4)",
                params![release_id, f.path, f.bytes, sha256_hex(&f.bytes)],
            )?;
        }
        tx.execute(
            "INSERT INTO events (account, at, actor, action, detail)
             VALUES ((SELECT account FROM temp.session), ?1, ?2, 'release_frozen', ?3)",
            params![
                now,
                actor,
                detail! {"release" => name, "version" => version, "files" => files.len() as i64}
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The frozen release whose `datapackage.json` has this root digest (`sha256:HEX`), as
    /// (name, version). The digest is kept with the release: it is the stored SHA-256 of its
    /// `datapackage.json`.
    pub fn release_by_digest(&self, digest: &str) -> Result<Option<(String, String)>> {
        let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
        Ok(self
            .conn
            .query_row(
                "SELECT r.name, r.version FROM releases r
                 JOIN release_files f ON f.release_id = r.id
                 WHERE f.path = 'datapackage.json' AND f.sha256 = ?1",
                [hex],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// A frozen release's version and files, as frozen; `None` if there is no such release.
    pub fn release_files(&self, name: &str) -> Result<Option<(String, Vec<ReleaseFile>)>> {
        let Some((id, version)) = self
            .conn
            .query_row(
                "SELECT id, version FROM releases WHERE name = ?1",
                [name],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()?
        else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare(
            "SELECT path, bytes, sha256 FROM release_files WHERE release_id = ?1 ORDER BY path",
        )?;
        let mut files = Vec::new();
        let rows = stmt.query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (path, bytes, sha) = row?;
            if sha256_hex(&bytes) != sha {
                bail!(
                    "the stored file {path} of release {name} does not match its hash; the database is damaged"
                );
            }
            files.push(ReleaseFile { path, bytes });
        }
        Ok(Some((version, files)))
    }
}
