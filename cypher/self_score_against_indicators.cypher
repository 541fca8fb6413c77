// @name self_score_against_indicators
// @summary Reports that score or grade themselves high while their indicators fell short: the self score or grade against the indicators below target.
// @description One row per report whose self score is at least `min_score` (or whose grade is 优 or 良 when it
//   states no score) and that has at least `min_below` indicators below target. `full_marks_below_target` counts
//   the indicators given their full 分值 although below target (findings of full_score_below_target), and
//   `findings` the report's findings of any rule but not_evaluable. Most indicators below target first.
// @param min_score: number = 80 — A self score at least this high counts as high (80 is the lower bound of 良, 90 of 优)
// @param min_below: integer = 1 — At least this many indicators below target
// @param department: string = null — Department id, full name or part of it
// @param year: integer = null — Budget year
// @example perfkg query self_score_against_indicators
// @example perfkg query self_score_against_indicators -p min_score=95 -p min_below=2
MATCH (r:Report)
WHERE (r.self_score >= $min_score OR (r.self_score IS NULL AND r.self_grade IN ['优', '优秀', '良', '良好']))
  AND ($year IS NULL OR r.year = $year)
OPTIONAL MATCH (d:Department)-[:PUBLISHED]->(r)
WITH r, d
WHERE $department IS NULL OR d.id = $department OR d.name CONTAINS $department
MATCH (r)-[:HAS_INDICATOR]->(i:Indicator)
WITH r, d, count(i) AS indicators, count(CASE WHEN i.status = 'not_met' THEN 1 END) AS below
WHERE below >= $min_below
OPTIONAL MATCH (r)-[:HAS_FINDING]->(f:Finding)
WITH r, d, indicators, below,
     count(CASE WHEN f.rule = 'full_score_below_target' THEN 1 END) AS full_marks_below_target,
     count(CASE WHEN f.severity <> 'not_evaluable' THEN 1 END) AS findings
RETURN d.short_name AS department, r.year AS year, r.kind AS report_kind, r.self_score AS self_score,
       r.self_grade AS self_grade, indicators, below AS not_met, full_marks_below_target, findings,
       r.self_score_evidence AS evidence, r.source_file AS source_file, r.id AS report_id
ORDER BY not_met DESC, self_score DESC, department, year, source_file
