"""The handout as one self-contained HTML page for the intranet: pictures inlined (base64), no script, no
outside address; every text is escaped, so a name typed into a file shows as typed."""
from __future__ import annotations

import base64
from html import escape

from analysis.report.sections import Section

STYLE = """
body {font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif;
      color: #111; max-width: 1100px; margin: 2rem auto; padding: 0 1rem; font-size: 18px; line-height: 1.55;}
h1 {font-size: 2rem; margin-bottom: .2rem;} h2 {font-size: 1.5rem; border-bottom: 2px solid #222; margin-top: 2.5rem;}
h3 {font-size: 1.15rem;} img {max-width: 100%; height: auto; border: 1px solid #ccc;}
table {border-collapse: collapse; width: 100%; margin: .8rem 0;} th, td {border: 1px solid #888; padding: .3rem .5rem;
      text-align: left; vertical-align: top;} th {background: #e6e6e6;} .notes {white-space: pre-wrap;}
@media print {h2 {page-break-before: always;} body {margin: 0; max-width: none;}}
"""


def _table(section: Section) -> str:
    table = section.table
    if table is None or table.empty:
        return ""
    head = "".join(f"<th>{escape(str(c))}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in table.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def write_html(sections: list[Section], title: str, subtitle: str, lang: str) -> bytes:
    """The sections as one HTML page (UTF-8)."""
    parts = [f"<!DOCTYPE html><html lang=\"{'zh-CN' if lang == 'zh' else 'en'}\"><head><meta charset=\"utf-8\">",
             f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
             f"<h1>{escape(title)}</h1><p>{escape(subtitle)}</p>"]
    for number, section in enumerate(sections):
        parts.append(f"<section><h2>{number + 1}. {escape(section.title)}</h2>")
        parts += [f"<p>{escape(line)}</p>" for line in section.lines]
        parts += [f"<img alt=\"{escape(section.title)}\" src=\"data:image/png;base64,"
                  f"{base64.b64encode(p).decode('ascii')}\">" for p in section.pictures]
        parts.append(_table(section))
        parts += [f"<h3>{escape(h)}</h3><p class=\"notes\">{escape(t)}</p>" for h, t in section.notes]
        parts.append("</section>")
    parts.append("</body></html>")
    return "".join(parts).encode("utf-8")
