-- 2: each item's difficulty as a column, for sampling and status without parsing
-- every revision; filled from the current revision of items already stored.
ALTER TABLE items ADD COLUMN difficulty TEXT
    CHECK (difficulty = 'easy' OR difficulty = 'medium' OR difficulty = 'hard');
UPDATE items SET difficulty = (
    SELECT json_extract(r.body, '$.difficulty') FROM revisions r
    WHERE r.item_id = items.id AND r.revision_no = items.revision_no
);
-- Status and sampling count items by state and difficulty from this index alone.
CREATE INDEX items_by_state ON items (dataset_id, state, difficulty);
