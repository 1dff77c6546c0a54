-- 19, as SQLite's 19_solo_reviewer_unchanged.sql: the item's solo_reviewer is written only
-- when it changes (an UPDATE to the same value is still a new row version of the item here).
-- Both counts read the item's revision from the row the UPDATE takes, as the one count did.
-- The two triggers did the same; their functions now share it.
CREATE FUNCTION items_solo_reviewer_refresh(p_item BIGINT) RETURNS void LANGUAGE sql AS $$
    UPDATE items SET solo_reviewer = (
        SELECT CASE WHEN count(*) = 1 THEN min(r.reviewer) END FROM reviews r
        WHERE r.item_id = items.id AND r.revision_no = items.revision_no
          AND (r.status = 'claimed' OR r.status = 'submitted'))
    WHERE id = p_item AND solo_reviewer IS DISTINCT FROM (
        SELECT CASE WHEN count(*) = 1 THEN min(r.reviewer) END FROM reviews r
        WHERE r.item_id = items.id AND r.revision_no = items.revision_no
          AND (r.status = 'claimed' OR r.status = 'submitted'));
$$;

CREATE OR REPLACE FUNCTION reviews_solo_insert_fn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM items_solo_reviewer_refresh(NEW.item_id);
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION reviews_solo_status_fn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM items_solo_reviewer_refresh(NEW.item_id);
    RETURN NULL;
END
$$;
