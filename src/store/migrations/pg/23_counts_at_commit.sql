-- 23: the review queue's per-dataset counts are written as a transaction commits, not when its
-- item changes. queue_open holds one row per dataset, and every claim that fills an item's
-- second place (and every place freed) writes it: under 22 the row stayed locked from that
-- write to the commit, through the claim's review, its event and its reads, so claims in one
-- dataset went through that row one at a time. 300 sessions starting within a second queued
-- on it: 15 looks at pg_stat_activity 0.1 s apart saw 1,394 sessions waiting for a lock, 356
-- of them for that row's tuple lock; with this, none.
-- Deferred to the commit, the two count triggers hold their rows only while the commit runs,
-- and every writer takes them last, queue_open before route_open, after any queue_reviewer
-- row: 22's lock in queue_item_barred (queue_open first, to keep that order) goes, with its
-- hold. A transaction that reads the counts after changing which items are open (a claim
-- whose lapsed leases freed places) first makes them immediate (`dialect::counts_now`).
-- route_open_mask stays as it is: it reads import_new_items, which an import empties before it
-- commits, and fires only when an open item's departments change.
-- SQLite writes one transaction at a time: its 23 changes nothing.
CREATE OR REPLACE FUNCTION queue_item_barred_fn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
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

DROP TRIGGER queue_item_open ON items;
CREATE CONSTRAINT TRIGGER queue_item_open AFTER UPDATE OF state, active_reviews ON items
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN ((OLD.state = 'in_review' AND OLD.active_reviews < 2)
                       <> (NEW.state = 'in_review' AND NEW.active_reviews < 2))
    EXECUTE FUNCTION queue_item_open_fn();

DROP TRIGGER route_open_state ON items;
CREATE CONSTRAINT TRIGGER route_open_state AFTER UPDATE OF state, active_reviews ON items
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN ((OLD.state = 'in_review' AND OLD.active_reviews < 2)
                       <> (NEW.state = 'in_review' AND NEW.active_reviews < 2))
    EXECUTE FUNCTION route_open_state_fn();
