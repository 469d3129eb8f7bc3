"""What went wrong with the store, in terms a person can act on.

Database drivers raise errors whose text names the cause (``database is locked``, ``attempt to write
a readonly database``, ``file is not a database`` …). :func:`store_problem` reads them into one of
:data:`PROBLEMS`, which the pages and the command line turn into a message that says what to do.
"""
from __future__ import annotations

import sqlite3

import sqlalchemy as sa

# kind -> the phrases of SQLite's and PostgreSQL's messages that name it
PROBLEMS: dict[str, tuple[str, ...]] = {
    "locked": ("database is locked", "database table is locked", "could not obtain lock", "deadlock detected",
               "lock timeout"),
    "disk_full": ("database or disk is full", "disk i/o error", "no space left on device", "could not extend file"),
    "read_only": ("attempt to write a readonly database", "readonly database", "read-only transaction",
                  "read only"),
    "corrupt": ("file is not a database", "database disk image is malformed", "malformed", "file is encrypted"),
    "cannot_open": ("unable to open database file", "could not connect", "connection refused",
                    "no such file or directory", "could not translate host name"),
    "no_postgis": ('extension "postgis"', "postgis.control", 'type "geometry" does not exist'),
    "permission": ("permission denied", "insufficient privilege", "insufficientprivilege", "must be owner"),
}


# kind -> what to tell a person (Chinese, English): what happened and what to do
STORE_MESSAGES: dict[str, tuple[str, str]] = {
    "locked": ("数据库正被另一项操作（如一次导入）占用。请等它完成后刷新页面。",
                         "The database is busy with another operation (an import, say). Wait for it to finish, "
                         "then reload the page."),
    "disk_full": ("服务器磁盘已满（或读写出错），数据没有写入。请管理员清理磁盘空间后再试。",
                            "The server's disk is full (or failing): nothing was written. Ask your administrator "
                            "to free disk space, then try again."),
    "read_only": ("数据库是只读的，不能保存更改。请管理员检查数据库文件或账号的写入权限。",
                            "The database is read-only: changes cannot be saved. Ask your administrator to check "
                            "the write permission of the database file or account."),
    "corrupt": ("数据库文件已损坏或不是 GridLens 的数据库，未作任何改动。请管理员从备份恢复，或换一个数据库文件。",
                          "The database file is damaged or is not a GridLens database; nothing was changed. Ask "
                          "your administrator to restore it from a backup, or to use another file."),
    "empty_file": ("数据库文件是空的（0 字节），可能在写入时被截断；为免覆盖，未作任何改动。请管理员从备份恢复，"
                             "或删除这个文件后重新导入数据。",
                             "The database file is empty (0 bytes), perhaps cut short while being written; to "
                             "overwrite nothing, nothing was changed. Ask your administrator to restore it from a "
                             "backup, or to delete the file and import the data again."),
    "cannot_open": ("无法打开数据库：文件夹不存在、没有权限，或数据库服务器连不上。请管理员检查 GRIDLENS_DB 设置。",
                              "The database cannot be opened: the folder is missing, access is denied, or the "
                              "database server cannot be reached. Ask your administrator to check GRIDLENS_DB."),
    "permission": ("数据库账号没有这项操作的权限。请管理员授予权限，或换一个账号。",
                             "The database account may not do this. Ask your administrator for the permission, or "
                             "use another account."),
    "no_postgis": ("数据库服务器没有 PostGIS 空间扩展，未作任何改动。请管理员安装 postgis（Debian：apt install postgis），"
                   "再以超级用户在这个数据库执行 CREATE EXTENSION postgis;（见 README）。",
                   "The database server lacks the PostGIS extension; nothing was changed. Ask your administrator to "
                   "install postgis (Debian: apt install postgis), then run CREATE EXTENSION postgis; in this "
                   "database as a superuser (see the README)."),
    "unknown_street": ("数据库里没有这个街道编码，未作任何改动。请管理员先添加街道：python -m analysis street add 编码 --name 名称。",
                       "This database has no street with that code; nothing was changed. Ask your administrator "
                       "to add the street first: python -m analysis street add CODE --name NAME."),
    "missing_driver": ("缺少连接 PostgreSQL 的驱动程序。请管理员按 README 安装依赖后重启。",
                                 "The driver for PostgreSQL is missing. Ask your administrator to install the "
                                 "requirements as the README says, then restart."),
}


class StoreError(Exception):
    """The store cannot be used: ``kind`` is one of :data:`PROBLEMS` or ``empty_file``; ``path`` the file."""

    def __init__(self, kind: str, path: str = "", detail: str = "") -> None:
        self.kind, self.path, self.detail = kind, path, detail
        super().__init__(f"{kind}: {path} {detail}".strip())


def store_problem(err: BaseException) -> str | None:
    """The kind of store problem ``err`` is (a key of :data:`PROBLEMS`, or ``empty_file``), None when it
    is not one (a bug, not the database)."""
    if isinstance(err, StoreError):
        return err.kind
    if isinstance(err, ModuleNotFoundError) and err.name in ("psycopg", "psycopg2", "adbc_driver_postgresql"):
        return "missing_driver"
    if not isinstance(err, (sa.exc.DBAPIError, sa.exc.OperationalError, sqlite3.Error, OSError)):
        cause = err.__cause__ or err.__context__
        return store_problem(cause) if cause is not None and cause is not err else None
    text = f"{type(getattr(err, 'orig', None) or err).__name__} {err}".lower()
    for kind, phrases in PROBLEMS.items():
        if any(phrase in text for phrase in phrases):
            return kind
    return None
