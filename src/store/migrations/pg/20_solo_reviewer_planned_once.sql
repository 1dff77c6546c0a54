-- 20, as SQLite's 20_solo_reviewer_planned_once.sql: the function both solo-reviewer triggers
-- call (19) is PL/pgSQL, the same statement. As a SQL function, called once per trigger
-- firing, the server parsed and planned its UPDATE anew at every call: 0.5 ms of every claim
-- and of every submit (PostgreSQL 15, one session alone). PL/pgSQL keeps the plan for the
-- session.
CREATE OR REPLACE FUNCTION items_solo_reviewer_refresh(p_item BIGINT) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE items SET solo_reviewer = (
        SELECT CASE WHEN count(*) = 1 THEN min(r.reviewer) END FROM reviews r
        WHERE r.item_id = items.id AND r.revision_no = items.revision_no
          AND (r.status = 'claimed' OR r.status = 'submitted'))
    WHERE id = p_item AND solo_reviewer IS DISTINCT FROM (
        SELECT CASE WHEN count(*) = 1 THEN min(r.reviewer) END FROM reviews r
        WHERE r.item_id = items.id AND r.revision_no = items.revision_no
          AND (r.status = 'claimed' OR r.status = 'submitted'));
END
$$;
