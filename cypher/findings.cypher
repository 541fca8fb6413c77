// @name findings
// @summary What the checks of each report's own arithmetic found: scores above their maxima, totals that do not add up, grades outside their band, execution rates that do not follow from the funds, and what could not be checked.
// @description One row per finding, the most severe first. `figures` are the figures the check used, with where
//   each is in the source file; `concerns` the indicators, fund rows or score items they belong to (`concern_ids`
//   their node ids). docs/audit.md gives each rule's source and tolerance. A finding is the report's figures, as
//   read, disagreeing with the rule: a report's inconsistency, or an extraction error the check exposes.
// @param rule: string = null in [score_within_max, full_score_below_target, score_follows_completion, total_adds_up, grade_matches_band, execution_rate_computed, execution_rate_score, deviation_explained, first_level_weights, actual_far_from_target] — Only this rule's findings
// @param severity: string = null in [error, warning, info, not_evaluable] — Only findings of this severity
// @param department: string = null — Department id, full name or part of it
// @param year: integer = null — Budget year
// @param topic: topic = null — Only findings concerning an indicator about this topic (a slug, Chinese label or synonym; narrower topics included)
// @param report: string = null — Report id, or part of a report's file name
// @example perfkg query findings -p department=南洲
// @example perfkg query findings -p severity=error
MATCH (r:Report)-[:HAS_FINDING]->(f:Finding)
WHERE ($rule IS NULL OR f.rule = $rule) AND ($severity IS NULL OR f.severity = $severity)
  AND ($year IS NULL OR r.year = $year)
  AND ($report IS NULL OR r.id = $report OR r.source_file CONTAINS $report)
OPTIONAL MATCH (d:Department)-[:PUBLISHED]->(r)
WITH r, f, d
WHERE $department IS NULL OR d.id = $department OR d.name CONTAINS $department
OPTIONAL MATCH (f)-[:CONCERNS]->(:Indicator)-[:ABOUT]->(t:Topic)
WITH r, f, d, collect(DISTINCT t.id) AS topics
WHERE $topics IS NULL OR any(s IN topics WHERE s IN $topics)
OPTIONAL MATCH (f)-[:CONCERNS]->(n)
// Sorted before they are collected: a list comes back in the same order from every store.
WITH r, f, d, n ORDER BY n.ordinal, n.id
WITH r, f, d, collect(coalesce(n.name, n.kind + ' / ' + n.source)) AS concerns, collect(n.id) AS concern_ids
RETURN f.rule AS rule, f.severity AS severity, d.short_name AS department, r.year AS year, f.message AS message,
       f.stated AS stated, f.expected AS expected, f.figures AS figures, concerns, f.evidence AS evidence,
       f.evidence_location AS location, r.source_file AS source_file, r.id AS report_id, d.id AS department_id,
       f.id AS finding_id, concern_ids
ORDER BY CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 WHEN 'info' THEN 2 ELSE 3 END,
         department, year, source_file, f.ordinal, finding_id
