-- 19: migration 4's triggers write an item's solo_reviewer only when it changes. A claim
-- now sets it with the item's count of reviews (the claim's row comes after), and a submit
-- leaves it as it was; writing the same value again wrote the item a second time, and on
-- PostgreSQL that is a new row version of the item on every claim and submit.
DROP TRIGGER IF EXISTS reviews_solo_insert;
CREATE TRIGGER reviews_solo_insert AFTER INSERT ON reviews BEGIN
    UPDATE items SET solo_reviewer = (
        SELECT CASE WHEN count(*) = 1 THEN min(r.reviewer) END FROM reviews r
        WHERE r.item_id = items.id AND r.revision_no = items.revision_no
          AND (r.status = 'claimed' OR r.status = 'submitted'))
    WHERE id = NEW.item_id AND solo_reviewer IS NOT (
        SELECT CASE WHEN count(*) = 1 THEN min(r.reviewer) END FROM reviews r
        WHERE r.item_id = items.id AND r.revision_no = items.revision_no
          AND (r.status = 'claimed' OR r.status = 'submitted'));
END;
DROP TRIGGER IF EXISTS reviews_solo_status;
CREATE TRIGGER reviews_solo_status AFTER UPDATE OF status ON reviews BEGIN
    UPDATE items SET solo_reviewer = (
        SELECT CASE WHEN count(*) = 1 THEN min(r.reviewer) END FROM reviews r
        WHERE r.item_id = items.id AND r.revision_no = items.revision_no
          AND (r.status = 'claimed' OR r.status = 'submitted'))
    WHERE id = NEW.item_id AND solo_reviewer IS NOT (
        SELECT CASE WHEN count(*) = 1 THEN min(r.reviewer) END FROM reviews r
        WHERE r.item_id = items.id AND r.revision_no = items.revision_no
          AND (r.status = 'claimed' OR r.status = 'submitted'));
END;
