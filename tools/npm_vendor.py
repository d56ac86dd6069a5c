"""Unpack a pinned npm package into _build/vendor, fetched over HTTPS from the npm registry (no npm needed)."""
from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.request
from pathlib import Path


def vendor_npm(name: str, version: str, sha256: str, target: Path, folder: str = "package") -> Path:
    """Put ``folder`` of the package's tarball (checked against ``sha256``) at ``target``; returns ``target``."""
    registry = os.environ.get("npm_config_registry", "https://registry.npmjs.org").rstrip("/")
    with urllib.request.urlopen(f"{registry}/{name}/-/{name}-{version}.tgz", timeout=120) as response:
        payload = response.read()
    if hashlib.sha256(payload).hexdigest() != sha256:
        raise RuntimeError(f"{name}-{version}.tgz does not match its pinned sha256")
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / f"{name}.tgz"
        archive.write_bytes(payload)
        with tarfile.open(archive) as tarred:
            members = [m for m in tarred.getmembers() if m.name == folder or m.name.startswith(folder + "/")]
            tarred.extractall(tmp, members=members, filter="data")
        shutil.rmtree(target, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(Path(tmp) / folder), target)
    return target
