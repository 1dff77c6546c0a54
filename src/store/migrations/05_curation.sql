-- 5: curation. Verdicts and departments of submitted reviews as columns (agreement reads
-- them without parsing JSON); the curation queue with its reasons as flags; curators'
-- decisions (append-only); each accepted item's final departments; and whether a revised
-- item must go to reviewers other than its earlier ones.
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
