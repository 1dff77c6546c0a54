-- 6: difficulty calibration, samples and frozen releases.
-- One calibration model's result on one revision of an item: {"choice": [...]}, {"f1": x}
-- or {"score": x}.
CREATE TABLE calibration (
    item_id     INTEGER NOT NULL REFERENCES items(id),
    revision_no INTEGER NOT NULL,
    model       TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (item_id, revision_no, model)
) STRICT, WITHOUT ROWID;
-- Where items.difficulty came from: the import, or calibration.
ALTER TABLE items ADD COLUMN difficulty_source TEXT
    CHECK (difficulty_source = 'import' OR difficulty_source = 'calibration');
UPDATE items SET difficulty_source = 'import' WHERE difficulty IS NOT NULL;

-- A sample drawn under a plan and seed: a draft until frozen into a release.
CREATE TABLE samples (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    plan_name   TEXT NOT NULL,
    plan        TEXT NOT NULL,
    seed        INTEGER NOT NULL,
    report      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;
-- The sampled items, each pinned to the revision, difficulty, departments and stratum it
-- was drawn with.
CREATE TABLE sample_items (
    sample_id   INTEGER NOT NULL REFERENCES samples(id),
    item_id     INTEGER NOT NULL REFERENCES items(id),
    revision_no INTEGER NOT NULL,
    difficulty  TEXT,
    departments TEXT,
    stratum     TEXT NOT NULL,
    PRIMARY KEY (sample_id, item_id)
) STRICT, WITHOUT ROWID;
CREATE TABLE releases (
    id          INTEGER PRIMARY KEY,
    sample_id   INTEGER NOT NULL UNIQUE REFERENCES samples(id),
    name        TEXT NOT NULL UNIQUE,
    version     TEXT NOT NULL,
    frozen_by   TEXT NOT NULL,
    frozen_at   TEXT NOT NULL
) STRICT;
-- A release's files, byte for byte: an export writes exactly these.
CREATE TABLE release_files (
    release_id  INTEGER NOT NULL REFERENCES releases(id),
    path        TEXT NOT NULL,
    bytes       BLOB NOT NULL,
    sha256      TEXT NOT NULL,
    PRIMARY KEY (release_id, path)
) STRICT;
-- A frozen release, its files and its sample never change.
CREATE TRIGGER releases_frozen_update BEFORE UPDATE ON releases
BEGIN SELECT RAISE(ABORT, 'a frozen release never changes'); END;
CREATE TRIGGER releases_frozen_delete BEFORE DELETE ON releases
BEGIN SELECT RAISE(ABORT, 'a frozen release never changes'); END;
CREATE TRIGGER release_files_frozen_update BEFORE UPDATE ON release_files
BEGIN SELECT RAISE(ABORT, 'a frozen release never changes'); END;
CREATE TRIGGER release_files_frozen_delete BEFORE DELETE ON release_files
BEGIN SELECT RAISE(ABORT, 'a frozen release never changes'); END;
CREATE TRIGGER sample_items_frozen_delete BEFORE DELETE ON sample_items
WHEN EXISTS (SELECT 1 FROM releases WHERE sample_id = OLD.sample_id)
BEGIN SELECT RAISE(ABORT, 'the sample of a frozen release never changes'); END;
CREATE TRIGGER sample_items_frozen_update BEFORE UPDATE ON sample_items
WHEN EXISTS (SELECT 1 FROM releases WHERE sample_id = OLD.sample_id)
BEGIN SELECT RAISE(ABORT, 'the sample of a frozen release never changes'); END;
CREATE TRIGGER samples_frozen_update BEFORE UPDATE ON samples
WHEN EXISTS (SELECT 1 FROM releases WHERE sample_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'the sample of a frozen release never changes'); END;
CREATE TRIGGER samples_frozen_delete BEFORE DELETE ON samples
WHEN EXISTS (SELECT 1 FROM releases WHERE sample_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'the sample of a frozen release never changes'); END;
