"""docker-compose.yml and the Dockerfile, checked without a container engine
(none runs where this is developed): the file parses, the services, ports and
start-up order are the ones the README describes, and every command the
containers run is one the perfkg CLI accepts."""

import re
import tomllib

import pytest
import typer
import yaml

from conftest import ROOT, neo4j_server
from perfkg.cli import app
from perfkg.config import Settings


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_the_neo4j_the_tests_run_with_browser_and_bolt_on_loopback(compose):
    neo4j = compose["services"]["neo4j"]
    assert neo4j["image"] == f"neo4j:{neo4j_server.NEO4J_VERSION}-community"
    assert neo4j["environment"]["NEO4J_db_transaction_monitor_check_interval"] == neo4j_server.CHECK_INTERVAL
    assert set(neo4j["ports"]) == {"127.0.0.1:7474:7474", "127.0.0.1:7687:7687"}
    assert "neo4j-data:/data" in neo4j["volumes"] and "neo4j-data" in compose["volumes"]
    assert "cypher-shell" in " ".join(neo4j["healthcheck"]["test"])


def test_the_api_waits_for_a_healthy_neo4j_and_a_finished_ingest(compose):
    services = compose["services"]
    assert services["ingest"]["depends_on"] == {"neo4j": {"condition": "service_healthy"}}
    assert services["api"]["depends_on"] == {"neo4j": {"condition": "service_healthy"},
                                             "ingest": {"condition": "service_completed_successfully"}}
    assert services["api"]["ports"] == ["127.0.0.1:8000:8000"]
    for name in ("ingest", "api"):
        store = services[name]["environment"]["PERFKG_STORE"]
        assert Settings(store=store).is_neo4j and store.endswith("neo4j:7687")  # the neo4j service by name


def test_every_container_command_is_one_the_cli_accepts(compose):
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    image_command = yaml.safe_load(re.search(r"^CMD (.+)$", dockerfile, re.M).group(1))
    commands = [compose["services"][name]["command"] for name in ("ingest", "api")] + [image_command]
    cli = typer.main.get_command(app)
    for command in commands:
        program, subcommand, *args = command
        assert program in scripts
        sub = cli.get_command(None, subcommand)
        assert sub is not None, command
        sub.make_context(subcommand, list(args))  # raises on an option or argument the CLI does not take


def test_the_image_holds_every_package_and_the_examples():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    folders = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-dir"]
    copied = set(re.findall(r"^COPY (\w+) ", dockerfile, re.M))
    assert set(folders.values()) <= copied
    assert "examples" in copied
    assert re.search(r"^FROM python:3\.1[2-9]", dockerfile, re.M)


def test_the_env_file_the_services_read_has_an_example(compose):
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert re.search(r"^PERFKG_NEO4J_PASSWORD=\S{8,}$", example, re.M)
    for service in compose["services"].values():
        assert service["env_file"] == ".env"


def test_the_readme_gives_the_same_addresses(compose):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for address in ("http://127.0.0.1:7474", "127.0.0.1:7687", "http://127.0.0.1:8000"):
        assert address in readme
