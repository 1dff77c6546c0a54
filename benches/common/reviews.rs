//! Two submitted reviews of every item, written straight into the database in one transaction
//! with exactly the rows and columns `submit_review` writes, and the SQL checks that the result
//! is what the application would have left. Through the API, 700,000 claims and submissions
//! would take many minutes.
//!
//! Every item gets two reviews of its current revision: mostly from an annotator and one of
//! their usual partners (the next `TEAM` annotators), one pair in five from any two annotators,
//! the items taken in a shuffled order across the datasets and submitted over `SPAN_DAYS` days.
//! A [`Mix`] says how often the reviewers disagree; the outcome and reasons are computed by
//! `medcurate::domain::workflow::settle_pair` as the store does.

use super::{REVIEWERS, reviewer};
use medcurate::domain::departments::{NO_DEPARTMENT, taxonomy};
use medcurate::domain::item::ItemBody;
use medcurate::domain::review::{Criterion, ReviewContent, Verdict, applicable};
use medcurate::domain::workflow::{ReviewPairOutcome, settle_pair};
use medcurate::synth::SplitMix64;
use rusqlite::{Connection, Transaction, params};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, SystemTime};

/// Each annotator's usual partners: the next `TEAM` annotators.
const TEAM: usize = 14;
const SPAN_DAYS: u64 = 60;

/// How often a pair of reviewers disagrees, per mille of pairs. The verdict bands exclude one
/// another: one criterion differs, two differ, both fail one, both fail one and differ on
/// another; the rest agree on every criterion (both pass). Independently of them, the
/// department sets differ, and a reviewer proposes a correction.
#[derive(Debug, Clone, Copy)]
pub struct Mix {
    pub one_disagrees: usize,
    pub two_disagree: usize,
    pub both_fail: usize,
    pub both_fail_and_disagree: usize,
    pub departments_differ: usize,
    pub proposals: usize,
}

/// About three pairs in four agree and accept the item.
pub const THREE_IN_FOUR_AGREE: Mix = Mix {
    one_disagrees: 110,
    two_disagree: 25,
    both_fail: 25,
    both_fail_and_disagree: 17,
    departments_differ: 70,
    proposals: 20,
};

/// A connection for writing a setup straight into `db`: it waits for a lock, syncs less often
/// and caches more than the application's, the database being the same.
pub fn open_for_setup(db: &Path) -> Connection {
    let conn = Connection::open(db).unwrap();
    conn.busy_timeout(Duration::from_secs(30)).unwrap();
    conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
    // Only this connection's cache: the setup writes faster, the database is the same.
    conn.pragma_update(None, "cache_size", -262_144).unwrap();
    conn
}

/// A complete review passing every criterion that applies, with these departments.
pub fn passing(body: &ItemBody, departments: &[&str]) -> ReviewContent {
    let mut r = ReviewContent::default();
    for c in applicable(body) {
        r.verdicts.insert(c, Verdict::Pass);
    }
    r.departments = departments.iter().map(|d| d.to_string()).collect();
    r
}

/// `reviews.verdict_bits` as the store encodes it: bit k, criterion k judged; bit k + 8, passed.
fn verdict_bits(content: &ReviewContent) -> i64 {
    let mut bits = 0;
    for (k, c) in Criterion::ALL.iter().enumerate() {
        match content.verdicts.get(c) {
            Some(Verdict::Pass) => bits |= (1 << k) | (1 << (k + 8)),
            Some(Verdict::Fail { .. }) => bits |= 1 << k,
            None => {}
        }
    }
    bits
}

/// A department set as the store encodes it: sorted, unique, `,a,b,` (`,,` for none).
fn department_set<'a>(ids: impl Iterator<Item = &'a String>) -> String {
    let set: BTreeSet<&str> = ids.map(String::as_str).collect();
    if set.is_empty() {
        return ",,".to_string();
    }
    set.iter().fold(",".to_string(), |s, d| s + d + ",")
}

const REASONS: [&str; 4] = [
    "The stem contradicts the lab values given.",
    "答案与指南推荐不符。",
    "Two options are both defensible.",
    "题干信息不足以得出结论。",
];

