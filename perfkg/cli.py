"""perfkg: the command line."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Iterator, Optional

import typer

from perfkg.ingest.readers import SUFFIXES

from . import config
from .terminal import json_text, on_terminal, safe_console, visible

if TYPE_CHECKING:
    from .client import Client

# Every command imports what it uses when it runs (a library, the store, the
# ontology), so `perfkg --help`, `query` and `stats` start in a fraction of a
# second: tests/test_cli_errors.py checks the import of this module alone.

app = typer.Typer(
    help="perfkg: a knowledge graph of performance self-evaluation reports (部门整体支出绩效自评报告).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Report text and file names are printed with their control characters made visible (perfkg.terminal).
console = safe_console()
errors = safe_console(stderr=True, soft_wrap=True)  # a message in one line, whatever the width

StoreOption = Annotated[
    Optional[str],
    typer.Option("--store", "-s", help="Graph store: a file path (embedded FalkorDB) or a bolt://, neo4j:// URI. "
                                      "Default: $PERFKG_STORE or ./var/perfkg.db."),
]


@contextmanager
def _client(store: str | None, *, create: bool = False) -> Iterator[Client]:
    """The store, opened for one command: refused with exit status 2 when it is
    missing or damaged, any store error while the command runs printed (exit
    status 1). The embedded store's server is left running when the command
    ends, for the next one to reuse; it stops once idle (PERFKG_SERVER_IDLE_S)."""
    from .client import Client
    from .store import StoreError

    try:
        client = Client.open(store, create=create)
    except StoreError as error:
        errors.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    if getattr(client.store, "created", False):
        errors.print(f"created a new store at {client.store.location}")
    try:
        yield client
    except StoreError as error:
        errors.print(f"[red]error:[/red] {error}")
        raise typer.Exit(1) from None
    finally:
        client.close(stop_server=False)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(
        help=f"Report files, or folders to search for them: {' '.join(SUFFIXES)} (.doc, .wps and .et through "
             "LibreOffice, when it is installed).")],
    store: StoreOption = None,
    workers: Annotated[int | None, typer.Option(
        help="Processes extracting reports in parallel. Default: one per CPU core for 16 files or more.",
        show_default=False)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the summary and errors.")] = False,
) -> None:
    """Read reports, extract them and load each one into the graph (whole or not at all)."""
    from perfkg.ingest.metric_store import curated
    from perfkg.ingest.runner import ordered_files

    # Refused before the store is opened: a wrong path creates no store and starts no server.
    refused = [f"{path}: no such file or folder" if not path.exists() else
               f"{path}: not a report file perfkg reads ({' '.join(SUFFIXES)})"
               for path in paths if not path.is_dir() and (not path.exists() or path.suffix.lower() not in SUFFIXES)]
    for problem in refused:
        errors.print(f"[red]error:[/red] {problem}")
    if refused:
        raise typer.Exit(2)
    try:
        curated()  # a curated metrics file that cannot be read stops the ingest before it starts
    except ValueError as error:
        errors.print(f"[red]error:[/red] PERFKG_METRICS: {error}")
        raise typer.Exit(2) from None
    files = ordered_files(paths)
    if not files:
        errors.print(f"[red]error:[/red] no report files found in {', '.join(map(str, paths))}")
        raise typer.Exit(1)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    outcomes = []
    with _client(store, create=True) as client:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=errors, transient=True, disable=quiet or len(files) < 2) as progress:
            task = progress.add_task("ingesting", total=len(files))

            def done(outcome):
                outcomes.append(outcome)
                progress.advance(task)
                if not quiet:
                    _print_outcome(outcome)
                elif outcome.status == "failed":
                    errors.print(f"[red]failed[/red] {outcome.path}: {outcome.error}")

            try:
                client.ingest(files, workers=workers, on_file=done)
            finally:  # what was done is said, whatever stopped the rest
                failed = _print_summary(outcomes, of=len(files))
    if failed:
        raise typer.Exit(1)


def _print_summary(outcomes, *, of: int) -> bool:
    """The ingest's summary line and its failures; whether any file failed."""
    failed = [o for o in outcomes if o.status == "failed"]
    skipped = [o for o in outcomes if o.status == "skipped"]
    replaced = [o for o in outcomes if o.status == "replaced"]
    unfinished = of - len(outcomes)
    console.print(
        f"{len(outcomes) - len(failed) - len(skipped)} of {len(outcomes)} reports loaded"
        + (f", {len(replaced)} replacing an earlier version" if replaced else "")
        + (f", [yellow]{len(skipped)} skipped (not reports)[/yellow]" if skipped else "")
        + (f", [red]{len(failed)} failed[/red]" if failed else "")
        + (f", [red]{unfinished} not ingested (stopped)[/red]" if unfinished else "")
    )
    for outcome in failed:
        errors.print(f"  [red]✗[/red] {outcome.path}: {outcome.error}")
    _print_notices(outcomes)
    return bool(failed)


