-- 4: the reviewer of an item's one review in force, so the queue skips a
-- reviewer's own waiting items from the index alone.
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
