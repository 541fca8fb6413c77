// @name score_deductions
// @summary Where the self-evaluation score lost points: score items below their maximum, by department.
// @param department: string = null — Department id, full name or part of it
// @param year: integer = null — Budget year
// @example perfkg query score_deductions
// Departments first, behind a barrier both planners keep (DISTINCT: Neo4j's sees
// through a plain WITH): with the filters on the score items, the embedded store's
// would otherwise start from every ScoreItem, Neo4j's from every Report.
MATCH (d:Department)
WHERE $department IS NULL OR d.id = $department OR d.name CONTAINS $department
WITH DISTINCT d
MATCH (d)-[:PUBLISHED]->(r:Report)-[:HAS_SCORE]->(s:ScoreItem)
WHERE s.score IS NOT NULL AND s.max_score IS NOT NULL AND s.score < s.max_score
  AND ($year IS NULL OR r.year = $year)
OPTIONAL MATCH (s)-[:PART_OF]->(p:ScoreItem)
RETURN d.short_name AS department, r.year AS year, r.self_score AS self_score, p.name AS section,
       s.name AS item, s.level AS level, s.max_score AS max_score, s.score AS score,
       // Rounded: 20 - 19.57 is 0.4299999999999997 in a double, which one store prints as 0.43.
       round(1000000 * (s.max_score - s.score)) / 1000000.0 AS lost, r.source_file AS source_file,
       s.evidence AS evidence, r.id AS report_id
ORDER BY lost DESC, department, year, source_file, item, s.id
