"""Run Comptoir's production stack on this machine, for benchmarks and fault tests.

PostgreSQL (a database of its own), gunicorn with several workers and
`db_worker` task workers, all with `comptoir.settings.prod`, on 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
SIMULATOR_SECRET = "bench-simulator-secret"


def pg_cluster_version() -> str:
    return sorted(os.listdir("/etc/postgresql"))[-1]


def pg_ready() -> bool:
    return (
        subprocess.run(
            ["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"], check=False
        ).returncode
        == 0
    )


def ensure_postgres() -> None:
    if not pg_ready():
        subprocess.run(
            [
                "pg_ctlcluster",
                "--skip-systemctl-redirect",
                pg_cluster_version(),
                "main",
                "start",
            ],
            check=True,
        )
    wait_for(pg_ready, timeout=30, what="PostgreSQL")


def restart_postgres() -> None:
    """A real restart of the cluster: every connection is cut."""
    subprocess.run(
        [
            "pg_ctlcluster",
            "--skip-systemctl-redirect",
            pg_cluster_version(),
            "main",
            "restart",
            "-m",
            "fast",
        ],
        check=True,
        capture_output=True,
    )
    wait_for(pg_ready, timeout=30, what="PostgreSQL")


def wait_for(predicate, *, timeout: float, what: str, every: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OSError:
            pass
        time.sleep(every)
    raise TimeoutError(f"{what} not ready after {timeout}s")


def psql(sql: str, url: str = PG_ADMIN_URL) -> str:
    return subprocess.run(
        ["psql", url, "-v", "ON_ERROR_STOP=1", "-tAc", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


@dataclass
class Stack:
    database: str
    port: int = 8100
    web_workers: int = 4
    # scripts/prod.sh's choice; gthread keeps connections alive between
    # requests, sync closes each one.
    worker_class: str = "sync"
    threads: int = 1
    var: Path = field(default_factory=lambda: ROOT / "var" / "stack")
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def database_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:5432/{self.database}"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        env.update(
            DJANGO_SETTINGS_MODULE="comptoir.settings.prod",
            DATABASE_URL=self.database_url,
            DJANGO_SECRET_KEY="stack-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DJANGO_SECURE_SSL_REDIRECT="0",
            DJANGO_SECURE_COOKIES="0",
            DJANGO_HSTS_SECONDS="0",
            MEDIA_ROOT=str(self.var / "media"),
            DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            SITE_URL=self.base_url,
            PAYMENT_SIMULATOR_SECRET=SIMULATOR_SECRET,
            # A load and fault bench pays with the simulator, as a staging site.
            COMPTOIR_ALLOW_PAYMENT_SIMULATOR="1",
            COMPTOIR_INTEGRITY_KEY="stack-integrity-key-0123456789-abcdefghijklmnop",
            PYTHONUNBUFFERED="1",
        )
        return env

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [PY, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            check=False,
            capture_output=True,
            text=True,
        )
        if check and done.returncode:
            print(done.stderr[-3000:], file=sys.stderr)
            done.check_returncode()
        return done

    def call(self, function: str, *args) -> str:
        """`bench.fixtures.<function>(*args)` in the stack's environment."""
        code = f"from bench.fixtures import {function}; print({function}(*{args!r}))"
        return self.manage("shell", "-c", code).stdout.strip().splitlines()[-1]

    def create_database(self) -> None:
        """A fresh, migrated database with the demo world."""
        ensure_postgres()
        psql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        psql(f'CREATE DATABASE "{self.database}"')
        shutil.rmtree(self.var, ignore_errors=True)
        self.var.mkdir(parents=True, exist_ok=True)
        self.manage("migrate", "--noinput", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")
        self.manage("load_demo")

    def _spawn(self, argv: list[str], log) -> subprocess.Popen:
        return subprocess.Popen(
            argv,
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=log,
            start_new_session=True,
        )

    def start_web(self) -> None:
        with open(self.var / "gunicorn.log", "ab") as log:
            self.processes["web"] = self._spawn(
                [
                    str(Path(PY).parent / "gunicorn"),
                    "comptoir.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(self.web_workers),
                    "--worker-class",
                    self.worker_class,
                    "--threads",
                    str(self.threads),
                    # As scripts/prod.sh: a worker is replaced now and then
                    # (a slow leak never grows), not all at the same time.
                    "--max-requests",
                    "20000",
                    "--max-requests-jitter",
                    "2000",
                    "--keep-alive",
                    "5",
                    "--backlog",
                    "2048",
                    "--graceful-timeout",
                    "5",
                ],
                log,
            )
        wait_for(self.healthy, timeout=30, what="gunicorn")

    def healthy(self) -> bool:
        with urllib.request.urlopen(self.base_url + "/healthz", timeout=2) as r:
            return r.status == 200

    def web_worker_pids(self) -> list[int]:
        master = self.processes["web"].pid
        children = Path(f"/proc/{master}/task/{master}/children")
        return (
            [int(p) for p in children.read_text().split()] if children.exists() else []
        )

    def start_task_worker(self, name: str = "tasks", *args: str) -> subprocess.Popen:
        with open(self.var / f"{name}.log", "ab") as log:
            proc = self._spawn(
                [
                    PY,
                    "manage.py",
                    "db_worker",
                    "--no-reload",
                    "--interval",
                    "0.2",
                    *args,
                ],
                log,
            )
        self.processes[name] = proc
        return proc

    def kill(self, name: str, sig: int = signal.SIGTERM) -> None:
        proc = self.processes.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)

    def stop(self) -> None:
        for name in list(self.processes):
            self.kill(name)

    def drop_database(self) -> None:
        psql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
