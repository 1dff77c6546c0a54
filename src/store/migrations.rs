//! Schema migrations: an append-only list, applied in one transaction, tracked by
//! `PRAGMA user_version`. Never edit or reorder a shipped migration; add a new one.

use anyhow::Result;
use rusqlite::{Connection, TransactionBehavior};
use std::fmt;

const MIGRATIONS: &[&str] = &[
    // 1: people, datasets, items and their revisions, imports, the event log.
    r#"
CREATE TABLE people (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    os_user     TEXT UNIQUE,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE TABLE person_roles (
    person_id   TEXT NOT NULL REFERENCES people(id),
    role        TEXT NOT NULL CHECK (role IN ('annotator', 'curator', 'maintainer')),
    PRIMARY KEY (person_id, role)
) STRICT, WITHOUT ROWID;

CREATE TABLE datasets (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('mcq', 'open_ended', 'extraction')),
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    actor       TEXT NOT NULL,
    format      TEXT NOT NULL,
    files       TEXT NOT NULL,
    at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

-- CHECKs on the hot insert path are written with OR: SQLite builds a scratch table for a
-- constant IN list of more than two values on every statement run.
CREATE TABLE items (
    id          INTEGER PRIMARY KEY,
    dataset_id  INTEGER NOT NULL REFERENCES datasets(id),
    ext_id      TEXT NOT NULL,
    kind        TEXT NOT NULL
                CHECK (kind = 'mcq' OR kind = 'open_ended' OR kind = 'extraction'),
    state       TEXT NOT NULL DEFAULT 'in_review'
                CHECK (state = 'in_review' OR state = 'needs_curation'
                       OR state = 'accepted' OR state = 'discarded'),
    revision_no INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (dataset_id, ext_id)
) STRICT;

CREATE TABLE revisions (
    item_id      INTEGER NOT NULL REFERENCES items(id),
    revision_no  INTEGER NOT NULL CHECK (revision_no >= 1),
    body         TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    -- Where the revision came from: an import (which file of it, which line) or a person.
    import_id    INTEGER REFERENCES imports(id),
    import_file  INTEGER,
    import_line  INTEGER,
    author       TEXT,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (item_id, revision_no)
) STRICT;

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    item_id     INTEGER REFERENCES items(id),
    revision_no INTEGER,
    detail      TEXT
) STRICT;
CREATE INDEX events_by_item ON events (item_id) WHERE item_id IS NOT NULL;

-- Revisions and events are history: nothing rewrites or removes them.
CREATE TRIGGER revisions_append_only_update BEFORE UPDATE ON revisions
BEGIN SELECT RAISE(ABORT, 'revisions are append-only'); END;
CREATE TRIGGER revisions_append_only_delete BEFORE DELETE ON revisions
BEGIN SELECT RAISE(ABORT, 'revisions are append-only'); END;
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
"#,
    // 2: each item's difficulty as a column, for sampling and status without parsing
    // every revision; filled from the current revision of items already stored.
    r#"
ALTER TABLE items ADD COLUMN difficulty TEXT
    CHECK (difficulty = 'easy' OR difficulty = 'medium' OR difficulty = 'hard');
UPDATE items SET difficulty = (
    SELECT json_extract(r.body, '$.difficulty') FROM revisions r
    WHERE r.item_id = items.id AND r.revision_no = items.revision_no
);
-- Status and sampling count items by state and difficulty from this index alone.
CREATE INDEX items_by_state ON items (dataset_id, state, difficulty);
"#,
    // 3: dual review. A review row is a reviewer's claim on one revision of an item, then
    // their draft, then their submitted review. `items.active_reviews` counts the claims still
    // in force and the submitted reviews of the current revision, so the queue is an index scan.
    r#"
CREATE TABLE settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL
) STRICT;

