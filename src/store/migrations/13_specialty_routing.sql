-- 13: routing by specialty. Each sub-specialty is a bit (its place in the catalogue), so
-- an item's departments (final, else suggested) are one integer, `items.route_mask`, kept
-- in the review queue's indexes: a claim tests a physician's specialties against it without
-- reading the item. "No Department" and no departments are 0: anyone may take them.
-- Physicians' specialties are `person_specialties`; each dataset's routing is `strict` (only
-- physicians whose specialties meet the item's departments), `prefer` (them first, then
-- anyone) or `none`.
CREATE TABLE department_bits (
    id          TEXT PRIMARY KEY,
    bit         INTEGER NOT NULL UNIQUE CHECK (bit >= 0 AND bit < 64)
) STRICT, WITHOUT ROWID;
INSERT INTO department_bits (id, bit) VALUES
    ('respiratory-medicine', 0),
    ('nephrology', 1),
    ('gastroenterology', 2),
    ('endocrinology', 3),
    ('neurology', 4),
    ('rheumatology', 5),
    ('cardiology', 6),
    ('allergy-immunology', 7),
    ('hematology', 8),
    ('geriatrics', 9),
    ('general-surgery', 10),
    ('thoracic-surgery', 11),
    ('neurosurgery', 12),
    ('cardiovascular-surgery', 13),
    ('orthopedic-surgery', 14),
    ('burn-surgery', 15),
    ('urology-surgery', 16),
    ('plastic-surgery', 17),
    ('neonatology', 18),
    ('pediatric-infectious-diseases', 19),
    ('pediatric-gastroenterology', 20),
    ('pediatric-pulmonology', 21),
    ('pediatric-cardiology', 22),
    ('pediatric-nephrology', 23),
    ('pediatric-neurology', 24),
    ('pediatric-endocrinology', 25),
    ('pediatric-hematology', 26),
    ('pediatric-genetics', 27),
    ('pediatric-immunology', 28),
    ('gynecology', 29),
    ('womens-health', 30),
    ('obstetrics', 31),
    ('reproductive-endocrinology-infertility', 32),
    ('pediatric-general-surgery', 33),
    ('pediatric-orthopedics', 34),
    ('pediatric-urology', 35),
    ('pediatric-cardiothoracic-surgery', 36),
    ('pediatric-neurosurgery', 37),
    ('ophthalmology', 38),
    ('otolaryngology', 39),
    ('stomatology', 40),
    ('dermatology', 41),
    ('sexually-transmitted-diseases', 42),
    ('medical-aesthetics', 43),
    ('psychiatry', 44),
    ('infectious-diseases', 45),
    ('tuberculosis', 46),
    ('endemic-diseases', 47),
    ('oncology', 48),
    ('emergency-medicine', 49),
    ('rehabilitation-medicine', 50),
    ('sports-medicine', 51),
    ('occupational-medicine', 52),
    ('anesthesiology', 53),
    ('pain-management', 54),
    ('critical-care-medicine', 55),
    ('preventive-medicine', 56),
    ('nursing', 57),
    ('general-health', 58),
    ('pathology', 59),
    ('clinical-laboratory', 60),
    ('medical-photography', 61),
    ('general-practice', 62),
    ('child-healthcare', 63);

CREATE TABLE person_specialties (
    person_id   TEXT NOT NULL REFERENCES people(id),
    department  TEXT NOT NULL REFERENCES department_bits(id),
    PRIMARY KEY (person_id, department)
) STRICT, WITHOUT ROWID;

ALTER TABLE datasets ADD COLUMN routing TEXT NOT NULL DEFAULT 'prefer'
    CHECK (routing = 'strict' OR routing = 'prefer' OR routing = 'none');

ALTER TABLE items ADD COLUMN route_mask INTEGER NOT NULL DEFAULT 0;
-- Bits are distinct, so their sum is their union (bit 63 is the sign bit: no overflow).
UPDATE items SET route_mask = coalesce(
    CASE WHEN departments IS NOT NULL THEN
        (SELECT sum(DISTINCT 1 << b.bit) FROM json_each(items.departments) j
         JOIN department_bits b ON b.id = j.value)
    ELSE
        (SELECT sum(DISTINCT 1 << b.bit)
         FROM revisions v, json_each(v.body, '$.suggested_departments') j
         JOIN department_bits b ON b.id = j.value
         WHERE v.item_id = items.id AND v.revision_no = items.revision_no)
    END, 0);

-- A new revision brings its suggested departments (its final ones are cleared with it).
CREATE TRIGGER route_revision AFTER INSERT ON revisions BEGIN
    UPDATE items SET route_mask = coalesce(
        (SELECT sum(DISTINCT 1 << b.bit) FROM json_each(NEW.body, '$.suggested_departments') j
         JOIN department_bits b ON b.id = j.value), 0)
    WHERE id = NEW.item_id;
