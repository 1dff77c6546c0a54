-- 3: dual review. A review row is a reviewer's claim on one revision of an item, then
-- their draft, then their submitted review. `items.active_reviews` counts the claims still
-- in force and the submitted reviews of the current revision, so the queue is an index scan.
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
