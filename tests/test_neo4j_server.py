"""scripts/neo4j_server.py's steps that need no running server."""

from __future__ import annotations

import os

import pytest

from conftest import neo4j_server

pytestmark = pytest.mark.neo4j


def test_a_password_starting_with_a_dash_is_set(tmp_path):
    # One in 64 generated passwords starts with "-": the start used to fail on it.
    try:
        jars = neo4j_server.class_path()
    except neo4j_server.Unavailable as error:
        pytest.skip(str(error))
    for folder in ("conf", "data", "run"):
        (tmp_path / folder).mkdir()
    (tmp_path / "conf" / "neo4j.conf").write_text("")
    (tmp_path / "run" / "java.args").write_text(f"-cp {os.pathsep.join(jars)}\n")
    neo4j_server.set_initial_password(tmp_path, "-starts-with-a-dash")
    assert (tmp_path / "data" / "dbms" / "auth.ini").is_file()