def _print_notices(outcomes) -> None:
    """What was not read, once: each kind of warning counted over the files, the serious first;
    then the indicators read but flagged by a check of their values, by flag."""
    from perfkg import ontology
    from perfkg.ingest.notices import summary

    rows = summary((outcome.path, outcome.warnings) for outcome in outcomes)
    if rows:
        console.print(f"not read, by kind ({sum(r[2] for r in rows)} warnings over {len(outcomes)} files):")
    for severity, kind, count, files in rows:
        colour = "red" if severity == "serious" else "yellow"
        console.print(f"  [{colour}]{count:>4}[/{colour}] {kind} [dim]({_files(files)})[/dim]")
    flagged = [(flag, sum(o.flags.get(flag, 0) for o in outcomes), sum(1 for o in outcomes if flag in o.flags))
               for flag in sorted({flag for o in outcomes for flag in o.flags})]
    if flagged:
        words = ontology.value_labels().get(("Indicator", "flags"), {})
        console.print(f"read, but flagged by a check of their values ({sum(f[1] for f in flagged)} indicators; "
                      "the explorer marks them):")
    for flag, count, files in sorted(flagged, key=lambda f: -f[1]):
        zh, en = words.get(flag, (flag, flag))
        console.print(f"  [yellow]{count:>4}[/yellow] {en} {zh} [dim]({_files(files)})[/dim]")


def _files(count: int) -> str:
    return f"{count} file{'s' if count != 1 else ''}"


def _print_outcome(outcome) -> None:
    from rich.table import Table

    if outcome.status == "failed":
        errors.print(f"[red]✗ {outcome.path}[/red]: {outcome.error}")
        return
    if outcome.status == "skipped":
        console.print(f"[yellow]skipped[/yellow] {outcome.path}: {'; '.join(outcome.warnings)}")
        return
    from .rows import fits

    title = f"{outcome.path} → {outcome.department or '(department unknown)'} {outcome.year or ''}"
    counts = [str(v) for v in outcome.counts.values()]
    if fits(list(outcome.counts), [counts], console.width):
        table = Table(title=title, title_justify="left", show_header=True, header_style="bold")
        for key in outcome.counts:
            table.add_column(key, justify="right")
        table.add_row(*counts)
        console.print(table)
    else:  # a table squeezed into the terminal would cut the names of the counts
        console.print(title, markup=False, highlight=False)
        console.print("  " + " · ".join(f"{key} {value}" for key, value in zip(outcome.counts, counts)),
                      markup=False, highlight=False)
    if outcome.encoding and outcome.encoding not in ("utf-8",):
        console.print(f"  decoded as {outcome.encoding}")
    if outcome.status == "replaced":
        if outcome.replaced:  # why: the same document, as ingest/load.py's report_id defines it
            console.print(f"  [yellow]replaces[/yellow] {', '.join(outcome.replaced)}: an earlier version of the "
                          "same document (the same department, year and kind, and the same projects)")
        else:
            console.print("  [yellow]replaces[/yellow] an earlier ingest of the same file")
    for warning in outcome.warnings:
        console.print(f"  [yellow]warning:[/yellow] {warning}")