CREATE TABLE reviews (
    id               INTEGER PRIMARY KEY,
    item_id          INTEGER NOT NULL REFERENCES items(id),
    revision_no      INTEGER NOT NULL,
    reviewer         TEXT NOT NULL REFERENCES people(id),
    status           TEXT NOT NULL
                     CHECK (status = 'claimed' OR status = 'submitted'
                            OR status = 'released' OR status = 'expired'),
    content          TEXT NOT NULL DEFAULT '{}',
    passed           INTEGER CHECK (passed = 0 OR passed = 1),
    claimed_at       TEXT NOT NULL,
    lease_expires_at TEXT,
    updated_at       TEXT NOT NULL,
    submitted_at     TEXT,
    UNIQUE (item_id, revision_no, reviewer)
) STRICT;
CREATE INDEX reviews_by_reviewer ON reviews (reviewer, status);
CREATE INDEX reviews_open_leases ON reviews (lease_expires_at) WHERE status = 'claimed';

ALTER TABLE items ADD COLUMN active_reviews INTEGER NOT NULL DEFAULT 0;
CREATE INDEX items_review_queue ON items (active_reviews DESC, id)
    WHERE state = 'in_review' AND active_reviews < 2;
CREATE INDEX items_review_queue_by_dataset ON items (dataset_id, active_reviews DESC, id)
    WHERE state = 'in_review' AND active_reviews < 2;
"#,
    // 4: the reviewer of an item's one review in force, so the queue skips a
    // reviewer's own waiting items from the index alone.
    r#"
ALTER TABLE items ADD COLUMN solo_reviewer TEXT;
UPDATE items SET solo_reviewer = (
    SELECT CASE WHEN count(*) = 1 THEN min(r.reviewer) END FROM reviews r
    WHERE r.item_id = items.id AND r.revision_no = items.revision_no
      AND (r.status = 'claimed' OR r.status = 'submitted'))
WHERE active_reviews = 1;
CREATE TRIGGER reviews_solo_insert AFTER INSERT ON reviews BEGIN
    UPDATE items SET solo_reviewer = (
        SELECT CASE WHEN count(*) = 1 THEN min(r.reviewer) END FROM reviews r
        WHERE r.item_id = items.id AND r.revision_no = items.revision_no
          AND (r.status = 'claimed' OR r.status = 'submitted'))
    WHERE id = NEW.item_id;
END;
CREATE TRIGGER reviews_solo_status AFTER UPDATE OF status ON reviews BEGIN
    UPDATE items SET solo_reviewer = (
        SELECT CASE WHEN count(*) = 1 THEN min(r.reviewer) END FROM reviews r
        WHERE r.item_id = items.id AND r.revision_no = items.revision_no
          AND (r.status = 'claimed' OR r.status = 'submitted'))
    WHERE id = NEW.item_id;
END;
CREATE TRIGGER items_solo_revision AFTER UPDATE OF revision_no ON items BEGIN
    UPDATE items SET solo_reviewer = NULL WHERE id = NEW.id;
END;
DROP INDEX items_review_queue;
DROP INDEX items_review_queue_by_dataset;
CREATE INDEX items_review_queue ON items (active_reviews DESC, id, revision_no, state, solo_reviewer)
    WHERE state = 'in_review' AND active_reviews < 2;
CREATE INDEX items_review_queue_by_dataset
    ON items (dataset_id, active_reviews DESC, id, revision_no, state, solo_reviewer)
    WHERE state = 'in_review' AND active_reviews < 2;
"#,
    // 5: curation. Verdicts and departments of submitted reviews as columns (agreement reads
    // them without parsing JSON); the curation queue with its reasons as flags; curators'
    // decisions (append-only); each accepted item's final departments; and whether a revised
    // item must go to reviewers other than its earlier ones.
    r#"
-- Bit k: criterion k (natural_plausible, clinical_validity, answer_correctness,
-- distractor_plausibility, rubric_match) was judged; bit k + 8: it passed.
ALTER TABLE reviews ADD COLUMN verdict_bits INTEGER;
-- The chosen departments as ',a,b,' (sorted ids), so a filter is one LIKE.
ALTER TABLE reviews ADD COLUMN department_set TEXT;
UPDATE reviews SET
    verdict_bits =
        (CASE json_extract(content, '$.verdicts.natural_plausible.verdict')
            WHEN 'pass' THEN 257 WHEN 'fail' THEN 1 ELSE 0 END)
      + (CASE json_extract(content, '$.verdicts.clinical_validity.verdict')
            WHEN 'pass' THEN 514 WHEN 'fail' THEN 2 ELSE 0 END)
      + (CASE json_extract(content, '$.verdicts.answer_correctness.verdict')
            WHEN 'pass' THEN 1028 WHEN 'fail' THEN 4 ELSE 0 END)
      + (CASE json_extract(content, '$.verdicts.distractor_plausibility.verdict')
            WHEN 'pass' THEN 2056 WHEN 'fail' THEN 8 ELSE 0 END)
      + (CASE json_extract(content, '$.verdicts.rubric_match.verdict')
            WHEN 'pass' THEN 4112 WHEN 'fail' THEN 16 ELSE 0 END),
    department_set = ',' || coalesce((SELECT group_concat(value, ',') FROM
        (SELECT value FROM json_each(reviews.content, '$.departments') ORDER BY value)), '')
        || ','
