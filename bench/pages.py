"""Benchmark: the overview's and the map's computations after a filter change, on a synthetic street.

    python bench/pages.py --incidents 1000000 --grids 1000

Builds a synthetic street (``bench/synthetic.py``), then changes the filters from the whole
street over the last 4 weeks to one community over the last 4 weeks, and times, cold (no cache):

* ``overview_s``: period facts for the period and the one before, the 8 KPIs, per-grid measures
  twice, the attention lists and the weekly trend (what the overview page computes);
* ``map_s``: period facts, the map's numbers (per-grid measures, 13 density images, hotspots,
  incidents), the folium map and its HTML (what the map page computes and sends), with the grids' shapes
  kept, as a server has them after its first map; ``shapes_s``: those shapes, what a server's first map adds;
* ``map_bytes``: the size of that HTML;
* ``workload_s``, ``resolution_s``, ``coverage_s``, ``ledger_s``: what the 工作量, 办结, 志愿者 and 责任台账 pages
  compute; ``build_s`` / ``build_cpu_s``: building the dataset (placement, lifecycle, micro-grids), wall and CPU
  seconds; ``peak_rss_mb``: the process's peak resident memory.

``overview_cached_s`` is the overview with the period facts already computed, as the page has
them after its first view of a period (a community, grid or kind change). ``flags_s``: the period facts
of the last 4 weeks (``period_flags``, on the rows they can be true for); ``flags_every_row_s``, its
baseline: the same facts worked out on every row (``row_facts``).

Baselines measured in the same run: the same 8 KPIs and per-grid counts written as plain
pandas operations over the frame (``pandas_overview_s``), and folium's ``HeatMap`` of every
incident of the year (``heatmap_s``, ``heatmap_bytes``), the usual way to map incidents.
Each figure is the median of ``--repeat`` runs. The last line is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import folium
from folium.plugins import HeatMap

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.maps.build import MEASURE_KINDS, GridShapes, MapSpec, build_map, grid_shapes, map_html  # noqa: E402
from analysis.maps.classes import classify  # noqa: E402
from analysis.maps.focus import in_view  # noqa: E402
from analysis.maps.view import map_data  # noqa: E402
from analysis.metrics import coverage  # noqa: E402
from analysis.metrics import resolution as r  # noqa: E402
from analysis.metrics import resolution_tables as rt  # noqa: E402
from analysis.metrics.filters import Filters  # noqa: E402
from analysis.metrics.grid_stats import grid_measures  # noqa: E402
from analysis.metrics.overview import attention, kpis, weekly_trend  # noqa: E402
from analysis.metrics.periods import week_starts  # noqa: E402
from analysis.metrics.responsibility import ledger_lines, ledger_summary, responsible_people  # noqa: E402
from analysis.metrics.workload import workload_table  # noqa: E402
from analysis.settings import load_settings  # noqa: E402
from bench.synthetic import synthetic_dataset  # noqa: E402
from bench.timing import peak_rss_mb, timed  # noqa: E402
from ui.labels.map import TEXT as MAP_TEXT  # noqa: E402


def overview(ds, filters: Filters, settings: dict, facts=None):
    """The overview's numbers; ``facts`` = the two periods' flags when already computed (the page caches them)."""
    period = filters.resolve(ds.anchor)
    now, before = facts or (r.settings_flags(ds.incidents, period, settings, ds.spans),
                            r.settings_flags(ds.incidents, period.previous(), settings, ds.spans))
    mask = filters.incident_mask(ds.incidents)
    figures = kpis(ds, filters, now, before)
    lists = attention(grid_measures(ds, now, mask, settings), grid_measures(ds, before, mask, settings),
                      filters.grid_mask(ds.grids), int(settings["min_cases_for_rate"]))
    trend = weekly_trend(ds.incidents, mask, week_starts(period, int(settings["trend_weeks"])))
    return figures, lists, trend


def workload_page(ds, filters: Filters, settings: dict):
    period = filters.resolve(ds.anchor)
    flags = r.settings_flags(ds.incidents, period, settings, ds.spans)
    return workload_table(ds, flags, filters.without_place().incident_mask(ds.incidents), settings)


def resolution_page(ds, filters: Filters, settings: dict):
    period = filters.resolve(ds.anchor)
    incidents, mask = ds.incidents, filters.incident_mask(ds.incidents)
    flags = r.settings_flags(incidents, period, settings, ds.spans)
    names = dict(zip(ds.grids["grid_id"], ds.grids["name"]))
    return (rt.rates_by(flags, mask, r.Groups.of(incidents["grid_id"])),
            rt.rates_by(flags, mask, r.Groups.of(incidents["subcategory"])),
            rt.weekly_rates(incidents, mask, week_starts(period, int(settings["trend_weeks"]))),
            rt.category_grid_on_time(incidents, flags, mask, names), rt.backlog_by_age(incidents, flags, mask),
            rt.overdue_list(incidents, flags, mask, names), rt.handled_levels(incidents, flags, mask))


def coverage_page(ds, filters: Filters, settings: dict):
    """What the 志愿者 page's loader computes: who is active and what they cover once, then its four tables."""
    months = filters.resolve(ds.anchor).days / 30.44
    within = coverage.volunteer_reach(ds, settings)
    return (coverage.coverage_table(ds, settings, months, within), coverage.micro_coverage_table(ds, settings, within),
            coverage.recruiting_sites(ds, settings, 10, within), coverage.monthly_services(ds))


