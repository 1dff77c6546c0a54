-- 18, as SQLite's 18_import_revision_trigger.sql: route_revision does not run for an import's
-- first revision of a new item (the part of the WHEN without a subquery; the function tests
-- the rest, as before).
DROP TRIGGER route_revision ON revisions;
CREATE TRIGGER route_revision AFTER INSERT ON revisions
    FOR EACH ROW WHEN (NEW.revision_no > 1 OR NEW.import_id IS NULL)
    EXECUTE FUNCTION route_revision_fn();

-- Revision bodies of 2 kB or more are compressed when stored: with lz4 instead of the
-- server's default pglz, which took about a second of every 100,000 revisions an import wrote
-- (measured on PostgreSQL 15). Only where the server was built with lz4; the bodies read back
-- the same either way, and rows stored before keep their compression.
DO $$
BEGIN
    ALTER TABLE revisions ALTER COLUMN body SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    NULL;
END
$$;
