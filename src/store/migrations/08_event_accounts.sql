-- 8: the OS account behind every event, as the kernel reported it (the person acting is
-- `actor`); older events have none.
ALTER TABLE events ADD COLUMN account TEXT;
