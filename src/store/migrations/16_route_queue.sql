-- 16: the review queue per department. A claim's first pass offers the items whose
-- departments meet the physician's specialties; walking the whole queue for them passes every
-- item of other departments in front of the next one they may take, and a physician who has
-- given back many items of their own departments made that walk long (their barred items stay
-- at the head of the queue). `route_queue` holds each open item (in review, fewer than two
-- reviews in force) with departments once per department bit, in queue order, with what the
-- claim tests, so the pass walks only items of the physician's departments, and the queue
-- screen counts a strict dataset's items from their departments' rows instead of the whole
-- queue. Triggers keep it exact under every change of an item, but for the items an import
-- adds: the import adds theirs (and their department counts in `route_open`) when it
-- finishes, in one pass, as it counts them in `queue_open`: per item, the triggers would
-- halve an import's speed (and it stores their departments' bits itself, worked out as it reads
-- them). While an import runs, in its transaction, `import_new_items` says
-- from which item id on the items are its new ones.
CREATE TABLE IF NOT EXISTS route_queue (
    bit            INTEGER NOT NULL,
    dataset_id     INTEGER NOT NULL,
    active_reviews INTEGER NOT NULL,
    item_id        INTEGER NOT NULL,
    revision_no    INTEGER NOT NULL,
    solo_reviewer  TEXT,
    fresh_eyes     INTEGER NOT NULL,
    -- All the item's departments: a count over several departments counts an item once, in
    -- the first of them it carries.
    route_mask     INTEGER NOT NULL,
    PRIMARY KEY (bit, dataset_id, active_reviews DESC, item_id)
) STRICT, WITHOUT ROWID;
-- A claim in any dataset walks a department across datasets, in queue order.
CREATE INDEX IF NOT EXISTS route_queue_any_dataset
    ON route_queue (bit, active_reviews DESC, item_id, dataset_id, revision_no, solo_reviewer,
                    fresh_eyes);

CREATE TABLE IF NOT EXISTS import_new_items (first_id INTEGER NOT NULL) STRICT;
-- The department bits as integers, for the triggers to spread a mask into rows.
CREATE TABLE IF NOT EXISTS route_bit (bit INTEGER PRIMARY KEY) STRICT;
INSERT OR IGNORE INTO route_bit (bit) SELECT bit FROM department_bits;

DELETE FROM route_queue;
INSERT INTO route_queue
    (bit, dataset_id, active_reviews, item_id, revision_no, solo_reviewer, fresh_eyes, route_mask)
SELECT b.bit, i.dataset_id, i.active_reviews, i.id, i.revision_no, i.solo_reviewer, i.fresh_eyes,
       i.route_mask
FROM items i JOIN route_bit b ON (i.route_mask >> b.bit) & 1 = 1
WHERE i.state = 'in_review' AND i.active_reviews < 2 AND i.route_mask <> 0;

-- Any change a claim tests: the old rows out, the new ones in.
CREATE TRIGGER IF NOT EXISTS route_queue_item AFTER UPDATE OF state, active_reviews, route_mask,
    solo_reviewer, revision_no, fresh_eyes ON items
WHEN ((OLD.state = 'in_review' AND OLD.active_reviews < 2 AND OLD.route_mask <> 0)
       OR (NEW.state = 'in_review' AND NEW.active_reviews < 2 AND NEW.route_mask <> 0))
 AND (NEW.state <> OLD.state OR NEW.active_reviews <> OLD.active_reviews
      OR NEW.route_mask <> OLD.route_mask OR NEW.solo_reviewer IS NOT OLD.solo_reviewer
      OR NEW.revision_no <> OLD.revision_no OR NEW.fresh_eyes <> OLD.fresh_eyes)
 AND NEW.id < coalesce((SELECT first_id FROM import_new_items), 9223372036854775807) BEGIN
    DELETE FROM route_queue
    WHERE bit IN (SELECT bit FROM route_bit WHERE (OLD.route_mask >> bit) & 1 = 1)
      AND dataset_id = OLD.dataset_id AND active_reviews = OLD.active_reviews
      AND item_id = OLD.id;
    INSERT INTO route_queue
        (bit, dataset_id, active_reviews, item_id, revision_no, solo_reviewer, fresh_eyes,
         route_mask)
    SELECT bit, NEW.dataset_id, NEW.active_reviews, NEW.id, NEW.revision_no, NEW.solo_reviewer,
           NEW.fresh_eyes, NEW.route_mask
    FROM route_bit
    WHERE NEW.state = 'in_review' AND NEW.active_reviews < 2 AND (NEW.route_mask >> bit) & 1 = 1;
END;
CREATE TRIGGER IF NOT EXISTS route_queue_item_delete AFTER DELETE ON items
WHEN OLD.state = 'in_review' AND OLD.active_reviews < 2 AND OLD.route_mask <> 0 BEGIN
    DELETE FROM route_queue
    WHERE bit IN (SELECT bit FROM route_bit WHERE (OLD.route_mask >> bit) & 1 = 1)
      AND dataset_id = OLD.dataset_id AND active_reviews = OLD.active_reviews
      AND item_id = OLD.id;
END;

-- Migration 13's count of an open item's departments, now also left to the import for its
-- new items.
DROP TRIGGER IF EXISTS route_open_mask;
CREATE TRIGGER route_open_mask AFTER UPDATE OF route_mask ON items
WHEN NEW.route_mask <> OLD.route_mask
 AND OLD.state = 'in_review' AND OLD.active_reviews < 2
 AND NEW.state = 'in_review' AND NEW.active_reviews < 2
 AND NEW.id < coalesce((SELECT first_id FROM import_new_items), 9223372036854775807) BEGIN
    INSERT INTO route_open (dataset_id, bit, items)
    SELECT NEW.dataset_id, b.bit, d FROM (
        SELECT bit,
            CASE WHEN bit = 64 THEN NEW.route_mask <> 0 ELSE (NEW.route_mask >> bit) & 1 END
          - CASE WHEN bit = 64 THEN OLD.route_mask <> 0 ELSE (OLD.route_mask >> bit) & 1 END AS d
        FROM route_bits) b
    WHERE d <> 0
    ON CONFLICT (dataset_id, bit) DO UPDATE SET items = items + excluded.items;
END;

-- Migration 13's departments of a new revision: an import's new items come with them.
DROP TRIGGER IF EXISTS route_revision;
CREATE TRIGGER route_revision AFTER INSERT ON revisions
WHEN NEW.item_id < coalesce((SELECT first_id FROM import_new_items), 9223372036854775807) BEGIN
    UPDATE items SET route_mask = coalesce(
        (SELECT sum(DISTINCT 1 << b.bit) FROM json_each(NEW.body, '$.suggested_departments') j
         JOIN department_bits b ON b.id = j.value), 0)
    WHERE id = NEW.item_id;
END;
