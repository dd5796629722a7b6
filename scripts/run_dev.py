#!/usr/bin/env python3
"""Serve the app on 127.0.0.1:8000 together with a django-q2 worker cluster; Ctrl-C stops both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

HOST = os.environ.get("RUN_ADDRESS", "127.0.0.1:8000")


def main() -> int:
    stopping: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        stopping.append(signum)

    # Installed explicitly: a shell may start us with SIGINT ignored (e.g. in the background).
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    python = sys.executable
    cluster = subprocess.Popen([python, "manage.py", "qcluster"], start_new_session=True)
    print(f"\nWIR-Sprachpool runs at http://{HOST}/  (API docs: http://{HOST}/api/v1/docs/)")
    print("Demo logins, password “demo”: coordinator, caseworker, volunteer, networklead")
    print("(Wetteraukreis); coordinator2, caseworker2 (Hochtaunuskreis). Stop with Ctrl-C.\n")
    server = subprocess.Popen([python, "manage.py", "runserver", HOST], start_new_session=True)
    try:
        while not stopping and server.poll() is None and cluster.poll() is None:
            time.sleep(0.5)
    finally:
        print("\nStopping the web server and the task cluster …")
        for process in (server, cluster):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGINT)
        for process in (server, cluster):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