END;
-- Final departments, when set, stand for the item; cleared, the suggested ones again.
CREATE TRIGGER route_departments AFTER UPDATE OF departments ON items
WHEN NEW.departments IS NOT OLD.departments BEGIN
    UPDATE items SET route_mask = coalesce(
        CASE WHEN NEW.departments IS NOT NULL THEN
            (SELECT sum(DISTINCT 1 << b.bit) FROM json_each(NEW.departments) j
             JOIN department_bits b ON b.id = j.value)
        ELSE
            (SELECT sum(DISTINCT 1 << b.bit)
             FROM revisions v, json_each(v.body, '$.suggested_departments') j
             JOIN department_bits b ON b.id = j.value
             WHERE v.item_id = NEW.id AND v.revision_no = NEW.revision_no)
        END, 0)
    WHERE id = NEW.id;
END;

-- Per dataset and department bit, the items open for review (in review, fewer than two
-- reviews in force) that carry it; bit 64 counts those with any department, so with
-- `queue_open` it gives those with none. A claim asks it whether a pass over the queue can
-- find anything at all before it walks the queue: a physician whose specialties no open
-- item carries would otherwise walk all of it. Items are inserted with no bits (their
-- revision sets them), so the insert needs no trigger.
CREATE TABLE route_open (
    dataset_id  INTEGER NOT NULL,
    bit         INTEGER NOT NULL,
    items       INTEGER NOT NULL,
    PRIMARY KEY (dataset_id, bit)
) STRICT, WITHOUT ROWID;
CREATE VIEW route_bits AS SELECT bit FROM department_bits UNION ALL SELECT 64;
INSERT INTO route_open (dataset_id, bit, items)
SELECT i.dataset_id, b.bit, count(*) FROM items i, route_bits b
WHERE i.state = 'in_review' AND i.active_reviews < 2
  AND CASE WHEN b.bit = 64 THEN i.route_mask <> 0 ELSE (i.route_mask >> b.bit) & 1 END
GROUP BY i.dataset_id, b.bit;
-- An open item's departments change: its new bits, less its old ones.
CREATE TRIGGER route_open_mask AFTER UPDATE OF route_mask ON items
WHEN NEW.route_mask <> OLD.route_mask
 AND OLD.state = 'in_review' AND OLD.active_reviews < 2
 AND NEW.state = 'in_review' AND NEW.active_reviews < 2 BEGIN
    INSERT INTO route_open (dataset_id, bit, items)
    SELECT NEW.dataset_id, b.bit, d FROM (
        SELECT bit,
            CASE WHEN bit = 64 THEN NEW.route_mask <> 0 ELSE (NEW.route_mask >> bit) & 1 END
          - CASE WHEN bit = 64 THEN OLD.route_mask <> 0 ELSE (OLD.route_mask >> bit) & 1 END AS d
        FROM route_bits) b
    WHERE d <> 0
    ON CONFLICT (dataset_id, bit) DO UPDATE SET items = items + excluded.items;
END;
-- An item opens (its new bits) or closes (its old ones).
CREATE TRIGGER route_open_state AFTER UPDATE OF state, active_reviews ON items
WHEN (OLD.state = 'in_review' AND OLD.active_reviews < 2)
     <> (NEW.state = 'in_review' AND NEW.active_reviews < 2) BEGIN
    INSERT INTO route_open (dataset_id, bit, items)
    SELECT NEW.dataset_id, bit,
        CASE WHEN NEW.state = 'in_review' AND NEW.active_reviews < 2 THEN 1 ELSE -1 END
    FROM route_bits
    WHERE CASE WHEN NEW.state = 'in_review' AND NEW.active_reviews < 2
          THEN CASE WHEN bit = 64 THEN NEW.route_mask <> 0 ELSE (NEW.route_mask >> bit) & 1 END
          ELSE CASE WHEN bit = 64 THEN OLD.route_mask <> 0 ELSE (OLD.route_mask >> bit) & 1 END
          END
    ON CONFLICT (dataset_id, bit) DO UPDATE SET items = items + excluded.items;
END;
CREATE TRIGGER route_open_delete AFTER DELETE ON items
WHEN OLD.state = 'in_review' AND OLD.active_reviews < 2 BEGIN
    UPDATE route_open SET items = items - 1
    WHERE dataset_id = OLD.dataset_id
      AND CASE WHEN bit = 64 THEN OLD.route_mask <> 0 ELSE (OLD.route_mask >> bit) & 1 END;
END;

DROP INDEX items_review_queue;
DROP INDEX items_review_queue_by_dataset;
-- The dataset too, so a claim in any dataset tests each one's routing from the index.
CREATE INDEX items_review_queue
    ON items (active_reviews DESC, id, revision_no, state, solo_reviewer, route_mask, dataset_id)
    WHERE state = 'in_review' AND active_reviews < 2;
CREATE INDEX items_review_queue_by_dataset
    ON items (dataset_id, active_reviews DESC, id, revision_no, state, solo_reviewer, route_mask)
    WHERE state = 'in_review' AND active_reviews < 2;
