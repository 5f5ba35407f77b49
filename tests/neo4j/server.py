"""A real Neo4j 5.26 Community server for the test suite, run in-process in a JVM.

No Docker and no Neo4j install: ``pom.xml`` here names the embedded Neo4j jars
(fetched once from Maven Central into ``deps/``), ``Launcher.java`` starts a
``DatabaseManagementService`` with a Bolt connector on 127.0.0.1, and this
module drives it::

    server = Neo4jServer()
    server.start()          # uri is bolt://127.0.0.1:PORT, no auth
    ...
    server.stop()           # JVM gone, data kept; start() again: same port, same data
    server.close()          # stop and delete the data dir
    server.load_command     # argv that runs an offline initial load (control.py), DIR appended

Needs Java 17+ (``$JAVA_HOME/bin/java`` or ``java`` on PATH) and, the first
time, ``mvn`` on PATH. Stdlib and the ``neo4j`` driver only.
"""

from __future__ import annotations

import atexit
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
POM = HERE / "pom.xml"
LAUNCHER = HERE / "Launcher.java"
DEPS = HERE / "deps"

# What neo4j.conf ships for Java 17+, plus heap/GC for a small test box.
JVM_FLAGS = [
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dlog4j2.disable.jmx=true",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UseG1GC",
]


def memory_flags() -> list[str]:
    """Heap and page cache: small for the test suite; GRAPHSVC_TEST_NEO4J_HEAP (e.g. 4g) and
    GRAPHSVC_TEST_NEO4J_PAGECACHE_MB make room for a benchmark at scale."""
    heap = os.environ.get("GRAPHSVC_TEST_NEO4J_HEAP") or "1g"
    pagecache = os.environ.get("GRAPHSVC_TEST_NEO4J_PAGECACHE_MB") or "256"
    return [f"-Xmx{heap}", f"-Dgraphsvc.pagecache.mb={int(pagecache)}"]

START_TIMEOUT = 180.0
MVN_TIMEOUT = 900.0


class Neo4jError(RuntimeError):
    """The server could not be set up or started; the message says why."""


def find_java() -> str:
    home = os.environ.get("JAVA_HOME")
    if home:
        java = Path(home) / "bin" / "java"
        if java.is_file() and os.access(java, os.X_OK):
            return str(java)
    java = shutil.which("java")
    if not java:
        raise Neo4jError("no Java: set JAVA_HOME or put java (17+) on PATH")
    return java


def _has_jars(folder: Path) -> bool:
    return folder.is_dir() and any(folder.glob("*.jar"))


def ensure_deps() -> Path:
    """Fetch the Neo4j jars into deps/ with Maven, once; returns deps/.

    Maven fills a scratch folder that is renamed into place only on success, so
    an interrupted fetch never leaves a half-filled deps/. A file lock keeps
    parallel test processes from fetching twice.
    """
    if _has_jars(DEPS):
        return DEPS
    with open(HERE / ".deps.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _has_jars(DEPS):
            return DEPS
        mvn = shutil.which("mvn")
        if not mvn:
            raise Neo4jError(f"{DEPS} is empty and there is no mvn on PATH to fetch the Neo4j jars")
        scratch = Path(tempfile.mkdtemp(prefix=".deps-", dir=HERE))
        cmd = [mvn, "-q", "-B", "-f", str(POM), "dependency:copy-dependencies",
               f"-Dneo4j.deps.dir={scratch}"]
        try:
            try:
                proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                                      text=True, timeout=MVN_TIMEOUT)
            except subprocess.TimeoutExpired:
                raise Neo4jError(f"fetching the Neo4j jars took over {MVN_TIMEOUT:.0f} s: {' '.join(cmd)}")
            if proc.returncode != 0 or not _has_jars(scratch):
                tail = (proc.stdout + proc.stderr).strip().splitlines()[-30:]
                raise Neo4jError(f"fetching the Neo4j jars failed (exit {proc.returncode}): "
                                 f"{' '.join(cmd)}\n" + "\n".join(tail))
            if DEPS.exists():  # present but empty
                shutil.rmtree(DEPS)
            scratch.rename(DEPS)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return DEPS


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no output)"
    return "\n".join(text.strip().splitlines()[-lines:]) or "(no output)"