WHERE status = 'submitted';
-- Agreement reads pairs of submitted reviews from this index alone, in item order.
CREATE INDEX reviews_submitted_pairs
    ON reviews (item_id, revision_no, id, reviewer, verdict_bits, department_set, submitted_at)
    WHERE status = 'submitted';

ALTER TABLE items ADD COLUMN departments TEXT;
ALTER TABLE items ADD COLUMN fresh_eyes INTEGER NOT NULL DEFAULT 0;
UPDATE items SET departments = (
    SELECT (SELECT json_group_array(value) FROM
               (SELECT DISTINCT value FROM json_each(r.content, '$.departments') ORDER BY value))
    FROM reviews r
    WHERE r.item_id = items.id AND r.revision_no = items.revision_no AND r.status = 'submitted'
    ORDER BY r.id LIMIT 1)
WHERE state = 'accepted';

CREATE TABLE curation (
    item_id              INTEGER PRIMARY KEY REFERENCES items(id),
    dataset_id           INTEGER NOT NULL REFERENCES datasets(id),
    revision_no          INTEGER NOT NULL,
    -- The reasons as the item_settled event gives them, e.g. "criteria_disagree:clinical_validity".
    reasons              TEXT NOT NULL,
    criteria_disagree    INTEGER NOT NULL,
    both_failed          INTEGER NOT NULL,
    departments_disagree INTEGER NOT NULL,
    correction_proposed  INTEGER NOT NULL,
    -- Every department either reviewer chose, as ',a,b,'.
    department_set       TEXT NOT NULL,
    since                TEXT NOT NULL
) STRICT;
CREATE INDEX curation_by_dataset ON curation (dataset_id, item_id);
INSERT INTO curation
SELECT i.id, i.dataset_id, i.revision_no, e.detail ->> '$.reasons',
       e.detail ->> '$.reasons' LIKE '%criteria_disagree%',
       e.detail ->> '$.reasons' LIKE '%both_failed%',
       e.detail ->> '$.reasons' LIKE '%departments_disagree%',
       e.detail ->> '$.reasons' LIKE '%correction_proposed%',
       ',' || coalesce((SELECT group_concat(d, ',') FROM (SELECT DISTINCT j.value AS d
            FROM reviews r, json_each(r.content, '$.departments') j
            WHERE r.item_id = i.id AND r.revision_no = i.revision_no AND r.status = 'submitted'
            ORDER BY d)), '') || ',',
       e.at
FROM items i JOIN events e ON e.id = (
    SELECT max(id) FROM events WHERE item_id = i.id AND action = 'item_settled')
WHERE i.state = 'needs_curation';

CREATE TABLE decisions (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER NOT NULL REFERENCES items(id),
    revision_no INTEGER NOT NULL,
    curator     TEXT NOT NULL REFERENCES people(id),
    action      TEXT NOT NULL CHECK (action IN ('accept', 'revise', 'discard')),
    -- accept: the final departments (JSON array); revise: the new revision's number.
    departments TEXT,
    new_revision INTEGER,
    reason      TEXT,
    at          TEXT NOT NULL
) STRICT;
CREATE INDEX decisions_by_item ON decisions (item_id);
CREATE TRIGGER decisions_append_only_update BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
CREATE TRIGGER decisions_append_only_delete BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;

-- Leaving curation (by a decision or a new revision) takes the item out of the queue; a new
-- revision clears the final departments until it is accepted again.
CREATE TRIGGER items_leave_curation AFTER UPDATE OF state ON items
WHEN NEW.state <> 'needs_curation' BEGIN
    DELETE FROM curation WHERE item_id = NEW.id;
