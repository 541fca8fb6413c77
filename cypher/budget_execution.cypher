// @name budget_execution
// @summary Budget execution by department and year: the stated execution rate, the budget and what was spent, ranked.
// @description One row per report. `budget` and `expenditure` are the department's totals in 万元, the first the
//   report states (a project's own budget is not counted);
//   `computed_rate` is expenditure / budget, to check the stated rate against. Ranked by the stated rate,
//   then by the computed one.
// @param year: integer = null — Budget year
// @param district: string = null — District name or part of it
// @example perfkg query budget_execution -p year=2022
MATCH (d:Department)-[:PUBLISHED]->(r:Report)
WHERE $year IS NULL OR r.year = $year
OPTIONAL MATCH (d)-[:IN_DISTRICT]->(x:District)
WITH d, r, x
WHERE $district IS NULL OR x.name CONTAINS $district
OPTIONAL MATCH (r)-[:HAS_FUND]->(b:Fund {kind: 'budget', source: 'total'})
WHERE NOT (:Task)-[:FUNDED_BY]->(b)
WITH d, r, x, b ORDER BY b.ordinal
WITH d, r, x, collect(b)[0] AS b
OPTIONAL MATCH (r)-[:HAS_FUND]->(e:Fund {kind: 'expenditure', source: 'total'})
WHERE NOT (:Task)-[:FUNDED_BY]->(e)
WITH d, r, x, b, e ORDER BY e.ordinal
WITH d, r, x, b, collect(e)[0] AS e
WITH d, r, x, b, e,
     // A percent to two decimals, as reports state their rates (and as both stores print it alike).
     CASE WHEN b.amount > 0 AND e.amount IS NOT NULL THEN round(10000.0 * e.amount / b.amount) / 100.0
     ELSE null END AS computed
ORDER BY coalesce(r.execution_rate, computed, -1.0) DESC, d.short_name, r.source_file
WITH collect({department: d.short_name, district: x.name, year: r.year, execution_rate: r.execution_rate,
              budget: b.amount, expenditure: e.amount, computed_rate: computed,
              evidence: coalesce(e.evidence, b.evidence), source_file: r.source_file}) AS ranked
UNWIND range(0, size(ranked) - 1) AS k
RETURN k + 1 AS rank, ranked[k].department AS department, ranked[k].district AS district, ranked[k].year AS year,
       ranked[k].execution_rate AS execution_rate, ranked[k].budget AS budget,
       ranked[k].expenditure AS expenditure, ranked[k].computed_rate AS computed_rate,
       ranked[k].source_file AS source_file, ranked[k].evidence AS evidence
ORDER BY rank