@app.command()
def query(
    query_text: Annotated[str, typer.Argument(metavar="QUERY", help="A named query (see `perfkg queries`) or read-only Cypher.")],
    param: Annotated[list[str], typer.Option("--param", "-p", help="key=value; values are read as JSON when they are JSON.")] = [],
    output_format: Annotated[Optional[str], typer.Option(
        "--format", "-f", help="table, records (one block per row), json or csv. Default: a table when it fits "
                               "the terminal, else records.", show_default=False)] = None,
    columns: Annotated[Optional[str], typer.Option(
        "--columns", "-c", help="Only these columns, in this order: names separated by commas.")] = None,
    limit: Annotated[Optional[int], typer.Option(help="At most this many rows (never more than PERFKG_ROW_LIMIT).")] = None,
    timeout_ms: Annotated[Optional[int], typer.Option("--timeout-ms", help="Time limit (never more than PERFKG_QUERY_TIMEOUT_MS).")] = None,
    store: StoreOption = None,
) -> None:
    """Run a named query or read-only Cypher and print the rows."""
    import re

    from perfkg.cypher import ParameterError, catalogue

    from . import rows as printed
    from .client import parse_param
    from .store import StoreError

    if output_format not in (None, *printed.FORMATS):
        _fail(f"--format must be one of {', '.join(printed.FORMATS)}", 2)
    # A bare name is a query's name, never Cypher: a mistyped one is said so, with the names it is close to.
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", query_text.strip()) and query_text.strip() not in catalogue():
        _fail(f"no named query {query_text.strip()!r}{_did_you_mean(query_text.strip(), catalogue())} "
              "(`perfkg queries` lists them)", 2)
    try:
        params = dict(parse_param(p) for p in param)
    except ValueError as error:
        _fail(str(error), 2)
    with _client(store) as client:
        try:
            result = client.run(query_text, params, timeout_ms=timeout_ms, row_limit=limit)
        except (ParameterError, StoreError) as error:
            _fail(str(error), 1)
    try:
        names, values = printed.choose(result.columns, result.rows, _names(columns))
    except ValueError as error:
        _fail(str(error), 2)
    _print_rows(names, values, output_format)
    if result.truncated:
        errors.print(f"[yellow]truncated[/yellow] at {len(result.rows)} rows")


def _fail(message: str, code: int):
    """An expected error: said in one line on standard error, no traceback."""
    errors.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code)


def _names(text: str | None) -> list[str] | None:
    return [name.strip() for name in text.split(",") if name.strip()] if text else None


def _did_you_mean(name: str, known) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
    return f"; did you mean {' or '.join(map(repr, close))}?" if close else ""


def _print_rows(columns: list[str], rows: list[list], output_format: str | None) -> None:
    if output_format == "json":
        sys.stdout.write(json_text([dict(zip(columns, row)) for row in rows], indent=2) + "\n")
    elif output_format == "csv":
        from .export import csv_lines

        sys.stdout.writelines(on_terminal(csv_lines(columns, rows), terminal=sys.stdout.isatty()))
    else:
        from . import rows as printed

        printed.show(console, columns, rows, output_format)
        console.print(f"{len(rows)} rows")


