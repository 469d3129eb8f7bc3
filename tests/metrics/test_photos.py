"""Photo references of QR-platform records, and the open cases' photos on the grid card."""
import numpy as np
import pandas as pd
from PIL import Image

from analysis.metrics import resolution as r
from analysis.metrics.grid_card import grid_card
from analysis.metrics.grid_stats import grid_measures
from analysis.metrics.periods import Period
from analysis.metrics.photos import local_photos, photo_refs
from analysis.settings import DEFAULTS
from tests.fixtures import small_dataset


def test_references_as_platforms_export_them():
    assert photo_refs("a.jpg;b.png, c.jpg|d.jpg、e.jpg  f.jpg") == ["a.jpg", "b.png", "c.jpg", "d.jpg", "e.jpg", "f.jpg"]
    assert photo_refs("") == [] and photo_refs(" ; ") == []


def test_only_image_files_inside_the_folder_are_shown(tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    Image.new("RGB", (4, 4)).save(folder / "现场1.jpg")
    (folder / "notes.txt").write_text("x")
    Image.new("RGB", (4, 4)).save(tmp_path / "secret.png")          # outside the folder
    cell = "现场1.jpg;notes.txt;../secret.png;http://example.org/a.jpg;missing.jpg;" + str(tmp_path / "secret.png")
    assert local_photos(cell, folder) == [(folder / "现场1.jpg").resolve()]
    assert local_photos(cell, tmp_path / "absent") == []


def test_the_grid_card_shows_an_open_cases_photo_and_masks_phones_in_its_text(tmp_path):
    Image.new("RGB", (4, 4)).save(tmp_path / "i3.png")
    ds = small_dataset(lambda f: f.assign(event_name=[""] * 2 + ["垃圾满溢"] + [""] * 4,
                                          description=[""] * 2 + ["请回电13812345678"] + [""] * 4,
                                          photos=[""] * 2 + ["i3.png;http://x/y.jpg"] + [""] * 4))
    period = Period(pd.Timestamp("2026-03-01"), pd.Timestamp("2026-03-08"))
    flags = r.period_flags(ds.incidents, period)
    mask = np.ones(len(ds.incidents), bool)
    settings = DEFAULTS.model_dump()
    card = grid_card(ds, "G3", grid_measures(ds, flags, mask, settings), flags, mask,
                     pd.to_datetime(["2026-03-02"]), tmp_path)
    row = card.open_cases.iloc[0]
    assert (row["incident_id"], row["event_name"], row["description"]) == ("I3", "垃圾满溢", "请回电138****5678")
    assert card.photos == [("I3", (tmp_path / "i3.png").resolve())]
    assert grid_card(ds, "G3", grid_measures(ds, flags, mask, settings), flags, mask,
                     pd.to_datetime(["2026-03-02"])).photos == []
