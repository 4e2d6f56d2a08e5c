"""Gunicorn on 127.0.0.1 with 2 sync workers: the same settings for Accord and for the floor."""
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
SECRET_KEY = "bench-secret-key-fixed-for-comparable-runs"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def accord_environment(database_url: str) -> dict:
    """What Accord runs with under the benchmark: development, a fixed key, a public read API."""
    return {"DATABASE_URL": database_url, "ACCORD_ENV": "development", "SECRET_KEY": SECRET_KEY,
            "ACCORD_PUBLIC_API": "1"}


class Gunicorn:
    """One gunicorn master with WORKERS workers, started and stopped by process id."""

    def __init__(self, app_spec: str, env: dict, log_path: Path):
        self.app_spec = app_spec
        self.env = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
        self.log_path = log_path
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "Gunicorn":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, probe_path: str = "/", timeout: float = 60) -> None:
        command = [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{self.port}",
                   "--timeout", "120", "--log-level", "warning", self.app_spec]
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.app_spec} exited: {self.log_path.read_text()[-1500:]}")
            if self._answers(probe_path) and len(self.worker_pids()) >= WORKERS:
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn {self.app_spec} did not answer within {timeout} s")

    def _answers(self, path: str) -> bool:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            conn.request("GET", path)
            conn.getresponse().read()
            conn.close()
            return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def worker_pids(self) -> list[int]:
        """The workers: the processes whose parent is this master."""
        if self.process is None:
            return []
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return pids

    def peak_rss_mb(self) -> float | None:
        """The largest peak resident set (VmHWM) among the workers, in MB (None off Linux)."""
        peaks = []
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks.append(int(line.split()[1]) / 1024)
            except OSError:
                continue
        return max(peaks) if peaks else None


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """One GET: status, headers (lower-case names) and body."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    result = response.status, {k.lower(): v for k, v in response.getheaders()}, body
    conn.close()
    return result
