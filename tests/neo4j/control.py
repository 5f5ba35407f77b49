"""Ask the test server's Launcher for an offline initial load: `python control.py PORT DIR`.

The Launcher (Launcher.java, started with -Dgraphsvc.control.port=PORT) stops its DBMS, runs
`neo4j-admin database import full @import.args` in DIR, starts the DBMS again and answers one
line. Exit status 0 on "ok"; otherwise the answer goes to stderr and the status is 1. This is
the test harness's stand-in for what an operator does with docker compose (README).
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: control.py PORT DIR", file=sys.stderr)
        return 2
    port, folder = int(argv[0]), Path(argv[1]).resolve()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.settimeout(None)  # an import of millions takes minutes
        conn.sendall(f"load {folder}\n".encode())
        answer = conn.makefile(encoding="utf-8").readline().strip()
    if answer == "ok":
        return 0
    print(answer or "error: the Launcher closed the connection without an answer", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