def pandas_overview(ds, filters: Filters):
    """The same headline figures and per-grid counts as plain pandas column operations (the baseline)."""
    period = filters.resolve(ds.anchor)
    f = ds.incidents[filters.incident_mask(ds.incidents)]
    out = {}
    for p in (period, period.previous()):
        reported = f[(f["reported_at"] >= p.start) & (f["reported_at"] < p.end)]
        due = f[(f["due_at"] >= p.start) & (f["due_at"] < p.end)]
        closed = due[due["closed_at"] < p.end]
        closed_in = f[(f["closed_at"] >= p.start) & (f["closed_at"] < p.end) & (f["closed_at"] >= f["reported_at"])]
        backlog = f[(f["reported_at"] < p.end) & ~(f["closed_at"] < p.end)]
        out[p] = {"reported": len(reported), "closure": len(closed) / max(len(due), 1),
                  "on_time": (closed["closed_at"] <= closed["due_at"]).sum() / max(len(due), 1),
                  "median": ((closed_in["closed_at"] - closed_in["reported_at"]).dt.total_seconds() / 86400).median(),
                  "backlog": len(backlog), "overdue": (backlog["due_at"] < p.end).sum(),
                  "per_grid": reported.groupby("grid_id", observed=False).size(),
                  "per_grid_due": due.groupby("grid_id", observed=False).size()}
    return out


def map_page(ds, filters: Filters, settings: dict, shapes: GridShapes | None = None, measure: str = "reported") -> str:
    """The map page's figure and its HTML: the grids it draws (``analysis.maps.focus.in_view``), coloured by ``measure``.
    ``shapes``: every grid's shapes, as a server keeps them after its first map of them; worked out here when None, as
    a server's first map does."""
    period = filters.resolve(ds.anchor)
    flags = r.settings_flags(ds.incidents, period, settings, ds.spans)
    numbers = map_data(ds, filters, flags, week_starts(period, int(settings["trend_weeks"])), settings)
    text = {k: v[1] for k, v in MAP_TEXT.items()}
    table = numbers.table
    grids = ds.grids[["grid_id", "name", "geometry"]].assign(
        in_scope=table["in_scope"].to_numpy(),
        tooltip=[f"{n} ({c})\n{text['m_' + measure]}: {v:,.0f}\nHouseholds: {h:,.0f}" for n, c, v, h in
                 zip(table["name"].tolist(), table["grid_id"].tolist(), table[measure].tolist(), table["households"].tolist())])
    text["legend_title"] = text["m_" + measure]
    points = None if numbers.points is None else numbers.points[["lon", "lat"]].assign(popup=numbers.points["category"])
    grids, classes, drawn = in_view(grids, classify(table[measure], MEASURE_KINDS[measure]), "none",
                                    lambda: shapes or grid_shapes(ds.grids.geometry.to_numpy(), "none"))
    spec = MapSpec(grids, classes, text, ds.communities, ds.street, numbers.density, numbers.bounds, numbers.hotspots,
                   points, filters.grid, "none", show_names=len(grids) <= 200, shapes=drawn)
    return map_html(build_map(spec))


def ledger_page(ds, filters: Filters, settings: dict):
    """What the 责任台账 page computes: everyone's ledger figures and lines."""
    period = filters.resolve(ds.anchor)
    flags = r.settings_flags(ds.incidents, period, settings, ds.spans)
    mask = filters.incident_mask(ds.incidents)
    people = responsible_people(ds, settings)
    return ledger_summary(ds, flags, mask, settings, people), ledger_lines(ds, flags, mask, settings, None, people)


