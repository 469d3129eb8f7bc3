"""Users, logins, lockout and the audit log (analysis.access), on a real store."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from analysis.access import audit, users
from analysis.access.phones import reveal_phone
from analysis.access.roles import ACTIONS, ALLOWED, ROLES, allows
from analysis.access.users import LoginRefused, UserError, add_user, authenticate, has_admin, list_users
from analysis.store.tables import incidents

NOW = datetime(2026, 12, 1, 9, 0)


def test_a_user_signs_in_with_the_right_password_only(empty_store):
    add_user(empty_store, "王分析", "analyst", "correct horse", street="430103001", by="admin")
    assert authenticate(empty_store, "王分析", "correct horse", NOW) == users.User("王分析", "analyst", "430103001")
    with pytest.raises(LoginRefused) as refused:
        authenticate(empty_store, "王分析", "Correct horse", NOW)
    assert refused.value.reason == "wrong"
    with pytest.raises(LoginRefused) as unknown:
        authenticate(empty_store, "nobody", "correct horse", NOW)
    assert unknown.value.reason == "wrong"                   # an unknown name is not told apart from a bad password
    stored = list_users(empty_store)
    assert "password_hash" not in stored.columns
    with empty_store.engine.connect() as conn:
        hashed = conn.execute(sa.text("SELECT password_hash FROM users")).scalar_one()
    assert hashed.startswith("$argon2id$") and "correct horse" not in hashed


@pytest.mark.parametrize(("name", "role", "password"), [("", "viewer", "long enough"), (" 王", "viewer", "long enough"),
                                                          ("王", "boss", "long enough"), ("王", "viewer", "short")])
def test_a_bad_name_role_or_password_is_refused_with_its_reason(empty_store, name, role, password):
    with pytest.raises(UserError):
        add_user(empty_store, name, role, password)
    assert list_users(empty_store).empty


def test_a_name_is_taken_once(empty_store):
    add_user(empty_store, "李", "viewer", "password one")
    with pytest.raises(UserError, match="exists"):
        add_user(empty_store, "李", "admin", "password two")
    assert list_users(empty_store)["role"].tolist() == ["viewer"]


def test_five_wrong_passwords_lock_the_name_for_fifteen_minutes(empty_store):
    add_user(empty_store, "张", "viewer", "the password")
    for attempt in range(users.LOCKOUT_FAILURES - 1):
        with pytest.raises(LoginRefused) as refused:
            authenticate(empty_store, "张", f"guess {attempt}", NOW)
        assert refused.value.reason == "wrong"
    with pytest.raises(LoginRefused) as locked:
        authenticate(empty_store, "张", "guess 5", NOW)
    assert locked.value.reason == "locked" and locked.value.until == "2026-12-01T09:15:00"
    with pytest.raises(LoginRefused) as still:                # the right password does not open a locked name
        authenticate(empty_store, "张", "the password", NOW + timedelta(minutes=14))
    assert still.value.reason == "locked"
    assert authenticate(empty_store, "张", "the password", NOW + timedelta(minutes=16)).name == "张"
    assert list_users(empty_store)["failed_logins"].tolist() == [0]


def test_a_success_clears_the_count_of_failures(empty_store):
    add_user(empty_store, "张", "viewer", "the password")
    for _ in range(3):
        with pytest.raises(LoginRefused):
            authenticate(empty_store, "张", "wrong", NOW)
    authenticate(empty_store, "张", "the password", NOW)
    for _ in range(3):                                       # three more do not lock: the count started again
        with pytest.raises(LoginRefused) as refused:
            authenticate(empty_store, "张", "wrong", NOW)
        assert refused.value.reason == "wrong"


def test_a_disabled_user_cannot_sign_in_and_no_enabled_admin_means_none(empty_store):
    assert not has_admin(empty_store)
    add_user(empty_store, "root", "admin", "the password")
    assert has_admin(empty_store)
    users.set_disabled(empty_store, "root", True, by="cli:ops")
    assert not has_admin(empty_store)
    with pytest.raises(LoginRefused) as refused:
        authenticate(empty_store, "root", "the password", NOW)
    assert refused.value.reason == "disabled"
    users.set_disabled(empty_store, "root", False, by="cli:ops")
    assert authenticate(empty_store, "root", "the password", NOW).role == "admin"
    with pytest.raises(UserError):
        users.set_disabled(empty_store, "ghost", True)


def test_every_login_and_failure_is_in_the_audit_log(empty_store):
    add_user(empty_store, "赵", "data_manager", "the password", by="cli:ops")
    authenticate(empty_store, "赵", "the password", NOW)
    with pytest.raises(LoginRefused):
        authenticate(empty_store, "赵", "nope", NOW)
    log = audit.read_log(empty_store)
    assert log[["username", "action", "target"]].values.tolist() == [
        ["赵", "login_failed", "赵"], ["赵", "login", "赵"], ["cli:ops", "add_user", "赵"]]
    assert log["detail"].iloc[0] == "wrong password (1 in a row)"
    assert audit.read_log(empty_store, action="login")["action"].tolist() == ["login"]


def test_the_audit_log_cannot_be_changed_or_deleted(empty_store):
    audit.record(empty_store, "admin", "export_plan", "grids_20261201.geojson")
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), empty_store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE audit SET username = 'someone else'")
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), empty_store.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM audit")
    assert audit.read_log(empty_store)["username"].tolist() == ["admin"]
    with pytest.raises(ValueError):
        audit.record(empty_store, "admin", "rewrite_history")  # type: ignore[arg-type]


def test_a_whole_phone_number_is_read_with_a_reason_and_logged(demo_store):
    with demo_store.engine.connect() as conn:
        case, phone = conn.execute(sa.select(incidents.c.incident_id, incidents.c.reporter_phone)
                                   .where(incidents.c.reporter_phone != "")).first()
    with pytest.raises(ValueError):
        reveal_phone(demo_store, case, "root", "   ")
    with pytest.raises(LookupError):
        reveal_phone(demo_store, "no such case", "root", "回访核实")
    assert audit.read_log(demo_store, action="unmask_phone").empty
    assert reveal_phone(demo_store, case, "root", "回访核实处置结果") == phone
    line = audit.read_log(demo_store, action="unmask_phone").iloc[0]
    assert (line["username"], line["target"], line["detail"]) == ("root", case, "回访核实处置结果")


def test_each_role_may_do_what_it_is_meant_to():
    assert [r for r in ROLES if allows(r, "view")] == list(ROLES)
    assert [r for r in ROLES if allows(r, "save_plan")] == ["analyst", "admin"]
    assert [r for r in ROLES if allows(r, "import")] == ["data_manager", "admin"]
    assert [r for r in ROLES if allows(r, "adopt_plan")] == ["admin"]
    assert [r for r in ROLES if allows(r, "unmask_phone")] == ["admin"]
    assert ALLOWED["admin"] == frozenset(ACTIONS)
    assert not allows("intruder", "view")


def test_a_new_password_replaces_the_old_and_lifts_a_lockout(empty_store):
    add_user(empty_store, "钱", "analyst", "old password")
    for _ in range(users.LOCKOUT_FAILURES):
        with pytest.raises(LoginRefused):
            authenticate(empty_store, "钱", "wrong", NOW)
    with pytest.raises(UserError):
        users.set_password(empty_store, "钱", "short", by="root")
    users.set_password(empty_store, "钱", "new password", by="root")
    assert authenticate(empty_store, "钱", "new password", NOW).name == "钱"       # locked no more
    with pytest.raises(LoginRefused):
        authenticate(empty_store, "钱", "old password", NOW)
    assert audit.read_log(empty_store, action="set_password")["username"].tolist() == ["root"]
