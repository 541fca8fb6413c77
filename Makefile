# perfkg — `make run` ingests the example reports and serves the API;
# `make test` runs the tests. Both create .venv (Python >= 3.12) on first use.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PERFKG := $(VENV)/bin/perfkg
PERFKG_HOST ?= 127.0.0.1
PERFKG_PORT ?= 8000
export PERFKG_STORE ?= var/perfkg.db
SHARED ?= ../shared
NEO4J_HOME ?= var/neo4j

.PHONY: install run ingest serve test eval eval-ask eval-layouts raise-floor fuzz check-load mutate bench bench-ocr bench-formats bench-explorer bench-cli bench-broad bench-scale docs neo4j neo4j-stop browser-screenshots clean help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

# perfkg itself; the test tools come on top only for the targets that need them.
$(VENV)/.installed: pyproject.toml
	@python=$$(.ci/find-python) && echo "creating $(VENV) with $$python" && $$python -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@echo "installing perfkg and its dependencies (prebuilt wheels, nothing to compile)"
	$(PY) -m pip install -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install -e '.[test]'
	@touch $@

install: $(VENV)/.installed-test  ## create .venv and install perfkg with its test tools

run: $(VENV)/.installed  ## ingest examples/reports into $PERFKG_STORE and serve the API on $PERFKG_HOST:$PERFKG_PORT
	$(PERFKG) ingest --quiet examples/reports
	$(PERFKG) serve --host $(PERFKG_HOST) --port $(PERFKG_PORT)

ingest: $(VENV)/.installed  ## ingest examples/reports only
	$(PERFKG) ingest examples/reports

serve: $(VENV)/.installed  ## serve the API on the current graph
	$(PERFKG) serve --host $(PERFKG_HOST) --port $(PERFKG_PORT)

# Three processes (pytest-xdist) on two cores, as much of the suite waits on servers and
# subprocesses: the Neo4j half split by module in two, each on a server of its own, and
# the other tests a module at a time in whichever is free (tests/conftest.py groups them;
# with TEST_WORKERS=2 the Neo4j half is one group, on one server).
TEST_WORKERS ?= 3

test: install  ## run the test suite on both stores, in $TEST_WORKERS processes (the Neo4j half starts a Neo4j server in each of all but one of them: needs Java and Maven)
	$(PY) -m pytest -q -n $(TEST_WORKERS)

eval: $(VENV)/.installed  ## measure the extraction against the gold of ../shared: the five reports, then the corpus; then metric and department resolution
	$(PERFKG) eval --gold $(SHARED)/gold --reports $(SHARED)/reports
	$(PERFKG) eval --gold $(SHARED)/corpus/gold --reports $(SHARED)/corpus/docs
	$(PERFKG) eval-identity --groups tests/gold/metric-groups.json --gold $(SHARED)/gold --gold $(SHARED)/corpus/gold \
	  --reports examples/reports --corpus $(SHARED)/corpus/docs

eval-layouts: $(VENV)/.installed  ## the national form in every layout family (40 drawn forms and one from each gold file of ../shared): F1 and status per family
	$(PY) -m perfkg.layouts --forms 40 --seed 11 --gold $(SHARED)/gold --gold $(SHARED)/corpus/gold

eval-ask: $(VENV)/.installed  ## route benchmarks/ask/questions.jsonl to named queries: share exact (query and parameters) and with the same rows, on the five reports and ../shared/corpus (a store in var/eval-ask, made once)
	test -d var/eval-ask/graph.db || { rm -rf var/eval-ask/ingest.db && \
	  $(PERFKG) ingest --quiet examples/reports $(SHARED)/corpus/docs --store var/eval-ask/ingest.db && \
	  mv var/eval-ask/ingest.db var/eval-ask/graph.db; }
	$(PY) benchmarks/ask/evaluate.py --store var/eval-ask/graph.db

raise-floor: install  ## record accuracy figures that rose in tests/accuracy-floor.json (never lowers one)
	PERFKG_RAISE_FLOOR=1 $(PY) -m pytest -q tests/test_accuracy.py -k floor

fuzz: install  ## the hypothesis properties at length (3000 examples each)
	PERFKG_FUZZ_PROFILE=long $(PY) -m pytest -q tests/test_fuzz.py

