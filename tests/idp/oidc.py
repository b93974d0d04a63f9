"""Run panva's oidc-provider (from the npm registry) as the OpenID Connect identity
provider of the single sign-on tests: a real provider, not a mock of the protocol.

It is installed once with `npm ci` from package-lock.json into a cache directory
(DYAD_TEST_NPM_DIR, by default ~/.cache/dyad/test-idp/<lock hash>), then started as a Node
process per test module.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


class IdPUnavailable(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def install() -> Path:
    """The directory holding the provider and its node_modules; installs it if needed."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        raise IdPUnavailable("node and npm are needed: `apt-get install -y nodejs npm`")
    lock = (HERE / "package-lock.json").read_bytes()
    base = Path(os.environ.get("DYAD_TEST_NPM_DIR") or Path.home() / ".cache/dyad/test-idp")
    target = base / hashlib.sha256(lock).hexdigest()[:16]
    if not (target / "node_modules" / "oidc-provider").is_dir():
        target.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(HERE / name, target / name)
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=target,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            raise IdPUnavailable(
                "Could not install the test OpenID Connect provider from the npm registry "
                f"(npm ci in {target}):\n{done.stderr[-2000:]}"
            )
    shutil.copy(HERE / "oidc_provider.js", target / "oidc_provider.js")
    return target


def start(*, client: dict, accounts: dict) -> tuple[subprocess.Popen, str]:
    """Start the provider; returns the process and its issuer address."""
    directory = install()
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "CLIENT": json.dumps(client),
        "ACCOUNTS": json.dumps(accounts),
        "NODE_ENV": "development",
    }
    process = subprocess.Popen(
        ["node", "oidc_provider.js"],
        cwd=directory,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stdout.readline() if process.stdout else ""
        if "READY" in line:
            # Keep reading what it prints, so that a full pipe never stops it.
            threading.Thread(target=process.stdout.read, daemon=True).start()
            return process, f"http://127.0.0.1:{port}"
        if process.poll() is not None:
            break
    process.kill()
    output = process.stdout.read() if process.stdout else ""
    raise IdPUnavailable(f"The test OpenID Connect provider did not start:\n{line}{output}")