@app.command()
def audit(
    rule: Annotated[Optional[str], typer.Option(help="Only this rule's findings.")] = None,
    severity: Annotated[Optional[str], typer.Option(
        help="error, warning, info or not_evaluable. Default: every finding but the not evaluable, which are counted.",
        show_default=False)] = None,
    department: Annotated[Optional[str], typer.Option(help="Department id, full name or part of it.")] = None,
    year: Annotated[Optional[int], typer.Option(help="Budget year.")] = None,
    topic: Annotated[Optional[str], typer.Option(help="Only findings about an indicator of this topic.")] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="table, json or csv (the findings only).")] = "table",
    store: StoreOption = None,
) -> None:
    """The checks of each report's own arithmetic (computed at ingest): a summary per rule, then the findings."""
    from perfkg.cypher import ParameterError
    from rich.table import Table

    from perfkg.ingest.audit import RULES, SEVERITIES

    if output_format not in ("table", "json", "csv"):
        errors.print("[red]error:[/red] --format must be table, json or csv")
        raise typer.Exit(2)
    params = {"rule": rule, "severity": severity, "department": department, "year": year, "topic": topic}
    with _client(store) as client:
        try:
            result = client.run("findings", {k: v for k, v in params.items() if v is not None}, row_limit=None)
        except ParameterError as error:
            errors.print(f"[red]error:[/red] {error}")
            raise typer.Exit(2) from None
    rows = result.records()
    listed = [row for row in rows if severity or row["severity"] != "not_evaluable"]
    if output_format != "table":
        columns = result.columns
        _print_rows(columns, [[row[c] for c in columns] for row in listed], output_format)
        return
    summary = Table(title="findings per rule", title_justify="left")
    for column in ("rule", "checks", *SEVERITIES):
        summary.add_column(column, justify="left" if column in ("rule", "checks") else "right", no_wrap=column == "rule")
    for each in RULES:
        counts = [sum(1 for row in rows if row["rule"] == each.name and row["severity"] == s) for s in SEVERITIES]
        summary.add_row(each.name, each.title, *[str(n) if n else "" for n in counts])
    console.print(summary)
    table = Table(title=f"{len(listed)} finding{'' if len(listed) == 1 else 's'}", title_justify="left", show_lines=True)
    for column in ("severity", "rule", "report", "finding", "figures"):
        table.add_column(column, overflow="fold")
    for row in listed:
        table.add_row(row["severity"], row["rule"], f"{row['department'] or ''} {row['year'] or ''}\n{row['source_file']}",
                      row["message"], "\n".join(row["figures"] or []))
    console.print(table)
    if result.truncated:
        errors.print(f"[yellow]truncated[/yellow] at {len(rows)} findings")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="A question in Chinese or English, e.g. 哪些街道的垃圾分类指标没有完成")],
    output_format: Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")] = "table",
    limit: Annotated[Optional[int], typer.Option(help="At most this many rows (never more than PERFKG_ROW_LIMIT).")] = None,
    store: StoreOption = None,
) -> None:
    """Answer a question with the named query it asks for: how it was read, the query, its rows (see docs/ask.md)."""
    from perfkg.ask import Unroutable, ask as answer

    if output_format not in ("table", "json", "csv"):
        errors.print("[red]error:[/red] --format must be table, json or csv")
        raise typer.Exit(2)
    with _client(store) as client:
        try:
            found = answer(client, question, row_limit=limit)
        except Unroutable as refused:
            if output_format == "json":
                sys.stdout.write(json_text(refused.answer(), indent=2) + "\n")
            errors.print(f"[red]cannot answer:[/red] {refused.reason}", soft_wrap=True)
            for s in refused.suggestions:
                errors.print(f"  perfkg query {s['query']}" + "".join(f" -p {k}={v}" for k, v in s["params"].items())
                             + f"  — {s['summary']}", soft_wrap=True)
            if not refused.suggestions:
                errors.print("  `perfkg queries` lists the named queries")
            raise typer.Exit(1) from None
    if output_format == "json":
        sys.stdout.write(json_text({k: v for k, v in found.items() if k != "columns"}, indent=2) + "\n")
        return
    errors.print(found["interpretation"])
    errors.print("perfkg query " + found["query"] + "".join(f" -p {k}={v}" for k, v in found["params"].items()))
    _print_rows(found["columns"], [[row[c] for c in found["columns"]] for row in found["rows"]], output_format)
    if found["truncated"]:
        errors.print(f"[yellow]truncated[/yellow] at {len(found['rows'])} rows")


# How `perfkg show` marks each kind of fact in the text.
FACT_STYLES = {"Indicator": "bold black on yellow", "Fund": "bold black on green", "Task": "bold underline",
               "ScoreItem": "black on cyan", "Report": "bold black on magenta", "Duty": "italic", "Office": "italic",
               "Outcome": "blue", "Problem": "red", "Measure": "green"}


