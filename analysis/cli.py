"""Command line: ``python -m analysis {assign,import,indicators,report,demo,init,user,serve} ...`` (``--help`` on each)."""
from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.access.audit import record_import
from analysis.access.roles import ROLES
from analysis.access.server import bind_address, multiuser
from analysis.access.users import UserError, add_user, has_admin, list_users, set_disabled, set_password
from analysis.geo.crs import parse_coord_system
from analysis.ingest.boundaries import read_boundaries
from analysis.ingest.geocode import grid_index
from analysis.ingest.importer import import_boundaries, import_incidents, import_register
from analysis.ingest.incidents import coordinates_to_wgs84
from analysis.ingest.layers import ENCODINGS
from analysis.ingest.problems import Problem, ProblemReport, ReadError
from analysis.ingest.schema import INCIDENT_FIELDS, guess_mapping
from analysis.ingest.tables import file_rows, read_table
from analysis.settings import load_settings
from analysis.store.database import Store
from analysis.store.errors import STORE_MESSAGES, store_problem
from analysis.store.streets import add_street, list_streets

REGISTER_KINDS = ("buildings", "workers", "volunteers", "services")


class CliError(Exception):
    """A user error: printed without a traceback, exit status 2."""


def _coords(text: str) -> str:
    try:
        return parse_coord_system(text).label
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"{err} (use wgs84, cgcs2000, gcj02, bd09 or EPSG:n)") from err


def _pairs(items: list[str]) -> dict[str, str]:
    mapping = {}
    for item in items or []:
        field, sep, header = item.partition("=")
        if not sep:
            raise CliError(f"--map takes field=header, got {item!r}")
        mapping[field.strip()] = header.strip()
    return mapping


def assign(args: argparse.Namespace) -> int:
    """Assign each row of an incident table to a grid; write id, grid_id, match_method, distance_m."""
    grids, _ = read_boundaries(args.grids, coord_system=args.grids_coords,
                               mapping={"grid_id": args.grid_id_col} if args.grid_id_col else None)
    if args.level and "level" in grids and (grids["level"] == args.level).any():
        grids = grids[grids["level"] == args.level]
    table, report = read_table(args.incidents)
    mapping = guess_mapping(list(table.columns), INCIDENT_FIELDS)
    for field, given in (("incident_id", args.id_col), ("lon", args.lon_col), ("lat", args.lat_col)):
        if given:
            if given not in table.columns:
                raise CliError(f"column {given!r} is not in {args.incidents} (columns: {', '.join(table.columns)})")
            mapping[field] = given
    if "lon" not in mapping or "lat" not in mapping:
        raise CliError(f"no longitude/latitude columns recognised in {args.incidents}: pass --lon-col and --lat-col "
                       f"(columns: {', '.join(table.columns)})")
    rows = pd.Series(file_rows(table), index=table.index)
    coords = coordinates_to_wgs84(table, mapping, parse_coord_system(args.coords), rows, report)
    index = grid_index(grids)
    tolerance = load_settings()["snap_tolerance_m"] if args.tolerance is None else args.tolerance
    result = index.assign(coords["lon"].to_numpy(), coords["lat"].to_numpy(), tolerance)
    ids = table[mapping["incident_id"]] if "incident_id" in mapping else rows.astype(str)
    out = pd.DataFrame({
        "id": ids.to_numpy(),
        "grid_id": np.where(result.index >= 0, index.ids[np.maximum(result.index, 0)], ""),
        "match_method": result.method,
        "distance_m": result.distance_m,
    })
    out.to_csv(args.out, index=False, float_format="%.1f")
    counts = out["match_method"].value_counts().to_dict()
    print(f"{len(out)} rows -> {args.out}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    for problem in report.problems[:20]:
        if problem.severity != "info":
            print(f"  row {problem.row}: {problem.message('en')}", file=sys.stderr)
    return 0


def do_import(args: argparse.Namespace) -> int:
    """Import a file into the store as one transaction."""
    store = Store(args.db, args.street_code)
    if args.kind == "incidents":
        result = import_incidents(store, args.file, mapping=_pairs(args.map) or None,
                                  coord_system=args.coords or "wgs84", tolerance_m=args.tolerance, sheet=args.sheet,
                                  overwrite_older=args.overwrite_older)
    elif args.kind == "boundaries":
        result = import_boundaries(store, args.file, coord_system=args.coords, mapping=_pairs(args.map) or None,
                                   version_name=args.name, street_source=args.street, layer=args.layer,
                                   encoding=args.encoding)
    else:
        result = import_register(store, args.kind, args.file, coord_system=args.coords or "wgs84",
                                 mapping=_pairs(args.map) or None, sheet=args.sheet)
    record_import(store, cli_user(), args.kind, Path(args.file).name, result.batch_id, result.rows_read,
                  result.rows_imported, result.rows_rejected)
    print(f"batch {result.batch_id}: read {result.rows_read}, imported {result.rows_imported}, "
          f"rejected {result.rows_rejected}, problems {len(result.report)}")
    if result.by_method:
        print("  by method: " + ", ".join(f"{k} {v}" for k, v in sorted(result.by_method.items())))
    _summarise(result.report)
    return 0


def cli_user() -> str:
    """Who the audit log names for a command: ``cli:`` and the account that ran it."""
    return f"cli:{getpass.getuser()}"


def user(args: argparse.Namespace) -> int:
    """Add, list, disable or enable the users of the district server, or set a password."""
    store = Store(args.db)
    if args.action == "list":
        listed = list_users(store)
        print(listed.to_string(index=False) if not listed.empty else "no users")
        return 0
    if not args.name:
        raise CliError(f"user {args.action} needs a NAME")
    if args.action in ("add", "password"):
        if not args.password_stdin:
            raise CliError("give the password on standard input with --password-stdin (never on the command line)")
        password = sys.stdin.readline().rstrip("\r\n")
        try:
            if args.action == "add":
                added = add_user(store, args.name, args.role, password, args.street or "", by=cli_user())
                print(f"added {added.name}: {added.role}, {added.street or 'whole district'}")
            else:
                set_password(store, args.name, password, by=cli_user())
                print(f"password of {args.name} set")
        except UserError as err:
            raise CliError(str(err)) from err
        return 0
    try:
        set_disabled(store, args.name, args.action == "disable", by=cli_user())
    except UserError as err:
        raise CliError(str(err)) from err
    print(f"{args.name} {args.action}d")
    return 0


def serve(args: argparse.Namespace) -> int:
    """Start the dashboard (``make run``): on 127.0.0.1 for one person, or, in multi-user mode, on every
    interface once an admin exists."""
    settings = load_settings()
    if multiuser(settings) and not has_admin(Store(args.db)):
        raise CliError("multi-user mode (GRIDLENS_MULTIUSER) needs an admin first: python -m analysis user add NAME "
                       "--role admin --password-stdin")
    # ui.launch runs ``streamlit run dashboard.py`` and prepares the first page beside it
    command = [sys.executable, "-m", "ui.launch", "--server.port", str(args.port),
               "--server.address", args.address or bind_address(settings)]
    if args.db:
        os.environ["GRIDLENS_DB"] = args.db
    root = str(Path(__file__).resolve().parents[1])
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, (root, os.environ.get("PYTHONPATH"))))
    os.execv(sys.executable, command)