/// Departments a review chooses: one to three sub-specialties (the catalogue's first ones more
/// often), or no department for one review in ten.
fn pick_departments(rng: &mut SplitMix64, ids: &[&str]) -> Vec<String> {
    if rng.below(10) == 0 {
        return vec![NO_DEPARTMENT.to_string()];
    }
    let mut out: Vec<String> = Vec::new();
    for _ in 0..1 + rng.below(3) {
        let id = ids[rng.below(ids.len()).min(rng.below(ids.len()))];
        if !out.iter().any(|d| d == id) {
            out.push(id.to_string());
        }
    }
    out
}

/// The other reviewer's departments when they differ: one changed, or one added.
fn differ(rng: &mut SplitMix64, ids: &[&str], mine: &[String]) -> Vec<String> {
    let mut out: Vec<String> = mine
        .iter()
        .filter(|d| *d != NO_DEPARTMENT)
        .cloned()
        .collect();
    let fresh = loop {
        let id = ids[rng.below(ids.len())];
        if !mine.iter().any(|d| d == id) {
            break id.to_string();
        }
    };
    if out.is_empty() || out.len() < 3 && rng.below(2) == 0 {
        out.push(fresh);
    } else {
        let last = out.len() - 1;
        out[last] = fresh;
    }
    out
}

fn fail(r: &mut ReviewContent, c: Criterion, rng: &mut SplitMix64) {
    let reason = REASONS[rng.below(REASONS.len())].to_string();
    r.verdicts.insert(c, Verdict::Fail { reason });
}

/// Two distinct criteria of `crit`.
fn two(rng: &mut SplitMix64, crit: &[Criterion]) -> (Criterion, Criterion) {
    let i = rng.below(crit.len());
    let j = (i + 1 + rng.below(crit.len() - 1)) % crit.len();
    (crit[i], crit[j])
}

