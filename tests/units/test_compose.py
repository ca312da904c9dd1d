"""docker-compose.yml cannot run here (no Docker engine): its commands are checked against ours."""

from __future__ import annotations

import re
import shlex
from importlib import import_module
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def make_commands() -> dict[str, str]:
    text = (ROOT / "Makefile").read_text()
    return dict(re.findall(r"^([A-Z]+_CMD) = (.+)$", text, flags=re.MULTILINE))


def service_command(compose: dict, name: str) -> str:
    command = compose["services"][name]["command"]
    return " ".join(command) if isinstance(command, list) else " ".join(command.split())


def test_compose_has_the_five_services_with_health_checks(compose: dict) -> None:
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}
    assert all("healthcheck" in service for service in services.values())
    assert set(compose["volumes"]) == {"pgdata", "redisdata", "media"}
    assert services["postgres"]["volumes"] == ["pgdata:/var/lib/postgresql/data"]


@pytest.mark.parametrize(
    ("service", "variable"),
    [("web", "GUNICORN_CMD"), ("worker", "WORKER_CMD"), ("beat", "BEAT_CMD")],
)
def test_each_service_runs_the_command_the_makefile_runs(
    compose, make_commands, service, variable
) -> None:
    assert make_commands[variable] in service_command(compose, service)


def test_web_migrates_on_start_and_runs_at_least_two_workers(compose, make_commands) -> None:
    command = service_command(compose, "web")
    assert command.index("manage.py migrate") < command.index("gunicorn")
    args = shlex.split(make_commands["GUNICORN_CMD"])
    assert int(args[args.index("--workers") + 1]) >= 2


def test_the_commands_name_things_the_project_has(make_commands) -> None:
    wsgi_module, _, attribute = shlex.split(make_commands["GUNICORN_CMD"])[1].partition(":")
    assert callable(getattr(import_module(wsgi_module), attribute))
    for variable in ("WORKER_CMD", "BEAT_CMD"):
        args = shlex.split(make_commands[variable])
        app_module = args[args.index("-A") + 1]
        assert import_module(app_module).celery_app.main == "csnv"
    assert shlex.split(make_commands["WORKER_CMD"])[3] == "worker"
    assert shlex.split(make_commands["BEAT_CMD"])[3] == "beat"


def test_every_app_service_waits_for_healthy_database_and_broker(compose) -> None:
    for name in ("web", "worker", "beat"):
        depends = compose["services"][name]["depends_on"]
        assert depends == {
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }
