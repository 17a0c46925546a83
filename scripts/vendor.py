"""Fetch the browser libraries and fonts Deskline serves itself, from the npm registry.

`python scripts/vendor.py` reads `scripts/vendor.json` (package, exact version, the files to
keep, the app whose static folder receives them), downloads each package's tarball from
registry.npmjs.org, checks it against the registry's published SHA-512 integrity, and writes the
listed files plus the package's licence to `src/deskline/<app>/static/vendor/<package>-<version>/`.
The files are committed: nothing is fetched at run time or install time, and a machine with only
Python runs Deskline. Run it again after changing a version; `--check` verifies the committed
files match the manifest without writing.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = Path(__file__).with_name("vendor.json")
REGISTRY = "https://registry.npmjs.org"
LICENCE_NAMES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE", "LICENSE-MIT", "LICENSE.TXT")


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - fixed https host
        return bytes(response.read())


def _tarball(package: str, version: str) -> bytes:
    meta = json.loads(_get(f"{REGISTRY}/{package}/{version}"))
    data = _get(meta["dist"]["tarball"])
    algorithm, _, expected = meta["dist"]["integrity"].partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if digest != expected:
        raise SystemExit(
            f"{package}@{version}: the tarball does not match the registry's integrity"
        )
    return data


def _target(entry: dict[str, object]) -> Path:
    app = str(entry.get("app", "core"))
    return (
        ROOT
        / "src"
        / "deskline"
        / app
        / "static"
        / "vendor"
        / f"{entry['package']}-{entry['version']}"
    )


def _extract(entry: dict[str, object], data: bytes) -> dict[str, bytes]:
    wanted = [str(f) for f in entry["files"]]  # type: ignore[attr-defined]
    found: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            if not member.isfile():
                continue
            name = member.name.split("/", 1)[1] if "/" in member.name else member.name
            if name in wanted or name in LICENCE_NAMES:
                extracted = archive.extractfile(member)
                if extracted is not None:
                    found[name] = extracted.read()
    missing = [f for f in wanted if f not in found]
    if missing:
        raise SystemExit(f"{entry['package']}: not in the package: {missing}")
    if not any(name in found for name in LICENCE_NAMES):
        raise SystemExit(f"{entry['package']}: the package has no licence file")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify, write nothing")
    args = parser.parse_args(argv)
    entries = json.loads(MANIFEST.read_text())
    status = 0
    for entry in entries:
        files = _extract(entry, _tarball(str(entry["package"]), str(entry["version"])))
        target = _target(entry)
        for name, content in files.items():
            path = target / Path(name).name
            if args.check:
                if not path.exists() or path.read_bytes() != content:
                    print(f"differs: {path.relative_to(ROOT)}")
                    status = 1
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        print(
            f"{entry['package']}@{entry['version']}: {len(files)} files -> {target.relative_to(ROOT)}"
        )
    return status


if __name__ == "__main__":
    sys.exit(main())
