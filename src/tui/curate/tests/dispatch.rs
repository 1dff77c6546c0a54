//! The worker's dispatch against a store stand-in.

use super::*;

/// A store stand-in for the worker's dispatch.
struct Fake;

impl Backend for Fake {
    fn curation_queue(
        &self,
        _: &str,
        _: &CurationFilter,
        _: usize,
    ) -> anyhow::Result<CurationQueue> {
        Ok(queue(&["a"]))
    }
    fn dataset_names(&self) -> anyhow::Result<Vec<String>> {
        Ok(vec!["CMExam".into()])
    }
    fn curation_case(&self, _: &str, _: &str, _: &str) -> anyhow::Result<Option<CurationCase>> {
        Ok(None)
    }
    fn decide(
        &mut self,
        _: &str,
        _: &str,
        _: &str,
        _: i64,
        _: Decision,
    ) -> anyhow::Result<DecideOutcome> {
        let busy = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            None,
        );
        Err(anyhow::Error::new(busy).context("deciding"))
    }
    fn item_history(&self, _: &str, _: &str, _: &str) -> anyhow::Result<Option<ItemHistory>> {
        Ok(Some(history()))
    }
    fn agreement(&self, _: Option<&str>) -> anyhow::Result<AgreementReport> {
        anyhow::bail!("there is no dataset \"X\"")
    }
    fn coverage(
        &self,
        _: &str,
        _: Option<&str>,
    ) -> anyhow::Result<Vec<crate::domain::coverage::CoverageRow>> {
        Ok(Vec::new())
    }
    fn find_items(
        &self,
        _: &str,
        _: &crate::domain::find::Query,
    ) -> anyhow::Result<crate::store::Found<crate::store::FoundItem>> {
        anyhow::bail!("the database is locked")
    }
}

#[test]
fn the_worker_answers_each_command_and_never_says_sqlite_busy() {
    let mut f = Fake;
    let open = Command::Open {
        dataset: "CMExam".into(),
        item_id: "a".into(),
    };
    assert_eq!(
        worker::handle(&mut f, "cur", open),
        Reply::NotWaiting {
            dataset: "CMExam".into(),
            item_id: "a".into()
        }
    );
    let decide = Command::Decide {
        dataset: "CMExam".into(),
        item_id: "a".into(),
        revision_no: 1,
        decision: Decision::Discard { reason: "x".into() },
    };
    match worker::handle(&mut f, "cur", decide) {
        Reply::Failed(Job::Decide, m) => {
            assert!(m.contains("busy with another writer"), "{m}");
            assert!(!m.contains("SQLITE"), "{m}");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        worker::handle(&mut f, "cur", Command::Agreement(Some("X".into()))),
        Reply::Failed(Job::Agreement, _)
    ));
}