class Neo4jServer:
    """One Neo4j JVM on a loopback port with its data in a temp dir."""

    def __init__(self, timeout: float = START_TIMEOUT) -> None:
        self.timeout = timeout
        self.port: int | None = None
        self.control_port: int | None = None  # Launcher.java's "load DIR" requests (control.py)
        self.uri: str = ""
        self.data_dir: Path | None = None
        self._proc: subprocess.Popen | None = None
        self._reader: threading.Thread | None = None
        self._ready = threading.Event()
        self.startup_seconds: float | None = None

    @property
    def load_command(self) -> list[str]:
        """The command `graphsvc initial-load --run` and the bench's --neo4j-initial-load take:
        with the load's directory appended, it stops this server, imports, starts it again."""
        return [sys.executable, str(Path(__file__).with_name("control.py")), str(self.control_port)]

    @property
    def log_path(self) -> Path | None:
        """JVM stdout/stderr; Neo4j's own log is data_dir/logs/debug.log."""
        return self.data_dir / "jvm.log" if self.data_dir else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        if self.running:
            return
        java = find_java()
        deps = ensure_deps()
        if self.data_dir is None:
            self.data_dir = Path(tempfile.mkdtemp(prefix="graphsvc-neo4j-"))
            atexit.register(self.close)  # no stray JVM or temp dir if close() is forgotten
        if self.port is None:
            self.port = free_port()
            self.control_port = free_port()
        self.uri = f"bolt://127.0.0.1:{self.port}"

        extra: list[str] = []
        # GRAPHSVC_TEST_NEO4J_CONFIG="name=value;name=value": more neo4j.conf settings, to try
        # one in a run (Launcher.java reads them from a file).
        if settings := os.environ.get("GRAPHSVC_TEST_NEO4J_CONFIG"):
            conf = self.data_dir / "extra.conf"
            conf.write_text("".join(f"{s.strip()}\n" for s in settings.split(";") if s.strip()))
            extra = [f"-Dgraphsvc.neo4j.conf={conf}"]
        extra.append(f"-Dgraphsvc.control.port={self.control_port}")
        cmd = [java, *JVM_FLAGS, *memory_flags(), *extra, "-cp", str(deps / "*"), str(LAUNCHER),
               str(self.port), str(self.data_dir)]
        log = open(self.log_path, "ab")
        log.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(cmd)}\n".encode())
        log.flush()
        self._ready.clear()
        started = time.monotonic()
        try:
            # stdin stays an open pipe: the Launcher shuts down when it closes, so
            # the JVM also goes away if this Python process dies without stop().
            self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=log, cwd=self.data_dir, start_new_session=True)
        finally:
            log.close()
        self._reader = threading.Thread(target=self._pump, args=(self._proc,), daemon=True)
        self._reader.start()

        try:
            self._wait_ready(started + self.timeout)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started

    def _pump(self, proc: subprocess.Popen) -> None:
        with open(self.log_path, "ab") as log:
            for line in proc.stdout:
                log.write(line)
                log.flush()
                if line.strip() == b"READY":
                    self._ready.set()

    def _fail(self, why: str) -> Neo4jError:
        return Neo4jError(f"Neo4j did not start on {self.uri}: {why}\n"
                          f"--- tail of {self.log_path} ---\n{_tail(self.log_path)}\n"
                          f"(Neo4j's own log: {self.data_dir / 'logs' / 'debug.log'})")

    def _wait_ready(self, deadline: float) -> None:
        from neo4j import GraphDatabase

        while not self._ready.wait(0.2):
            if self._proc.poll() is not None:
                self._reader.join(2)
                raise self._fail(f"the JVM exited with code {self._proc.returncode} before READY")
            if time.monotonic() > deadline:
                raise self._fail(f"no READY within {self.timeout:.0f} s")
        last: Exception | None = None
        while time.monotonic() < deadline:
            try:
                with GraphDatabase.driver(self.uri, auth=None) as driver:
                    driver.verify_connectivity()
                return
            except Exception as exc:  # not accepting Bolt yet
                last = exc
                if self._proc.poll() is not None:
                    break
                time.sleep(0.2)
        raise self._fail(f"READY, but the driver could not connect: {last!r}")

    def stop(self) -> None:
        """Stop the JVM (SIGTERM, then SIGKILL after 60 s); keep port and data."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            try:
                proc.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        if self._reader is not None:
            self._reader.join(5)  # the JVM is gone, so its stdout is at EOF
            self._reader = None
        for pipe in (proc.stdin, proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass

    def close(self) -> None:
        """stop() and delete the data dir."""
        self.stop()
        if self.data_dir is not None:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            self.data_dir = None
        atexit.unregister(self.close)

    def __enter__(self) -> "Neo4jServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def neo4j_uri_for_tests() -> tuple[str | None, Neo4jServer | None, str | None]:
    """(uri, server, None) with a started server; (NEO4J_URI, None, None) when that
    env var is set; (None, None, reason) when no server could be started."""
    uri = os.environ.get("NEO4J_URI")
    if uri:
        return uri, None, None
    server = Neo4jServer()
    try:
        server.start()
    except Exception as exc:
        server.close()
        return None, None, f"could not start a test Neo4j: {exc}"
    return server.uri, server, None
