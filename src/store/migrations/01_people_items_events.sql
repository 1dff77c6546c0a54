-- 1: people, datasets, items and their revisions, imports, the event log.
CREATE TABLE people (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    os_user     TEXT UNIQUE,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE TABLE person_roles (
    person_id   TEXT NOT NULL REFERENCES people(id),
    role        TEXT NOT NULL CHECK (role IN ('annotator', 'curator', 'maintainer')),
    PRIMARY KEY (person_id, role)
) STRICT, WITHOUT ROWID;

CREATE TABLE datasets (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('mcq', 'open_ended', 'extraction')),
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    actor       TEXT NOT NULL,
    format      TEXT NOT NULL,
    files       TEXT NOT NULL,
    at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

-- CHECKs on the hot insert path are written with OR: SQLite builds a scratch table for a
-- constant IN list of more than two values on every statement run.
CREATE TABLE items (
    id          INTEGER PRIMARY KEY,
    dataset_id  INTEGER NOT NULL REFERENCES datasets(id),
    ext_id      TEXT NOT NULL,
    kind        TEXT NOT NULL
                CHECK (kind = 'mcq' OR kind = 'open_ended' OR kind = 'extraction'),
    state       TEXT NOT NULL DEFAULT 'in_review'
                CHECK (state = 'in_review' OR state = 'needs_curation'
                       OR state = 'accepted' OR state = 'discarded'),
    revision_no INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (dataset_id, ext_id)
) STRICT;

CREATE TABLE revisions (
    item_id      INTEGER NOT NULL REFERENCES items(id),
    revision_no  INTEGER NOT NULL CHECK (revision_no >= 1),
    body         TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    -- Where the revision came from: an import (which file of it, which line) or a person.
    import_id    INTEGER REFERENCES imports(id),
    import_file  INTEGER,
    import_line  INTEGER,
    author       TEXT,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (item_id, revision_no)
) STRICT;

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    item_id     INTEGER REFERENCES items(id),
    revision_no INTEGER,
    detail      TEXT
) STRICT;
CREATE INDEX events_by_item ON events (item_id) WHERE item_id IS NOT NULL;

-- Revisions and events are history: nothing rewrites or removes them.
CREATE TRIGGER revisions_append_only_update BEFORE UPDATE ON revisions
BEGIN SELECT RAISE(ABORT, 'revisions are append-only'); END;
CREATE TRIGGER revisions_append_only_delete BEFORE DELETE ON revisions
BEGIN SELECT RAISE(ABORT, 'revisions are append-only'); END;
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
