#!/usr/bin/env bash
# Checks src/store/migrations/pg/17_baseline.sql against SQLite's schema after migrations 01 to
# 17, on a throwaway PostgreSQL server (run as root: the server runs as nobody):
#   1. the file loads into an empty database, from a file and as one string (as the postgres
#      crate's batch_execute sends it), with nothing printed: no error, notice or warning;
#   2. its structure is SQLite's: tables, columns (name, order, type, NOT NULL, default), keys,
#      foreign keys, indexes (columns, DESC, partial WHERE), triggers (table, timing, event,
#      UPDATE OF columns), the view, generated columns (none), seed rows;
#   3. every trigger does on PostgreSQL what it does on SQLite: the same statements, run on
#      both, are refused with the same message, or leave byte-identical contents in the tables
#      the triggers keep; every trigger is seen to run;
#   4. the two-reviewer rule holds between two concurrent transactions.
# One line per check; exits non-zero on any difference. The SQLite side is built here, with
# the sqlite3 command, from the migration files (nothing is read from outside the repository).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mig=$root/src/store/migrations
ddl=$mig/pg/17_baseline.sql
pgbin=${PGBIN:-/usr/lib/postgresql/15/bin}

[ "$(id -u)" = 0 ] || { echo "run as root (the server is started as nobody)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "sqlite3 not found" >&2; exit 2; }
command -v psql >/dev/null || { echo "psql not found" >&2; exit 2; }
[ -x "$pgbin/initdb" ] || { echo "no PostgreSQL server binaries in $pgbin (set PGBIN)" >&2; exit 2; }
[ -f "$ddl" ] || { echo "missing $ddl" >&2; exit 2; }

W=$(mktemp -d /tmp/baseline-check.XXXXXX)
chown nobody: "$W"
chmod 700 "$W"
bg=()
cleanup() {
    local rc=$?
    exec 3>&- 2>/dev/null || true
    for p in ${bg[@]+"${bg[@]}"}; do kill "$p" 2>/dev/null || true; done
    runuser -u nobody -- "$pgbin/pg_ctl" -D "$W/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$W"
    exit "$rc"
}
trap cleanup EXIT

runuser -u nobody -- "$pgbin/initdb" -D "$W/data" -U medcurate --auth=trust -E UTF8 \
    --locale=C.UTF-8 --no-sync >/dev/null
# track_functions: step 3 asks the server which trigger functions ran.
runuser -u nobody -- "$pgbin/pg_ctl" -D "$W/data" -l "$W/server.log" -w \
    -o "-k $W -c listen_addresses='' -c fsync=off -c track_functions=all" start >/dev/null

PSQL=(psql -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=terse -h "$W" -U medcurate)
# pg DB ARGS...: unaligned, '|' between columns, NULL as \N (as sq prints them).
pg() { local db=$1; shift; "${PSQL[@]}" -At -F '|' -P 'null=\N' -d "$db" "$@"; }
sdb=$W/s17.db
# sq ARGS...: the SQLite database, with foreign keys on as the store has them.
sq() { sqlite3 -bail -batch -nullvalue '\N' -separator '|' -cmd 'PRAGMA foreign_keys=ON' "$sdb" "$@"; }

fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }
# same NAME SQLITE_FILE PG_FILE
same() {
    if cmp -s "$2" "$3"; then
        ok "$1"
    else
        bad "$1"
        diff -u --label sqlite --label postgresql "$2" "$3" | head -n 60 | sed 's/^/       /' || true
    fi
}

echo "# PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}'), SQLite $(sqlite3 -version | awk '{print $1}')"

# ---------------------------------------------------------------------------------------------
echo "# 1. loading the file"
pg postgres -c "CREATE DATABASE x" -c "CREATE DATABASE y" -c "CREATE DATABASE z" \
    -c "CREATE DATABASE zc"
if "${PSQL[@]}" -d x -1 -f "$ddl" >"$W/load.out" 2>&1 && [ ! -s "$W/load.out" ]; then
    ok "17_baseline.sql loads with psql -1 -v ON_ERROR_STOP=1 -f, printing nothing"
else
    bad "17_baseline.sql does not load cleanly with psql -f:"; sed 's/^/       /' "$W/load.out"
    exit 1
fi
if "${PSQL[@]}" -d y -c "$(cat "$ddl")" >"$W/load2.out" 2>&1 && [ ! -s "$W/load2.out" ]; then
    ok "17_baseline.sql loads as one simple-protocol string (as batch_execute sends it)"
else
    bad "17_baseline.sql does not load as one string:"; sed 's/^/       /' "$W/load2.out"
fi
# db::translate rewrites ?N placeholders, temp., INDEXED BY, LIKE and json_each( outside
# quotes and comments: none of them may occur, so that batch_execute sends the file unchanged.
if sed 's/--.*$//' "$ddl" \
    | grep -inE '\?|(^|[^a-z0-9_])(indexed|like|json_each)([^a-z0-9_]|$)|(^|[^a-z0-9_])temp\.' \
    >"$W/translate.out"; then
    bad "the file holds SQL db::translate would rewrite:"; sed 's/^/       /' "$W/translate.out"
else
    ok "nothing in the file for db::translate to rewrite (no ?, temp., INDEXED, LIKE, json_each)"
fi

# ---------------------------------------------------------------------------------------------
echo "# 2. structure against SQLite"
n=0
for f in "$mig"/[0-9][0-9]_*.sql; do
    n=$((n + 1))
    if ! sqlite3 -bail "$sdb" <"$f" 2>"$W/mig.err"; then
        # A migration that changes no schema (only rows) changes nothing on an empty database:
        # one this sqlite3 cannot parse (12's json_group_array(x ORDER BY y) needs 3.44) is
        # passed over, and said so. Any other failure stops the check.
        if grep -qiE '^[[:space:]]*(CREATE|DROP|ALTER)[[:space:]]' "$f" \
            || ! grep -q 'Parse error' "$W/mig.err"; then
            bad "SQLite migration $(basename "$f") fails:"; sed 's/^/       /' "$W/mig.err"
            exit 1
        fi
        echo "note $(basename "$f") changes rows only (none in an empty database); this sqlite3 cannot parse it: $(head -n 1 "$W/mig.err")"
    fi
done
sqlite3 "$sdb" "PRAGMA user_version = 17"
[ "$n" = 17 ] && ok "SQLite database built from the 17 migration files" \
    || bad "expected 17 migration files, found $n"

sq "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'" \
    | LC_ALL=C sort >"$W/a"
pg x -c "SELECT table_name FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
           AND table_name <> 'schema_version'" | LC_ALL=C sort >"$W/b"
same "tables: the same $(wc -l <"$W/a") names (PostgreSQL has schema_version besides)" "$W/a" "$W/b"

# Columns: name in order, type as mapped, NOT NULL (a SQLite key column is NOT NULL in a STRICT
# table), default (the rowid alias id is PostgreSQL's identity; SQLite's strftime default and
# the to_char one both written "now").
sq "SELECT m.name, p.cid + 1, p.name,
        CASE upper(p.type) WHEN 'INTEGER' THEN 'bigint' WHEN 'REAL' THEN 'double precision'
             WHEN 'TEXT' THEN 'text' WHEN 'BLOB' THEN 'bytea' ELSE 'other ' || p.type END,
        CASE WHEN p.\"notnull\" = 1 OR p.pk > 0 THEN 'not null' ELSE 'null' END,
        CASE WHEN p.pk = 1 AND upper(p.type) = 'INTEGER' AND p.name = 'id'
                  AND (SELECT count(*) FROM pragma_table_info(m.name) q WHERE q.pk > 0) = 1
             THEN 'identity'
             WHEN p.dflt_value = 'strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now'')' THEN 'now'
             ELSE coalesce(p.dflt_value, '') END
    FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'" \
    | LC_ALL=C sort >"$W/a"