@app.command()
def show(
    report: Annotated[str, typer.Argument(metavar="REPORT", help="A report's id, or the name of the file it was read from.")],
    only: Annotated[Optional[list[str]], typer.Option(
        "--only", help="Mark only these kinds of fact (Indicator, Fund, Task, ScoreItem, Report, ...).")] = None,
    store: StoreOption = None,
) -> None:
    """Print a report's source text with its facts marked where they were read (in colour on a terminal, in
    brackets [fact|#n] otherwise), then each fact: its kind, where it is, what it is and what it states."""
    from rich.table import Table
    from rich.text import Text

    from .source import fact_values, find_report, report_source

    with _client(store) as client:
        report_id = find_report(client.store, report)
        found = report_source(client.store, report_id) if report_id else None
        values = fact_values(client.store, report_id) if found else {}
    if found is None:
        _fail(f"no report {report!r}: give its id or its file's name (see `perfkg query "
              "'MATCH (r:Report) RETURN r.id, r.source_file'`)", 1)
    spans = [s for s in found["spans"] if not only or s["label"] in only]
    console.print(f"[bold]{found['source_file']}[/bold] ({found['format']}), {found['report_id']}")
    if console.is_terminal:
        text = Text(found["text"])
        for span in spans:  # sorted by start, longer first: a fact inside another is marked over it
            text.stylize(FACT_STYLES.get(span["label"], "reverse"), span["start"], span["end"])
        console.print(text)
        legend = Text("  ".join(label for label in FACT_STYLES))
        position = 0
        for label in FACT_STYLES:
            legend.stylize(FACT_STYLES[label], position, position + len(label))
            position += len(label) + 2
        console.print(legend)
    else:
        console.print(_bracketed(found["text"], spans), markup=False, highlight=False, soft_wrap=True)
    table = Table(title=f"{len(spans)} facts", title_justify="left")
    for column in ("#", "kind", "where", "what", "states"):
        table.add_column(column, overflow="fold")
    for number, span in enumerate(spans, 1):
        table.add_row(str(number), Text(span["label"], style=FACT_STYLES.get(span["label"], "")),
                      span["location"] or "", str(span["what"] or ""), _states(values.get(span["id"])))
    console.print(table)


def _bracketed(text: str, spans: list[dict]) -> str:
    """The text with each fact in brackets and its number in the facts table,
    [完成12次|#3], for a reader without colours (a file, a pipe)."""
    inserts: list[tuple[int, int, str]] = []  # (where, order at that place, what)
    for number, span in enumerate(spans, 1):
        # At one place, closings come before openings, and an outer fact opens before an inner one.
        inserts.append((span["start"], 1 + number, "["))
        inserts.append((span["end"], -number, f"|#{number}]"))
    out, at = [], 0
    for where, _, mark in sorted(inserts):
        out.append(text[at:where])
        out.append(mark)
        at = where
    out.append(text[at:])
    return "".join(out)


def _states(values: dict | None) -> str:
    """A fact's values in words: target, actual and status; kind, source and amount; score out of a maximum."""
    if not values:
        return ""
    from perfkg import ontology

    words = ontology.value_labels()

    def word(label: str, prop: str, value) -> str:
        return words.get((label, prop), {}).get(value, (str(value),))[0]

    parts = []
    if "status" in values:
        parts += [f"目标 {values['target_text'] or '—'}", f"实际 {values['actual_text'] or '—'}",
                  f"{word('Indicator', 'status', values['status'])} ({values['status']})"]
    if "amount" in values:
        parts += [f"{word('Fund', 'kind', values['kind'])} / {word('Fund', 'source', values['source'])}",
                  f"{_plain_number(values['amount'])} {values['unit'] or ''}".strip()]
    if "max_score" in values:
        parts.append(f"{_plain_number(values['score'])} / {_plain_number(values['max_score'])}")
    return " · ".join(parts)


def _plain_number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "—" if value is None else str(value)


