// @name department_profile
// @summary One department's year: its report's figures, duties, offices, tasks, funds, score items, problems and measures.
// @description One row per item, in reading order within each part: the report's execution rate and self score,
//   then duties, offices, tasks, funds, score items, problems and measures. `value` is the item's number where it
//   has one (an amount in 万元, a score out of `maximum`). Without a year, every year of the department is listed.
// @param department: string = required — Department id, full name or part of it, e.g. 夏港
// @param year: integer = null — Budget year; all years when left out
// @example perfkg query department_profile -p department=夏港 -p year=2022
CALL {
  MATCH (d:Department)-[:PUBLISHED]->(r:Report)
  WHERE (d.id = $department OR d.name CONTAINS $department) AND ($year IS NULL OR r.year = $year)
  RETURN d.short_name AS department, r.year AS year, 1 AS rank, 'execution_rate' AS part, 1 AS ordinal,
         r.title AS text, r.execution_rate AS value, '%' AS unit, null AS maximum, r.title AS evidence,
         r.source_file AS source_file
  UNION ALL
  MATCH (d:Department)-[:PUBLISHED]->(r:Report)
  WHERE (d.id = $department OR d.name CONTAINS $department) AND ($year IS NULL OR r.year = $year)
    AND r.self_score IS NOT NULL
  RETURN d.short_name AS department, r.year AS year, 1 AS rank, 'self_score' AS part, 2 AS ordinal,
         r.title AS text, r.self_score AS value, 'points' AS unit, null AS maximum, r.title AS evidence,
         r.source_file AS source_file
  UNION ALL
  MATCH (d:Department)-[:PUBLISHED]->(r:Report)
  WHERE (d.id = $department OR d.name CONTAINS $department) AND ($year IS NULL OR r.year = $year)
  MATCH (d)-[:HAS_DUTY]->(x:Duty)
  WHERE x.report_id = r.id
  RETURN d.short_name AS department, r.year AS year, 2 AS rank, 'duty' AS part, x.ordinal AS ordinal,
         x.text AS text, null AS value, null AS unit, null AS maximum, x.evidence AS evidence,
         r.source_file AS source_file
  UNION ALL
  MATCH (d:Department)-[:PUBLISHED]->(r:Report)
  WHERE (d.id = $department OR d.name CONTAINS $department) AND ($year IS NULL OR r.year = $year)
  MATCH (d)-[:HAS_OFFICE]->(x:Office)
  WHERE x.report_id = r.id
  RETURN d.short_name AS department, r.year AS year, 3 AS rank, 'office' AS part, x.ordinal AS ordinal,
         x.name AS text, null AS value, null AS unit, null AS maximum, x.evidence AS evidence,
         r.source_file AS source_file
  UNION ALL
  MATCH (d:Department)-[:PUBLISHED]->(r:Report)-[:HAS_TASK]->(x:Task)
  WHERE (d.id = $department OR d.name CONTAINS $department) AND ($year IS NULL OR r.year = $year)
  RETURN d.short_name AS department, r.year AS year, 4 AS rank, 'task' AS part, x.ordinal AS ordinal,
         x.name AS text, null AS value, null AS unit, null AS maximum, x.evidence AS evidence,
         r.source_file AS source_file
  UNION ALL
  MATCH (d:Department)-[:PUBLISHED]->(r:Report)-[:HAS_FUND]->(x:Fund)
  WHERE (d.id = $department OR d.name CONTAINS $department) AND ($year IS NULL OR r.year = $year)
  RETURN d.short_name AS department, r.year AS year, 5 AS rank, 'fund' AS part, x.ordinal AS ordinal,
         x.kind + ' / ' + x.source AS text, x.amount AS value, x.unit AS unit, null AS maximum,
         x.evidence AS evidence, r.source_file AS source_file
  UNION ALL
  MATCH (d:Department)-[:PUBLISHED]->(r:Report)-[:HAS_SCORE]->(x:ScoreItem)
  WHERE (d.id = $department OR d.name CONTAINS $department) AND ($year IS NULL OR r.year = $year)
  RETURN d.short_name AS department, r.year AS year, 6 AS rank, 'score' AS part, x.ordinal AS ordinal,
         x.name AS text, x.score AS value, 'points' AS unit, x.max_score AS maximum, x.evidence AS evidence,
         r.source_file AS source_file
  UNION ALL
  MATCH (d:Department)-[:PUBLISHED]->(r:Report)-[:IDENTIFIES]->(x:Problem)
  WHERE (d.id = $department OR d.name CONTAINS $department) AND ($year IS NULL OR r.year = $year)
  RETURN d.short_name AS department, r.year AS year, 7 AS rank, 'problem' AS part, x.ordinal AS ordinal,
         x.text AS text, null AS value, null AS unit, null AS maximum, x.evidence AS evidence,
         r.source_file AS source_file
  UNION ALL
  MATCH (d:Department)-[:PUBLISHED]->(r:Report)-[:PROPOSES]->(x:Measure)
  WHERE (d.id = $department OR d.name CONTAINS $department) AND ($year IS NULL OR r.year = $year)
  RETURN d.short_name AS department, r.year AS year, 8 AS rank, 'measure' AS part, x.ordinal AS ordinal,
         x.text AS text, null AS value, null AS unit, null AS maximum, x.evidence AS evidence,
         r.source_file AS source_file
}
RETURN department, year, part, ordinal, text, value, unit, maximum, evidence, source_file
ORDER BY department, year, rank, ordinal