def _summarise(report: ProblemReport) -> None:
    """One line per kind of problem (its count and first message, both languages); notes included."""
    seen: dict[str, list[Problem]] = {}
    for problem in report.problems:
        seen.setdefault(problem.code, []).append(problem)
    for code, problems in seen.items():
        first = problems[0]
        where = f" (row {first.row})" if first.row is not None else ""
        print(f"  {first.severity} ×{len(problems)} [{code}]{where}: {first.message('zh')} / {first.message('en')}")


def _day(text: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(pd.to_datetime(text, format="%Y-%m-%d"))
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"a date as YYYY-MM-DD expected, got {text!r}") from err


def indicators(args: argparse.Namespace) -> int:
    """Print the standard indicators of ``[start, end)`` for the street and by a grouping."""
    from analysis.metrics.dataset import load_dataset
    from analysis.metrics.indicators import FIGURES
    from analysis.metrics.indicators import indicators as figures
    from analysis.metrics.periods import Period
    if args.end <= args.start:
        raise CliError(f"--end ({args.end:%Y-%m-%d}) must be after --start ({args.start:%Y-%m-%d}): it is exclusive")
    result = figures(load_dataset(Store(args.db, args.street_code)), Period(args.start, args.end), load_settings(), args.by)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    rows = [{"key": "street", "name": "", **result["street"]}, *result["groups"]] if args.by != "street" \
        else [{"key": "street", "name": "", **result["street"]}]
    table = pd.DataFrame(rows, columns=["key", "name", *FIGURES]).set_index("key").T
    print(table.to_string())
    return 0


