import numpy as np
import pandas as pd

from analysis.ingest.address import Gazetteer
from analysis.ingest.geocode import geocode_incidents, grid_index
from tests.fixtures import at, four_grids

BUILDINGS = pd.DataFrame({"building_id": ["B1", "B2"], "address": ["西湖路1号", "西湖路2号"], "aliases": ["", ""],
                          "lon": [at(0.5, 1.5)[0], at(1.5, 0.5)[0]], "lat": [at(0.5, 1.5)[1], at(1.5, 0.5)[1]]})


def incidents(rows):
    frame = pd.DataFrame(rows, columns=["incident_id", "lon", "lat", "address"])
    return frame.assign(source_row=np.arange(len(frame)) + 2)


def run(rows, fixes=None):
    return geocode_incidents(incidents(rows), grid_index(four_grids()), Gazetteer(BUILDINGS), BUILDINGS, fixes)


def test_order_of_evidence():
    inside, near, far = at(1.5, 1.5), at(2.2, 0.5), at(5, 5)
    result = run([
        ("a", *inside, "西湖路1号"),        # coordinates win over the address
        ("b", *near, ""),                   # snapped
        ("c", *far, "西湖路2号"),           # outside: the address places it, and the bad point is reported
        ("d", np.nan, np.nan, "西湖路1号"), # address only
        ("e", np.nan, np.nan, "不知道哪里"), # unmatched: review
        ("f", *far, ""),                    # outside, no address: review
        ("g", np.nan, np.nan, ""),          # nothing: review
    ])
    frame = result.incidents.set_index("incident_id")
    assert frame["grid_id"].to_dict() == {"a": "C1G2", "b": "C1G4", "c": "C1G4", "d": "C1G1", "e": "", "f": "",
                                          "g": ""}
    assert frame["match_method"].to_dict() == {"a": "coordinates", "b": "snapped", "c": "address_exact",
                                               "d": "address_exact", "e": "", "f": "", "g": ""}
    assert frame.loc["d", "building_id"] == "B1" and frame.loc["a", "match_score"] == 100
    assert dict(zip(result.review["incident_id"], result.review["reason"], strict=False)) == {
        "e": "address_unmatched", "f": "outside", "g": "no_location"}
    codes = {(p.row, p.code) for p in result.report.problems}
    assert {(3, "snapped"), (4, "outside"), (6, "address_unmatched"), (7, "outside"), (8, "no_location")} <= codes


def test_manual_fix_overrides_and_clears_review():
    fixes = pd.DataFrame({"incident_id": ["e", "a"], "grid_id": ["C1G3", ""], "building_id": ["", "B2"]})
    result = run([("a", *at(0.5, 1.5), ""), ("e", np.nan, np.nan, "不知道哪里")], fixes)
    frame = result.incidents.set_index("incident_id")
    assert frame.loc["e", "grid_id"] == "C1G3" and frame.loc["e", "match_method"] == "manual"
    assert frame.loc["a", "grid_id"] == "C1G4"     # the building chosen by hand decides
    assert result.review.empty
