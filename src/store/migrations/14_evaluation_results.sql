-- 14: models' scores on frozen releases, for the leaderboard. Append-only: a result is kept
-- as it was recorded; scoring the same answers again with the same outcome adds nothing.
-- (IF NOT EXISTS: a database set back to an older version replays this safely.)
CREATE TABLE IF NOT EXISTS evaluation_results (
    id             INTEGER PRIMARY KEY,
    -- The release scored, by its root digest (sha256: and the SHA-256 of datapackage.json),
    -- and its name and version as datapackage.json gives them.
    root_digest    TEXT NOT NULL,
    release        TEXT NOT NULL,
    version        TEXT NOT NULL,
    model          TEXT NOT NULL,
    -- The SHA-256 of each answers file that held the model's answers, sorted, comma-separated.
    answers_sha256 TEXT NOT NULL,
    -- JSON: {"average", "by", "columns", "scores", "datasets"} as `evaluate --json` computes them.
    scores         TEXT NOT NULL,
    recorded_by    TEXT NOT NULL REFERENCES people(id),
    recorded_at    TEXT NOT NULL,
    UNIQUE (root_digest, model, answers_sha256, scores)
) STRICT;
CREATE INDEX IF NOT EXISTS evaluation_results_by_release ON evaluation_results (root_digest, model, id);
CREATE TRIGGER IF NOT EXISTS evaluation_results_update BEFORE UPDATE ON evaluation_results
BEGIN SELECT RAISE(ABORT, 'a recorded result never changes'); END;
CREATE TRIGGER IF NOT EXISTS evaluation_results_delete BEFORE DELETE ON evaluation_results
BEGIN SELECT RAISE(ABORT, 'a recorded result never changes'); END;
