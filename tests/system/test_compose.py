"""docker-compose.yml: valid for compose's own validator, and the app agrees with Neo4j on ports and
credentials. No Docker engine is needed (`docker-compose config` only reads the file)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support import ROOT as PROJECT_ROOT
from tests.support import skip_or_fail

COMPOSE_FILE = PROJECT_ROOT / "docker-compose.yml"
ENV_EXAMPLE = PROJECT_ROOT / ".env.example"


def _compose_cmd() -> list[str]:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"],
                                                 capture_output=True).returncode == 0:
        return ["docker", "compose"]
    skip_or_fail("docker-compose is not installed (Debian: apt-get install docker-compose; `make test` does it)")
    raise AssertionError("unreachable")


def _resolved_config(env_file: Path) -> dict:
    """The compose file as compose itself resolves it, variables filled in from `env_file`."""
    cmd = [*_compose_cmd(), "--env-file", str(env_file), "-f", str(COMPOSE_FILE), "config"]
    result = subprocess.run(cmd, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def _env(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def _published(service: dict) -> dict[int, int]:
    """{container port: published port} from either port syntax."""
    found = {}
    for port in service.get("ports", []):
        if isinstance(port, dict):
            found[int(port["target"])] = int(port.get("published", port["target"]))
        else:
            published, _, target = str(port).rpartition(":")
            found[int(target)] = int(published or target)
    return found


def _mount_targets(service: dict) -> set[str]:
    """Container paths of the service's volumes, from either volume syntax."""
    return {v["target"] if isinstance(v, dict) else str(v).split(":")[1] for v in service.get("volumes", [])}


@pytest.mark.slow
def test_compose_file_passes_compose_validation():
    result = subprocess.run([*_compose_cmd(), "--env-file", str(ENV_EXAMPLE), "-f", str(COMPOSE_FILE),
                             "config", "-q"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_compose_refuses_to_start_without_a_password(tmp_path):
    env_file = tmp_path / "empty.env"
    env_file.write_text("")
    result = subprocess.run([*_compose_cmd(), "--env-file", str(env_file), "-f", str(COMPOSE_FILE),
                             "config", "-q"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "NEO4J_PASSWORD" in result.stderr


@pytest.mark.slow
def test_app_and_neo4j_agree_on_ports_and_credentials(tmp_path):
    env_file = tmp_path / "test.env"
    env_file.write_text("NEO4J_USER=graphuser\nNEO4J_PASSWORD=pw-for-compose-test\n")
    services = _resolved_config(env_file)["services"]
    neo4j, app = services["neo4j"], services["app"]

    assert neo4j["image"].startswith("neo4j:5.26") and neo4j["image"].endswith("community")
    neo4j_ports = _published(neo4j)
    assert neo4j_ports.get(7474) == 7474 and neo4j_ports.get(7687) == 7687
    assert "/data" in _mount_targets(neo4j), "Neo4j keeps its data in a volume"
    assert "RETURN 1" in " ".join(neo4j["healthcheck"]["test"]) and "cypher-shell" in str(neo4j["healthcheck"])

    app_env, neo4j_env = _env(app), _env(neo4j)
    scheme, _, address = app_env["NEO4J_URI"].partition("://")
    host, _, port = address.partition(":")
    assert scheme in ("bolt", "neo4j") and host == "neo4j" and int(port) in neo4j_ports
    assert int(port) == 7687
    assert neo4j_env["NEO4J_AUTH"] == f"{app_env['NEO4J_USER']}/{app_env['NEO4J_PASSWORD']}"
    assert neo4j_env["NEO4J_AUTH"] == "graphuser/pw-for-compose-test", "credentials come from the env file"
    assert _published(app).get(8501) == 8501
    assert "neo4j" in (app.get("depends_on") or {})


def test_env_example_has_no_real_secret_and_is_git_ignored_as_env():
    values = dict(line.split("=", 1) for line in ENV_EXAMPLE.read_text().splitlines()
                  if line and not line.startswith("#"))
    assert set(values) >= {"NEO4J_USER", "NEO4J_PASSWORD"}
    assert "change-me" in values["NEO4J_PASSWORD"]
    assert len(values["NEO4J_PASSWORD"]) >= 8, "Neo4j 5 refuses passwords shorter than 8 characters"
    assert ".env" in (PROJECT_ROOT / ".gitignore").read_text().split()


def test_dockerfile_serves_the_app_on_all_interfaces():
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    entry = (PROJECT_ROOT / "scripts" / "docker-entrypoint.sh").read_text()
    assert dockerfile.startswith("#") and "FROM python:" in dockerfile and "pip install ." in dockerfile
    assert "streamlit run app.py --server.address 0.0.0.0 --server.port 8501" in entry


def test_compose_yaml_has_exactly_the_two_services():
    raw = yaml.safe_load(COMPOSE_FILE.read_text())
    assert set(raw["services"]) == {"neo4j", "app"}
    assert raw["services"]["app"]["build"] in (".", {"context": "."})
