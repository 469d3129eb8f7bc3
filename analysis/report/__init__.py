"""The weekly review meeting (周例会): its steps for one week (:func:`meeting`) and the numbers' wording.

The handout (:func:`analysis.report.make.handout`: PDF, Word, PowerPoint, HTML) and its pictures are imported
from their modules when one is made: they pull in matplotlib, fpdf2, python-docx and python-pptx, which a
page that shows figures does not need (a server starts about a second faster without them). The open
division proposals (:func:`analysis.report.proposals.open_proposals`) likewise, as they pull in the redraw
workbench (GerryChain): every page imports this package for its number formats.
"""
from analysis.report.fonts import FontMissing
from analysis.report.meeting import STEPS, Meeting, Proposal, meeting
from analysis.report.weeks import last_full_week, parse_week, week_label, week_of

__all__ = ["STEPS", "FontMissing", "Meeting", "Proposal", "last_full_week", "meeting", "parse_week", "week_label",
           "week_of"]
