"""Every file read and extracted in a worker process within a time and memory budget:
a file that hangs or kills its worker fails alone, by name, and the rest load."""

import os
import signal
import threading
import time

from perfkg.ingest.runner import ingest
from perfkg.ingest.workers import Budget

from bad_files import docx_of, self_referring_pdf
from conftest import report_path


def _folder(tmp_path, bad: dict[str, bytes]):
    """Two good reports, then the bad files, modified last (so extracted last)."""
    folder = tmp_path / "reports"
    folder.mkdir()
    for number, name in enumerate(("000", "004")):
        (folder / f"{name}.txt").write_bytes(report_path(name).read_bytes())
        os.utime(folder / f"{name}.txt", (1000 + number, 1000 + number))
    for name, data in bad.items():
        (folder / name).write_bytes(data)
    return folder


def _statuses(outcomes):
    return {os.path.basename(o.path): (o.status, o.error) for o in outcomes}


def test_a_file_that_hangs_its_reader_is_stopped_at_its_budget_and_the_rest_load(store, tmp_path):
    folder = _folder(tmp_path, {"loop.pdf": self_referring_pdf()})
    # A budget of seconds: a report takes a fraction of one, the looping PDF for ever.
    outcomes = _statuses(ingest(store, [folder], workers=2, budget=Budget(seconds=4)))
    assert outcomes["000.txt"][0] == outcomes["004.txt"][0] == "loaded"
    assert outcomes["loop.pdf"] == ("failed", "reading and extracting it took over 4 s (PERFKG_MAX_FILE_SECONDS): "
                                              "stopped; nothing written")
    assert store.read("MATCH (r:Report) RETURN count(r)").rows == [[2]]


