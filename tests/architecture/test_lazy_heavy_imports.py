"""Every web and worker process loads the URL map; scikit-learn (with NumPy and SciPy) and
pandas cost ~150 MB there, so only the code that uses them imports them, on first use."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("sklearn", "pandas", "scipy", "numpy")


def _heavy_after(code: str, data_dir: Path) -> str:
    """The heavy libraries a fresh interpreter holds after running `code`."""
    probe = f"import sys; {code}; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "deskline.settings",
           "DESKLINE_DATA_DIR": str(data_dir)}  # fmt: skip
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True,  # noqa: S603
                          check=True, timeout=120)  # fmt: skip
    return done.stdout.strip()


def test_loading_the_apps_and_every_url_imports_no_heavy_library(tmp_path: Path) -> None:
    code = (
        "import django; django.setup(); import deskline.urls; "
        "from django.urls import get_resolver; get_resolver().url_patterns"
    )
    assert _heavy_after(code, tmp_path) == ""


def test_the_deskline_command_line_imports_no_heavy_library(tmp_path: Path) -> None:
    """`deskline worker` and `deskline run` build the whole command parser (the `triage`
    subcommands included) in the process that then runs the jobs."""
    code = "import django; from deskline.cli import build_parser; build_parser(); django.setup()"
    assert _heavy_after(code, tmp_path) == ""