pg x -c "SELECT table_name, ordinal_position, column_name,
        CASE WHEN data_type = 'text' AND collation_name = 'C' THEN 'text'
             WHEN data_type = 'text' THEN 'text collate ' || coalesce(collation_name, 'default')
             ELSE data_type END,
        CASE WHEN is_nullable = 'NO' THEN 'not null' ELSE 'null' END,
        CASE WHEN is_identity = 'YES' AND identity_generation = 'BY DEFAULT' THEN 'identity'
             WHEN is_identity = 'YES' THEN 'identity always'
             WHEN column_default = 'to_char((statement_timestamp() AT TIME ZONE ''UTC''::text), '
                  || '''YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"''::text)' THEN 'now'
             ELSE regexp_replace(coalesce(column_default, ''), '::text$', '') END
    FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name <> 'schema_version'
      AND table_name IN (SELECT table_name FROM information_schema.tables
                         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE')" \
    | LC_ALL=C sort >"$W/b"
same "columns: $(wc -l <"$W/a") columns, each table's in SQLite's order, same types (text COLLATE \"C\"), NOT NULL and defaults" "$W/a" "$W/b"

sq "SELECT name, 'primary key', group_concat(col, ',') FROM (
        SELECT m.name AS name, p.name AS col FROM sqlite_master m, pragma_table_info(m.name) p
        WHERE m.type = 'table' AND p.pk > 0 ORDER BY m.name, p.pk) GROUP BY name
    UNION ALL
    SELECT m.name, 'unique', (SELECT group_concat(name, ',') FROM (
            SELECT name FROM pragma_index_info(l.name) ORDER BY seqno))
    FROM sqlite_master m, pragma_index_list(m.name) l WHERE m.type = 'table' AND l.origin = 'u'" \
    | LC_ALL=C sort >"$W/a"
pg x -c "SELECT c.conrelid::regclass, CASE c.contype WHEN 'p' THEN 'primary key' ELSE 'unique' END,
        string_agg(a.attname, ',' ORDER BY k.ord)
    FROM pg_constraint c
    CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
    WHERE c.contype IN ('p', 'u') AND c.connamespace = current_schema()::regnamespace
    GROUP BY c.oid, c.conrelid, c.contype" | LC_ALL=C sort >"$W/b"
same "keys: the same primary keys and UNIQUE constraints ($(wc -l <"$W/a"))" "$W/a" "$W/b"

sq "SELECT m.name, f.\"from\", f.\"table\", f.\"to\", f.on_delete, f.on_update
    FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table'" \
    | LC_ALL=C sort >"$W/a"
pg x -c "SELECT c.conrelid::regclass, a.attname, c.confrelid::regclass, af.attname,
        CASE c.confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE'
             WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END,
        CASE c.confupdtype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE'
             WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END
         || CASE WHEN cardinality(c.conkey) <> 1 THEN ' (several columns)' ELSE '' END
    FROM pg_constraint c
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
    JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
    WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace" \
    | LC_ALL=C sort >"$W/b"
same "foreign keys: the same $(wc -l <"$W/a"), with the same ON DELETE and ON UPDATE" "$W/a" "$W/b"

# Indexes made by CREATE INDEX: name, table, unique, columns with DESC, the partial WHERE (both
# written without parentheses, casts and spaces, in lower case).
norm_where() { sed -E 's/::(text|bigint|integer)//g; s/[() ]//g' | tr 'A-Z' 'a-z'; }
sq "SELECT l.name, m.name, l.\"unique\",
        (SELECT group_concat(c, ',') FROM (
            SELECT x.name || CASE x.\"desc\" WHEN 1 THEN ' DESC' ELSE '' END AS c
            FROM pragma_index_xinfo(l.name) x WHERE x.key = 1 ORDER BY x.seqno)),
        coalesce((SELECT substr(s, instr(upper(s), ' WHERE ') + 7) FROM (
            SELECT replace(replace(sql, char(10), ' '), char(13), ' ') AS s
            FROM sqlite_master WHERE type = 'index' AND name = l.name)
          WHERE instr(upper(s), ' WHERE ') > 0), '')
    FROM sqlite_master m, pragma_index_list(m.name) l WHERE m.type = 'table' AND l.origin = 'c'" \
    | norm_where | LC_ALL=C sort >"$W/a"
pg_index_cols="(SELECT string_agg(a.attname || CASE WHEN i.indoption[k.ord - 1] & 1 = 1
                                                   THEN ' DESC' ELSE '' END, ',' ORDER BY k.ord)
               FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum)"
pg x -c "SELECT ic.relname, t.relname, CAST(i.indisunique AS INTEGER), $pg_index_cols,
        coalesce(pg_get_expr(i.indpred, i.indrelid), '')
    FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
    WHERE t.relnamespace = current_schema()::regnamespace
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                      WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u'))
      AND ic.relname <> 'route_queue_pk_order'" | norm_where | LC_ALL=C sort >"$W/b"
same "indexes: the same $(wc -l <"$W/a") names, columns, DESC and partial WHERE clauses" "$W/a" "$W/b"
sq "SELECT group_concat(c, ',') FROM (
        SELECT x.name || CASE x.\"desc\" WHEN 1 THEN ' DESC' ELSE '' END AS c
        FROM pragma_index_list('route_queue') l, pragma_index_xinfo(l.name) x
        WHERE l.origin = 'pk' AND x.key = 1 ORDER BY x.seqno)" >"$W/a"
pg x -c "SELECT $pg_index_cols FROM pg_index i
         WHERE i.indexrelid = 'route_queue_pk_order'::regclass" >"$W/b"
same "route_queue: route_queue_pk_order has SQLite's key order ($(cat "$W/a"))" "$W/a" "$W/b"

# Triggers: name, table, timing, event, UPDATE OF columns (sorted), and for PostgreSQL: per
# row, and the function <trigger>_fn.
sq "SELECT name, tbl_name, replace(replace(sql, char(10), ' '), char(13), ' ')
    FROM sqlite_master WHERE type = 'trigger'" \
    | sed -E 's/^([^|]*)\|([^|]*)\|CREATE +TRIGGER +(IF +NOT +EXISTS +)?[a-z_]+ +(BEFORE|AFTER) +(INSERT|DELETE|UPDATE)( +OF +([a-z_, ]*[a-z_]))? +ON .*$/\1|\2|\4|\5|\7/' \
    | while IFS='|' read -r name tbl timing event cols; do
        cols=$(printf '%s' "$cols" | tr ',' '\n' | tr -d ' ' | LC_ALL=C sort | paste -sd, -)
        echo "$name|$tbl|$timing|$event|$cols|row|${name}_fn"
    done | LC_ALL=C sort >"$W/a"
pg x -c "SELECT t.tgname, c.relname,
        CASE WHEN t.tgtype & 2 = 2 THEN 'BEFORE' WHEN t.tgtype & 64 = 64 THEN 'INSTEAD OF' ELSE 'AFTER' END,
        concat_ws(' OR ', CASE WHEN t.tgtype & 4 = 4 THEN 'INSERT' END,
                  CASE WHEN t.tgtype & 8 = 8 THEN 'DELETE' END,
                  CASE WHEN t.tgtype & 16 = 16 THEN 'UPDATE' END,
                  CASE WHEN t.tgtype & 32 = 32 THEN 'TRUNCATE' END),
        coalesce((SELECT string_agg(a.attname, ',' ORDER BY a.attname COLLATE \"C\")
                  FROM unnest(t.tgattr) AS k(attnum)
                  JOIN pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = k.attnum), ''),
        CASE WHEN t.tgtype & 1 = 1 THEN 'row' ELSE 'statement' END, p.proname
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
    WHERE NOT t.tgisinternal" | LC_ALL=C sort >"$W/b"
same "triggers: the same $(wc -l <"$W/a") names, tables, timing, events and UPDATE OF columns; each FOR EACH ROW running <name>_fn" "$W/a" "$W/b"

sq "SELECT name FROM sqlite_master WHERE type = 'view'" | LC_ALL=C sort >"$W/a"
pg x -c "SELECT table_name FROM information_schema.views WHERE table_schema = current_schema()" \
    | LC_ALL=C sort >"$W/b"
same "views: the same names ($(paste -sd' ' "$W/a"))" "$W/a" "$W/b"
sq "SELECT bit FROM route_bits ORDER BY bit" >"$W/a"
pg x -c "SELECT bit FROM route_bits ORDER BY bit" >"$W/b"
same "view route_bits: the same $(wc -l <"$W/a") rows" "$W/a" "$W/b"

sq "SELECT 'generated columns: ' || count(*) FROM sqlite_master m, pragma_table_xinfo(m.name) x
    WHERE m.type = 'table' AND x.hidden IN (2, 3)" >"$W/a"
pg x -c "SELECT 'generated columns: ' || count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
         WHERE c.relnamespace = current_schema()::regnamespace AND a.attgenerated <> ''" >"$W/b"
same "generated columns: $(cut -d' ' -f3 "$W/a") in SQLite, as many in PostgreSQL" "$W/a" "$W/b"

sq "SELECT * FROM department_bits ORDER BY bit" >"$W/a"
pg x -c "SELECT * FROM department_bits ORDER BY bit" >"$W/b"
same "seed rows: department_bits, $(wc -l <"$W/a") rows, byte for byte" "$W/a" "$W/b"
sq "SELECT * FROM route_bit ORDER BY bit" >"$W/a"
pg x -c "SELECT * FROM route_bit ORDER BY bit" >"$W/b"
same "seed rows: route_bit, $(wc -l <"$W/a") rows" "$W/a" "$W/b"
[ "$(pg x -c "SELECT string_agg(CAST(version AS TEXT), ',') FROM schema_version")" = 17 ] \
    && ok "schema_version holds one row: 17" || bad "schema_version is not one row of 17"

# ---------------------------------------------------------------------------------------------
echo "# 3. triggers, the same statements on both engines"
# The tables the triggers write, dumped whole in a fixed order (SQLite puts NULL first).
kept=(items reviews curation queue_open queue_reviewer route_open route_queue controls)
: >"$W/dump_sq.sql"
: >"$W/dump_pg.sql"
for t in "${kept[@]}"; do
    cols=$(sq "SELECT count(*) FROM pragma_table_info('$t')")
    ord_sq=$(seq -s, 1 "$cols")
    ord_pg=$(seq 1 "$cols" | sed 's/$/ NULLS FIRST/' | paste -sd, -)
    echo "SELECT '== $t'; SELECT * FROM $t ORDER BY $ord_sq;" >>"$W/dump_sq.sql"
    echo "SELECT '== $t'; SELECT * FROM $t ORDER BY $ord_pg;" >>"$W/dump_pg.sql"
done
dumps_equal() {
    sq <"$W/dump_sq.sql" >"$W/dump.a" 2>&1 || true
    pg x -f "$W/dump_pg.sql" >"$W/dump.b" 2>&1 || true
    cmp -s "$W/dump.a" "$W/dump.b"
}
show_dump_diff() {
    diff -u --label sqlite --label postgresql "$W/dump.a" "$W/dump.b" | head -n 60 \
        | sed 's/^/       /' || true
}
# The message of the error a statement fails with, or "(no error)".
sq_err() {
    if sq "$1" >/dev/null 2>"$W/err"; then echo "(no error)"; return; fi
    head -n 1 "$W/err" | sed -E 's/^Error: //; s/^(Runtime error|Parse error)( near line [0-9]+)?: //;
        s/^near line [0-9]+: //; s/^stepping, //; s/ \([0-9]+\)$//'
}
pg_err() {
    if pg x -c "$1" >/dev/null 2>"$W/err"; then echo "(no error)"; return; fi
    grep -m 1 'ERROR:' "$W/err" | sed -E 's/^.*ERROR: +//'
}
# both SQL: set-up, run on both engines, must succeed on both; not reported unless it fails.
both() {
    local out
    out=$(sq_err "$1")
    [ "$out" = "(no error)" ] || { bad "set-up refused by SQLite: $1: $out"; return 0; }
    out=$(pg_err "$1")
    [ "$out" = "(no error)" ] || { bad "set-up refused by PostgreSQL: $1: $out"; return 0; }
}
# both_each SQLITE_SQL PG_SQL: set-up spelled for each engine.
both_each() {
    local out
    out=$(sq_err "$1")
    [ "$out" = "(no error)" ] || { bad "set-up refused by SQLite: $1: $out"; return 0; }
    out=$(pg_err "$2")
    [ "$out" = "(no error)" ] || { bad "set-up refused by PostgreSQL: $2: $out"; return 0; }
}
# step LABEL SQL: succeeds on both, and leaves the same contents in the kept tables.
step() {
    local e1 e2
    e1=$(sq_err "$2")
    e2=$(pg_err "$2")
    if [ "$e1" != "(no error)" ] || [ "$e2" != "(no error)" ]; then
        bad "$1: refused (SQLite: $e1; PostgreSQL: $e2): $2"
    elif dumps_equal; then
        ok "$1"
    else
        bad "$1: the kept tables differ after: $2"; show_dump_diff
    fi
}
checked=()
# refuse TRIGGER LABEL SQL MESSAGE: refused by both with exactly MESSAGE, nothing changed.
refuse() {
    local e1 e2
    e1=$(sq_err "$3")
    e2=$(pg_err "$3")
    checked+=("$1")
    if [ "$e1" = "$4" ] && [ "$e2" = "$4" ] && dumps_equal; then
        ok "$1 refuses $2: \"$4\""
    else
        bad "$1 refuses $2: SQLite says \"$e1\", PostgreSQL \"$e2\", expected \"$4\": $3"
    fi
}
# allow LABEL SQL: what a refusing trigger lets through goes through on both, alike.
allow() { step "allowed: $1" "$2"; }
# fails_both LABEL SQL: a constraint refuses it on both (the messages are the engines' own).
fails_both() {
    local e1 e2
    e1=$(sq_err "$2")
    e2=$(pg_err "$2")
    if [ "$e1" != "(no error)" ] && [ "$e2" != "(no error)" ] && dumps_equal; then
        ok "constraint: $1 (refused by both)"
    else
        bad "constraint: $1: SQLite \"$e1\", PostgreSQL \"$e2\": $2"
    fi
}

# Defaults that read the clock: the same text shape on both.
both "INSERT INTO people (id, name) VALUES ('clock', 'Clock')"
shape='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$'
ts_sq=$(sq "SELECT created_at FROM people WHERE id = 'clock'")
ts_pg=$(pg x -c "SELECT created_at FROM people WHERE id = 'clock'")
if [[ $ts_sq =~ $shape ]] && [[ $ts_pg =~ $shape ]]; then
    ok "default timestamps have one shape: SQLite $ts_sq, PostgreSQL $ts_pg"
else
    bad "default timestamps differ in shape: SQLite $ts_sq, PostgreSQL $ts_pg"
fi
both "DELETE FROM people WHERE id = 'clock'"

# SQLite's shifts, on every count from -70 to 70, on 1, -1 and a mixed mask.
shifts="SELECT v, n, v << n, v >> n FROM (SELECT 1 AS v UNION ALL SELECT -1 UNION ALL
        SELECT -6917529027641081856 UNION ALL SELECT 81985529216486895) a,
       (SELECT bit - 70 AS n FROM route_bit UNION ALL SELECT bit - 6 FROM route_bit
        UNION ALL SELECT bit + 58 FROM route_bit WHERE bit > 5) b ORDER BY v, n"
sq "$shifts" >"$W/a"
pg x -c "$shifts" >"$W/b"
same "bit shifts: << and >> of BIGINTs give SQLite's results for counts -70 to 121 ($(wc -l <"$W/a") cases)" "$W/a" "$W/b"

# The fixture: people, datasets (queue_dataset_insert), items, their revisions (route_revision:
# arrays, duplicates, unknown ids, a lone string, an object, no key, bit 63).
both "INSERT INTO people (id, name, os_user, created_at) VALUES
      ('ann', 'Ann', NULL, 't0'), ('bob', 'Bob', NULL, 't0'), ('cat', 'Cat', NULL, 't0'),
      ('dan', 'Dan', NULL, 't0'), ('eve', 'Eve', NULL, 't0'), ('mia', 'Mia', 'mia', 't0')"
both "INSERT INTO person_roles (person_id, role) VALUES ('ann', 'annotator'), ('bob', 'annotator'),
      ('cat', 'annotator'), ('dan', 'annotator'), ('eve', 'curator'), ('mia', 'maintainer')"
both "INSERT INTO person_specialties (person_id, department) VALUES ('ann', 'cardiology')"
both "INSERT INTO imports (id, actor, format, files, at) VALUES (1, 'mia', 'jsonl', '[\"a.jsonl\"]', 't0')"
step "queue_dataset_insert: a dataset gets its queue_open row" \
    "INSERT INTO datasets (id, name, kind, created_at, routing) VALUES (1, 'd1', 'mcq', 't0', 'prefer')"
step "queue_dataset_insert: another" \
    "INSERT INTO datasets (id, name, kind, created_at, routing) VALUES (2, 'd2', 'open_ended', 't0', 'strict')"
step "items inserted (no trigger: the import counts them)" \
    "INSERT INTO items (id, dataset_id, ext_id, kind, state, revision_no, created_at) VALUES
      (1, 1, 'q1', 'mcq', 'in_review', 1, 't0'), (2, 1, 'q2', 'mcq', 'in_review', 1, 't0'),
      (3, 1, 'q3', 'mcq', 'in_review', 1, 't0'), (4, 1, 'q4', 'mcq', 'in_review', 1, 't0'),
      (5, 1, 'q5', 'mcq', 'in_review', 1, 't0'), (6, 1, 'q6', 'mcq', 'in_review', 1, 't0'),
      (7, 2, 'o1', 'open_ended', 'in_review', 1, 't0'), (8, 2, 'o2', 'open_ended', 'in_review', 1, 't0')"
step "the import counts its items in queue_open" "UPDATE queue_open SET items = items + 6 WHERE dataset_id = 1"
step "the import counts its items in queue_open (2)" "UPDATE queue_open SET items = items + 2 WHERE dataset_id = 2"
rev() { # item revision body
    echo "INSERT INTO revisions (item_id, revision_no, body, content_hash, import_id, import_file,
          import_line, author, created_at) VALUES ($1, $2, '$3', 'h$1.$2', 1, 0, $1, NULL, 't0')"
}
step "route_revision: suggested departments become route_mask (route_open_mask, route_queue_item)" \
    "$(rev 1 1 '{"difficulty":"easy","suggested_departments":["cardiology","neurology"]}')"
step "route_revision: three revisions in one statement (one lists none, one has no key)" \
    "INSERT INTO revisions (item_id, revision_no, body, content_hash, created_at) VALUES
      (2, 1, '{\"suggested_departments\":[\"cardiology\"]}', 'h2', 't0'),
      (3, 1, '{\"suggested_departments\":[]}', 'h3', 't0'),
      (4, 1, '{\"question\":\"no departments\"}', 'h4', 't0')"
step "route_revision: a repeated and an unknown department" \
    "$(rev 5 1 '{"suggested_departments":["nephrology","cardiology","cardiology","no-such-department"]}')"
step "route_revision: bit 63 (the sign bit) and bit 0" \
    "$(rev 6 1 '{"suggested_departments":["child-healthcare","respiratory-medicine"]}')"
step "route_revision: a lone string where the list goes" \
    "$(rev 7 1 '{"suggested_departments":"oncology"}')"
step "route_revision: an object where the list goes" \
    "$(rev 8 1 '{"suggested_departments":{"a":"neurology","b":"oncology","c":1}}')"

claim() { # id item revision reviewer [status]
    echo "INSERT INTO reviews (id, item_id, revision_no, reviewer, status, claimed_at,
          lease_expires_at, updated_at) VALUES ($1, $2, $3, '$4', '${5:-claimed}', 't1', 't9', 't1')"
}
take() { echo "UPDATE items SET active_reviews = active_reviews + 1 WHERE id = $1"; }
submit() { # id departments-json verdict-bits department-set
    echo "UPDATE reviews SET status = 'submitted', content = '{\"departments\":$2}', passed = 1,
          lease_expires_at = NULL, updated_at = 't2', submitted_at = 't2', verdict_bits = $3,
          department_set = '$4' WHERE id = $1"
}
# Item 1: a pair that agrees; accepted with its departments.
step "queue_review_insert, reviews_solo_insert: a first claim" "$(claim 1 1 1 ann)"
step "route_queue_item: the claim taken (active_reviews 0 to 1)" "$(take 1)"
step "a second claim" "$(claim 2 1 1 bob)"
step "queue_item_open, route_open_state, queue_item_barred, route_queue_item: the item closes" "$(take 1)"
step "queue_review_status, reviews_solo_status: a submission" \
    "$(submit 1 '["neurology","cardiology"]' 257 ',cardiology,neurology,')"
step "the other submission" "$(submit 2 '["cardiology"]' 257 ',cardiology,')"
step "route_departments: accepted with final departments" \
    "UPDATE items SET state = 'accepted', departments = '[\"neurology\",\"cardiology\"]' WHERE id = 1"
# Item 2: disagreement, curation, a revision for fresh eyes.
step "item 2: first claim" "$(claim 3 2 1 ann)"
step "item 2: taken" "$(take 2)"
step "item 2: second claim" "$(claim 4 2 1 cat)"
step "item 2: taken (closes)" "$(take 2)"
step "item 2: submitted" "$(submit 3 '["cardiology"]' 257 ',cardiology,')"
step "item 2: submitted (2)" "$(submit 4 '["neurology"]' 1 ',neurology,')"
step "item 2: to curation" "UPDATE items SET state = 'needs_curation' WHERE id = 2"
step "item 2: its curation row" \
    "INSERT INTO curation (item_id, dataset_id, revision_no, reasons, criteria_disagree, both_failed,
      departments_disagree, correction_proposed, department_set, since) VALUES
      (2, 1, 1, 'criteria_disagree:natural_plausible', 1, 0, 1, 0, ',cardiology,neurology,', 't3')"
step "route_revision: a curator's revision of a closed item" \
    "$(rev 2 2 '{"suggested_departments":["neurology","oncology"]}')"
both "INSERT INTO decisions (id, item_id, revision_no, curator, action, new_revision, at, note)
      VALUES (1, 2, 1, 'eve', 'revise', 2, 't4', 'clearer stem')"
step "items_revision_resets, items_solo_revision: the revise (revision_no, active_reviews 0)" \
    "UPDATE items SET revision_no = 2, difficulty = NULL, active_reviews = 0, difficulty_source = NULL WHERE id = 2"
step "queue_item_barred: fresh eyes set on a closed item" "UPDATE items SET fresh_eyes = 1 WHERE id = 2"
step "items_leave_curation, queue_item_barred (fresh eyes bar ann and cat): back in review" \
    "UPDATE items SET state = 'in_review' WHERE id = 2"
step "queue_review_insert: a claim of the new revision" "$(claim 5 2 2 dan)"
step "item 2: taken" "$(take 2)"
step "queue_review_status: an earlier revision's submitted review released (fresh eyes)" \
    "UPDATE reviews SET status = 'released' WHERE id = 4"
step "queue_review_status: and submitted again" "UPDATE reviews SET status = 'submitted' WHERE id = 4"
step "queue_review_insert: a barred reviewer's released row of the new revision" "$(claim 6 2 2 ann released)"
step "reviews_solo_status: released to claimed (the second in force)" \
    "UPDATE reviews SET status = 'claimed' WHERE id = 6"
step "item 2: taken (closes)" "$(take 2)"
step "claims lapse together (two rows in one statement)" \
    "UPDATE reviews SET status = 'expired', lease_expires_at = NULL WHERE item_id = 2 AND status = 'claimed'"
step "item 2: reopened (active_reviews 0)" "UPDATE items SET active_reviews = 0 WHERE id = 2"
step "queue_review_delete: a lapsed claim of the current revision deleted" "DELETE FROM reviews WHERE id = 6"
step "queue_review_delete: an earlier revision's submitted review deleted (fresh eyes)" \
    "DELETE FROM reviews WHERE id = 3"
step "queue_item_barred, route_queue_item: fresh eyes cleared on an open item" \
    "UPDATE items SET fresh_eyes = 0 WHERE id = 2"
# Item 5: writes the store does not make but the schema takes.
step "route_revision: a new revision of an open item" "$(rev 5 2 '{"suggested_departments":["oncology"]}')"
step "trigger order: revision_no and departments in one UPDATE (route_departments, items_revision_resets)" \
    "UPDATE items SET revision_no = 2, departments = '[\"ophthalmology\",\"dermatology\"]' WHERE id = 5"
step "route_departments: departments of an open item" \
    "UPDATE items SET departments = '[\"psychiatry\",\"psychiatry\"]' WHERE id = 5"
step "items_revision_resets: revision_no set to itself clears the departments" \
    "UPDATE items SET revision_no = revision_no WHERE id = 5"
step "route_queue_item, route_open_mask: state, count, solo reviewer and mask written at once" \
    "UPDATE items SET state = 'in_review', active_reviews = 1, solo_reviewer = 'zed', route_mask = 5 WHERE id = 5"
step "route_open_mask: the sign bit alone" \
    "UPDATE items SET route_mask = -9223372036854775808 WHERE id = 5"
step "route_departments: departments again" \
    "UPDATE items SET departments = '[\"oncology\",\"nephrology\"]' WHERE id = 5"
step "trigger order: departments and revision_no again, departments to NULL" \
    "UPDATE items SET departments = NULL, revision_no = 2, active_reviews = 0 WHERE id = 5"
# Item 6 (bits 63 and 0): claimed, released.
step "item 6: claimed" "$(claim 7 6 1 eve)"
step "item 6: taken" "$(take 6)"
step "item 6: released" "UPDATE reviews SET status = 'released' WHERE id = 7"
step "item 6: given back" "UPDATE items SET active_reviews = active_reviews - 1 WHERE id = 6"
# Item 3 (no departments): two claims in one statement.
step "queue_review_insert, reviews_solo_insert: two claims in one INSERT" \
    "INSERT INTO reviews (id, item_id, revision_no, reviewer, status, claimed_at, updated_at)
     VALUES (8, 3, 1, 'ann', 'claimed', 't1', 't1'), (9, 3, 1, 'bob', 'claimed', 't1', 't1')"
step "item 3: active_reviews 2" "UPDATE items SET active_reviews = 2 WHERE id = 3"
step "two submissions in one UPDATE" \
    "UPDATE reviews SET status = 'submitted', updated_at = 't5', submitted_at = 't5' WHERE item_id = 3"
step "item 3: discarded" "UPDATE items SET state = 'discarded' WHERE id = 3"
# Several items in one statement.
step "route_open_state, queue_item_open: two items close in one UPDATE" \
    "UPDATE items SET state = 'discarded' WHERE dataset_id = 2"
step "two items open in one UPDATE" "UPDATE items SET state = 'in_review' WHERE dataset_id = 2"
step "route_departments: two open items' departments in one UPDATE" \
    "UPDATE items SET departments = '[\"urology-surgery\"]' WHERE dataset_id = 2"
step "route_open_state, route_queue_item: an item closed and its mask written at once" \
    "UPDATE items SET state = 'discarded', route_mask = 7 WHERE id = 7"
step "route_open_state, route_queue_item: opened and its mask written at once" \
    "UPDATE items SET state = 'in_review', route_mask = 12 WHERE id = 7"
# UPDATE OF fires on a column set to its own value.
step "a stray curation row" \
    "INSERT INTO curation (item_id, dataset_id, revision_no, reasons, criteria_disagree, both_failed,
      departments_disagree, correction_proposed, department_set, since) VALUES
      (1, 1, 1, 'both_failed', 0, 1, 0, 0, ',', 't6')"
step "items_leave_curation: state set to itself (accepted) removes it" \
    "UPDATE items SET state = 'accepted' WHERE id = 1"
step "items_revision_resets: an accepted item's departments cleared by revision_no = revision_no" \
    "UPDATE items SET revision_no = revision_no WHERE id = 1"
# Item 4 becomes a control.
step "a control: held at two" "UPDATE items SET active_reviews = 2 WHERE id = 4"
step "a control: marked" \
    "INSERT INTO controls (item_id, dataset_id, expected_bits, marked_by, marked_at) VALUES (4, 1, 257, 'mia', 't6')"
step "reviews_two_in_force_insert: a control takes a first review" "$(claim 10 4 1 ann)"
step "reviews_two_in_force_insert: a second" "$(claim 11 4 1 bob)"
step "reviews_two_in_force_insert: a third (controls are excepted)" "$(claim 12 4 1 cat)"
step "three submissions of a control" \
    "UPDATE reviews SET status = 'submitted', updated_at = 't6', submitted_at = 't6' WHERE item_id = 4"
allow "controls_stay_apart: a control written at two, in review" \
    "UPDATE items SET state = 'in_review', active_reviews = 2, revision_no = 1 WHERE id = 4"
allow "controls_marked_once: a control retired" "UPDATE controls SET retired_at = 't7' WHERE item_id = 4"
# An import: items from import_new_items.first_id on are left to it.
step "an import starts" "INSERT INTO import_new_items (first_id) VALUES (20)"
step "its items" \
    "INSERT INTO items (id, dataset_id, ext_id, kind, state, revision_no, created_at) VALUES
      (20, 1, 'q20', 'mcq', 'in_review', 1, 't7'), (21, 1, 'q21', 'mcq', 'in_review', 1, 't7')"
step "route_revision: not for the import's items" \
    "INSERT INTO revisions (item_id, revision_no, body, content_hash, created_at) VALUES
      (20, 1, '{\"suggested_departments\":[\"cardiology\"]}', 'h20', 't7'),
      (21, 1, '{\"suggested_departments\":[\"cardiology\"]}', 'h21', 't7')"
step "route_open_mask, route_queue_item: not for the import's items" \
    "UPDATE items SET route_mask = 64 WHERE id IN (20, 21)"
step "the import's queue rows" \
    "INSERT INTO route_queue (bit, dataset_id, active_reviews, item_id, revision_no, solo_reviewer,
      fresh_eyes, route_mask)
     SELECT 6, dataset_id, active_reviews, id, revision_no, solo_reviewer, fresh_eyes, route_mask
     FROM items WHERE id IN (20, 21)"
step "the import's department counts" \
    "INSERT INTO route_open (dataset_id, bit, items) VALUES (1, 6, 2), (1, 64, 2)
     ON CONFLICT (dataset_id, bit) DO UPDATE SET items = route_open.items + excluded.items"
step "the import's queue count" "UPDATE queue_open SET items = items + 2 WHERE dataset_id = 1"
step "the import ends" "DELETE FROM import_new_items"
step "route_queue_item: an imported item claimed afterwards" "$(claim 13 21 1 dan)"
step "route_queue_item: and taken" "$(take 21)"
# Items deleted (one with no revision, so no row refers to it).
step "an item with no revision" \
    "INSERT INTO items (id, dataset_id, ext_id, kind, state, revision_no, created_at)
     VALUES (30, 1, 'q30', 'mcq', 'in_review', 1, 't8')"
step "counted" "UPDATE queue_open SET items = items + 1 WHERE dataset_id = 1"
step "route_open_mask, route_queue_item: given departments directly" "UPDATE items SET route_mask = 3 WHERE id = 30"
step "queue_item_delete, route_open_delete, route_queue_item_delete: an open item deleted" \
    "DELETE FROM items WHERE id = 30"
step "an item with no departments deleted" \
    "INSERT INTO items (id, dataset_id, ext_id, kind, state, revision_no, created_at)
     VALUES (31, 2, 'o31', 'open_ended', 'in_review', 1, 't8')"
step "queue_item_delete: and deleted" "DELETE FROM items WHERE id = 31"
step "queue_dataset_insert: a third dataset" \
    "INSERT INTO datasets (id, name, kind, created_at) VALUES (3, 'd3', 'extraction', 't9')"
# A reopen.
step "a reopen: needs_curation, departments cleared" \
    "UPDATE items SET state = 'needs_curation', departments = NULL WHERE id = 1"
step "route_open_state, route_queue_item: back in review with its suggested departments" \
    "UPDATE items SET state = 'in_review', active_reviews = 0 WHERE id = 1"

# Refusals: the same statement refused by both, with the same message; what the trigger
# lets through goes through.
both "INSERT INTO events (id, at, actor, action, item_id, revision_no, detail, account)
      VALUES (1, 't1', 'ann', 'claimed', 1, 1, NULL, 'root')"
both "INSERT INTO decisions (id, item_id, revision_no, curator, action, departments, at)
      VALUES (2, 1, 1, 'eve', 'accept', '[\"cardiology\"]', 't4')"
both "INSERT INTO samples (id, name, plan_name, plan, seed, report, created_by, created_at)
      VALUES (1, 's1', 'p', '{}', 7, '{}', 'mia', 't5'), (2, 's2', 'p', '{}', 8, '{}', 'mia', 't5')"
both "INSERT INTO sample_items (sample_id, item_id, revision_no, difficulty, departments, stratum)
      VALUES (1, 1, 1, 'easy', '[]', 'a'), (1, 2, 2, NULL, NULL, 'b'), (2, 1, 1, NULL, NULL, 'a'),
      (2, 2, 2, NULL, NULL, 'b')"
both "INSERT INTO releases (id, sample_id, name, version, frozen_by, frozen_at)
      VALUES (1, 1, 'r1', '1.0.0', 'mia', 't6')"
both_each "INSERT INTO release_files (release_id, path, bytes, sha256) VALUES (1, 'data.jsonl', X'00FF0A', 'abc')" \
          "INSERT INTO release_files (release_id, path, bytes, sha256) VALUES (1, 'data.jsonl', '\\x00ff0a', 'abc')"
both "INSERT INTO evaluation_results (id, root_digest, release, version, model, answers_sha256,
      scores, recorded_by, recorded_at) VALUES (1, 'sha256:x', 'r1', '1.0.0', 'm', 'a', '{}', 'mia', 't7')"
if [ "$(sq "SELECT hex(bytes) FROM release_files")" = "$(pg x -c "SELECT upper(encode(bytes, 'hex')) FROM release_files")" ]; then
    ok "release_files.bytes: BYTEA holds the BLOB's bytes"
else
    bad "release_files.bytes differ"
fi

refuse revisions_append_only_update "a revision rewritten" \
    "UPDATE revisions SET body = body WHERE item_id = 1" "revisions are append-only"
refuse revisions_append_only_delete "a revision removed" \
    "DELETE FROM revisions WHERE item_id = 1" "revisions are append-only"
refuse events_append_only_update "an event rewritten" \
    "UPDATE events SET detail = 'x' WHERE id = 1" "the event log is append-only"
refuse events_append_only_delete "an event removed" \
    "DELETE FROM events WHERE id = 1" "the event log is append-only"
refuse decisions_append_only_update "a decision rewritten" \
    "UPDATE decisions SET reason = 'x' WHERE id = 1" "decisions are append-only"
refuse decisions_append_only_delete "a decision removed" \
    "DELETE FROM decisions WHERE id = 2" "decisions are append-only"
refuse releases_frozen_update "a release changed" \
    "UPDATE releases SET version = '2.0.0' WHERE id = 1" "a frozen release never changes"
refuse releases_frozen_delete "a release removed" \
    "DELETE FROM releases WHERE id = 1" "a frozen release never changes"
refuse release_files_frozen_update "a release file changed" \
    "UPDATE release_files SET sha256 = 'x'" "a frozen release never changes"
refuse release_files_frozen_delete "a release file removed" \
    "DELETE FROM release_files" "a frozen release never changes"
refuse sample_items_frozen_delete "a frozen sample's item removed" \
    "DELETE FROM sample_items WHERE sample_id = 1 AND item_id = 2" \
    "the sample of a frozen release never changes"
refuse sample_items_frozen_update "a frozen sample's item changed" \
    "UPDATE sample_items SET stratum = 'c' WHERE sample_id = 1" \
    "the sample of a frozen release never changes"
refuse samples_frozen_update "a frozen sample changed" \
    "UPDATE samples SET report = '[]' WHERE id = 1" "the sample of a frozen release never changes"
refuse samples_frozen_delete "a frozen sample removed" \
    "DELETE FROM samples WHERE id = 1" "the sample of a frozen release never changes"
allow "sample_items_frozen_update: a draft sample's item changed" \
    "UPDATE sample_items SET stratum = 'c' WHERE sample_id = 2"
allow "sample_items_frozen_delete: a draft sample's item removed" \
    "DELETE FROM sample_items WHERE sample_id = 2 AND item_id = 2"
allow "samples_frozen_update: a draft sample changed" "UPDATE samples SET report = '[]' WHERE id = 2"
allow "samples_frozen_delete: a draft sample removed" \
    "DELETE FROM sample_items WHERE sample_id = 2"
allow "samples_frozen_delete: a draft sample removed (2)" "DELETE FROM samples WHERE id = 2"
refuse evaluation_results_update "a result changed" \
    "UPDATE evaluation_results SET model = 'n'" "a recorded result never changes"
refuse evaluation_results_delete "a result removed" \
    "DELETE FROM evaluation_results" "a recorded result never changes"
refuse queue_item_moved "an item moved to another dataset" \
    "UPDATE items SET dataset_id = 2 WHERE id = 1" "an item stays in its dataset"
allow "queue_item_moved: dataset_id set to itself" "UPDATE items SET dataset_id = dataset_id WHERE id = 1"
refuse controls_stay_apart "a control accepted" \
    "UPDATE items SET state = 'accepted' WHERE id = 4" "a control item stays out of the review pairs"
refuse controls_stay_apart "a control's count lowered" \
    "UPDATE items SET active_reviews = 1 WHERE id = 4" "a control item stays out of the review pairs"
refuse controls_stay_apart "a control revised" \
    "UPDATE items SET revision_no = 2 WHERE id = 4" "a control item stays out of the review pairs"
refuse controls_marked_once "a control's expected verdicts changed" \
    "UPDATE controls SET expected_bits = 3 WHERE item_id = 4" "a control keeps its item and expected verdicts"
refuse controls_marked_once "a control's dataset set to itself (UPDATE OF fires)" \
    "UPDATE controls SET dataset_id = dataset_id WHERE item_id = 4" "a control keeps its item and expected verdicts"
refuse controls_kept "a control removed" \
    "DELETE FROM controls WHERE item_id = 4" "a control is retired, not removed"
step "a released review of an item whose revision has two in force" "$(claim 14 1 1 cat released)"
refuse reviews_two_in_force_insert "a third review in force" \
    "$(claim 15 1 1 eve)" "a revision of an item has at most two reviews in force"
refuse reviews_two_in_force_insert "a third review in force, submitted" \
    "$(claim 15 1 1 eve submitted)" "a revision of an item has at most two reviews in force"
refuse reviews_two_in_force_status "a released review claimed again as the third" \
    "UPDATE reviews SET status = 'claimed' WHERE id = 14" "a revision of an item has at most two reviews in force"
refuse queue_review_moved "a review given to another reviewer" \
    "UPDATE reviews SET reviewer = 'dan' WHERE id = 14" "a review stays with its item, revision and reviewer"
refuse queue_review_moved "a review moved to another item" \
    "UPDATE reviews SET item_id = 2 WHERE id = 14" "a review stays with its item, revision and reviewer"
refuse queue_review_moved "a review moved to another revision" \
    "UPDATE reviews SET revision_no = 2 WHERE id = 14" "a review stays with its item, revision and reviewer"
refuse queue_review_moved "trigger order: moved and made the third in force at once (SQLite's first message)" \
    "UPDATE reviews SET status = 'claimed', reviewer = 'dan' WHERE id = 14" \
    "a revision of an item has at most two reviews in force"
allow "queue_review_moved: a review's columns set to themselves" \
    "UPDATE reviews SET item_id = item_id, revision_no = revision_no, reviewer = reviewer WHERE id = 14"
allow "reviews_two_in_force_status: released to expired" "UPDATE reviews SET status = 'expired' WHERE id = 14"

fails_both "person_roles.role outside its list" "INSERT INTO person_roles VALUES ('ann', 'boss')"
fails_both "datasets.kind outside its list" "INSERT INTO datasets (id, name, kind) VALUES (9, 'd9', 'essay')"
fails_both "datasets.routing outside its list" \
    "INSERT INTO datasets (id, name, kind, routing) VALUES (9, 'd9', 'mcq', 'random')"
fails_both "items.state outside its list" "UPDATE items SET state = 'lost' WHERE id = 3"
fails_both "items.difficulty outside its list" "UPDATE items SET difficulty = 'trivial' WHERE id = 3"
fails_both "items.difficulty_source outside its list" "UPDATE items SET difficulty_source = 'guess' WHERE id = 3"
fails_both "items.kind outside its list" "UPDATE items SET kind = 'essay' WHERE id = 3"
fails_both "items (dataset_id, ext_id) twice" \
    "INSERT INTO items (id, dataset_id, ext_id, kind, revision_no, created_at) VALUES (40, 1, 'q1', 'mcq', 1, 't')"
fails_both "revisions.revision_no below 1" "$(rev 3 0 '{}')"
fails_both "reviews.status outside its list" "UPDATE reviews SET status = 'lost' WHERE id = 14"
fails_both "reviews.passed neither 0 nor 1" "UPDATE reviews SET passed = 2 WHERE id = 14"
fails_both "reviews: a reviewer who is no one" "$(claim 16 7 1 nobody)"
fails_both "reviews (item, revision, reviewer) twice" "$(claim 16 1 1 cat released)"
fails_both "decisions.action outside its list" \
    "INSERT INTO decisions (id, item_id, revision_no, curator, action, at) VALUES (3, 1, 1, 'eve', 'shrug', 't')"
fails_both "department_bits.bit of 64" "INSERT INTO department_bits VALUES ('x', 64)"
fails_both "department_bits.bit twice" "INSERT INTO department_bits VALUES ('x', 3)"
fails_both "controls.expected_bits of 0" \
    "INSERT INTO controls (item_id, dataset_id, expected_bits, marked_by, marked_at) VALUES (5, 1, 0, 'mia', 't')"
fails_both "people.name NULL" "INSERT INTO people (id, name) VALUES ('zed', NULL)"
fails_both "people.id NULL (a STRICT table's key)" "INSERT INTO people (id, name) VALUES (NULL, 'Zed')"
both "INSERT INTO responses (id, item_id, revision_no, model, response, score_a, score_b, gap,
      judges, imported_at) VALUES (1, 7, 1, 'm', 'r', 0.5, 1.0, 0.5, '{}', 't')"
fails_both "adjudications.status outside its list" \
    "INSERT INTO adjudications (id, response_id, expert, status, claimed_at, updated_at)
     VALUES (1, 1, 'ann', 'lost', 't', 't')"
fails_both "an item with revisions deleted (foreign key)" "DELETE FROM items WHERE id = 3"
fails_both "malformed JSON in a revision's body" "$(rev 7 2 '{not json')"

# Every trigger ran on PostgreSQL: its function was called (the refusing ones were seen
# refusing above; a function that raises is not counted as called).
for _ in 1 2 3 4 5 6 7 8 9 10; do
    pg x -c "SELECT t.tgname FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
             LEFT JOIN pg_stat_user_functions s ON s.funcid = p.oid
             WHERE NOT t.tgisinternal AND coalesce(s.calls, 0) > 0" >"$W/ran"
    [ "$(wc -l <"$W/ran")" -ge 19 ] && break
    sleep 0.3
done
printf '%s\n' "${checked[@]}" >>"$W/ran"
pg x -c "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal" | LC_ALL=C sort >"$W/all"
LC_ALL=C sort -u "$W/ran" >"$W/ran.sorted"
if cmp -s "$W/all" "$W/ran.sorted"; then
    ok "every one of the $(wc -l <"$W/all") triggers ran: $(grep -c . <(pg x -c "SELECT 1 FROM pg_stat_user_functions WHERE funcname LIKE '%\_fn' AND calls > 0")) functions were called, the others refused above"
else
    bad "triggers never seen running: $(comm -23 "$W/all" "$W/ran.sorted" | paste -sd' ' -)"
fi

# ---------------------------------------------------------------------------------------------
echo "# 4. the two-reviewer rule under concurrency (READ COMMITTED)"
conc_fixture="INSERT INTO people (id, name, created_at) VALUES ('ann', 'Ann', 't'), ('bob', 'Bob', 't'),
      ('cat', 'Cat', 't'), ('dan', 'Dan', 't');
    INSERT INTO datasets (id, name, kind, created_at) VALUES (1, 'd1', 'mcq', 't');
    INSERT INTO items (id, dataset_id, ext_id, kind, revision_no, created_at)
    VALUES (1, 1, 'q1', 'mcq', 1, 't'), (2, 1, 'q2', 'mcq', 1, 't');
    INSERT INTO reviews (id, item_id, revision_no, reviewer, status, claimed_at, updated_at) VALUES
      (1, 1, 1, 'ann', 'claimed', 't', 't'), (2, 2, 1, 'ann', 'claimed', 't', 't'),
      (3, 2, 1, 'dan', 'released', 't', 't');"
"${PSQL[@]}" -d z -1 -f "$ddl" >/dev/null
"${PSQL[@]}" -d zc -1 -f "$ddl" >/dev/null
pg z -c "$conc_fixture" >/dev/null
pg zc -c "$conc_fixture" >/dev/null
# The copy in zc counts without taking the lock: the control, showing the race is real.
pg zc -At -c "SELECT pg_get_functiondef('reviews_two_in_force_insert_fn'::regproc)" \
    | grep -v 'PERFORM 1 FROM items' >"$W/nolock.sql"
"${PSQL[@]}" -d zc -f "$W/nolock.sql" >/dev/null
[ "$(pg zc -c "SELECT count(*) FROM pg_proc WHERE proname = 'reviews_two_in_force_insert_fn'
                AND prosrc LIKE '%FOR UPDATE%'")" = 0 ] || bad "the control's function still locks"

# race DB SECOND_SQL THIRD_SQL: session A holds a transaction open after SECOND_SQL; session B
# runs THIRD_SQL; A commits. Prints "waited" if B was seen waiting on a lock, then B's outcome.
race() {
    local db=$1 second=$2 third=$3 i waited=no apid bpid brc
    rm -f "$W/a.fifo" "$W/a.out" "$W/b.out"
    mkfifo "$W/a.fifo"
    "${PSQL[@]}" -At -d "$db" -f "$W/a.fifo" >"$W/a.out" 2>&1 &
    apid=$!; bg+=("$apid")
    exec 3>"$W/a.fifo"
    echo "BEGIN; $second; SELECT 'A holds the second review';" >&3
    for i in $(seq 1 100); do grep -q 'A holds' "$W/a.out" && break; sleep 0.1; done
    grep -q 'A holds' "$W/a.out" || { echo "A failed: $(cat "$W/a.out")"; exec 3>&-; return; }
    PGOPTIONS='-c lock_timeout=30s' "${PSQL[@]}" -At -d "$db" -c "$third" >"$W/b.out" 2>&1 &
    bpid=$!; bg+=("$bpid")
    for i in $(seq 1 150); do
        if [ "$(pg "$db" -c "SELECT count(*) FROM pg_stat_activity
                 WHERE wait_event_type = 'Lock' AND query LIKE '%third%'")" -ge 1 ]; then
            waited=yes; break
        fi
        kill -0 "$bpid" 2>/dev/null || break
        sleep 0.1
    done
    echo "COMMIT;" >&3
    exec 3>&-
    wait "$apid" || true
    brc=0; wait "$bpid" || brc=$?
    echo "waited=$waited"
    if [ "$brc" = 0 ]; then echo "B: went through"; else echo "B: $(grep -m 1 'ERROR' "$W/b.out" | sed -E 's/^.*ERROR: +//')"; fi
}
msg="a revision of an item has at most two reviews in force"
in_force() { pg "$1" -c "SELECT count(*) FROM reviews WHERE item_id = $2 AND revision_no = 1
                         AND status IN ('claimed', 'submitted')"; }
out=$(race z "INSERT INTO reviews (id, item_id, revision_no, reviewer, status, claimed_at, updated_at)
              VALUES (10, 1, 1, 'bob', 'claimed', 't', 't')" \
             "INSERT INTO reviews (id, item_id, revision_no, reviewer, status, claimed_at, updated_at)
              VALUES (11, 1, 1, 'cat', 'claimed', 't', 't') /* third */")
if grep -q 'waited=yes' <<<"$out" && grep -qF "B: $msg" <<<"$out" && [ "$(in_force z 1)" = 2 ]; then
    ok "a third claim, inserted while another transaction holds the second uncommitted, waits for it and is refused when it commits (2 in force)"
else
    bad "concurrent third claim: $(paste -sd' ' <<<"$out"); in force: $(in_force z 1)"
fi
out=$(race z "INSERT INTO reviews (id, item_id, revision_no, reviewer, status, claimed_at, updated_at)
              VALUES (12, 2, 1, 'bob', 'claimed', 't', 't')" \
             "UPDATE reviews SET status = 'claimed' /* third */ WHERE id = 3")
if grep -q 'waited=yes' <<<"$out" && grep -qF "B: $msg" <<<"$out" && [ "$(in_force z 2)" = 2 ]; then
    ok "a released review claimed again meanwhile waits likewise and is refused (reviews_two_in_force_status)"
else
    bad "concurrent re-claim: $(paste -sd' ' <<<"$out"); in force: $(in_force z 2)"
fi
out=$(race zc "INSERT INTO reviews (id, item_id, revision_no, reviewer, status, claimed_at, updated_at)
               VALUES (10, 1, 1, 'bob', 'claimed', 't', 't')" \
              "INSERT INTO reviews (id, item_id, revision_no, reviewer, status, claimed_at, updated_at)
               VALUES (11, 1, 1, 'cat', 'claimed', 't', 't') /* third */")
if grep -q 'B: went through' <<<"$out" && [ "$(in_force zc 1)" = 3 ]; then
    ok "control: with the lock taken out of the function, the same race lets a third in (3 in force), so the check above can fail"
else
    bad "control race did not let a third in: $(paste -sd' ' <<<"$out"); in force: $(in_force zc 1)"
fi

# ---------------------------------------------------------------------------------------------
if [ "$fails" = 0 ]; then
    echo "all checks passed"
else
    echo "$fails check(s) failed"
    exit 1
fi
