"""Writes need the token, compared in constant time; bad requests get a JSON 4xx."""

from __future__ import annotations

import hmac
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

import bakeoff
from bakeoff.exceptions import SpecError
from bakeoff.server import check_bind, is_loopback
from bakeoff.server._auth import token_matches
from tests.conftest import cli_env, run_cli
from tests.server.conftest import TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}
#: Invalid: budgets[1] is not a positive int or "full".
BAD_SPEC = {
    "study": "bad",
    "datasets": ["iris"],
    "models": ["logistic_regression"],
    "budgets": [40, 0],
    "seeds": 1,
}


def test_a_read_only_server_refuses_writes_and_says_how_to_allow_them(client: TestClient) -> None:
    for path in ("/api/v1/studies", "/api/v1/studies/served/cancel"):
        reply = client.post(path, json={"spec": BAD_SPEC}, headers=AUTH)
        assert reply.status_code == 403
        error = reply.json()["error"]
        assert error["type"] == "ReadOnly"
        assert "--token" in error["message"] and "BAKEOFF_TOKEN" in error["message"]


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x", f"bearer {TOKEN[:-1]}"],
)
def test_writes_without_the_right_token_are_401(writer: TestClient, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    reply = writer.post("/api/v1/studies", json={"spec": BAD_SPEC}, headers=headers)
    assert reply.status_code == 401
    assert reply.headers["www-authenticate"] == "Bearer"
    assert "Authorization: Bearer" in reply.json()["error"]["message"]


def test_the_token_is_compared_with_hmac_compare_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    original = hmac.compare_digest

    def recording(a: bytes, b: bytes) -> bool:
        seen.append((a, b))
        return original(a, b)

    monkeypatch.setattr(hmac, "compare_digest", recording)
    assert token_matches("abc", "abc") and not token_matches("abd", "abc")
    assert seen == [(b"abc", b"abc"), (b"abd", b"abc")]


def test_an_invalid_spec_gets_the_cli_message_as_a_422(
    writer: TestClient, tmp_path, stored: str
) -> None:  # type: ignore[no-untyped-def]
    reply = writer.post("/api/v1/studies", json={"spec": BAD_SPEC}, headers=AUTH)
    assert reply.status_code == 422
    error = reply.json()["error"]
    assert error["type"] == "SpecError"
    # The same words as `bakeoff validate` on the same fields in a file.
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(BAD_SPEC))
    completed = run_cli("validate", str(path))
    assert completed.returncode == 2
    cli_message = " ".join(completed.stderr.split())
    expected = error["message"].replace("the submitted spec", str(path))
    assert " ".join(expected.split()) in cli_message
    assert "budgets[1]" in error["message"]
    # Nothing was written: no study, no spec file.
    assert bakeoff.store.Store(stored, must_exist=True).study_names() == ["served"]


def test_an_invalid_yaml_text_gets_the_cli_message(writer: TestClient) -> None:
    reply = writer.post("/api/v1/studies", json={"yaml": "study: [unclosed"}, headers=AUTH)
    assert reply.status_code == 422
    assert reply.json()["error"]["message"].startswith("the submitted spec")
    both = writer.post("/api/v1/studies", json={"yaml": "a: 1", "spec": {}}, headers=AUTH)
    assert both.status_code == 422
    assert "exactly one of" in both.json()["error"]["message"]


def test_an_unknown_model_is_refused_with_a_suggestion(writer: TestClient) -> None:
    spec = {**BAD_SPEC, "budgets": ["full"], "models": ["logistic_regresion"]}
    reply = writer.post("/api/v1/studies", json={"spec": spec}, headers=AUTH)
    assert reply.status_code == 422
    assert "Did you mean 'logistic_regression'?" in reply.json()["error"]["message"]


def test_cancelling_a_study_with_no_running_cell_is_a_409(writer: TestClient) -> None:
    reply = writer.post("/api/v1/studies/served/cancel", headers=AUTH)
    assert reply.status_code == 409
    assert reply.json()["error"]["type"] == "NotRunning"
    assert "no running cell" in reply.json()["error"]["message"]


