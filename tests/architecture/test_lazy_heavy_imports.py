"""Every web and worker process loads the URL map; scikit-learn (with NumPy and SciPy) and
pandas cost ~150 MB there, so only the code that uses them imports them, on first use."""

from __future__ import annotations

import os
import subprocess
import sys

HEAVY = ("sklearn", "pandas", "scipy")


def test_loading_the_apps_and_every_url_imports_no_heavy_library(tmp_path) -> None:  # type: ignore[no-untyped-def]
    code = (
        "import django, sys; django.setup(); import deskline.urls; "
        "from django.urls import get_resolver; get_resolver().url_patterns; "
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "deskline.settings",
           "DESKLINE_DATA_DIR": str(tmp_path)}  # fmt: skip
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,  # noqa: S603
                          check=True, timeout=120)  # fmt: skip
    assert done.stdout.strip() == ""
