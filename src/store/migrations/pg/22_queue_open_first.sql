-- 22: a claim's counts are locked in one order, the dataset's queue_open row first, so two
-- claims never deadlock on them. PostgreSQL fires an event's triggers in name order:
-- queue_item_barred (which writes queue_reviewer for each reviewer of the item) before
-- queue_item_open (the dataset's queue_open). A claim that filled an item's second place took
-- the first reviewer's queue_reviewer row, then waited for queue_open; a claim by that first
-- reviewer, elsewhere in the dataset, held queue_open and waited, at its review's insert, for
-- that same row. One of the two was cancelled after deadlock_timeout (a second), and run
-- again. Now queue_item_barred takes queue_open's row before any queue_reviewer row: every
-- writer of both takes queue_open first, and waits for it holding neither.
-- A claim given back or lapsed (claimed to released or expired) changes no count, yet
-- queue_review_status's upsert took the holder's queue_reviewer row all the same, before the
-- item's place was freed (which takes queue_open): the other order. Now it writes only when a
-- review becomes, or stops being, submitted, the only changes its two sums can see (with
-- neither status 'submitted', each sum is its own term less the same term): its trigger's
-- WHEN says so, and its function is 17's. The row it passes over exists, at the values it
-- would have written: the review's insert made it. queue_item_barred_fn's body is
-- 17_baseline.sql's with the lock added. SQLite writes one transaction at a time (BEGIN
-- IMMEDIATE): its 22 changes nothing.
CREATE OR REPLACE FUNCTION queue_item_barred_fn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM queue_open WHERE dataset_id = NEW.dataset_id FOR NO KEY UPDATE;
    INSERT INTO queue_reviewer (reviewer, dataset_id, submitted, barred)
    SELECT who, NEW.dataset_id, 0, d FROM (
        SELECT w.reviewer AS who,
            CAST((NEW.state = 'in_review' AND NEW.active_reviews < 2 AND (
                EXISTS (SELECT 1 FROM reviews c WHERE c.item_id = NEW.id
                        AND c.revision_no = NEW.revision_no AND c.reviewer = w.reviewer)
                OR (NEW.fresh_eyes = 1 AND EXISTS (SELECT 1 FROM reviews p
                        WHERE p.item_id = NEW.id AND p.revision_no < NEW.revision_no
                          AND p.reviewer = w.reviewer AND p.status = 'submitted')))) AS INTEGER)
          - CAST((OLD.state = 'in_review' AND OLD.active_reviews < 2 AND (
                EXISTS (SELECT 1 FROM reviews c WHERE c.item_id = OLD.id
                        AND c.revision_no = OLD.revision_no AND c.reviewer = w.reviewer)
                OR (OLD.fresh_eyes = 1 AND EXISTS (SELECT 1 FROM reviews p
                        WHERE p.item_id = OLD.id AND p.revision_no < OLD.revision_no
                          AND p.reviewer = w.reviewer AND p.status = 'submitted')))) AS INTEGER)
            AS d
        FROM (SELECT DISTINCT reviewer FROM reviews WHERE item_id = NEW.id) w) x
    WHERE d <> 0
    ON CONFLICT (reviewer, dataset_id) DO UPDATE SET barred = queue_reviewer.barred + excluded.barred;
    RETURN NULL;
END
$$;

DROP TRIGGER queue_review_status ON reviews;
CREATE TRIGGER queue_review_status AFTER UPDATE OF status ON reviews
    FOR EACH ROW WHEN (NEW.status IS DISTINCT FROM OLD.status
                       AND (OLD.status = 'submitted' OR NEW.status = 'submitted'))
    EXECUTE FUNCTION queue_review_status_fn();
