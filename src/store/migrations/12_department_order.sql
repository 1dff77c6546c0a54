-- 12: an accepted item's final departments keep the order its reviewers gave them (primary
-- first), where sampling by `department` takes the first; they were stored sorted. An item
-- accepted by an agreeing pair takes its first submitted review's order again. An item a
-- curator accepted keeps the sorted list: the order the curator chose was not kept.
UPDATE items SET departments = (
    SELECT json_group_array(j.value ORDER BY j.key)
    FROM json_each((SELECT r.content FROM reviews r
                    WHERE r.item_id = items.id AND r.revision_no = items.revision_no
                      AND r.status = 'submitted'
                    ORDER BY r.id LIMIT 1), '$.departments') j)
WHERE state = 'accepted' AND departments IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM decisions d
                  WHERE d.item_id = items.id AND d.revision_no = items.revision_no
                    AND d.action = 'accept')
  -- Only where that review's departments are the stored set.
  AND departments = (
    SELECT json_group_array(value ORDER BY value)
    FROM (SELECT DISTINCT j.value AS value
          FROM json_each((SELECT r.content FROM reviews r
                          WHERE r.item_id = items.id AND r.revision_no = items.revision_no
                            AND r.status = 'submitted'
                          ORDER BY r.id LIMIT 1), '$.departments') j));
