"""Regenerate the README's screenshots from a fresh demo installation, in real Chromium.

    python docs/screenshots.py            # writes docs/screenshots/*.png

Needs Debian's Chromium (`apt-get install chromium`, or DESKLINE_CHROMIUM=/path) and the test
extras (`pip install -e '.[test]'`, for Playwright). It seeds a throwaway data folder with
`deskline demo`, serves it with `deskline run` on a free port, signs in as a demo agent and a
demo portal contact, and photographs the desk list (wide, phone, Russian), a ticket page, the
portal's ticket page, the dispatch board, the engineer's phone app and the reports. Run it whenever the pages change.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("DESKLINE_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "Demo-pass-2026"  # noqa: S105 - the throwaway demo installation's


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _deskline(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "deskline.cli", *args], env=env,  # noqa: S603
                          capture_output=True, text=True, check=True)  # fmt: skip
    return done.stdout


def _wait(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(240):
        if process.poll() is not None:
            raise SystemExit("deskline run stopped before serving")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own local server
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"nothing answered at {url}")


def main() -> None:
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="deskline-shots-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL")}
    env.update(DESKLINE_DATA_DIR=str(folder), DESKLINE_ADMIN_PASSWORD=PASSWORD,
               PYTHONPATH=str(ROOT / "src"), DESKLINE_LOG_LEVEL="WARNING")  # fmt: skip
    print(f"seeding a demo installation in {folder} ...", flush=True)
    _deskline(env, "manage", "migrate", "-v", "0")
    logins = _deskline(env, "demo", "--tickets", "400", "--seed", "7", "--users-password", PASSWORD)
    agent = re.search(r"^\s+agent\s+(\S+)", logins, re.M)
    dispatcher = re.search(r"^\s+dispatcher\s+(\S+)", logins, re.M)
    engineer = re.search(r"^\s+field engineer\s+(\S+)", logins, re.M)
    contact = re.search(r"^\s+portal contact\s+(\S+)", logins, re.M)
    if agent is None or contact is None or dispatcher is None or engineer is None:
        raise SystemExit("the demo printed no agent, dispatcher, engineer or portal contact login")
    port = _free_port()
    command = [sys.executable, "-m", "deskline.cli", "run", "--port", str(port)]
    quiet = subprocess.DEVNULL
    server = subprocess.Popen(command, env=env, stdout=quiet, stderr=quiet)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{base}/healthz", server)
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                 args=["--headless=new", "--no-sandbox"])  # fmt: skip
            _desk(browser, base, agent.group(1))
            _portal(browser, base, contact.group(1))
            _field_service(browser, base, dispatcher.group(1), engineer.group(1))
            _reports(browser, base)
            browser.close()
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    print(f"screenshots written to {OUT}")


def _signed_in(
    browser: object, base: str, username: str, *, portal: bool = False, **context: object
):  # type: ignore[no-untyped-def]
    page = browser.new_context(**context).new_page()  # type: ignore[attr-defined]
    page.goto(f"{base}{'/portal' if portal else ''}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click(".auth-card button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def _desk(browser: object, base: str, agent: str) -> None:
    page = _signed_in(browser, base, agent, viewport={"width": 1280, "height": 900})
    # The demo agent's profile says Russian: the English shots choose English as the switcher would.
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page.goto(f"{base}/?view=all_open")
    page.screenshot(path=str(OUT / "desk-list-1280.png"))
    first = page.locator("td.c-title a").first
    first.click()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / "desk-ticket-1280.png"), full_page=True)
    page.context.add_cookies([{"name": "django_language", "value": "ru", "url": base}])
    page.goto(f"{base}/?view=all_open")
    page.screenshot(path=str(OUT / "desk-list-ru-1280.png"))
    phone = _signed_in(browser, base, agent, viewport={"width": 390, "height": 844},
                       device_scale_factor=2, is_mobile=True)  # fmt: skip
    phone.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    phone.goto(f"{base}/?view=all_open")
    phone.screenshot(path=str(OUT / "desk-list-390.png"))


def _portal(browser: object, base: str, contact: str) -> None:
    page = _signed_in(browser, base, contact, portal=True, viewport={"width": 1280, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page.goto(f"{base}/portal/")
    link = page.locator("td.c-title a").first
    if link.count():
        link.click()
        page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / "portal-ticket-1280.png"), full_page=True)


def _field_service(browser: object, base: str, dispatcher: str, engineer: str) -> None:
    page = _signed_in(browser, base, dispatcher, viewport={"width": 1280, "height": 800})
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page.goto(f"{base}/dispatch/")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / "dispatch-board-1280.png"))
    phone = _signed_in(browser, base, engineer, viewport={"width": 390, "height": 844},
                       device_scale_factor=2, is_mobile=True)  # fmt: skip
    phone.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    phone.goto(f"{base}/field/")
    phone.wait_for_load_state("networkidle")
    phone.screenshot(path=str(OUT / "field-app-390.png"))


def _reports(browser: object, base: str) -> None:
    page = _signed_in(browser, base, "admin", viewport={"width": 1280, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page.goto(f"{base}/reports/")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / "reports-1280.png"))


if __name__ == "__main__":
    main()
