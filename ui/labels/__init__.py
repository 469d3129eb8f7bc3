"""Every label of the interface, one module per area, merged into one table: key -> (Chinese, English)."""
from ui.labels import access, analytics, common, data, errors, gaps, ledger, meeting, overview, redraw
from ui.labels import map as map_labels


def _merge(*tables: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for table in tables:
        clash = set(merged) & set(table)
        if clash:
            raise KeyError(f"label keys defined twice: {sorted(clash)}")
        merged.update(table)
    return merged


TEXT = _merge(common.TEXT, data.TEXT, overview.TEXT, map_labels.TEXT, analytics.TEXT, redraw.TEXT, gaps.TEXT,
              errors.TEXT, ledger.TEXT, meeting.TEXT, access.TEXT)
