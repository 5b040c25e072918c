"""A throwaway PostgreSQL cluster (initdb + pg_ctl) on a free port, to be stopped and started at will.

PostgreSQL refuses to run as root. As root, the cluster runs as the `postgres` system user (through
`runuser`, else `su`), in a directory handed to it; as anyone else it runs as that user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SERVICE_USER = "postgres"


def find_bindir() -> Path | None:
    """The newest /usr/lib/postgresql/*/bin with initdb, else wherever `pg_config --bindir` or PATH says."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=False)
        candidate = Path(out.stdout.strip())
        if (candidate / "initdb").exists():
            return candidate
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def unavailable_reason() -> str | None:
    """Why a throwaway cluster cannot be made here, or None when it can."""
    if find_bindir() is None:
        return "no PostgreSQL server binaries (initdb, pg_ctl) found"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVICE_USER)
        except KeyError:
            return "running as root and there is no 'postgres' user to run initdb as"
        if not (shutil.which("runuser") or shutil.which("su")):
            return "running as root and neither runuser nor su is available to drop to 'postgres'"
    return None


class TempCluster:
    """`start()`, `stop()`, `restart()`, `close()`; `url` is its `postgres` database."""

    def __init__(self) -> None:
        bindir = find_bindir()
        if bindir is None:
            raise RuntimeError("no PostgreSQL server binaries")
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="rekan-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = 0
        self.running = False
        if os.geteuid() == 0:
            user = pwd.getpwnam(SERVICE_USER)
            os.chown(self.root, user.pw_uid, user.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / tool), *args]
        if os.geteuid() == 0:
            if shutil.which("runuser"):
                command = ["runuser", "-u", SERVICE_USER, "--", *command]
            else:
                command = ["su", SERVICE_USER, "-s", "/bin/sh", "-c", " ".join(command)]
        done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=self.root)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stdout}{done.stderr}\n{log}")
        return done

    def start(self) -> float:
        """Start (on the same port after the first time) and wait until it accepts connections; seconds."""
        started = time.monotonic()
        attempts = 1 if self.port else 3
        for attempt in range(attempts):
            port = self.port or free_port()
            options = (f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
                       "-c fsync=off -c max_connections=200")
            try:
                self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w",
                          "-t", "60", "start")
            except RuntimeError:
                if attempt == attempts - 1:
                    raise
                continue  # another process took the free port in between: try another
            self.port = port
            break
        self.running = True
        return time.monotonic() - started

    def stop(self, mode: str = "fast") -> float:
        """`immediate` is a crash: no checkpoint, connections cut, recovery at the next start."""
        started = time.monotonic()
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")
        self.running = False
        return time.monotonic() - started

    def close(self) -> None:
        if self.running:
            with contextlib.suppress(RuntimeError):
                self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
