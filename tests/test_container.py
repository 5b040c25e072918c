"""The Dockerfile, .dockerignore and compose.yaml say what the README and Makefile say: the same install, the
same run command, the configured HTTP port, an unprivileged user, and health checks for both services.

No container engine is needed: the files are read, not built. compose.yaml is read with a small reader for
the plain block style it is written in (PyYAML is not a dependency); anything else fails the test loudly.
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from bot.config import load_settings

ROOT = Path(__file__).resolve().parents[1]


# --- readers ----------------------------------------------------------------------------------------------


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined and comments dropped."""
    lines: list[str] = []
    pending = ""
    for raw in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        lines.append(pending + stripped)
        pending = ""
    assert not pending, "a Dockerfile line ends in a continuation"
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in lines]


def make_recipe(target: str) -> list[str]:
    """A Makefile target's recipe lines, variables expanded; a target with none takes its prerequisites'."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    variables = dict(re.findall(r"^(\w+) \??:?= (.*)$", text, flags=re.MULTILINE))

    def expand(value: str) -> str:
        for _ in range(5):
            value = re.sub(r"\$\((\w+)\)", lambda m: variables.get(m.group(1), m.group(0)), value)
        return value

    rules: dict[str, tuple[list[str], list[str]]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        rule = re.match(r"^([^\s:#=.][^:=]*):(?!=)\s*(.*)$", line)
        if rule:
            current = []
            rules[expand(rule.group(1).strip())] = ([expand(p) for p in rule.group(2).split()], current)
        elif line.startswith("\t") and current is not None:
            current.append(expand(line.strip()))
    prerequisites, recipe = rules[target]
    return recipe or [line for p in prerequisites if p in rules for line in rules[p][1]]


def _scalar(text: str) -> Any:
    text = text.strip()
    if text.startswith(("[", '"')):
        return json.loads(text)  # the flow lists and quoted strings used are JSON as well as YAML
    if text.startswith(("{", "'", "&", "*", "!", "|", ">")):
        raise AssertionError(f"compose.yaml uses YAML this reader does not know: {text!r}")
    return text


def compose() -> dict[str, Any]:
    """compose.yaml as nested dicts and lists, for block mappings, block lists and JSON-like scalars."""
    items: list[tuple[int, str]] = []
    for raw in (ROOT / "compose.yaml").read_text(encoding="utf-8").splitlines():
        if raw.strip() and not raw.lstrip().startswith("#"):
            assert "\t" not in raw
            items.append((len(raw) - len(raw.lstrip(" ")), raw.strip()))

    def block(start: int, indent: int) -> tuple[Any, int]:
        if items[start][1].startswith("- "):
            seq: list[Any] = []
            i = start
            while i < len(items) and items[i][0] == indent and items[i][1].startswith("- "):
                seq.append(_scalar(items[i][1][2:]))
                i += 1
            return seq, i
        mapping: dict[str, Any] = {}
        i = start
        while i < len(items) and items[i][0] == indent:
            key, sep, rest = items[i][1].partition(":")
            assert sep and not key.startswith("- "), items[i]
            if rest.strip():
                mapping[key] = _scalar(rest)
                i += 1
            elif i + 1 < len(items) and items[i + 1][0] > indent:
                mapping[key], i = block(i + 1, items[i + 1][0])
            else:
                mapping[key] = None
                i += 1
        assert i == len(items) or items[i][0] < indent, f"bad indentation at {items[i]}"
        return mapping, i

    document, end = block(0, 0)
    assert end == len(items)
    assert isinstance(document, dict)
    return document


def _default(expression: str) -> str:
    """Compose's ${NAME:-default} with NAME unset: the default."""
    return re.sub(r"\$\{(\w+):-([^}]*)\}", r"\2", expression)


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> int:
    """The HTTP port Rekan listens on by default (from an empty settings file, not this machine's)."""
    empty = tmp_path_factory.mktemp("settings") / "rekan.toml"
    empty.write_text("")
    return load_settings(empty, env={}).http.port


# --- the Dockerfile ---------------------------------------------------------------------------------------


def test_the_base_image_is_the_python_pyproject_requires() -> None:
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    minimum = requires.removeprefix(">=")
    base = [args for op, args in dockerfile() if op == "FROM"]
    assert base == [f"python:{minimum}-slim"]


