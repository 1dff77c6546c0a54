-- 7: model responses to open-ended items with their two AI-judge scores, and physicians'
-- adjudications of the disputed ones. `responses.taken` is 1 while an expert's claim is in
-- force or their adjudication is in, so the dispute queue is one index range.
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