/// Writes two submitted reviews of every item in `db`, as described at the top, in one
/// transaction; returns how many items were accepted and how many await a curator, and the
/// number of distinct reviewer pairs.
pub fn write_reviews(db: &Path, mix: &Mix) -> Value {
    let mut conn = open_for_setup(db);
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();

    // What the outcome depends on is which criteria apply (kind, and for open-ended items
    // whether there is a reference answer): keep one body per such set, not every body.
    let mut items: Vec<(i64, i64, u8)> = Vec::new();
    let mut bodies: BTreeMap<u8, ItemBody> = BTreeMap::new();
    {
        let mut stmt = tx
            .prepare(
                "SELECT i.id, i.revision_no, v.body FROM items i
                 JOIN revisions v ON v.item_id = i.id AND v.revision_no = i.revision_no
                 ORDER BY i.id",
            )
            .unwrap();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let body: ItemBody = serde_json::from_str(r.get_ref(2).unwrap().as_str().unwrap())
                .expect("a stored item body");
            let mask = Criterion::ALL
                .iter()
                .enumerate()
                .filter(|(_, c)| c.applies_to(&body))
                .fold(0u8, |m, (k, _)| m | 1 << k);
            items.push((r.get(0).unwrap(), r.get(1).unwrap(), mask));
            bodies.entry(mask).or_insert(body);
        }
    }
    let mut rng = SplitMix64::new(7);
    // Reviewers work through the datasets side by side, not one file after another.
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
    let departments: Vec<&str> = taxonomy()
        .sub_specialties()
        .map(|(_, d)| d.id.as_str())
        .collect();

    let now = SystemTime::now();
    let start = now - Duration::from_secs(SPAN_DAYS * 86_400);
    let latest = now - Duration::from_secs(60);
    let iso = medcurate::store::clock::iso;
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut pairs: BTreeSet<(usize, usize)> = BTreeSet::new();
    for (p, &(item, revision_no, mask)) in items.iter().enumerate() {
        let body = &bodies[&mask];
        let crit = applicable(body);
        let a_who = rng.below(REVIEWERS);
        let b_who = if rng.below(5) == 0 {
            (a_who + 1 + rng.below(REVIEWERS - 1)) % REVIEWERS
        } else {
            (a_who + 1 + rng.below(TEAM)) % REVIEWERS
        };
        pairs.insert((a_who.min(b_who), a_who.max(b_who)));

        let mut a = ReviewContent::default();
        for &c in &crit {
            a.verdicts.insert(c, Verdict::Pass);
        }
        a.departments = pick_departments(&mut rng, &departments);
        let mut b = a.clone();
        let band = rng.below(1000);
        if band < mix.one_disagrees {
            let c = crit[rng.below(crit.len())];
            let who = if rng.below(2) == 0 { &mut a } else { &mut b };
            fail(who, c, &mut rng);
        } else if band < mix.one_disagrees + mix.two_disagree {
            let (c1, c2) = two(&mut rng, &crit);
            fail(&mut a, c1, &mut rng);
            let who = if rng.below(2) == 0 { &mut a } else { &mut b };
            fail(who, c2, &mut rng);
        } else if band < mix.one_disagrees + mix.two_disagree + mix.both_fail {
            let c = crit[rng.below(crit.len())];
            fail(&mut a, c, &mut rng);
            fail(&mut b, c, &mut rng);
        } else if band
            < mix.one_disagrees + mix.two_disagree + mix.both_fail + mix.both_fail_and_disagree
        {
            let (c1, c2) = two(&mut rng, &crit);
            fail(&mut a, c1, &mut rng);
            fail(&mut b, c1, &mut rng);
            let who = if rng.below(2) == 0 { &mut a } else { &mut b };
            fail(who, c2, &mut rng);
        }
        if rng.below(1000) < mix.departments_differ {
            b.departments = differ(&mut rng, &departments, &a.departments);
        }
        if rng.below(1000) < mix.proposals {
            let text: String = tx
                .prepare_cached(
                    "SELECT body FROM revisions WHERE item_id = ?1 AND revision_no = ?2",
                )
                .unwrap()
                .query_row(params![item, revision_no], |r| r.get(0))
                .unwrap();
            // A reviewer who would grade the item differently proposes it so.
            let mut proposed: Value = serde_json::from_str(&text).unwrap();
            let harder = proposed["difficulty"] != "hard";
            proposed["difficulty"] = json!(if harder { "hard" } else { "medium" });
            let who = if rng.below(2) == 0 { &mut a } else { &mut b };
            who.proposal = Some(serde_json::to_string_pretty(&proposed).unwrap());
        }
        for r in [&mut a, &mut b] {
            if rng.below(25) == 0 {
                r.comment = Some("请核对参考文献。".to_string());
            }
            assert!(r.problems(body).is_empty(), "{:?}", r.problems(body));
        }

        // First submission spread evenly over the span, the partner's within two days after.
        let t1 = start
            + Duration::from_secs(p as u64 * SPAN_DAYS * 86_400 / items.len() as u64)
            + Duration::from_secs(rng.below(3600) as u64);
        let t2 = (t1 + Duration::from_secs(60 + rng.below(2 * 86_400) as u64)).min(latest);
        let t1 = t1.min(t2 - Duration::from_secs(1));
        for (who, content, done) in [(a_who, &a, t1), (b_who, &b, t2)] {
            let claimed = done - Duration::from_secs(120 + rng.below(1500) as u64);
            submitted(
                &tx,
                item,
                revision_no,
                &reviewer(who),
                content,
                body,
                &iso(claimed),
                &iso(done),
            );
        }
        let outcome = settle(&tx, item, revision_no, body, &a, &b, &iso(t2));
        *counts.entry(outcome).or_default() += 1;
    }
    tx.commit().unwrap();
    let mut out = json!(counts);
    out["reviewer_pairs"] = json!(pairs.len());
    out
}

