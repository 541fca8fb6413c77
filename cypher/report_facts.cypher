// @name report_facts
// @summary Every fact extracted from one report, with its evidence: indicators, tasks, funds, score items, duties, offices, outcomes, problems and measures.
// @description One row per fact, a part at a time in that order, each part in the order of the report. `name` is the
//   fact's name or text (a fund's is its kind and source, also given apart as `kind` and `source`); `value` is its number where it has one (an amount in
//   万元, a score out of `maximum`). `location` says where the evidence is in the source file (`line 12`,
//   `p. 3, lines 4–5`, `自评表!A12:H12`). `fact_id` is the node's id in the graph; an indicator's `metric_id` the metric it measures, its `read_by` how it was
//   read (a table row under its header, a narrative rule, OCR …) and its `flags` what the checks of its values found odd.
// @param report: string = required — Report id (from department_reports), or part of a report's title or file name
// @example perfkg query report_facts -p report=荔城
// The reports first (one by its id, or the few whose title or file names it).
MATCH (r:Report)
WHERE r.id = $report OR r.title CONTAINS $report OR r.source_file CONTAINS $report
CALL {
  WITH r
  MATCH (r)-[:HAS_INDICATOR|HAS_TASK|HAS_FUND|HAS_SCORE|REPORTS_OUTCOME|IDENTIFIES|PROPOSES]->(n)
  WITH n,
       CASE WHEN n:Indicator THEN 'Indicator' WHEN n:Task THEN 'Task' WHEN n:Fund THEN 'Fund'
            WHEN n:ScoreItem THEN 'ScoreItem' WHEN n:Outcome THEN 'Outcome' WHEN n:Problem THEN 'Problem'
            ELSE 'Measure' END AS label
  RETURN label, n, CASE label WHEN 'Indicator' THEN 1 WHEN 'Task' THEN 2 WHEN 'Fund' THEN 3 WHEN 'ScoreItem' THEN 4
                             WHEN 'Outcome' THEN 7 WHEN 'Problem' THEN 8 ELSE 9 END AS part
  UNION ALL
  WITH r
  MATCH (r)<-[:PUBLISHED]-(:Department)-[:HAS_DUTY|HAS_OFFICE]->(n)
  WHERE n.report_id = r.id
  WITH n, CASE WHEN n:Duty THEN 'Duty' ELSE 'Office' END AS label
  RETURN label, n, CASE label WHEN 'Duty' THEN 5 ELSE 6 END AS part
}
WITH r, label, n, part
OPTIONAL MATCH (n)-[:MEASURES]->(metric:Metric)
RETURN label, n.ordinal AS ordinal, coalesce(n.name, n.text, n.kind + ' / ' + n.source) AS name,
       n.category AS category, n.status AS status, n.target_text AS target, n.actual_text AS actual,
       coalesce(n.amount, n.score) AS value, n.max_score AS maximum, n.unit AS unit, n.kind AS kind, n.source AS source,
       n.evidence AS evidence,
       n.evidence_location AS location, n.read_by AS read_by, n.flags AS flags, r.source_file AS source_file,
       n.id AS fact_id, metric.id AS metric_id
ORDER BY source_file, part, ordinal
