-- 18: an import's first revision of a new item does not run migration 16's route_revision at
-- all. Every revision 1 comes from an import, with its item, in the same transaction (a
-- curator's revision is 2 or later and has no import): the item is one of the import's new
-- items, which the trigger leaves alone. Said in WHEN without the lookup, the test costs
-- nothing per new item; on PostgreSQL the trigger's function call was a tenth of an import.
DROP TRIGGER IF EXISTS route_revision;
CREATE TRIGGER route_revision AFTER INSERT ON revisions
WHEN (NEW.revision_no > 1 OR NEW.import_id IS NULL)
 AND NEW.item_id < coalesce((SELECT first_id FROM import_new_items), 9223372036854775807) BEGIN
    UPDATE items SET route_mask = coalesce(
        (SELECT sum(DISTINCT 1 << b.bit) FROM json_each(NEW.body, '$.suggested_departments') j
         JOIN department_bits b ON b.id = j.value), 0)
    WHERE id = NEW.item_id;
END;
