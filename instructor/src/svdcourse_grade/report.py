"""A summary of a lab's grading for the instructor: Markdown, HTML and two pictures.

Written to ``<course>/reports/<lab>/``: ``report.md``, ``report.html`` (the same content,
pictures embedded; student ids and reasons may hold student text, so the HTML is sanitised
with :func:`~svdcourse_grade.safe_html.clean_fragment`), ``scores.png`` (distribution of totals) and ``questions.png`` (mean
points and failure rate per question). The terminal gets the tables.
"""

from __future__ import annotations

import base64
import html
import statistics
from pathlib import Path
from typing import Any

from . import results
from .course import Course
from .export import collect_rows

__all__ = ["build_report", "question_stats"]


def question_stats(questions: list[str], rows: list[dict[str, Any]],
                   maxima: dict[str, float]) -> list[dict[str, Any]]:
    """Per question: mean points, mean as a fraction of the maximum, failure rate.

    A failure is fewer than full points; ungraded (manual, pending) answers are left out.

    Examples
    --------
    >>> question_stats(["q"], [{"q": 3.0}, {"q": 0.0}, {"q": ""}], {"q": 3.0})
    [{'question': 'q', 'max': 3.0, 'graded': 2, 'mean': 1.5, 'mean_fraction': 0.5, 'failure_rate': 0.5}]
    """
    out = []
    for q in questions:
        values = [float(r[q]) for r in rows if r.get(q, "") != ""]
        top = maxima.get(q, 0.0)
        mean = statistics.fmean(values) if values else float("nan")
        out.append({
            "question": q, "max": top, "graded": len(values), "mean": mean,
            "mean_fraction": mean / top if top and values else float("nan"),
            "failure_rate": (sum(v < top - 1e-9 for v in values) / len(values)) if values
            else float("nan"),
        })
    return out


def _maxima(course: Course, lab: str) -> dict[str, float]:
    with course.gradebook() as gb:
        return {cell.name: float(cell.max_score) for nb in gb.find_assignment(lab).notebooks
                for cell in nb.grade_cells}


def _pictures(folder: Path, totals: list[float], maximum: float, stats: list[dict]) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 3.2), layout="constrained", facecolor="white")
    ax = fig.add_subplot()
    bins = max(5, min(20, int(maximum) + 1)) if maximum else 10
    ax.hist(totals, bins=bins, range=(0, maximum or None), color="#4c72b0", edgecolor="white")
    ax.set_xlabel(f"total points (of {maximum:g})")
    ax.set_ylabel("students")
    ax.set_title("Score distribution")
    scores_png = folder / "scores.png"
    fig.savefig(scores_png, dpi=110)

    fig = Figure(figsize=(6, 0.6 + 0.45 * max(1, len(stats))), layout="constrained",
                 facecolor="white")
    ax = fig.add_subplot()
    names = [s["question"] for s in stats][::-1]
    ax.barh(names, [s["mean_fraction"] for s in stats][::-1], color="#55a868",
            label="mean (fraction of max)")
    ax.barh(names, [-s["failure_rate"] for s in stats][::-1], color="#c44e52",
            label="failure rate (left)")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlim(-1, 1)
    ax.set_xlabel("failure rate  |  mean points / max")
    ax.legend(loc="lower right", fontsize="small")
    questions_png = folder / "questions.png"
    fig.savefig(questions_png, dpi=110)
    return [scores_png, questions_png]


