//! The worker's dispatch against a store stand-in.

use super::*;

/// A store stand-in for the worker: one open dispute, busy on the first submit.
struct Fake {
    submits: usize,
    saved: Option<Adjudication>,
}

impl Backend for Fake {
    fn dispute_threshold(&self) -> Result<f64> {
        Ok(0.25)
    }
    fn disputes(&self) -> Result<Vec<DisputeCount>> {
        Ok(counts())
    }
    fn my_adjudications(&self, _: &str) -> Result<Vec<MyAdjudication>> {
        Ok(Vec::new())
    }
    fn claim_dispute(&mut self, _: &str, ds: Option<&str>) -> Result<Option<DisputeAssignment>> {
        Ok((ds != Some("MACompliance")).then(|| assignment(7)))
    }
    fn open_adjudication(&mut self, _: &str, id: i64) -> Result<Option<DisputeAssignment>> {
        Ok((id == 7).then(|| assignment(7)))
    }
    fn save_adjudication_draft(&mut self, _: &str, _: i64, a: &Adjudication) -> Result<()> {
        self.saved = Some(a.clone());
        Ok(())
    }
    fn submit_adjudication(&mut self, _: &str, _: i64, _: &Adjudication) -> Result<()> {
        self.submits += 1;
        if self.submits == 1 {
            let busy = rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                None,
            );
            return Err(anyhow::Error::new(busy).context("submitting"));
        }
        Ok(())
    }
    fn release_adjudication(&mut self, _: &str, _: i64) -> Result<()> {
        anyhow::bail!("there is no claim of yours to give back (adjudication 7)")
    }
    fn discard_adjudication_change(&mut self, _: &str, id: i64) -> Result<DisputeAssignment> {
        anyhow::bail!("adjudication {id} is not yours")
    }
    fn find_disputes(
        &self,
        _: &str,
        _: &crate::domain::find::Query,
    ) -> Result<crate::store::Found<crate::store::FoundDispute>> {
        anyhow::bail!("the database is locked")
    }
    fn claim_this_dispute(&mut self, _: &str, _: i64) -> Result<Option<DisputeAssignment>> {
        Ok(None)
    }
}

#[test]
fn the_worker_answers_each_command_and_never_shows_sqlite_busy() {
    let mut fake = Fake {
        submits: 0,
        saved: None,
    };
    assert!(matches!(
        worker::handle(&mut fake, "dr-a", Command::Overview),
        Reply::Overview { threshold, counts } if threshold == 0.25 && counts.len() == 2
    ));
    assert!(matches!(
        worker::handle(&mut fake, "dr-a", Command::ClaimNext(None)),
        Reply::Loaded(a) if a.adjudication_id == 7
    ));
    assert_eq!(
        worker::handle(
            &mut fake,
            "dr-a",
            Command::ClaimNext(Some("MACompliance".into()))
        ),
        Reply::NothingLeft(Some("MACompliance".into()))
    );
    assert!(matches!(
        worker::handle(&mut fake, "dr-a", Command::Open(9)),
        Reply::Failed(Job::Open, m) if m.contains("not one of yours")
    ));
    let a = Adjudication::blank(4);
    assert_eq!(
        worker::handle(&mut fake, "dr-a", Command::SaveDraft(7, a.clone())),
        Reply::Saved(7)
    );
    assert_eq!(fake.saved, Some(a.clone()));
    match worker::handle(&mut fake, "dr-a", Command::Submit(7, a.clone())) {
        Reply::Failed(Job::Submit, m) => {
            assert!(m.contains("busy with another writer"), "{m}");
            assert!(!m.contains("SQLITE") && !m.contains("locked"), "{m}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        worker::handle(&mut fake, "dr-a", Command::Submit(7, a)),
        Reply::Submitted(7)
    );
    assert!(matches!(
        worker::handle(&mut fake, "dr-a", Command::Release(7)),
        Reply::Failed(Job::Release, m) if m.contains("no claim of yours")
    ));
}