def heatmap_page(ds) -> str:
    """folium's HeatMap of every incident (the baseline the map's density replaces)."""
    centre = [float(ds.incidents["lat"].mean()), float(ds.incidents["lon"].mean())]
    fmap = folium.Map(location=centre, zoom_start=13, tiles=None)
    located = ds.incidents[["lat", "lon"]].dropna().round(6)
    HeatMap(located.to_numpy().tolist(), radius=8).add_to(fmap)
    return fmap.get_root().render()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--grids", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    settings = load_settings()

    start, cpu = time.perf_counter(), time.process_time()
    ds = synthetic_dataset(args.incidents, args.grids)
    build_s, build_cpu_s = time.perf_counter() - start, time.process_time() - cpu
    print(f"synthetic street: {len(ds.incidents):,} incidents, {len(ds.grids):,} grids, "
          f"{ds.communities.shape[0]} communities, built in {build_s:.1f} s ({build_cpu_s:.1f} CPU s: placement, "
          f"lifecycle, micro-grids)")
    community = sorted(ds.grids["community"].unique())[1]
    before, after = Filters(period="4weeks"), Filters(period="4weeks", community=community)
    overview(ds, before, settings)   # the page as it was before the change
    chosen = int(after.incident_mask(ds.incidents).sum())
    print(f"filter change: whole street -> {community} ({chosen:,} incidents), last 4 weeks")

    overview_s, _ = timed(lambda: overview(ds, after, settings), args.repeat)
    period = after.resolve(ds.anchor)
    facts = (r.period_flags(ds.incidents, period, spans=ds.spans), r.period_flags(ds.incidents, period.previous(), spans=ds.spans))
    cached_s, _ = timed(lambda: overview(ds, after, settings, facts), args.repeat)
    flags_s, _ = timed(lambda: r.period_flags(ds.incidents, period, spans=ds.spans), args.repeat)
    every_row_s, _ = timed(lambda: r.row_facts(ds.incidents, period), args.repeat)
    pandas_s, _ = timed(lambda: pandas_overview(ds, after), args.repeat)
    shapes_s, shapes = timed(lambda: grid_shapes(ds.grids.geometry.to_numpy(), "none"), args.repeat)
    map_s, html = timed(lambda: map_page(ds, after, settings, shapes), args.repeat)
    map_bytes = len(html.encode("utf-8"))
    street_s, street_html = timed(lambda: map_page(ds, before, settings, shapes), args.repeat)
    workload_s, _ = timed(lambda: workload_page(ds, after, settings), args.repeat)
    resolution_s, _ = timed(lambda: resolution_page(ds, after, settings), args.repeat)
    coverage_s, _ = timed(lambda: coverage_page(ds, after, settings), args.repeat)
    ledger_s, _ = timed(lambda: ledger_page(ds, after, settings), args.repeat)
    heat_s, heat_html = timed(lambda: heatmap_page(ds), 1)
    heat_bytes = len(heat_html.encode("utf-8"))

    print(f"overview: {overview_s:.3f} s cold, {cached_s:.3f} s with the period facts cached (a place or kind change); "
          f"plain pandas, same figures on the filtered rows: {pandas_s:.3f} s (ratio {overview_s / pandas_s:.2f} cold, "
          f"{cached_s / pandas_s:.2f} cached)")
    print(f"period facts of the last 4 weeks: {flags_s:.3f} s on the rows they can be true for, {every_row_s:.3f} s "
          f"on every row (ratio {flags_s / every_row_s:.2f})")
    print(f"map, one community: {map_s:.3f} s, {map_bytes:,} bytes")
    print(f"map, whole street:  {street_s:.3f} s, {len(street_html.encode('utf-8')):,} bytes; the grids' shapes, on a "
          f"server's first map: {shapes_s:.3f} s")
    print(f"workload {workload_s:.3f} s, resolution {resolution_s:.3f} s, volunteers {coverage_s:.3f} s "
          f"({len(ds.buildings):,} buildings, {len(ds.volunteers):,} volunteers), ledgers {ledger_s:.3f} s")
    peak_mb = peak_rss_mb()
    print(f"peak RSS {peak_mb:,.0f} MB")
    print(f"folium HeatMap of all {args.incidents:,} incidents: {heat_s:.1f} s, {heat_bytes:,} bytes "
          f"(map is {heat_bytes / map_bytes:.0f}x smaller)")
    print(json.dumps({"incidents": len(ds.incidents), "grids": len(ds.grids), "overview_s": round(overview_s, 3),
                      "overview_cached_s": round(cached_s, 3), "flags_s": round(flags_s, 3),
                      "flags_every_row_s": round(every_row_s, 3), "pandas_overview_s": round(pandas_s, 3), "map_s": round(map_s, 3), "map_bytes": map_bytes,
                      "street_map_s": round(street_s, 3), "shapes_s": round(shapes_s, 3), "workload_s": round(workload_s, 3),
                      "resolution_s": round(resolution_s, 3), "coverage_s": round(coverage_s, 3), "heatmap_s": round(heat_s, 2),
                      "heatmap_bytes": heat_bytes, "ledger_s": round(ledger_s, 3), "build_s": round(build_s, 2),
                      "build_cpu_s": round(build_cpu_s, 2), "peak_rss_mb": round(peak_mb)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
