-- 15: control items. A maintainer marks items no one has reviewed, with the verdict each
-- criterion should get, as controls: claims mix them into physicians' queues at a rate the
-- maintainer sets, any number of physicians review each (never one twice), and the reviews
-- measure each physician's accuracy. A control never joins the pair flow: it is held at two
-- reviews in force, so it is out of the review queue, its counts and its indexes, and it
-- never settles, goes to curation, counts for agreement or reaches a release. To anyone but
-- a maintainer it looks like an item in review. (IF NOT EXISTS: a database set back to an
-- older version replays this safely.)
CREATE TABLE IF NOT EXISTS controls (
    item_id       INTEGER PRIMARY KEY REFERENCES items(id),
    dataset_id    INTEGER NOT NULL REFERENCES datasets(id),
    -- What each criterion should get, as `reviews.verdict_bits` encodes a review's: bit k,
    -- criterion k was judged; bit k + 8, it passed.
    expected_bits INTEGER NOT NULL CHECK (expected_bits > 0),
    marked_by     TEXT NOT NULL REFERENCES people(id),
    marked_at     TEXT NOT NULL,
    -- No longer given to anyone; its reviews still count for accuracy.
    retired_at    TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS controls_in_use ON controls (dataset_id, item_id) WHERE retired_at IS NULL;

-- The schema keeps a control out of the pairs, whatever the code does: it stays in review,
-- at its one revision, with two reviews in force.
CREATE TRIGGER IF NOT EXISTS controls_stay_apart BEFORE UPDATE OF state, active_reviews, revision_no ON items
WHEN (NEW.state <> 'in_review' OR NEW.active_reviews <> 2 OR NEW.revision_no <> OLD.revision_no)
 AND EXISTS (SELECT 1 FROM controls WHERE item_id = NEW.id) BEGIN
    SELECT RAISE(ABORT, 'a control item stays out of the review pairs');
END;
CREATE TRIGGER IF NOT EXISTS controls_marked_once BEFORE UPDATE OF item_id, dataset_id, expected_bits ON controls
BEGIN SELECT RAISE(ABORT, 'a control keeps its item and expected verdicts'); END;
CREATE TRIGGER IF NOT EXISTS controls_kept BEFORE DELETE ON controls
BEGIN SELECT RAISE(ABORT, 'a control is retired, not removed'); END;
