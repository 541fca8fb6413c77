// @name funds
// @summary The money reports state: every budget, expenditure, carry-over and allocation, by department and year.
// @description One row per amount, in 万元, in the order each report gives them. `kind` and `source` are as in the
//   graph contract (budget, expenditure, …; total, fiscal_appropriation, …); `task` names the task an amount belongs
//   to and `project` the project; both are empty for the department's own totals.
// @param department: string = null — Department id, full name or part of it
// @param year: integer = null — Budget year
// @param kind: string = null in [initial_budget, budget, adjustment, expenditure, basic_expenditure, project_expenditure, carryover, task_allocation] — Only this kind of amount
// @param source: string = null in [total, fiscal_appropriation, general_public_budget, government_fund_budget, state_capital_budget, other] — Only amounts from this source
// @param project: string = null — Part of the name of the project an amount belongs to (project reports and forms)
// @param report_kind: string = null in [department_report, department_form, project_report, project_form, target_declaration, other] — Only amounts of this kind of report
// @example perfkg query funds -p department=文冲 -p kind=task_allocation
// @example perfkg query funds -p project=饮水
MATCH (d:Department)
WHERE $department IS NULL OR d.id = $department OR d.name CONTAINS $department
// A barrier for both planners (DISTINCT, because Neo4j's sees through a plain WITH): else
// the embedded store's would start from every Fund or Indicator, Neo4j's from every Report.
WITH DISTINCT d
MATCH (d)-[:PUBLISHED]->(r:Report)-[:HAS_FUND]->(f:Fund)
WHERE ($year IS NULL OR r.year = $year) AND ($kind IS NULL OR f.kind = $kind)
  AND ($source IS NULL OR f.source = $source) AND ($report_kind IS NULL OR r.kind = $report_kind)
OPTIONAL MATCH (p:Project)-[:FUNDED_BY]->(f)
WITH d, r, f, p
WHERE $project IS NULL OR p.name CONTAINS $project
OPTIONAL MATCH (t:Task)-[:FUNDED_BY]->(f)
RETURN d.short_name AS department, r.year AS year, r.kind AS report_kind, f.kind AS kind, f.source AS source,
       f.amount AS amount, f.unit AS unit, t.name AS task, p.name AS project, r.source_file AS source_file,
       f.evidence AS evidence,
       r.id AS report_id, f.id AS fund_id
ORDER BY department, year DESC, source_file, f.ordinal
