"""The `deskline` command: tokens, usage errors, management, and `run` in a real subprocess."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from deskline.accounts.services import api_token_authenticate
from deskline.cli import Supervisor, main
from tests.factories import UserFactory

SRC = Path(__file__).resolve().parent.parent / "src"


@pytest.mark.django_db
def test_token_create_prints_only_the_token_and_it_authenticates(
    capsys: pytest.CaptureFixture[str],
) -> None:
    user = UserFactory(username="dispatcher1")
    assert main(["token", "create", "dispatcher1", "--name", "ci"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert api_token_authenticate(out.strip()) == user


@pytest.mark.django_db
def test_token_create_for_an_unknown_user_exits_1_with_a_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["token", "create", "nobody"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "nobody" in captured.err


def test_a_usage_error_exits_2_with_argparse_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--tickets", "zero"]) == 2
    assert "usage: deskline demo" in capsys.readouterr().err
    assert main([]) == 2


def test_manage_passes_arguments_to_django(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["manage", "check"]) == 0
    assert "System check identified" in capsys.readouterr().out


def test_manage_reports_an_unknown_command_as_a_failure(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["manage", "no_such_command"]) == 1
    assert "Unknown command" in capsys.readouterr().err


def test_supervisor_stops_the_others_and_fails_when_a_child_dies() -> None:
    supervisor = Supervisor()
    env = dict(os.environ)
    supervisor.start("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"], env)
    supervisor.start("crasher", [sys.executable, "-c", "raise SystemExit(3)"], env)
    started = time.monotonic()
    assert supervisor.run() == 3
    assert time.monotonic() - started < 10
    assert all(process.poll() is not None for _, process in supervisor.children)


# --- `deskline run`, end to end --------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get_status(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    finally:
        conn.close()


#: Usually ~5 s (migrating a fresh SQLite database, booting the web server); more when loaded.
STARTUP_LIMIT = 180


def wait_until_serving(process: subprocess.Popen[str], port: int, output: list[str]) -> None:
    deadline = time.monotonic() + STARTUP_LIMIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("deskline run exited early:\n" + "".join(output))
        try:
            if get_status(port, "/health") == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"deskline run did not answer /health in {STARTUP_LIMIT} s:\n" + "".join(output))


def test_run_serves_health_and_the_api_schema_then_stops_on_sigint(tmp_path: Path) -> None:
    # SQLite in a fresh data folder, whatever database the suite itself runs on.
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DESKLINE_ADMIN"))
    }
    env.update(
        DESKLINE_DATA_DIR=str(tmp_path),
        DESKLINE_METRICS_TOKEN="scrape-token",
        PYTHONPATH=os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")]),
    )
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "deskline.cli", "run", "--port", str(port), "--web-workers", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    output: list[str] = []
    assert process.stdout is not None
    reader = threading.Thread(target=lambda: output.extend(process.stdout or []), daemon=True)
    reader.start()
    try:
        wait_until_serving(process, port, output)
        assert get_status(port, "/api/v1/openapi.json") == 200
        scrape = urllib.request.Request(
            f"http://127.0.0.1:{port}/metrics", headers={"Authorization": "Bearer scrape-token"}
        )
        with urllib.request.urlopen(scrape, timeout=10) as response:  # noqa: S310
            metrics = response.read().decode()
        # The web server's processes share their counters through the run's metrics folder.
        assert 'route="api/v1/openapi.json",status="200"' in metrics
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
    reader.join(timeout=5)
    text = "".join(output)
    assert "Admin login: admin" in text
    assert "Initial admin password: " in text and "changepassword admin" in text
    assert f"http://127.0.0.1:{port}/" in text


@pytest.mark.django_db
def test_mail_ingest_command_turns_a_file_into_a_ticket(tmp_path, capsys):
    from deskline.cli import main

    message = tmp_path / "hello.eml"
    message.write_bytes(
        b"From: Client <client@example.com>\r\nTo: support@localhost\r\n"
        b"Subject: Printer jammed\r\nMessage-ID: <cli-test-1@example.com>\r\n\r\nHelp\r\n"
    )
    assert main(["mail", "ingest", str(message)]) == 0
    assert f"{message}: ticket " in capsys.readouterr().out


@pytest.mark.django_db
def test_mail_ingest_says_duplicate_for_a_message_seen_before(tmp_path):
    """Issue 13 item 23: a second ingest of the same message printed `ticket N` as if new."""
    import io

    from django.core.management import call_command

    message = tmp_path / "hello.eml"
    message.write_bytes(
        b"From: Client <client@example.com>\r\nTo: support@localhost\r\n"
        b"Subject: Printer jammed\r\nMessage-ID: <cli-dup-1@example.com>\r\n\r\nHelp\r\n"
    )
    first, second = io.StringIO(), io.StringIO()
    call_command("mail_ingest", str(message), stdout=first)
    call_command("mail_ingest", str(message), stdout=second)
    number = first.getvalue().strip().rsplit(" ", 1)[1]
    assert second.getvalue().strip() == f"{message}: duplicate of ticket {number}"


def test_unknown_mail_action_is_a_usage_error(capsys):
    from deskline.cli import main

    assert main(["mail", "explode"]) == 2


def test_deskline_without_a_command_lists_the_commands(capsys):
    """Issue 14 item 8: it printed only "the following arguments are required"."""
    from deskline.cli import main

    assert main([]) == 2
    out = capsys.readouterr().out
    for command in ("run", "demo", "token", "backup", "import"):
        assert f"    {command} " in out


def test_a_command_in_a_folder_without_a_database_says_what_to_run_and_creates_nothing(
    tmp_path,
):
    """Issue 14 item 7: it made an empty ./var and died with a 59-line traceback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DESKLINE_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-m", "deskline.cli", "token", "create", "admin"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    assert str(tmp_path / "var") in done.stderr and "deskline run" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1
    assert not (tmp_path / "var").exists()


def test_run_refuses_a_port_that_is_taken(tmp_path, capsys):
    """Issue 14 item 6: a second `deskline run` shared the port with the first."""
    import socket

    from deskline.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["run", "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert f"port {port}" in err and "--port" in err


@pytest.mark.django_db
def test_demo_prints_one_login_of_each_kind_and_the_password(capsys):
    from deskline.cli import main

    assert main(["demo", "--tickets", "50", "--seed", "3", "--users-password", "Demo-pass-1"]) == 0
    out = capsys.readouterr().out
    for role in ("agent", "team lead", "contractor", "portal contact"):
        assert f"  {role}" in out
    assert "Their password: Demo-pass-1" in out


@pytest.mark.django_db
def test_the_generated_admin_password_must_be_changed_at_first_sign_in(client):
    """Issue 14 item 9: the printed password could stay forever."""
    from deskline.accounts.services import admin_ensure_first

    first = admin_ensure_first(username="boss", password=None)
    assert (
        client.post("/login/", {"username": "boss", "password": first.password}).status_code == 302
    )
    assert client.get("/")["Location"].startswith("/password/change/")
    assert client.get("/admin/")["Location"].startswith("/password/change/")
    response = client.post("/password/change/", {
        "old_password": first.password, "new_password1": "Own-pass-2026!",
        "new_password2": "Own-pass-2026!"})  # fmt: skip
    assert response.status_code == 302
    assert client.get("/").status_code == 200
