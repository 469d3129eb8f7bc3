"""``python -m analysis user …`` and ``serve``: users from the command line, the password on standard input,
and a multi-user server that will not start without an admin. Run as real processes."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.access.audit import read_log
from analysis.access.users import authenticate, list_users
from analysis.store.database import Store
from tests.browser.harness import free_port
from tests.conftest import ROOT


def _cli(*args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "analysis", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, **env}, timeout=120)


def test_users_are_added_listed_disabled_and_enabled(tmp_path):
    db = f"sqlite:///{tmp_path / 'server.sqlite'}"
    added = _cli("user", "add", "陈管理", "--role", "admin", "--password-stdin", "--db", db, stdin="s3cret pass\n")
    assert added.returncode == 0, added.stderr
    assert "陈管理" in added.stdout and "admin" in added.stdout
    _cli("user", "add", "周", "--role", "viewer", "--street", "430103001", "--password-stdin", "--db", db,
         stdin="another one\n")
    listing = _cli("user", "list", "--db", db)
    assert "陈管理" in listing.stdout and "430103001" in listing.stdout and "s3cret" not in listing.stdout
    assert _cli("user", "disable", "周", "--db", db).returncode == 0
    store = Store(db)
    assert list_users(store).set_index("name")["disabled"].to_dict() == {"周": True, "陈管理": False}
    assert authenticate(store, "陈管理", "s3cret pass").role == "admin"
    actions = read_log(store)[["action", "target"]].values.tolist()
    assert ["add_user", "陈管理"] in actions and ["disable_user", "周"] in actions
    assert read_log(store, action="add_user")["username"].str.startswith("cli:").all()


def test_a_password_is_never_taken_from_the_command_line_and_a_bad_one_is_refused(tmp_path):
    db = f"sqlite:///{tmp_path / 'server.sqlite'}"
    no_stdin = _cli("user", "add", "a", "--role", "admin", "--db", db)
    assert no_stdin.returncode == 2 and "--password-stdin" in no_stdin.stderr and "Traceback" not in no_stdin.stderr
    short = _cli("user", "add", "a", "--role", "admin", "--password-stdin", "--db", db, stdin="short\n")
    assert short.returncode == 2 and "at least 8" in short.stderr
    unknown = _cli("user", "disable", "ghost", "--db", db)
    assert unknown.returncode == 2 and "ghost" in unknown.stderr
    assert list_users(Store(db)).empty


def test_a_multi_user_server_refuses_to_start_without_an_admin(tmp_path):
    db = f"sqlite:///{tmp_path / 'server.sqlite'}"
    refused = _cli("serve", "--db", db, GRIDLENS_MULTIUSER="1")
    assert refused.returncode == 2
    assert "needs an admin" in refused.stderr and "user add" in refused.stderr and "Traceback" not in refused.stderr


def test_a_command_line_import_is_in_the_audit_log(tmp_path):
    db = f"sqlite:///{tmp_path / 'server.sqlite'}"
    imported = _cli("import", "boundaries", str(ROOT / "geodata" / "demo" / "grids.geojson"), "--db", db)
    assert imported.returncode == 0, imported.stderr
    line = read_log(Store(db)).iloc[0]
    assert (line["action"], line["target"]) == ("import_boundaries", "boundaries: grids.geojson")
    assert line["username"].startswith("cli:") and line["detail"].startswith("batch 1: read ")


def _listening(port: int) -> set[str]:
    """The local addresses (hex, as /proc/net/tcp writes them) listening on ``port``."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, _, hexport = local.partition(":")
        if int(hexport, 16) == port and state == "0A":        # 0A: LISTEN
            found.add(address)
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux's /proc/net/tcp")
@pytest.mark.parametrize(("multi", "address"), [("", "0100007F"), ("1", "00000000")], ids=["laptop", "server"])
def test_serve_listens_on_this_machine_only_unless_multi_user(tmp_path, multi, address):
    db = f"sqlite:///{tmp_path / 'server.sqlite'}"
    if multi:
        _cli("user", "add", "root", "--role", "admin", "--password-stdin", "--db", db, stdin="the password\n")
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "analysis", "serve", "--port", str(port), "--db", db], cwd=ROOT,
                            env={**os.environ, "GRIDLENS_MULTIUSER": multi}, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 90
        while not _listening(port):
            assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.2)   # polling the socket table: the condition is the socket itself
        assert _listening(port) == {address}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
