#!/usr/bin/env python3
"""Run a command against a throwaway PostgreSQL started from the machine's binaries.

    python scripts/with_postgres.py -- python -m pytest

Creates a cluster with ``initdb`` in a temporary folder, starts it with ``pg_ctl``
listening on 127.0.0.1 only (a free port, the socket in that folder), runs the
command with ``DATABASE_URL`` pointing at it, then stops the server and removes
the folder. Without PostgreSQL binaries it prints why and exits 0, unless
``REQUIRE_POSTGRES=1``, which makes that an error. Run as root (PostgreSQL
refuses that), the server runs as the ``postgres`` user, else ``nobody``.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path


def find_bin_dir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``: ``PG_BIN``, the PATH, or Debian's layout."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    return Path(candidates[-1]).parent if candidates else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _dropper(uid: int, gid: int) -> Callable[[], None]:
    def drop() -> None:
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)

    return drop


def run_as() -> tuple[Callable[[], None] | None, int | None, int | None]:
    """Privilege drop for root: (preexec function, uid, gid)."""
    if os.geteuid() != 0:
        return None, None, None
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return _dropper(entry.pw_uid, entry.pw_gid), entry.pw_uid, entry.pw_gid
    raise SystemExit("Running as root and found no 'postgres' or 'nobody' user to run PostgreSQL.")


def main(argv: list[str]) -> int:
    if "--" in argv:
        argv = argv[argv.index("--") + 1 :]
    if not argv:
        print(__doc__)
        return 2
    required = os.environ.get("REQUIRE_POSTGRES", "") in {"1", "true", "yes"}
    bin_dir = find_bin_dir()
    if bin_dir is None or not (bin_dir / "initdb").exists():
        message = "PostgreSQL binaries (initdb, pg_ctl) not found"
        if required:
            print(f"ERROR: {message}, and REQUIRE_POSTGRES=1.", file=sys.stderr)
            return 1
        print(f"SKIPPED the PostgreSQL leg: {message}. Install PostgreSQL to run it.")
        return 0

    preexec, uid, gid = run_as()
    workdir = Path(tempfile.mkdtemp(prefix="wir-pg-"))
    data_dir = workdir / "data"
    log_file = workdir / "server.log"
    if uid is not None:
        os.chown(workdir, uid, gid or -1)
    port = free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    pg_ctl = str(bin_dir / "pg_ctl")
    started = False
    try:
        subprocess.run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data_dir),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-sync",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            preexec_fn=preexec,
            env=env,
            cwd=workdir,
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={workdir}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            " -c max_connections=50"
        )
        subprocess.run(
            [pg_ctl, "-D", str(data_dir), "-l", str(log_file), "-o", options, "-w", "start"],
            check=True,
            stdout=subprocess.DEVNULL,
            preexec_fn=preexec,
            env=env,
            cwd=workdir,
        )
        started = True
        url = f"postgres://postgres@127.0.0.1:{port}/wir"
        print(f"PostgreSQL ({bin_dir.parent.name}) running on 127.0.0.1:{port} for this run.")
        return subprocess.call(argv, env={**os.environ, "DATABASE_URL": url})
    except subprocess.CalledProcessError as exc:
        print(f"ERROR: could not start PostgreSQL: {exc}", file=sys.stderr)
        if log_file.exists():
            print(log_file.read_text()[-2000:], file=sys.stderr)
        return 1
    finally:
        if started:
            subprocess.run(
                [pg_ctl, "-D", str(data_dir), "-m", "fast", "-w", "stop"],
                stdout=subprocess.DEVNULL,
                preexec_fn=preexec,
                env=env,
                cwd=workdir,
            )
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
