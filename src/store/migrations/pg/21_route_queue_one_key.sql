-- 21, as SQLite's 21_route_queue_one_key.sql: route_queue's key is one unique index in the
-- walk's order, (bit, dataset_id, active_reviews DESC, item_id), as SQLite's primary key is.
-- A PostgreSQL primary key cannot hold a DESC column, so the baseline kept a plain primary key
-- beside route_queue_pk_order: two indexes of the same columns, both written for every row an
-- import, a claim or a submit puts in the queue or takes out. The unique index keeps the rule
-- and is the table's replica identity, as the primary key was, for logical replication.
CREATE UNIQUE INDEX route_queue_key ON route_queue (bit, dataset_id, active_reviews DESC, item_id);
ALTER TABLE route_queue REPLICA IDENTITY USING INDEX route_queue_key;
ALTER TABLE route_queue DROP CONSTRAINT route_queue_pkey;
DROP INDEX route_queue_pk_order;
