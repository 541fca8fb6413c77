"""The README's code blocks as its tests read them, and its curl lines sent as curl sends them."""

from __future__ import annotations

import re
import shlex

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
API = "http://127.0.0.1:8000"


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def command_lines(text: str, program: str) -> list[str]:
    """The shell lines of `text` that run `program` (`perfkg`, `perfkg query`, `curl`),
    continuation lines joined and `a && b` taken as two."""
    found = []
    for line in "\n".join(blocks(text, "sh")).replace("\\\n", " ").splitlines():
        for command in line.split("&&"):  # `perfkg ingest x && perfkg serve`
            if command.strip().startswith(program + " "):
                found.append(command.strip())
    return found


def send_curl(http, line: str):
    """A README curl line sent to the API behind `http` (a TestClient) as curl would send it."""
    words = shlex.split(line)
    url = next(word for word in words if word.startswith(API))
    path = url.removeprefix(API)
    if "-X" in words and words[words.index("-X") + 1] == "POST":
        return http.post(path, content=words[words.index("-d") + 1], headers={"content-type": "application/json"})
    # Without -G, curl sends --data-urlencode pairs as a POST body; Chinese written into the
    # URL itself goes out unencoded.
    assert "-G" in words or "--data-urlencode" not in words, f"curl would POST this: {line}"
    assert url.isascii(), f"Chinese in a URL curl sends unencoded: {line}"
    params = [tuple(words[i + 1].split("=", 1)) for i, word in enumerate(words) if word == "--data-urlencode"]
    return http.get(path, params=params)
