-- 17: the two-reviewer rule as part of the schema, not only of the claim code: a revision of
-- an item never has more than two reviews in force (claimed or submitted), whatever writes the
-- rows; control items (migration 15) take any number. "Never the same reviewer twice" is the
-- reviews table's UNIQUE (item_id, revision_no, reviewer).
CREATE TRIGGER IF NOT EXISTS reviews_two_in_force_insert BEFORE INSERT ON reviews
WHEN (NEW.status = 'claimed' OR NEW.status = 'submitted')
 AND (SELECT count(*) FROM reviews r WHERE r.item_id = NEW.item_id
        AND r.revision_no = NEW.revision_no
        AND (r.status = 'claimed' OR r.status = 'submitted')) >= 2
 AND NOT EXISTS (SELECT 1 FROM controls c WHERE c.item_id = NEW.item_id) BEGIN
    SELECT RAISE(ABORT, 'a revision of an item has at most two reviews in force');
END;
CREATE TRIGGER IF NOT EXISTS reviews_two_in_force_status BEFORE UPDATE OF status ON reviews
WHEN (NEW.status = 'claimed' OR NEW.status = 'submitted')
 AND OLD.status <> 'claimed' AND OLD.status <> 'submitted'
 AND (SELECT count(*) FROM reviews r WHERE r.item_id = NEW.item_id
        AND r.revision_no = NEW.revision_no AND r.id <> NEW.id
        AND (r.status = 'claimed' OR r.status = 'submitted')) >= 2
 AND NOT EXISTS (SELECT 1 FROM controls c WHERE c.item_id = NEW.item_id) BEGIN
    SELECT RAISE(ABORT, 'a revision of an item has at most two reviews in force');
END;