END;
CREATE TRIGGER items_revision_resets AFTER UPDATE OF revision_no ON items BEGIN
    UPDATE items SET departments = NULL, fresh_eyes = 0 WHERE id = NEW.id;
END;
-- The claim reads fresh_eyes too: keep the queue indexes covering.
DROP INDEX items_review_queue;
DROP INDEX items_review_queue_by_dataset;
CREATE INDEX items_review_queue
    ON items (active_reviews DESC, id, revision_no, state, solo_reviewer, fresh_eyes)
    WHERE state = 'in_review' AND active_reviews < 2;
CREATE INDEX items_review_queue_by_dataset
    ON items (dataset_id, active_reviews DESC, id, revision_no, state, solo_reviewer, fresh_eyes)
    WHERE state = 'in_review' AND active_reviews < 2;
"#,
    // 6: difficulty calibration, samples and frozen releases.
    r#"
-- One calibration model's result on one revision of an item: {"choice": [...]}, {"f1": x}
-- or {"score": x}.
CREATE TABLE calibration (
    item_id     INTEGER NOT NULL REFERENCES items(id),
    revision_no INTEGER NOT NULL,
    model       TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (item_id, revision_no, model)
) STRICT, WITHOUT ROWID;
-- Where items.difficulty came from: the import, or calibration.
ALTER TABLE items ADD COLUMN difficulty_source TEXT
    CHECK (difficulty_source = 'import' OR difficulty_source = 'calibration');
UPDATE items SET difficulty_source = 'import' WHERE difficulty IS NOT NULL;