check-load: install  ## 32 then 72 clients for 30 s on the served API, on each store, then schemathesis over its OpenAPI schema
	$(PY) -m pip install --quiet -e '.[test,check]'
	$(PY) benchmarks/load.py --clients 32,72 --seconds 30
	$(PY) benchmarks/load.py --clients 32,72 --seconds 30 --neo4j
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(PY) benchmarks/api_fuzz.py --max-examples 50

mutate: install  ## mutation testing of status, numbers, validate, evaluate, the named queries and the body limit (about an hour); summary in var/mutate/summary.md
	$(PY) -m pip install --quiet -e '.[test,mutate]'
	PERFKG_SHARED=$(abspath $(SHARED)) $(PY) tools/mutate.py

bench: install  ## N = 5, 100, 1,000 and 10,000 reports: ingest and queries on both stores, pandas beside -> BENCHMARKS.md
	$(PY) benchmarks/bench.py

bench-ocr: install  ## the five reports scanned (150 dpi, skewed, speckled) and read by OCR: speed, memory, F1 -> its section of BENCHMARKS.md (CPU-bound: minutes per report on a busy machine)
	$(PY) benchmarks/ocr.py

bench-formats: install  ## reading cost of each format, and an ingest of 1,000 generated PDFs -> its section of BENCHMARKS.md (about 20 min)
	$(PY) benchmarks/formats.py

bench-explorer: install  ## server time of the explorer's pages at 10,000 synthetic reports (a store in var/, made once: about 5 min), as markdown
	test -d var/bench-explorer/reports || $(PERFKG) bench-corpus 10000 var/bench-explorer/reports
	# ingested aside and moved in place when whole, so an interrupted run is never measured
	test -d var/bench-explorer/graph.db || { rm -rf var/bench-explorer/ingest.db && \
	  $(PERFKG) ingest --quiet var/bench-explorer/reports --store var/bench-explorer/ingest.db && \
	  mv var/bench-explorer/ingest.db var/bench-explorer/graph.db; }
	$(PY) benchmarks/explorer.py var/bench-explorer/graph.db --departments 100 --repeat 5

bench-cli: install  ## how long perfkg --help, queries, stats and a query take from the shell, on the five examples -> markdown
	test -d var/bench-cli.db || $(PERFKG) ingest --quiet examples/reports --store var/bench-cli.db
	$(PY) benchmarks/cli_start.py var/bench-cli.db --repeat 10

bench-broad: install  ## broad listings at 10,000 reports (the store of bench-explorer): the graph beside DuckDB and pandas over its Parquet tables, and the API's first page -> its section of BENCHMARKS.md
	test -d var/bench-explorer/reports || $(PERFKG) bench-corpus 10000 var/bench-explorer/reports
	test -d var/bench-explorer/graph.db || { rm -rf var/bench-explorer/ingest.db && \
	  $(PERFKG) ingest --quiet var/bench-explorer/reports --store var/bench-explorer/ingest.db && \
	  mv var/bench-explorer/ingest.db var/bench-explorer/graph.db; }
	$(PY) benchmarks/broad.py var/bench-explorer/graph.db --out BENCHMARKS.md

bench-scale: install  ## 100,000 synthetic reports into Neo4j: ingest rate, size on disk, the flagship, department pages and a broad listing (hours; not in CI) -> var/scale/scale.md
	$(PY) benchmarks/scale.py --reports 100000 --out var/scale/scale.md

docs: install  ## regenerate docs/schema.md and docs/queries.md from the ontology and the query library
	$(PY) -m perfkg.docs

neo4j: $(VENV)/.installed  ## fetch Neo4j Community with Maven (once), start it on free loopback ports in var/neo4j; prints the settings
	$(PY) scripts/neo4j_server.py start $(NEO4J_HOME)

neo4j-stop:  ## stop the server `make neo4j` started
	@if [ -x $(PY) ]; then $(PY) scripts/neo4j_server.py stop $(NEO4J_HOME); fi

browser-screenshots: install  ## the Neo4j Browser test, saving its screenshots into docs/ (for docs/neo4j-browser.md)
	PERFKG_BROWSER_SCREENSHOTS=docs $(PY) -m pytest -q tests/test_neo4j_browser.py

clean: neo4j-stop  ## remove the virtual environment and the default store
	rm -rf $(VENV) var