def _week(text: str) -> object:
    from analysis.report.weeks import parse_week
    try:
        return parse_week(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from err


def report(args: argparse.Namespace) -> int:
    """Write the weekly meeting's handout for ``--week`` (default: the last full week of the data)."""
    from analysis.metrics.dataset import load_dataset
    from analysis.report import FontMissing, last_full_week, meeting, week_label
    from analysis.report.make import handout
    from analysis.report.proposals import open_proposals
    from analysis.store.notes import week_notes
    store, settings = Store(args.db, args.street_code), load_settings()
    ds = load_dataset(store)
    week = args.week or last_full_week(ds.anchor)
    notes, last = week_notes(store, week_label(week)), week_notes(store, week_label(week.previous()))
    m = meeting(ds, week, settings, open_proposals(store, ds, settings), notes, last)
    try:
        data = handout(m, args.format, args.lang)
    except FontMissing as err:
        raise CliError(str(err)) from err
    out = Path(args.out)
    out.write_bytes(data)
    print(f"{m.label}: {out} ({out.stat().st_size:,} bytes)")
    return 0


def demo(args: argparse.Namespace) -> int:
    """Regenerate the demo street files."""
    from analysis.demo import build_demo
    for path in build_demo(args.out) if args.out else build_demo():
        print(path)
    return 0


def init(args: argparse.Namespace) -> int:
    """Load the demo street into the store (skipped when the store already holds incidents)."""
    from analysis.demo.writer import DEMO_DIR
    store = Store(args.db, args.street_code)
    if args.if_empty and store.count_incidents() > 0:
        print(f"store already holds {store.count_incidents()} incidents: {store.url}")
        return 0
    load_demo(store, DEMO_DIR)
    print(f"demo street loaded: {store.count_incidents()} incidents in {store.url}")
    return 0


def load_demo(store: Store, demo_dir: Path) -> None:
    """Import every demo file into ``store``: boundaries, registers, then incidents."""
    import_boundaries(store, demo_dir / "grids.geojson", version_name="现行网格划分",
                      street_source=demo_dir / "street.geojson")
    for kind in REGISTER_KINDS:
        import_register(store, kind, demo_dir / f"{kind}.csv")
    import_incidents(store, demo_dir / "incidents.csv")


def parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m analysis``."""
    p = argparse.ArgumentParser(prog="python -m analysis", description="GridLens 网格透视: data tools")
    sub = p.add_subparsers(dest="command", required=True)

    a = sub.add_parser("assign", help="assign incident points to grid polygons, write a CSV")
    a.add_argument("--grids", required=True, help="boundary file: GeoJSON, GeoPackage, Shapefile (.shp/.zip), KML")
    a.add_argument("--incidents", required=True, help="incident table: CSV (UTF-8/GBK) or .xlsx")
    a.add_argument("--out", required=True, help="output CSV: id, grid_id, match_method, distance_m")
    a.add_argument("--id-col", help="incident id column (default: recognised, else the row number)")
    a.add_argument("--lon-col", help="longitude column (default: recognised)")
    a.add_argument("--lat-col", help="latitude column (default: recognised)")
    a.add_argument("--grid-id-col", help="grid id property of the boundary file (default: recognised)")
    a.add_argument("--coords", type=_coords, default="wgs84", help="system of the incident coordinates")
    a.add_argument("--grids-coords", type=_coords, help="system of the boundaries (default: from the file)")
    a.add_argument("--tolerance", type=float, help="snapping distance, metres (default: setting snap_tolerance_m)")
    a.add_argument("--level", default="grid", help="grid level to assign to when the layer has several")
    a.set_defaults(func=assign)

    i = sub.add_parser("import", help="import a file into the store (one transaction)")
    i.add_argument("kind", choices=("incidents", "boundaries", *REGISTER_KINDS))
    i.add_argument("file")
    i.add_argument("--coords", type=_coords, help="coordinate system of the file")
    i.add_argument("--map", action="append", metavar="FIELD=HEADER", help="column mapping, repeatable")
    i.add_argument("--name", help="boundaries: version name")
    i.add_argument("--street", help="boundaries: street boundary file, for the gap check")
    i.add_argument("--tolerance", type=float, help="incidents: snapping metres (default: snap_tolerance_m)")
    i.add_argument("--sheet", help="incidents, registers: the sheet of a workbook (default: the one with data)")
    i.add_argument("--overwrite-older", action="store_true",
                   help="incidents: let an older export reopen cases the store has closed (default: reported, kept)")
    i.add_argument("--layer", help="boundaries: the layer of a GeoPackage with several (default: first polygon one)")
    i.add_argument("--encoding", choices=ENCODINGS, help="boundaries: the .dbf's text encoding (default: detected)")
    i.add_argument("--db", help="SQLAlchemy URL (default: $GRIDLENS_DB or geodata/local/gridlens.sqlite)")
    i.set_defaults(func=do_import)

    x = sub.add_parser("indicators", help="the standard indicators of a period (结案率, 处置率 …), for the street "
                                          "and by a grouping")
    x.add_argument("--start", required=True, type=_day, help="first day, YYYY-MM-DD")
    x.add_argument("--end", required=True, type=_day, help="the day after the last, YYYY-MM-DD (exclusive)")
    x.add_argument("--by", choices=("street", "community", "grid", "micro", "handler"), default="street",
                   help="grouping of the figure sets (default: the street alone)")
    x.add_argument("--db", help="SQLAlchemy URL (default: $GRIDLENS_DB or geodata/local/gridlens.sqlite)")
    x.add_argument("--json", action="store_true", help='print {"street": {...}, "groups": [...]} as JSON')
    x.set_defaults(func=indicators)

    w = sub.add_parser("report", help="the weekly meeting's handout (周例会材料): PDF, Word, PowerPoint or HTML")
    w.add_argument("--week", type=_week, help="ISO week such as 2026-W47, or a date inside the week "
                                              "(default: the last full week of the data)")
    w.add_argument("--format", choices=("pdf", "docx", "pptx", "html"), default="pdf", help="default pdf")
    w.add_argument("--out", required=True, help="the file to write")
    w.add_argument("--lang", choices=("zh", "en"), default="zh", help="language (default zh)")
    w.add_argument("--db", help="SQLAlchemy URL (default: $GRIDLENS_DB or geodata/local/gridlens.sqlite)")
    w.set_defaults(func=report)

    d = sub.add_parser("demo", help="regenerate geodata/demo/ from its seed")
    d.add_argument("--out", help="folder (default geodata/demo)")
    d.set_defaults(func=demo)

    u = sub.add_parser("user", help="the district server's users: add, list, disable, enable, password")
    u.add_argument("action", choices=("add", "list", "disable", "enable", "password"))
    u.add_argument("name", nargs="?", help="the user's name (all but list)")
    u.add_argument("--role", choices=ROLES, default="viewer", help="add: viewer (default), analyst, data_manager, "
                                                                   "admin")
    u.add_argument("--street", help="add: the code of the user's street (default: the whole district)")
    u.add_argument("--password-stdin", action="store_true", help="add, password: read the password from the "
                                                                  "first line of standard input")
    u.add_argument("--db", help="SQLAlchemy URL (default: $GRIDLENS_DB or geodata/local/gridlens.sqlite)")
    u.set_defaults(func=user)

    s = sub.add_parser("serve", help="start the dashboard (127.0.0.1; every interface in multi-user mode, which "
                                     "needs an admin)")
    s.add_argument("--port", type=int, default=8501)
    s.add_argument("--address", help="listen on this address instead")
    s.add_argument("--db", help="SQLAlchemy URL (default: $GRIDLENS_DB or geodata/local/gridlens.sqlite)")
    s.set_defaults(func=serve)

    n = sub.add_parser("init", help="load the demo street into the store")
    n.add_argument("--if-empty", action="store_true", help="do nothing when the store holds incidents")
    n.add_argument("--db", help="SQLAlchemy URL")
    n.set_defaults(func=init)

    t = sub.add_parser("street", help="the streets of a district's database: add (or rename), list")
    t.add_argument("action", choices=("add", "list"))
    t.add_argument("code", nargs="?", help="add: the street's code, e.g. 430103007")
    t.add_argument("--name", help="add: the street's name, e.g. 坡子街街道")
    t.add_argument("--db", help="SQLAlchemy URL (default: $GRIDLENS_DB or geodata/local/gridlens.sqlite)")
    t.set_defaults(func=street)
    for command in (i, x, w, n):
        _street_code(command)
    return p


def street(args: argparse.Namespace) -> int:
    """Add (or rename) a street of the database, or list them."""
    store = Store(args.db)
    if args.action == "add":
        if not args.code or not args.name:
            raise CliError("street add needs a CODE and --name")
        try:
            added = add_street(store.engine, args.code, args.name)
        except ValueError as err:
            raise CliError(str(err)) from err
        print(f"street {args.code} {'added' if added else 'renamed'}: {args.name}")
        return 0
    print(list_streets(store.engine)[["code", "name", "created_at"]].to_string(index=False))
    return 0


def _street_code(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--street-code", help="the street (its code) in a database of several streets (default: "
                                              "$GRIDLENS_STREET or the one street of a laptop's store)")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 bad input)."""
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ReadError as err:
        for problem in err.report.problems:
            print(f"错误 / error: {problem.message('zh')} / {problem.message('en')}", file=sys.stderr)
        return 2
    except (CliError, LookupError, FileNotFoundError, ValueError) as err:
        print(f"错误 / error: {err}", file=sys.stderr)
        return 2
    except Exception as err:  # noqa: BLE001 - the store's own problems get words; anything else is a bug
        kind = store_problem(err)
        if kind is None:
            raise
        zh, en = STORE_MESSAGES[kind]
        print(f"错误：{zh}\nerror: {en}", file=sys.stderr)
        return 2