def _md_table(headers: list[str], rows: list[list[Any]]) -> str:
    def cell(v: Any) -> str:
        if isinstance(v, float):
            return "n/a" if v != v else f"{v:.3g}"
        return str(v).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def build_report(course: Course, lab: str) -> dict[str, Any]:
    """Write the report files; return their paths and the key numbers."""
    questions, rows = collect_rows(course, lab)
    store = results.load(course.results_path(lab))
    maxima = _maxima(course, lab)
    stats = question_stats(questions, rows, maxima)
    folder = course.root / "reports" / lab
    folder.mkdir(parents=True, exist_ok=True)
    totals = [r["total"] for r in rows]
    maximum = max((r["max"] for r in rows), default=sum(maxima.values()))
    pictures = _pictures(folder, totals, maximum, stats)

    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    flagged = [r for r in rows if r["review"]]
    zeros = [r for r in rows if r["status"] != "graded"]
    pending = sum(r["manual_grading"] == "pending" for r in rows)
    runs = store.get("runs", [])
    seconds = [rec.get("seconds") for rec in store.get("students", {}).values()
               if rec.get("seconds") is not None]
    unsandboxed = sorted(name for name, record in store.get("students", {}).items()
                         if record.get("sandbox") == "none")
    summary = {
        "students": len(rows),
        "unsandboxed": unsandboxed,
        "mean": statistics.fmean(totals) if totals else float("nan"),
        "median": statistics.median(totals) if totals else float("nan"),
        "max": maximum, "statuses": counts, "flagged": len(flagged),
        "manual_pending": pending,
        "last_run_seconds": runs[-1]["seconds"] if runs else None,
        "per_submission_seconds": statistics.median(seconds) if seconds else None,
    }
    md = [f"# Grading report: {lab}", ""]
    if unsandboxed:
        md += [f"**Warning: {len(unsandboxed)} submissions were graded without the sandbox** "
               "(`autograde --no-sandbox`): their code ran with the instructor's rights and "
               "could read hidden tests, change files and outlive the run. Grade them again "
               "with the sandbox before trusting these scores. " + _sandbox_note(runs), ""]
    md.append(f"{len(rows)} submissions; mean {summary['mean']:.3g} and median "
              f"{summary['median']:.3g} of {maximum:g} points. Status: "
              + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) + ".")
    md.append("")
    md.append("Manual grading: " + ("complete." if not pending else
                                    f"**pending** for {pending} submissions."))
    if runs:
        last = runs[-1]
        md.append("")
        md.append(f"Time: the last autograde run took {last['seconds']:g} s for "
                  f"{last['students']} submissions with {last['jobs']} workers"
                  + (f" (median {summary['per_submission_seconds']:.2g} s per submission)."
                     if seconds else "."))
    md += ["", "## Score distribution", "", "![scores](scores.png)", "",
           "## Questions", "", "![questions](questions.png)", "",
           _md_table(["question", "max", "graded", "mean", "failure rate"],
                     [[s["question"], s["max"], s["graded"], s["mean"], s["failure_rate"]]
                      for s in stats]),
           "", "## Flagged for review", ""]
    md.append(_md_table(["student", "status", "points", "flags"],
                        [[r["student"], r["status"], f"{r['total']:g}/{r['max']:g}", r["review"]]
                         for r in flagged]) if flagged else "None.")
    md += ["", "## Not graded normally (zero with a reason)", ""]
    md.append(_md_table(["student", "status", "reason"],
                        [[r["student"], r["status"], r["reason"]] for r in zeros])
              if zeros else "None.")
    text = "\n".join(md) + "\n"
    (folder / "report.md").write_text(text, encoding="utf-8")
    (folder / "report.html").write_text(_html(text, pictures, lab), encoding="utf-8")
    return {"markdown": folder / "report.md", "html": folder / "report.html",
            "pictures": pictures, "summary": summary, "questions": stats, "rows": rows}


def _sandbox_note(runs: list[dict[str, Any]]) -> str:
    """What the last run said about running without the sandbox, if anything."""
    warning = runs[-1].get("warning") if runs else None
    return f"The last run said: {warning}" if warning else ""


def _html(markdown: str, pictures: list[Path], lab: str) -> str:
    from nbconvert.filters.markdown import markdown2html

    from .safe_html import clean_fragment

    body = markdown2html(markdown)
    for picture in pictures:
        data = base64.b64encode(picture.read_bytes()).decode()
        body = body.replace(f'src="{picture.name}"', f'src="data:image/png;base64,{data}"')
    body = clean_fragment(body)
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'>"
            f"<title>Grading report: {html.escape(lab)}</title><style>"
            "body{font-family:sans-serif;max-width:60em;margin:auto;padding:1em}"
            "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.2em .6em}"
            f"</style></head><body>{body}</body></html>")
