"""The figures street leadership reads: the dataset of one boundary version, periods and filters,
resolution rates, workload, volunteer coverage, household norms, the overview and the grid card.
Each metric has one function here, used by the pages, the CLI, the reports and the tests."""
from analysis.metrics.dataset import Dataset, build_dataset, load_dataset, redivide
from analysis.metrics.filters import STATUSES, Filters, from_query, to_query
from analysis.metrics.grid_card import GridCard, grid_card
from analysis.metrics.grid_stats import grid_measures
from analysis.metrics.indicators import FIGURES, indicators
from analysis.metrics.lifecycle import LifecycleReport, lifecycle_columns
from analysis.metrics.norms import norm_position, norm_ranges
from analysis.metrics.overview import Kpi, attention, kpis, weekly_trend
from analysis.metrics.periods import PRESETS, Period, period_for, week_starts
from analysis.metrics.resolution import Groups, PeriodFlags, period_flags, settings_flags
from analysis.metrics.workload import workload_table

__all__ = ["FIGURES", "PRESETS", "STATUSES", "Dataset", "Filters", "GridCard", "Groups", "Kpi", "LifecycleReport",
           "Period", "PeriodFlags", "attention", "build_dataset", "from_query", "grid_card", "grid_measures",
           "indicators", "kpis", "lifecycle_columns", "load_dataset", "norm_position", "norm_ranges", "period_flags",
           "period_for", "redivide", "settings_flags", "to_query", "week_starts", "weekly_trend", "workload_table"]