@app.command()
def queries(output_format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table") -> None:
    """List the named queries and their parameters."""
    from perfkg.cypher import catalogue

    entries = [q.describe() for q in catalogue().values()]
    if output_format == "json":
        json.dump(entries, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    from rich.table import Table

    table = Table(show_lines=True)
    # A name is what a user types: never cut or folded, the summary wraps instead.
    table.add_column("name", style="bold", no_wrap=True, min_width=max(len(entry["name"]) for entry in entries))
    table.add_column("answers")
    table.add_column("parameters")
    for entry in entries:
        params = "\n".join(
            f"{p['name']}: {p['type']}" + (" (required)" if p["required"] else f" = {p['default']}")
            + (f" in {p['allowed']}" if p["allowed"] else "")
            for p in entry["parameters"]
        )
        table.add_row(entry["name"], entry["summary"], params or "—")
    console.print(table)


@app.command()
def serve(
    host: Annotated[Optional[str], typer.Option(help="Interface to listen on. Default: $PERFKG_HOST or 127.0.0.1.")] = None,
    port: Annotated[Optional[int], typer.Option(help="Port. Default: $PERFKG_PORT or 8000.")] = None,
    allow_host: Annotated[Optional[list[str]], typer.Option(
        "--allow-host", help="A host name clients may reach the server by (the Host header), besides loopback's "
                             "and the address listened on; repeat for more, '*' for any. Also $PERFKG_ALLOWED_HOSTS "
                             "(comma-separated).")] = None,
    store: StoreOption = None,
) -> None:
    """Serve the HTTP API and the explorer (the explorer at /, OpenAPI docs at /docs)."""
    import dataclasses
    import os

    import uvicorn

    from perfkg.api.app import create_app

    settings = config.from_env().with_store(store)
    # A missing or damaged store is said in a line here, before the server starts
    # (from the application's start-up, uvicorn would print its traceback first).
    with _client(store):
        pass
    host = host or os.environ.get("PERFKG_HOST") or "127.0.0.1"
    port = port or int(os.environ.get("PERFKG_PORT") or 8000)
    # The address listened on is a name the server is reached by (all interfaces name none).
    listened = () if host in ("0.0.0.0", "::") else (host,)
    settings = dataclasses.replace(settings, allowed_hosts=(*settings.allowed_hosts, *listened, *(allow_host or ())))
    errors.print(f"perfkg on http://{host}:{port}: the explorer at /, API docs at /docs; store {settings.store}")
    if not listened and not settings.allowed_hosts:
        errors.print("listening on every interface, answering only to loopback's names (localhost, 127.0.0.1, ::1): "
                     "add the names clients use with --allow-host or PERFKG_ALLOWED_HOSTS")
    # On SIGTERM, requests still running after a few seconds are abandoned: the
    # store's server, stopped as the application shuts down, ends their queries.
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", timeout_graceful_shutdown=3)


@app.command()
def stats(
    store: StoreOption = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """Node counts by label and relationship counts by type."""
    from rich.table import Table

    with _client(store) as client:
        counts = client.stats()
    if output_format == "json":
        json.dump(counts, sys.stdout, ensure_ascii=False, indent=2, sort_keys=True)
        sys.stdout.write("\n")
        return
    for kind, title in (("nodes", "label"), ("status_labels", "second label"), ("relationships", "type")):
        table = Table(title=kind.replace("_", " "), title_justify="left")
        table.add_column(title)
        table.add_column("count", justify="right")
        for key, value in counts[kind].items():
            table.add_row(key, str(value))
        if kind != "status_labels":
            table.add_row("[bold]total[/bold]", f"[bold]{sum(counts[kind].values())}[/bold]")
        console.print(table)


@app.command()
def departments(
    store: StoreOption = None,
    aliases: Annotated[bool, typer.Option("--aliases", help="Only offices written more than one way: "
                                                             "the names merged into each, and why.")] = False,
    output_format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """Departments with their place and reports; one per office, however its reports write its name."""
    with _client(store) as client:
        found = client.departments()
    if aliases:
        found = [d for d in found if len(d["aliases"] or []) > 1]
    if output_format == "json":
        sys.stdout.write(json_text(found, indent=2) + "\n")
        return
    from rich.table import Table

    table = Table(title_justify="left")
    for column in ("name", "place", "reports") + (("aliases", "why") if aliases else ()):
        table.add_column(column, justify="right" if column == "reports" else "left")
    for d in found:
        place = "".join(p for p in (d["province"], d["city"], d["district"]) if p)
        extra = ("\n".join(d["aliases"] or []), d["identity"] or "") if aliases else ()
        table.add_row(d["name"], place, str(d["reports"]), *extra)
    console.print(table)
    if aliases and not found:
        console.print("no office is written more than one way")


@app.command(name="resolve-metrics")
def resolve_metrics(store: StoreOption = None) -> None:
    """Group every indicator into metrics again, from the whole graph: after the
    curated scheme (PERFKG_METRICS) changed, or to start afresh."""
    with _client(store) as client:
        try:
            count = client.resolve_metrics()
        except ValueError as error:  # a curated file that cannot be read
            errors.print(f"[red]error:[/red] {error}")
            raise typer.Exit(2) from None
    console.print(f"{count} metrics")


EXPORT_FORMATS = ("jsonl", "ttl", "nt", "jsonld", "cypher", "csv", "parquet")


@app.command()
def export(
    output_format: Annotated[str, typer.Option(
        "--format", "-f",
        help="jsonl (APOC JSON lines), ttl / nt / jsonld (RDF in the ontology's terms), cypher (a cypher-shell "
             "script that recreates the graph), csv (files for neo4j-admin database import; needs --output) or "
             "parquet (a typed table per label and relationship, joined by ids, for pandas or DuckDB; needs --output).",
    )] = "jsonl",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File (a folder for csv) to write; standard output when left out.")] = None,
    store: StoreOption = None,
) -> None:
    """Write the whole graph out."""
    from . import export as exporter

    if output_format not in EXPORT_FORMATS:
        errors.print(f"[red]error:[/red] --format must be one of {', '.join(EXPORT_FORMATS)}")
        raise typer.Exit(2)
    if output_format in ("csv", "parquet") and output is None:
        errors.print(f"[red]error:[/red] --format {output_format} writes one file per label and type: give --output FOLDER")
        raise typer.Exit(2)
    folder_format = output_format in ("csv", "parquet")  # one file per label and type, in a folder
    if output is not None and not folder_format and not output.resolve().parent.is_dir():
        _fail(f"{output.parent}: no such folder to write {output.name} in", 2)
    if output is not None and output.exists() and output.is_dir() != folder_format:
        _fail(f"{output} is a {'file' if folder_format else 'folder'}: csv and parquet write a folder, "
              "the other formats a file", 2)
    with _client(store) as client:
        if output_format == "parquet":
            from .tables import write_parquet

            counts = write_parquet(client.store, output)
            errors.print(f"wrote {len(counts)} tables ({sum(counts.values()):,} rows) to {output}")
            return
        if output_format == "csv":
            output.mkdir(parents=True, exist_ok=True)
            files = exporter.admin_csv(client.store)
            for name, text in files.items():
                (output / name).write_text(text, encoding="utf-8")
            errors.print(f"wrote {len(files)} files to {output}; import them with (files in the import folder):")
            console.print(exporter.admin_import_command(list(files)))
            return
        if output_format == "jsonl":
            chunks = exporter.jsonl(client.store)
        elif output_format == "cypher":
            chunks = exporter.cypher_script(client.store)
        else:
            chunks = iter([exporter.rdf(client.store, output_format)])
        if output is None:
            sys.stdout.writelines(on_terminal(chunks, terminal=sys.stdout.isatty()))
        else:
            with open(output, "w", encoding="utf-8") as handle:
                handle.writelines(chunks)
            errors.print(f"wrote {output}")


@app.command()
def validate(store: StoreOption = None) -> None:
    """Check the graph against the ontology's SHACL shapes (via its RDF export)."""
    from perfkg.ontology.rdf import to_rdf
    from perfkg.ontology.rdf import validate as shacl

    from . import export as exporter

    from rich.table import Table

    with _client(store) as client:
        graph = to_rdf(exporter.nodes(client.store), exporter.relationships(client.store))
    conforms, violations = shacl(graph)
    if conforms:
        console.print(f"conforms: {len(graph)} triples, no violation of the SHACL shapes")
        return
    table = Table(title=f"{len(violations)} violations", title_justify="left")
    for column in ("focus node", "path", "value", "message"):
        table.add_column(column, overflow="fold")
    for v in violations:
        table.add_row(v["focus"] or "", (v["path"] or "").rsplit("#", 1)[-1], v["value"] or "", v["message"] or "")
    console.print(table)
    raise typer.Exit(1)


@app.command()
def reset(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
    store: StoreOption = None,
) -> None:
    """Empty the graph."""
    settings = config.from_env().with_store(store)
    if not yes and not typer.confirm(f"Delete every node and relationship in {settings.store}?"):
        raise typer.Exit(1)
    with _client(store) as client:
        client.reset()
    console.print(f"emptied {settings.store}")


@app.command()
def backup(
    destination: Annotated[Path, typer.Argument(help="A new folder: the backup, itself a store.")],
    store: StoreOption = None,
) -> None:
    """Copy the embedded store, consistently, while it is in use: the copy is a store of its own
    (open it with --store, or put it in place of a lost store while no process uses that path)."""
    from .store import StoreError
    from .store.falkor import FalkorStore

    with _client(store) as client:
        if not isinstance(client.store, FalkorStore):
            errors.print("[red]error:[/red] backup copies the embedded store; back Neo4j up with neo4j-admin")
            raise typer.Exit(2)
        try:
            client.store.backup(destination)
        except StoreError as error:
            errors.print(f"[red]error:[/red] {error}")
            raise typer.Exit(2) from None
    console.print(f"backed up {client.store.location} to {destination}")


@app.command(name="eval")
def evaluate(
    gold: Annotated[Path, typer.Option(help="Folder of gold annotation files (<report stem>.json).")],
    reports: Annotated[Optional[Path], typer.Option(
        help="Folder of the reports the gold files name. Default: the gold folder's ../reports, or ../docs "
             "(as ../shared/corpus keeps them).", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Measure the extraction against gold annotations (through a scratch embedded store): the targets, the
    figures by document kind and by layout, and a line per missed, spurious or wrong indicator."""
    from perfkg.ingest.evaluate import GoldError, evaluate_folder, render

    if not gold.is_dir():
        errors.print(f"[red]error:[/red] {gold} is not a folder")
        raise typer.Exit(2)
    if reports is None:
        reports = next((d for d in (gold.parent / "reports", gold.parent / "docs") if d.is_dir()), gold)
    try:
        result = evaluate_folder(gold, reports)
    except GoldError as error:
        _fail(str(error), 2)
    if as_json:
        sys.stdout.write(json_text(result, indent=2) + "\n")
    else:
        for line in render(result):  # names and evidence of the reports: shown, never obeyed
            typer.echo(visible(line))


@app.command(name="eval-identity")
def evaluate_identity(
    groups: Annotated[Path, typer.Option(help="The hand-made metric groups (tests/gold/metric-groups.json).")],
    gold: Annotated[list[Path], typer.Option(help="Gold folders whose indicators are grouped (repeatable).")],
    reports: Annotated[Path, typer.Option(help="Folder of template reports for the synthetic ones (examples/reports).")],
    corpus: Annotated[Optional[Path], typer.Option(help="Folder of corpus documents whose departments are checked too.")] = None,
    synthetic: Annotated[int, typer.Option(help="Synthetic reports with look-alike department names.")] = 1000,
) -> None:
    """Measure metric and department resolution: pairwise precision and recall of metrics against hand-made
    groups (and the generator's name variants), and wrong department merges over synthetic look-alikes."""
    from perfkg.identity_eval import department_merges, evaluate_metrics

    try:
        result = evaluate_metrics(groups, gold, gold[0])
    except ValueError as error:
        errors.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    typer.echo("metrics: pairs of indicators in one metric   (targets: precision >= 0.95, recall >= 0.85)")
    for part, title in (("reports", "gold names"), ("generator", "generator's variants"), ("all", "together")):
        r = result[part]
        typer.echo(f"  {title:<22} {r['items']:>5} names  precision {r['precision']:.3f} ({r['correct']}/"
                   f"{r['predicted_pairs']})  recall {r['recall']:.3f} ({r['correct']}/{r['true_pairs']})")
    for a, b in result["wrong_merges"]:
        typer.echo(visible(f"    wrongly merged: {a} / {b}"))
    found = department_merges(synthetic, reports, corpus)
    typer.echo(f"departments: {found['reports']} synthetic reports and {found['corpus']} corpus documents, "
               f"{found['offices']} offices, {found['departments']} department ids; "
               f"{len(found['wrong_merges'])} wrong merges, {len(found['splits'])} offices split   (target: 0 merges)")
    for department, offices in found["wrong_merges"].items():
        typer.echo(visible(f"    {department} merges {offices}"))
    all_ = result["all"]
    if all_["precision"] < 0.95 or all_["recall"] < 0.85 or found["wrong_merges"]:
        raise typer.Exit(1)


@app.command(name="bench-corpus")
def bench_corpus(
    count: Annotated[int, typer.Argument(help="How many reports to write.")],
    out: Annotated[Path, typer.Argument(help="Folder to write them to.")],
    examples: Annotated[Path, typer.Option(help="Template reports.")] = Path("examples/reports"),
    seed: Annotated[int, typer.Option(help="Random seed: the same seed writes the same corpus.")] = 0,
    missing: Annotated[float, typer.Option(
        help="Share of the reports (0 to 1) that each leave out their department, district, city or year.")] = 0.0,
) -> None:
    """Write N synthetic reports (for load tests and benchmarks only, never for accuracy)."""
    from .corpus import generate

    try:
        written = generate(count, out, examples, seed=seed, missing=missing)
    except (ValueError, OSError) as error:
        _fail(str(error), 2)
    console.print(f"wrote {len(written)} reports to {out}")


if __name__ == "__main__":
    app()
