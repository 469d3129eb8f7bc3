"""Redrawing the grids: a division and its edits, undo/redo, measures of a drawing, what an edit
does to every grid (what-if), a suggested division, saved plans and their export."""
from analysis.division.edits import Division, EditError, changed_grids, division_from_layer
from analysis.division.export import FORMATS, export_bytes
from analysis.division.history import History
from analysis.division.plans import list_plans, load_plan, make_current, save_plan
from analysis.division.suggest import Suggestion, suggest
from analysis.division.whatif import Figures, Workspace, compare, division_figures, street_comparison, workspace

__all__ = ["FORMATS", "Division", "EditError", "Figures", "History", "Suggestion", "Workspace", "changed_grids",
           "compare", "division_figures", "division_from_layer", "export_bytes", "list_plans", "load_plan",
           "make_current", "save_plan", "street_comparison", "suggest", "workspace"]
