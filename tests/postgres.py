"""A throwaway PostgreSQL server for tests: Debian's package (installed by `make test`), a cluster in a temporary
folder, on a free port of 127.0.0.1, stopped and removed at the end. As root it runs as the `postgres` user
(PostgreSQL refuses to run as root)."""

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

from conftest import free_port


def postgres_bin():
    """The folder of Debian's PostgreSQL programs (the newest version installed)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda path: int(path.split("/")[4]))
    assert found, "PostgreSQL is not installed: `make test` installs Debian's postgresql package"
    return Path(found[-1]).parent


@contextlib.contextmanager
def postgres_server():
    """Yields the URL of a fresh database `gradebook` (user `grader`, a password of its own) on a new server."""
    binaries = postgres_bin()
    folder = Path(tempfile.mkdtemp(prefix="nudge-postgres-"))
    data, sockets = folder / "data", folder / "sockets"
    sockets.mkdir()
    password = secrets.token_hex(8)
    (folder / "password").write_text(password)
    user = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
    if user is not None:
        for path in (folder, sockets, folder / "password"):
            os.chown(path, user.pw_uid, user.pw_gid)

    def run(*command):
        prefix = ["runuser", "-u", "postgres", "--"] if user is not None else []
        return subprocess.run([*prefix, *command], check=True, capture_output=True, text=True, timeout=120)

    port = free_port()
    run(str(binaries / "initdb"), "-D", str(data), "-U", "grader", "--auth=scram-sha-256",
        f"--pwfile={folder / 'password'}", "--no-sync")
    try:
        run(str(binaries / "pg_ctl"), "-D", str(data), "-w", "-l", str(folder / "server.log"), "-o",
            f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        url = f"postgresql+psycopg://grader:{password}@127.0.0.1:{port}/gradebook"
        subprocess.run([str(binaries / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "grader",
                        "gradebook"], check=True, capture_output=True, env={**os.environ, "PGPASSWORD": password})
        yield url
    finally:
        subprocess.run([*(["runuser", "-u", "postgres", "--"] if user is not None else []),
                        str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)


def fresh_database(url):
    """A new, empty database beside the one at `url`, on the same server and for the same user; returns its URL."""
    import sqlalchemy

    name = f"fresh_{secrets.token_hex(6)}"
    engine = sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sqlalchemy.text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return sqlalchemy.engine.make_url(url).set(database=name).render_as_string(hide_password=False)