def test_runners_on_other_hosts_are_not_signalled() -> None:
    from bakeoff.server._runs import interrupt_runners

    signalled, elsewhere = interrupt_runners(["other-host:1:abc", "other-host:99999:def"])
    assert signalled == [] and elsewhere == ["other-host:1:abc", "other-host:99999:def"]


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_a_runner_that_ignores_sigint_is_not_reported_as_signalled() -> None:
    # A run started in the background (`&` in a script, nohup) ignores SIGINT: the
    # cancel must not answer "signalled" while it runs on.
    import socket
    import subprocess
    import sys

    from bakeoff.server._runs import ignores_sigint, interrupt_runners

    deaf = subprocess.Popen(
        [sys.executable, "-c", "import signal, time\n"
         "signal.signal(signal.SIGINT, signal.SIG_IGN)\nprint('ready', flush=True)\n"
         "time.sleep(60)"],
        stdout=subprocess.PIPE,
    )  # fmt: skip
    try:
        assert deaf.stdout is not None and deaf.stdout.readline().strip() == b"ready"
        owner = f"{socket.gethostname()[:100]}:{deaf.pid}:abc"
        assert ignores_sigint(deaf.pid)
        signalled, elsewhere = interrupt_runners([owner])
        assert signalled == [] and len(elsewhere) == 1
        assert "ignores Ctrl-C's signal: stop it with kill -TERM" in elsewhere[0]
        assert deaf.poll() is None
    finally:
        deaf.kill()
        deaf.wait()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"[1, 2]", "application/json"),
        (b'{"spec": 5}', "application/json"),
        (b'{"spec": {}, "n_jobs": 0}', "application/json"),
        (b'{"spec": {}, "surprise": 1}', "application/json"),
        (b"\xff\xfe\x00", "application/json"),
        (b"study: x", "text/yaml"),
    ],
)
def test_malformed_bodies_are_a_json_4xx(
    writer: TestClient, body: bytes, content_type: str
) -> None:
    reply = writer.post(
        "/api/v1/studies", content=body, headers={**AUTH, "Content-Type": content_type}
    )
    assert reply.status_code in (400, 422)  # undecodable JSON is a 400, the rest 422
    assert reply.json()["error"]["message"]


def test_an_oversized_body_is_a_413_before_it_is_read(writer: TestClient) -> None:
    body = b'{"yaml": "' + b"x" * (3 * 2**20) + b'"}'
    reply = writer.post(
        "/api/v1/studies", content=body, headers={**AUTH, "Content-Type": "application/json"}
    )
    assert reply.status_code == 413
    assert reply.json()["error"]["type"] == "RequestTooLarge"

    def chunks():  # type: ignore[no-untyped-def]
        yield b'{"yaml": "'
        for _ in range(40):
            yield b"x" * 2**16
        yield b'"}'

    streamed = writer.post(
        "/api/v1/studies", content=chunks(), headers={**AUTH, "Content-Type": "application/json"}
    )
    assert streamed.status_code == 413


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/studies/served/cells?limit=100000",
        "/api/v1/studies/served/cells?offset=-1",
        "/api/v1/studies/served/cells?seed=abc",
        "/api/v1/studies/served/cells?seed=-1",  # seeds are 0 or more
        "/api/v1/studies/served/cells?seed=99999999999999999999",
        "/api/v1/studies/served/cells?budget=" + "9" * 30,
        "/api/v1/studies/" + "s" * 300,
    ],
)
def test_bad_parameters_are_a_json_422(client: TestClient, path: str) -> None:
    reply = client.get(path)
    assert reply.status_code == 422
    message = reply.json()["error"]["message"]
    assert "parameter" in message and "Traceback" not in message


def test_paths_outside_the_api_are_a_json_404(client: TestClient) -> None:
    for path in ("/api/v1/nothing", "/../../etc/passwd", "/static/../pyproject.toml"):
        reply = client.get(path)
        assert reply.status_code == 404
        assert reply.json()["error"]["type"] == "HTTPError"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("127.0.0.2", True),
        ("0.0.0.0", False),
        ("192.168.1.4", False),
        ("::", False),
        ("example.org", False),
    ],
)
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_a_public_bind_needs_a_token_or_insecure() -> None:
    with pytest.raises(SpecError, match="--insecure"):
        check_bind("0.0.0.0", token=None, insecure=False)
    check_bind("0.0.0.0", token="t", insecure=False)
    check_bind("0.0.0.0", token=None, insecure=True)
    check_bind("127.0.0.1", token=None, insecure=False)


def test_serve_refuses_a_public_address_without_a_token(stored: str) -> None:
    completed = run_cli("serve", "--storage", stored, "--host", "0.0.0.0", "--port", "1")
    assert completed.returncode == 2
    assert "--insecure" in completed.stderr and "Traceback" not in completed.stderr


def test_serve_without_fastapi_names_the_extra(stored: str) -> None:
    code = (
        "import sys; sys.modules['fastapi'] = None\n"
        "from bakeoff.cli import main\n"
        f"sys.exit(main(['serve', '--storage', {stored!r}]))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], env=cli_env(), capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 2
    assert 'pip install "bakeoff[server]"' in " ".join(completed.stderr.split())


def test_importing_the_cli_does_not_import_the_server_libraries() -> None:
    code = (
        "import sys, bakeoff.cli\n"
        "print(sorted(m for m in ('fastapi', 'uvicorn', 'starlette') if m in sys.modules))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], env=cli_env(), capture_output=True, text=True, timeout=120
    )
    assert completed.stdout.strip() == "[]"