/// A review claimed at `claimed` and submitted at `done`: the row and events `claim_next` and
/// `submit_review` leave.
#[allow(clippy::too_many_arguments)]
fn submitted(
    tx: &Transaction,
    item: i64,
    revision_no: i64,
    who: &str,
    content: &ReviewContent,
    body: &ItemBody,
    claimed: &str,
    done: &str,
) {
    tx.prepare_cached(
        "INSERT INTO reviews (item_id, revision_no, reviewer, status, content, passed,
                              claimed_at, lease_expires_at, updated_at, submitted_at,
                              verdict_bits, department_set)
         VALUES (?1, ?2, ?3, 'submitted', ?4, ?5, ?6, NULL, ?7, ?7, ?8, ?9)",
    )
    .unwrap()
    .execute(params![
        item,
        revision_no,
        who,
        serde_json::to_string(content).unwrap(),
        content.passes(body),
        claimed,
        done,
        verdict_bits(content),
        department_set(content.departments.iter())
    ])
    .unwrap();
    let id = tx.last_insert_rowid();
    tx.prepare_cached(
        "INSERT INTO events (at, actor, action, item_id, revision_no, detail)
         VALUES (?1, ?2, 'review_claimed', ?3, ?4, json_object('review_id', ?5))",
    )
    .unwrap()
    .execute(params![claimed, who, item, revision_no, id])
    .unwrap();
    tx.prepare_cached(
        "INSERT INTO events (at, actor, action, item_id, revision_no, detail)
         VALUES (?1, ?2, 'review_submitted', ?3, ?4,
                 json_object('review_id', ?5, 'passed', json(?6)))",
    )
    .unwrap()
    .execute(params![
        done,
        who,
        item,
        revision_no,
        id,
        if content.passes(body) {
            "true"
        } else {
            "false"
        }
    ])
    .unwrap();
}

/// Settles the item on its two reviews as `submit_review` does on the second one; returns the
/// state.
#[allow(clippy::too_many_arguments)]
fn settle(
    tx: &Transaction,
    item: i64,
    revision_no: i64,
    body: &ItemBody,
    a: &ReviewContent,
    b: &ReviewContent,
    now: &str,
) -> String {
    let settled = settle_pair(body, a, b);
    let (state, departments, reasons) = match &settled {
        ReviewPairOutcome::Accepted => {
            let mut d = a.departments.clone();
            d.sort();
            d.dedup();
            let d = serde_json::to_string(&d).unwrap();
            ("accepted", Some(d), Vec::new())
        }
        ReviewPairOutcome::NeedsCuration(r) => (
            "needs_curation",
            None,
            r.iter().map(|x| x.to_string()).collect::<Vec<_>>(),
        ),
    };
    tx.prepare_cached(
        "UPDATE items SET active_reviews = 2, state = ?2, departments = ?3 WHERE id = ?1",
    )
    .unwrap()
    .execute(params![item, state, departments])
    .unwrap();
    let reasons_json = serde_json::to_string(&reasons).unwrap();
    if let ReviewPairOutcome::NeedsCuration(r) = &settled {
        let has = |id: &str| r.iter().any(|x| x.id() == id);
        tx.prepare_cached(
            "INSERT OR REPLACE INTO curation (item_id, dataset_id, revision_no, reasons,
                 criteria_disagree, both_failed, departments_disagree, correction_proposed,
                 department_set, since)
             SELECT id, dataset_id, revision_no, ?2, ?3, ?4, ?5, ?6, ?7, ?8 FROM items WHERE id = ?1",
        )
        .unwrap()
        .execute(params![
            item,
            reasons_json,
            has("criteria_disagree"),
            has("both_failed"),
            has("departments_disagree"),
            has("correction_proposed"),
            department_set(a.departments.iter().chain(&b.departments)),
            now
        ])
        .unwrap();
    }
    tx.prepare_cached(
        "INSERT INTO events (at, actor, action, item_id, revision_no, detail)
         VALUES (?1, 'medcurate', 'item_settled', ?2, ?3,
                 json_object('state', ?4, 'reasons', json(?5)))",
    )
    .unwrap()
    .execute(params![now, item, revision_no, state, reasons_json])
    .unwrap();
    state.to_string()
}

