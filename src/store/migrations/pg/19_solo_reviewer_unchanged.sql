-- 19, as SQLite's 19_solo_reviewer_unchanged.sql: the item's solo_reviewer is written only
-- when it changes (an UPDATE to the same value is still a new row version of the item here).
-- Both counts read the item's revision from the row the UPDATE takes, as the one count did.
CREATE OR REPLACE FUNCTION reviews_solo_insert_fn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE items SET solo_reviewer = (
        SELECT CASE WHEN count(*) = 1 THEN min(r.reviewer) END FROM reviews r
        WHERE r.item_id = items.id AND r.revision_no = items.revision_no
          AND (r.status = 'claimed' OR r.status = 'submitted'))
    WHERE id = NEW.item_id AND solo_reviewer IS DISTINCT FROM (
        SELECT CASE WHEN count(*) = 1 THEN min(r.reviewer) END FROM reviews r
        WHERE r.item_id = items.id AND r.revision_no = items.revision_no
          AND (r.status = 'claimed' OR r.status = 'submitted'));
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION reviews_solo_status_fn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE items SET solo_reviewer = (
        SELECT CASE WHEN count(*) = 1 THEN min(r.reviewer) END FROM reviews r
        WHERE r.item_id = items.id AND r.revision_no = items.revision_no
          AND (r.status = 'claimed' OR r.status = 'submitted'))
    WHERE id = NEW.item_id AND solo_reviewer IS DISTINCT FROM (
        SELECT CASE WHEN count(*) = 1 THEN min(r.reviewer) END FROM reviews r
        WHERE r.item_id = items.id AND r.revision_no = items.revision_no
          AND (r.status = 'claimed' OR r.status = 'submitted'));
    RETURN NULL;
END
$$;
