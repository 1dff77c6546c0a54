-- 10: a change to a submitted review or decision, kept as a draft apart from what was
-- submitted (which stays as it is) until it is submitted again or thrown away.
ALTER TABLE reviews ADD COLUMN pending TEXT;
ALTER TABLE adjudications ADD COLUMN pending TEXT;