/// Asserts that the `n` items of `db` and their reviews are what the application would have
/// written.
pub fn check(db: &Path, n: usize) {
    let conn = Connection::open(db).unwrap();
    let count = |what: &str, sql: &str| -> i64 {
        conn.query_row(sql, [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{what}: {e}"))
    };
    let none = |what: &str, sql: &str| assert_eq!(count(what, sql), 0, "{what}");
    assert_eq!(count("items", "SELECT count(*) FROM items"), n as i64);
    none(
        "items without exactly two submitted reviews of their current revision",
        "SELECT count(*) FROM items i WHERE 2 != (SELECT count(*) FROM reviews r
           WHERE r.item_id = i.id AND r.revision_no = i.revision_no AND r.status = 'submitted')",
    );
    none(
        "items not settled, or whose active_reviews or solo_reviewer is off",
        "SELECT count(*) FROM items WHERE active_reviews != 2 OR solo_reviewer IS NOT NULL
           OR NOT (state = 'accepted' OR state = 'needs_curation')",
    );
    none(
        "accepted items without final departments, or items in curation with them",
        "SELECT count(*) FROM items WHERE (state = 'accepted') != (departments IS NOT NULL)",
    );
    assert_eq!(
        count("curation rows", "SELECT count(*) FROM curation"),
        count(
            "items awaiting curation",
            "SELECT count(*) FROM items WHERE state = 'needs_curation'"
        ),
        "one curation row per item awaiting a curator"
    );
    none(
        "curation rows of items not awaiting curation, or of another dataset or revision",
        "SELECT count(*) FROM curation c JOIN items i ON i.id = c.item_id
         WHERE i.state != 'needs_curation' OR i.dataset_id != c.dataset_id
            OR i.revision_no != c.revision_no",
    );
    // The flags, as migration 5 derives them from the reasons.
    none(
        "curation flags that disagree with the reasons",
        "SELECT count(*) FROM curation WHERE reasons = '[]'
            OR criteria_disagree != (reasons LIKE '%criteria_disagree%')
            OR both_failed != (reasons LIKE '%both_failed%')
            OR departments_disagree != (reasons LIKE '%departments_disagree%')
            OR correction_proposed != (reasons LIKE '%correction_proposed%')",
    );
    none(
        "items whose item_settled event is missing or names another state",
        "SELECT count(*) FROM items i WHERE 1 != (SELECT count(*) FROM events e
           WHERE e.item_id = i.id AND e.action = 'item_settled'
             AND e.detail ->> '$.state' = i.state)",
    );
    assert_eq!(
        count(
            "review events",
            "SELECT count(*) FROM events
             WHERE action = 'review_claimed' OR action = 'review_submitted'"
        ),
        4 * n as i64
    );
    // verdict_bits, department_set and passed as migration 5 derives them from the JSON: all
    // of them (a few seconds).
    none(
        "reviews whose verdict_bits, department_set or passed disagree with their content",
        "SELECT count(*) FROM reviews WHERE status = 'submitted' AND (verdict_bits !=
            (CASE json_extract(content, '$.verdicts.natural_plausible.verdict')
                WHEN 'pass' THEN 257 WHEN 'fail' THEN 1 ELSE 0 END)
          + (CASE json_extract(content, '$.verdicts.clinical_validity.verdict')
                WHEN 'pass' THEN 514 WHEN 'fail' THEN 2 ELSE 0 END)
          + (CASE json_extract(content, '$.verdicts.answer_correctness.verdict')
                WHEN 'pass' THEN 1028 WHEN 'fail' THEN 4 ELSE 0 END)
          + (CASE json_extract(content, '$.verdicts.distractor_plausibility.verdict')
                WHEN 'pass' THEN 2056 WHEN 'fail' THEN 8 ELSE 0 END)
          + (CASE json_extract(content, '$.verdicts.rubric_match.verdict')
                WHEN 'pass' THEN 4112 WHEN 'fail' THEN 16 ELSE 0 END)
          OR department_set != ',' || coalesce((SELECT group_concat(value, ',') FROM
                (SELECT value FROM json_each(reviews.content, '$.departments') ORDER BY value)), '')
                || ','
          OR passed != ((verdict_bits >> 8) = (verdict_bits & 31)))",
    );
    // A curation row's departments: every department either reviewer chose (a sample).
    none(
        "curation rows whose department_set is not the union of the two reviews'",
        "SELECT count(*) FROM curation c WHERE c.item_id % 7 = 0 AND c.department_set !=
            ',' || coalesce((SELECT group_concat(d, ',') FROM (SELECT DISTINCT j.value AS d
                FROM reviews r, json_each(r.content, '$.departments') j
                WHERE r.item_id = c.item_id AND r.revision_no = c.revision_no
                  AND r.status = 'submitted' ORDER BY d)), '') || ','",
    );
}
