// @name department_reports
// @summary A department's reports by year and kind: the projects they evaluate, execution rate, self score, budget and spending, and how their indicators fared.
// @description One row per report, newest first. `budget` and `expenditure` are the report's department totals in 万元
//   (the first it states; a project's own budget is not counted). `met`, `not_met` and `unknown` count the report's
//   indicators by status. `evidence` quotes the expenditure, else the budget, else the title.
// @param department: string = required — Department id, full name or part of it, e.g. 荔城
// @example perfkg query department_reports -p department=荔城
// Departments first (a few thousand at most), then only their reports.
MATCH (d:Department)
WHERE d.id = $department OR d.name CONTAINS $department
// A barrier for both planners (DISTINCT, because Neo4j's sees through a plain WITH): else
// the embedded store's would start from every Fund or Indicator, Neo4j's from every Report.
WITH DISTINCT d
MATCH (d)-[:PUBLISHED]->(r:Report)
OPTIONAL MATCH (r)-[:HAS_INDICATOR]->(i:Indicator)
WITH d, r, count(i) AS indicators,
     count(CASE WHEN i.status = 'met' THEN 1 END) AS met,
     count(CASE WHEN i.status = 'not_met' THEN 1 END) AS not_met,
     count(CASE WHEN i.status = 'unknown' THEN 1 END) AS unknown
OPTIONAL MATCH (r)-[:HAS_FUND]->(b:Fund {kind: 'budget', source: 'total'})
WHERE NOT (:Task)-[:FUNDED_BY]->(b)
WITH d, r, indicators, met, not_met, unknown, b ORDER BY b.ordinal
WITH d, r, indicators, met, not_met, unknown, collect(b)[0] AS b
OPTIONAL MATCH (r)-[:HAS_FUND]->(e:Fund {kind: 'expenditure', source: 'total'})
WHERE NOT (:Task)-[:FUNDED_BY]->(e)
WITH d, r, indicators, met, not_met, unknown, b, e ORDER BY e.ordinal
WITH d, r, indicators, met, not_met, unknown, b, collect(e)[0] AS e
OPTIONAL MATCH (r)-[:EVALUATES]->(p:Project)
// Sorted before they are collected: a list comes back in the same order from every store.
WITH d, r, indicators, met, not_met, unknown, b, e, p ORDER BY p.name
WITH d, r, indicators, met, not_met, unknown, b, e, collect(p.name) AS projects
RETURN d.short_name AS department, r.year AS year, r.kind AS kind, projects, r.title AS title,
       r.execution_rate AS execution_rate, r.self_score AS self_score, r.self_grade AS self_grade,
       b.amount AS budget, e.amount AS expenditure, indicators, met, not_met, unknown,
       r.source_file AS source_file, coalesce(e.evidence, b.evidence, r.title) AS evidence,
       r.id AS report_id, d.id AS department_id
ORDER BY year DESC, department, kind, source_file
