-- 11: the review queue's counts, kept as the data changes, so the queue reads a row per
-- dataset instead of counting every open item. `queue_open`: per dataset, the items open
-- for review (in review, fewer than two reviews in force). `queue_reviewer`: per reviewer
-- and dataset, their submitted reviews, and the open items they may not be given (they
-- have a review row of the current revision, or the revision is for fresh eyes and they
-- submitted a review of an earlier one). Triggers keep both exact under every write (but
-- the insert of an item, which the import counts): an item's change adds, for each
-- reviewer with a row of it, the difference between after and before; a review row's
-- insert, status change or delete does the same for its reviewer.
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