def _cpu_seconds(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children() -> list[int]:
    """This process's forked children: its extracting workers (same command line), not the
    store's supervisor or a Neo4j server the session started."""
    ours = open("/proc/self/cmdline", "rb").read()
    found = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and int(open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[1]) == os.getpid() \
                    and open(f"/proc/{entry}/cmdline", "rb").read() == ours:
                found.append(int(entry))
        except (OSError, ValueError, IndexError):
            continue
    return found


def _kill_the_spinning_worker(stop: threading.Event) -> None:
    """SIGKILL (as the OOM killer sends it) the extracting worker stuck on the looping PDF:
    the child spinning now (on CPU in the last second) that has spent more CPU than two
    reports take. A worker an earlier test left idle is not it, whatever its total. (How
    much of a second it gets depends on the machine's load: at a load of 20 on two cores,
    asking for half a second kept the test waiting for six minutes.)"""
    while not stop.is_set():
        before = {}
        for pid in _children():
            try:
                before[pid] = _cpu_seconds(pid)
            except OSError:
                continue
        time.sleep(1.0)
        for pid, spent in before.items():
            try:
                now = _cpu_seconds(pid)
            except OSError:
                continue
            if now > spent and now > 5:
                os.kill(pid, signal.SIGKILL)
                return


def test_a_worker_killed_under_a_file_fails_that_file_and_never_the_run(store, tmp_path):
    folder = _folder(tmp_path, {"loop.pdf": self_referring_pdf()})
    stop = threading.Event()
    killer = threading.Thread(target=_kill_the_spinning_worker, args=(stop,))
    killer.start()
    try:
        outcomes = _statuses(ingest(store, [folder], workers=1, budget=Budget(seconds=3600)))
    finally:
        stop.set()
        killer.join()
    assert outcomes["000.txt"][0] == outcomes["004.txt"][0] == "loaded"
    assert outcomes["loop.pdf"] == ("failed", "the extracting process died of SIGKILL (killed: out of memory?) while "
                                              "reading and extracting it; nothing written")


def test_a_file_past_the_memory_budget_is_refused_by_name(store, tmp_path):
    # A table of a million rows: under 1 MB on disk, 60 MB of XML, far past 400 MB once parsed.
    row = '<w:tr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>'
    body = "<w:tbl>" + row * 1_000_000 + "</w:tbl>"
    folder = _folder(tmp_path, {"wide.docx": docx_of(body)})
    outcomes = _statuses(ingest(store, [folder], workers=1, budget=Budget(memory_mb=400)))
    assert outcomes["000.txt"][0] == outcomes["004.txt"][0] == "loaded"
    assert outcomes["wide.docx"] == ("failed", "reading and extracting it took more memory than a file may "
                                               "(PERFKG_MAX_FILE_MEMORY_MB): stopped; nothing written")


def test_a_cell_spanning_a_trillion_columns_is_refused_before_any_cell_is_made(store, tmp_path):
    span = '<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="1000000000000"/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>'
    before = '<w:tbl><w:tr><w:trPr><w:gridBefore w:val="200000000"/></w:trPr><w:tc><w:p/></w:tc></w:tr></w:tbl>'
    folder = _folder(tmp_path, {"span.docx": docx_of(span), "before.docx": docx_of(before)})
    outcomes = _statuses(ingest(store, [folder], workers=1))
    assert outcomes["span.docx"] == ("failed", "a table's gridSpan is 1,000,000,000,000 columns, over the limit of "
                                               "1,000 (a damaged file?)")
    assert outcomes["before.docx"] == ("failed", "a table's gridBefore is 200,000,000 columns, over the limit of "
                                                 "1,000 (a damaged file?)")


def test_links_out_of_the_folder_and_devices_are_refused_by_name(store, tmp_path):
    private = tmp_path / "private.txt"
    private.write_bytes(report_path("001").read_bytes())
    folder = _folder(tmp_path, {})
    (folder / "leak.txt").symlink_to(private)
    (folder / "inside.txt").symlink_to(folder / "000.txt")  # a link within the folder is followed
    outcomes = _statuses(ingest(store, [folder, "/dev/zero"], workers=1))
    assert outcomes["leak.txt"] == ("failed", f"a link to {private}, outside the folder {folder}: refused (links are "
                                              "followed only within the ingested folder)")
    assert outcomes["zero"] == ("failed", "not a regular file (a device, pipe or socket): refused unread")
    assert outcomes["inside.txt"][0] in ("loaded", "replaced")
    assert store.read("MATCH (r:Report) WHERE r.source_file = 'private.txt' OR r.source_file = 'leak.txt' "
                      "RETURN count(r)").rows == [[0]]


# Lines that made the rules backtrack: the first took 85 s at 300 spaces, growing about
# n^3.5, so at 2,000 these would take days; linear now, they take milliseconds. The
# budget is a watchdog here, not a measurement.
BACKTRACKING_LINES = [
    "指标" + " " * 2000 + "100%" + " " * 2000 + "90%",
    "实际完成" + " " * 2000 + "1" + " " * 2000 + "90%",
    "完成" + " " * 2000 + "1" + " " * 2000 + "目标",
    "年度目标" + " " * 2000 + "为" + " " * 2000 + "100%，实际完成90%",
    "计划完成讲座" + " " * 2000 + "120场" + " " * 2000 + "，实际完成136场",
]


def test_lines_that_made_the_rules_backtrack_extract_well_within_the_budget(store, tmp_path):
    folder = tmp_path / "lines"
    folder.mkdir()
    report = report_path("004").read_text(encoding="utf-8")
    for number, line in enumerate(BACKTRACKING_LINES):
        (folder / f"{number}.txt").write_text(report.replace("二、", line + "\n二、", 1), encoding="utf-8")
    outcomes = ingest(store, [folder], workers=1, budget=Budget(seconds=120))
    assert [o.error for o in outcomes if o.status == "failed"] == []


def test_an_upload_that_hangs_its_reader_is_refused_at_its_budget_and_the_server_keeps_serving(empty_settings):
    from dataclasses import replace

    from fastapi.testclient import TestClient

    from perfkg.api.app import create_app

    settings = replace(empty_settings, api_key="k", max_file_seconds=5)
    with TestClient(create_app(settings)) as http:
        response = http.post("/reports", files={"file": ("loop.pdf", self_referring_pdf(), "application/pdf")},
                             headers={"X-API-Key": "k"})
        assert response.status_code == 400
        assert response.json()["error"] == ("loop.pdf: reading and extracting it took over 5 s "
                                            "(PERFKG_MAX_FILE_SECONDS): stopped; nothing written")
        assert http.get("/health").status_code == 200


def test_uploads_past_the_workers_and_their_queue_get_503_at_once(empty_settings):
    from dataclasses import replace

    import httpx2 as httpx

    from perfkg.api.app import create_app

    from conftest import serving

    # One worker and a queue of one. One hanging upload is sent, and once its extracting worker
    # is there (it holds the worker until its budget), two more together: one waits its turn,
    # one is answered 503 at once. Waiting for the first to be extracted, not for a long budget,
    # is what puts the other two behind it, so a budget of seconds is enough.
    settings = replace(empty_settings, api_key="k", max_file_seconds=4, upload_workers=1, upload_queue=1)
    answers = []
    with serving(create_app(settings)) as url:
        def send():
            with httpx.Client(base_url=url, timeout=120) as client:
                answers.append(client.post("/reports", headers={"X-API-Key": "k"},
                                           files={"file": ("loop.pdf", self_referring_pdf(), "application/pdf")}))

        idle = set(_children())  # workers earlier tests left
        senders = [threading.Thread(target=send) for _ in range(3)]
        senders[0].start()
        deadline = time.monotonic() + 60
        while not set(_children()) - idle and time.monotonic() < deadline:
            time.sleep(0.02)
        assert set(_children()) - idle, "the first upload was never given to a worker"
        for sender in senders[1:]:
            sender.start()
        for sender in senders:
            sender.join()
        with httpx.Client(base_url=url, timeout=60) as client:
            assert client.get("/health").status_code == 200
    assert sorted(answer.status_code for answer in answers) == [400, 400, 503]
    [full] = [answer for answer in answers if answer.status_code == 503]
    assert "busy: 1 uploads are being processed and 1 wait already" in full.json()["error"]