def test_the_image_installs_with_the_makefiles_own_recipe() -> None:
    runs = [args for op, args in dockerfile() if op == "RUN"]
    pip_lines = [line for line in make_recipe("install") if "pip install" in line and ".[" in line]
    assert pip_lines == [".venv/bin/pip install --quiet -e '.[dev]'"]  # what `make install` runs
    uses_make = any(run.strip() == "make install" for run in runs)
    assert uses_make or any(pip_lines[0] in run for run in runs)
    if uses_make:  # and make itself is in the image (python:*-slim has none)
        assert any(re.search(r"apt-get install [^&]*\bmake\b", run) for run in runs)


def test_the_image_runs_as_an_unprivileged_user_from_install_on() -> None:
    steps = dockerfile()
    users = [(i, args.strip()) for i, (op, args) in enumerate(steps) if op == "USER"]
    assert users, "no USER instruction: the container would run as root"
    last_index, last_user = users[-1]
    assert last_user.split(":")[0] not in {"root", "0"}
    install = next(i for i, (op, args) in enumerate(steps) if op == "RUN" and "make install" in args)
    assert last_index < install  # the virtualenv belongs to the user that runs Rekan


def test_the_image_exposes_the_http_port_and_runs_what_make_run_runs(port: int) -> None:
    steps = dockerfile()
    assert [args for op, args in steps if op == "EXPOSE"] == [str(port)]
    cmd = [json.loads(args) for op, args in steps if op == "CMD"]
    assert len(cmd) == 1
    run = shlex.split(make_recipe("run")[0].replace("$(ARGS)", ""))
    assert Path(run[0]).name == cmd[0][0] and run[1:] == cmd[0][1:] == ["run"]
    env = " ".join(args for op, args in steps if op == "ENV")
    assert "/app/.venv/bin" in env  # where `make install` put the rekan command


def test_the_build_context_leaves_out_local_state_and_secrets() -> None:
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")}
    assert {".venv", ".git", "rekan.toml", "rekan.db", ".env"} <= ignored
    copied = [args for op, args in dockerfile() if op == "COPY"]
    for needed in ("pyproject.toml", "Makefile", "README.md", "bot", "adapters", "storage"):
        assert any(re.search(rf"(^|\s){re.escape(needed)}(\s|$)", args) for args in copied), needed


# --- compose.yaml -----------------------------------------------------------------------------------------


def test_compose_runs_rekan_built_here_after_a_healthy_postgres(port: int) -> None:
    services = compose()["services"]
    assert set(services) == {"rekan", "postgres"}
    rekan = services["rekan"]
    assert rekan["build"] == "."
    assert rekan["restart"] == "unless-stopped"
    assert rekan["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    test = rekan["healthcheck"]["test"]
    assert test[0] == "CMD" and f"http://localhost:{port}/healthz" in " ".join(test)
    assert rekan["environment"]["REKAN_HTTP_PORT"] == str(port)
    assert any(p.endswith(f":{port}") for p in rekan["ports"])


def test_compose_points_rekan_at_its_postgres_with_the_same_password() -> None:
    services = compose()["services"]
    postgres = services["postgres"]
    url = make_url(_default(services["rekan"]["environment"]["REKAN_DATABASE_URL"]))
    assert url.drivername == "postgresql+asyncpg" and url.host == "postgres"
    pg_env = postgres["environment"]
    assert (url.username, url.database) == (pg_env["POSTGRES_USER"], pg_env["POSTGRES_DB"])
    assert re.search(r"\$\{POSTGRES_PASSWORD:-", pg_env["POSTGRES_PASSWORD"])  # from the environment
    assert url.password == _default(pg_env["POSTGRES_PASSWORD"])  # and the same default on both sides
    assert "${POSTGRES_PASSWORD" in services["rekan"]["environment"]["REKAN_DATABASE_URL"]


def test_compose_keeps_postgres_data_in_a_named_volume_and_checks_it_is_ready() -> None:
    document = compose()
    postgres = document["services"]["postgres"]
    assert postgres["image"] == "postgres:16"
    assert postgres["restart"] == "unless-stopped"
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    volume, _, mount = postgres["volumes"][0].partition(":")
    assert mount == "/var/lib/postgresql/data"
    assert volume in (document.get("volumes") or {})
