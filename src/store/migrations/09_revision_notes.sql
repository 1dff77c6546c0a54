-- 9: revision notes and reopened items. A decision may now be `reopen` (an accepted or
-- discarded item goes back to a curator, with a reason), and a revise carries the
-- curator's note for the new revision's reviewers; SQLite cannot widen a CHECK, so the
-- table is rebuilt with its rows, index and append-only triggers. The curation queue
-- gains the reason `reopened`.
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