-- A sample drawn under a plan and seed: a draft until frozen into a release.
CREATE TABLE samples (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    plan_name   TEXT NOT NULL,
    plan        TEXT NOT NULL,
    seed        INTEGER NOT NULL,
    report      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;
-- The sampled items, each pinned to the revision, difficulty, departments and stratum it
-- was drawn with.
CREATE TABLE sample_items (
    sample_id   INTEGER NOT NULL REFERENCES samples(id),
    item_id     INTEGER NOT NULL REFERENCES items(id),
    revision_no INTEGER NOT NULL,
    difficulty  TEXT,
    departments TEXT,
    stratum     TEXT NOT NULL,
    PRIMARY KEY (sample_id, item_id)
) STRICT, WITHOUT ROWID;
CREATE TABLE releases (
    id          INTEGER PRIMARY KEY,
    sample_id   INTEGER NOT NULL UNIQUE REFERENCES samples(id),
    name        TEXT NOT NULL UNIQUE,
    version     TEXT NOT NULL,
    frozen_by   TEXT NOT NULL,
    frozen_at   TEXT NOT NULL
) STRICT;
-- A release's files, byte for byte: an export writes exactly these.
CREATE TABLE release_files (
    release_id  INTEGER NOT NULL REFERENCES releases(id),
    path        TEXT NOT NULL,
    bytes       BLOB NOT NULL,
    sha256      TEXT NOT NULL,
    PRIMARY KEY (release_id, path)
) STRICT;
-- A frozen release, its files and its sample never change.
CREATE TRIGGER releases_frozen_update BEFORE UPDATE ON releases
BEGIN SELECT RAISE(ABORT, 'a frozen release never changes'); END;
CREATE TRIGGER releases_frozen_delete BEFORE DELETE ON releases
BEGIN SELECT RAISE(ABORT, 'a frozen release never changes'); END;
CREATE TRIGGER release_files_frozen_update BEFORE UPDATE ON release_files
BEGIN SELECT RAISE(ABORT, 'a frozen release never changes'); END;
CREATE TRIGGER release_files_frozen_delete BEFORE DELETE ON release_files
BEGIN SELECT RAISE(ABORT, 'a frozen release never changes'); END;
CREATE TRIGGER sample_items_frozen_delete BEFORE DELETE ON sample_items
WHEN EXISTS (SELECT 1 FROM releases WHERE sample_id = OLD.sample_id)
BEGIN SELECT RAISE(ABORT, 'the sample of a frozen release never changes'); END;
CREATE TRIGGER sample_items_frozen_update BEFORE UPDATE ON sample_items
WHEN EXISTS (SELECT 1 FROM releases WHERE sample_id = OLD.sample_id)
BEGIN SELECT RAISE(ABORT, 'the sample of a frozen release never changes'); END;
CREATE TRIGGER samples_frozen_update BEFORE UPDATE ON samples
WHEN EXISTS (SELECT 1 FROM releases WHERE sample_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'the sample of a frozen release never changes'); END;
CREATE TRIGGER samples_frozen_delete BEFORE DELETE ON samples
WHEN EXISTS (SELECT 1 FROM releases WHERE sample_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'the sample of a frozen release never changes'); END;
"#,
    // 7: model responses to open-ended items with their two AI-judge scores, and physicians'
    // adjudications of the disputed ones. `responses.taken` is 1 while an expert's claim is in
    // force or their adjudication is in, so the dispute queue is one index range.
    r#"
CREATE TABLE responses (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER NOT NULL REFERENCES items(id),
    revision_no INTEGER NOT NULL,
    model       TEXT NOT NULL,
    response    TEXT NOT NULL,
    score_a     REAL NOT NULL,
    score_b     REAL NOT NULL,
    gap         REAL NOT NULL,
    -- Both judges' scores, points met and rationales, as JSON.
    judges      TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    taken       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (item_id, model)
) STRICT;
CREATE INDEX responses_open ON responses (gap DESC, id) WHERE taken = 0;
CREATE TABLE adjudications (
    id               INTEGER PRIMARY KEY,
    response_id      INTEGER NOT NULL REFERENCES responses(id),
    expert           TEXT NOT NULL REFERENCES people(id),
    status           TEXT NOT NULL
                     CHECK (status = 'claimed' OR status = 'submitted'
                            OR status = 'released' OR status = 'expired'),
    content          TEXT NOT NULL DEFAULT '{}',
    claimed_at       TEXT NOT NULL,
    lease_expires_at TEXT,
    updated_at       TEXT NOT NULL,
    submitted_at     TEXT,
    UNIQUE (response_id, expert)
) STRICT;
CREATE INDEX adjudications_by_expert ON adjudications (expert, status);
CREATE INDEX adjudications_open_leases ON adjudications (lease_expires_at) WHERE status = 'claimed';
CREATE INDEX adjudications_by_response ON adjudications (response_id) WHERE status = 'submitted';
"#,
    // 8: the OS account behind every event, as the kernel reported it (the person acting is
    // `actor`); older events have none.
    r#"
ALTER TABLE events ADD COLUMN account TEXT;
"#,
    // 9: revision notes and reopened items. A decision may now be `reopen` (an accepted or
    // discarded item goes back to a curator, with a reason), and a revise carries the
    // curator's note for the new revision's reviewers; SQLite cannot widen a CHECK, so the
    // table is rebuilt with its rows, index and append-only triggers. The curation queue
    // gains the reason `reopened`.
    r#"
CREATE TABLE decisions_v9 (
    id          INTEGER PRIMARY KEY,
    item_id     INTEGER NOT NULL REFERENCES items(id),
    revision_no INTEGER NOT NULL,
    curator     TEXT NOT NULL REFERENCES people(id),
    action      TEXT NOT NULL CHECK (action IN ('accept', 'revise', 'discard', 'reopen')),
    -- accept: the final departments (JSON array); revise: the new revision's number.
    departments TEXT,
    new_revision INTEGER,
    -- discard and reopen: why.
    reason      TEXT,
    at          TEXT NOT NULL,
    -- revise: what changed and why, for the reviewers of the new revision.
    note        TEXT
) STRICT;
INSERT INTO decisions_v9 (id, item_id, revision_no, curator, action, departments, new_revision,
                          reason, at)
SELECT id, item_id, revision_no, curator, action, departments, new_revision, reason, at
FROM decisions;
DROP TABLE decisions;
ALTER TABLE decisions_v9 RENAME TO decisions;
CREATE INDEX decisions_by_item ON decisions (item_id, new_revision);
CREATE TRIGGER decisions_append_only_update BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
CREATE TRIGGER decisions_append_only_delete BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;

ALTER TABLE curation ADD COLUMN reopened INTEGER NOT NULL DEFAULT 0;
"#,
    // 10: a change to a submitted review or decision, kept as a draft apart from what was
    // submitted (which stays as it is) until it is submitted again or thrown away.
    r#"
ALTER TABLE reviews ADD COLUMN pending TEXT;
ALTER TABLE adjudications ADD COLUMN pending TEXT;
"#,
    // 11: the review queue's counts, kept as the data changes, so the queue reads a row per
    // dataset instead of counting every open item. `queue_open`: per dataset, the items open
    // for review (in review, fewer than two reviews in force). `queue_reviewer`: per reviewer
    // and dataset, their submitted reviews, and the open items they may not be given (they
    // have a review row of the current revision, or the revision is for fresh eyes and they
    // submitted a review of an earlier one). Triggers keep both exact under every write (but
    // the insert of an item, which the import counts): an item's change adds, for each
    // reviewer with a row of it, the difference between after and before; a review row's
    // insert, status change or delete does the same for its reviewer.
    r#"
CREATE TABLE queue_open (
    dataset_id  INTEGER PRIMARY KEY,
    items       INTEGER NOT NULL
) STRICT;
CREATE TABLE queue_reviewer (
    reviewer    TEXT NOT NULL,
    dataset_id  INTEGER NOT NULL,
    submitted   INTEGER NOT NULL,
    barred      INTEGER NOT NULL,
    PRIMARY KEY (reviewer, dataset_id)
) STRICT, WITHOUT ROWID;

INSERT INTO queue_open (dataset_id, items)
SELECT d.id, (SELECT count(*) FROM items i
              WHERE i.dataset_id = d.id AND i.state = 'in_review' AND i.active_reviews < 2)
FROM datasets d;
INSERT INTO queue_reviewer (reviewer, dataset_id, submitted, barred)
SELECT reviewer, dataset_id, sum(s), sum(b) FROM (
    SELECT r.reviewer AS reviewer, i.dataset_id AS dataset_id, 1 AS s, 0 AS b
    FROM reviews r JOIN items i ON i.id = r.item_id
    WHERE r.status = 'submitted'
    UNION ALL
    SELECT w.reviewer, i.dataset_id, 0, 1
    FROM (SELECT DISTINCT item_id, reviewer FROM reviews) w JOIN items i ON i.id = w.item_id
    WHERE i.state = 'in_review' AND i.active_reviews < 2
      AND (EXISTS (SELECT 1 FROM reviews c WHERE c.item_id = i.id
                   AND c.revision_no = i.revision_no AND c.reviewer = w.reviewer)
           OR (i.fresh_eyes = 1 AND EXISTS (SELECT 1 FROM reviews p WHERE p.item_id = i.id
                   AND p.revision_no < i.revision_no AND p.reviewer = w.reviewer
                   AND p.status = 'submitted'))))
GROUP BY reviewer, dataset_id;

CREATE TRIGGER queue_dataset_insert AFTER INSERT ON datasets BEGIN
    INSERT INTO queue_open (dataset_id, items) VALUES (NEW.id, 0);
END;
-- New items are counted by the import that adds them (`ImportWriter`), once per import: a
-- trigger on every inserted row would slow an import by a fifth.
CREATE TRIGGER queue_item_delete AFTER DELETE ON items
WHEN OLD.state = 'in_review' AND OLD.active_reviews < 2 BEGIN
    UPDATE queue_open SET items = items - 1 WHERE dataset_id = OLD.dataset_id;
END;
CREATE TRIGGER queue_item_moved BEFORE UPDATE OF dataset_id ON items
WHEN NEW.dataset_id IS NOT OLD.dataset_id BEGIN
    SELECT RAISE(ABORT, 'an item stays in its dataset');
END;
CREATE TRIGGER queue_item_open AFTER UPDATE OF state, active_reviews ON items
WHEN (OLD.state = 'in_review' AND OLD.active_reviews < 2)
     <> (NEW.state = 'in_review' AND NEW.active_reviews < 2) BEGIN
    UPDATE queue_open
    SET items = items + CASE WHEN NEW.state = 'in_review' AND NEW.active_reviews < 2
                             THEN 1 ELSE -1 END
    WHERE dataset_id = NEW.dataset_id;
END;
CREATE TRIGGER queue_item_barred AFTER UPDATE OF state, active_reviews, revision_no, fresh_eyes ON items
WHEN ((OLD.state = 'in_review' AND OLD.active_reviews < 2)
      OR (NEW.state = 'in_review' AND NEW.active_reviews < 2))
 AND ((OLD.state = 'in_review' AND OLD.active_reviews < 2)
      <> (NEW.state = 'in_review' AND NEW.active_reviews < 2)
      OR OLD.revision_no <> NEW.revision_no OR OLD.fresh_eyes <> NEW.fresh_eyes) BEGIN
    INSERT INTO queue_reviewer (reviewer, dataset_id, submitted, barred)
    SELECT who, NEW.dataset_id, 0, d FROM (
        SELECT w.reviewer AS who,
            (NEW.state = 'in_review' AND NEW.active_reviews < 2 AND (
                EXISTS (SELECT 1 FROM reviews c WHERE c.item_id = NEW.id
                        AND c.revision_no = NEW.revision_no AND c.reviewer = w.reviewer)
                OR (NEW.fresh_eyes = 1 AND EXISTS (SELECT 1 FROM reviews p
                        WHERE p.item_id = NEW.id AND p.revision_no < NEW.revision_no
                          AND p.reviewer = w.reviewer AND p.status = 'submitted'))))
          - (OLD.state = 'in_review' AND OLD.active_reviews < 2 AND (
                EXISTS (SELECT 1 FROM reviews c WHERE c.item_id = OLD.id
                        AND c.revision_no = OLD.revision_no AND c.reviewer = w.reviewer)
                OR (OLD.fresh_eyes = 1 AND EXISTS (SELECT 1 FROM reviews p
                        WHERE p.item_id = OLD.id AND p.revision_no < OLD.revision_no
                          AND p.reviewer = w.reviewer AND p.status = 'submitted')))) AS d
        FROM (SELECT DISTINCT reviewer FROM reviews WHERE item_id = NEW.id) w)
    WHERE d <> 0
    ON CONFLICT (reviewer, dataset_id) DO UPDATE SET barred = barred + excluded.barred;
END;

CREATE TRIGGER queue_review_moved BEFORE UPDATE OF item_id, revision_no, reviewer ON reviews
WHEN NEW.item_id IS NOT OLD.item_id OR NEW.revision_no IS NOT OLD.revision_no
     OR NEW.reviewer IS NOT OLD.reviewer BEGIN
    SELECT RAISE(ABORT, 'a review stays with its item, revision and reviewer');
END;
-- With the new row, less without it.
CREATE TRIGGER queue_review_insert AFTER INSERT ON reviews BEGIN
    INSERT INTO queue_reviewer (reviewer, dataset_id, submitted, barred)
    SELECT NEW.reviewer, i.dataset_id, NEW.status = 'submitted',
        (i.state = 'in_review' AND i.active_reviews < 2 AND (
            EXISTS (SELECT 1 FROM reviews c WHERE c.item_id = i.id
                    AND c.revision_no = i.revision_no AND c.reviewer = NEW.reviewer)
            OR (i.fresh_eyes = 1 AND EXISTS (SELECT 1 FROM reviews p
                    WHERE p.item_id = i.id AND p.revision_no < i.revision_no
                      AND p.reviewer = NEW.reviewer AND p.status = 'submitted'))))
      - (i.state = 'in_review' AND i.active_reviews < 2 AND (
            EXISTS (SELECT 1 FROM reviews c WHERE c.item_id = i.id AND c.id <> NEW.id
                    AND c.revision_no = i.revision_no AND c.reviewer = NEW.reviewer)
            OR (i.fresh_eyes = 1 AND EXISTS (SELECT 1 FROM reviews p
                    WHERE p.item_id = i.id AND p.id <> NEW.id AND p.revision_no < i.revision_no
                      AND p.reviewer = NEW.reviewer AND p.status = 'submitted'))))
    FROM items i WHERE i.id = NEW.item_id
    ON CONFLICT (reviewer, dataset_id) DO UPDATE
    SET submitted = submitted + excluded.submitted, barred = barred + excluded.barred;
END;
-- With the new status, less with the old.
CREATE TRIGGER queue_review_status AFTER UPDATE OF status ON reviews
WHEN NEW.status IS NOT OLD.status BEGIN
    INSERT INTO queue_reviewer (reviewer, dataset_id, submitted, barred)
    SELECT NEW.reviewer, i.dataset_id,
        (NEW.status = 'submitted') - (OLD.status = 'submitted'),
        (i.state = 'in_review' AND i.active_reviews < 2 AND i.fresh_eyes = 1
         AND NEW.revision_no < i.revision_no
         AND NOT EXISTS (SELECT 1 FROM reviews c WHERE c.item_id = i.id
                         AND c.revision_no = i.revision_no AND c.reviewer = NEW.reviewer))
        * ((EXISTS (SELECT 1 FROM reviews p
                    WHERE p.item_id = i.id AND p.revision_no < i.revision_no
                      AND p.reviewer = NEW.reviewer AND p.status = 'submitted'))
         - (EXISTS (SELECT 1 FROM reviews p
                    WHERE p.item_id = i.id AND p.revision_no < i.revision_no
                      AND p.reviewer = NEW.reviewer
                      AND CASE WHEN p.id = NEW.id THEN OLD.status ELSE p.status END
                          = 'submitted')))
    FROM items i WHERE i.id = NEW.item_id
    ON CONFLICT (reviewer, dataset_id) DO UPDATE
    SET submitted = submitted + excluded.submitted, barred = barred + excluded.barred;
END;
-- Without the old row, less with it.
CREATE TRIGGER queue_review_delete AFTER DELETE ON reviews BEGIN
    INSERT INTO queue_reviewer (reviewer, dataset_id, submitted, barred)
    SELECT OLD.reviewer, i.dataset_id, -(OLD.status = 'submitted'),
        (i.state = 'in_review' AND i.active_reviews < 2 AND (
            EXISTS (SELECT 1 FROM reviews c WHERE c.item_id = i.id
                    AND c.revision_no = i.revision_no AND c.reviewer = OLD.reviewer)
            OR (i.fresh_eyes = 1 AND EXISTS (SELECT 1 FROM reviews p
                    WHERE p.item_id = i.id AND p.revision_no < i.revision_no
                      AND p.reviewer = OLD.reviewer AND p.status = 'submitted'))))
      - (i.state = 'in_review' AND i.active_reviews < 2 AND (
            OLD.revision_no = i.revision_no
            OR EXISTS (SELECT 1 FROM reviews c WHERE c.item_id = i.id
                       AND c.revision_no = i.revision_no AND c.reviewer = OLD.reviewer)
            OR (i.fresh_eyes = 1 AND (
                (OLD.revision_no < i.revision_no AND OLD.status = 'submitted')
                OR EXISTS (SELECT 1 FROM reviews p
                           WHERE p.item_id = i.id AND p.revision_no < i.revision_no
                             AND p.reviewer = OLD.reviewer AND p.status = 'submitted')))))
    FROM items i WHERE i.id = OLD.item_id
    ON CONFLICT (reviewer, dataset_id) DO UPDATE
    SET submitted = submitted + excluded.submitted, barred = barred + excluded.barred;
END;
"#,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The database was written by a newer medcurate.
#[derive(Debug)]
pub struct SchemaTooNew {
    pub found: i64,
    pub supported: i64,
}

impl fmt::Display for SchemaTooNew {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the database has schema version {} but this medcurate understands up to {}; \
             it was written by a newer medcurate: upgrade medcurate to open it",
            self.found, self.supported
        )
    }
}

impl std::error::Error for SchemaTooNew {}

fn user_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Applies every migration the database lacks, all in one transaction.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    migrate_to(conn, SCHEMA_VERSION)
}

/// Applies migrations up to `target` (tests use this to build an older schema).
pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<()> {
    let found = user_version(conn)?;
    if found > SCHEMA_VERSION {
        return Err(SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        }
        .into());
    }
    if found >= target {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Another process may have migrated while we waited for the lock.
    let found = user_version(&tx)?;
    for (i, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .take(target as usize)
        .skip(found.max(0) as usize)
    {
        tx.execute_batch(sql)
            .map_err(|e| anyhow::anyhow!("applying schema migration {}: {e}", i + 1))?;
    }
    tx.pragma_update(None, "user_version", target.max(found))?;
    tx.commit()?;
    Ok(())
}
