"""How often clinicians agree with the AI: the measure that tells whether a new model helps.

For every reviewed assessment the clinician's final diagnosis is compared with the AI's
differential: top-1 agreement (final == the AI's first suggestion) and top-3 agreement (final
among the first three). Accepted reviews agree by definition; a correction agrees at top-3
when the clinician picked the AI's second or third suggestion; a rejection without a final
code counts as disagreement at both levels.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.services.audit import record
from app.services.deid import people_names, scrub_text
from models import Diagnosis, Disease, Review, db

MAX_NOTES = 15
SMALL_SAMPLE = 30  # below this many reviews, rates are shown with a warning


@dataclass
class Rate:
    """A count and its denominator; `rate` is None with nothing to divide."""

    n: int = 0
    top1: int = 0
    top3: int = 0
    accepted: int = 0
    corrected: int = 0
    rejected: int = 0
    assessments: int = 0
    abstained: int = 0

    @property
    def top1_rate(self) -> float | None:
        return self.top1 / self.n if self.n else None

    @property
    def top3_rate(self) -> float | None:
        return self.top3 / self.n if self.n else None

    @property
    def abstention_rate(self) -> float | None:
        return self.abstained / self.assessments if self.assessments else None


@dataclass
class AgreementReport:
    since: datetime | None
    overall: Rate = field(default_factory=Rate)
    weekly: list[tuple[str, Rate]] = field(default_factory=list)
    by_condition: list[tuple[str, str, Rate]] = field(default_factory=list)  # (icd10, name, rate)
    by_version: list[tuple[str, Rate]] = field(default_factory=list)
    corrections: list[tuple[str, str, int]] = field(default_factory=list)  # (ai label, final label, count)
    notes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # outcome -> [{ai, final, note}]
    names: dict[str, str] = field(default_factory=dict)  # icd10 -> condition name
    # Urgency: reviews that recorded the clinician's level, how many agreed with the AI's, and the changes.
    urgency_n: int = 0
    urgency_agree: int = 0
    urgency_changes: list[tuple[str, str, int]] = field(default_factory=list)  # (AI level, clinician level, count)

    @property
    def urgency_rate(self) -> float | None:
        return self.urgency_agree / self.urgency_n if self.urgency_n else None

    @property
    def small_sample(self) -> bool:
        """Fewer reviews than SMALL_SAMPLE: the percentages move a lot with each case."""
        return self.overall.n < SMALL_SAMPLE

    @property
    def empty(self) -> bool:
        return self.overall.assessments == 0


def final_label(differential: list[dict[str, Any]] | None, outcome: str, final_icd10: str | None) -> str | None:
    """The clinician's final ICD-10 code for a review (None: rejected without a final code)."""
    if outcome == "accepted":
        top = (differential or [None])[0]
        return top.get("icd10") if isinstance(top, dict) else None
    code = (final_icd10 or "").strip().upper()
    return code or None


def _codes(differential: list[dict[str, Any]] | None) -> list[str]:
    return [str(d.get("icd10")) for d in (differential or []) if isinstance(d, dict) and d.get("icd10")]


def _week(value: datetime | date) -> str:
    y, w, _ = value.isocalendar()
    return f"{y}-W{w:02d}"


def agreement_report(days: int | None = None, now: datetime | None = None) -> AgreementReport:
    """Compute the dashboard's numbers over assessments of the last `days` days (None: all)."""
    now = now or datetime.now(UTC)
    since = now - timedelta(days=days) if days else None
    report = AgreementReport(since=since)
    q = (
        db.select(
            Diagnosis.id, Diagnosis.created_at, Diagnosis.model_version, Diagnosis.differential, Diagnosis.abstained,
            Diagnosis.patient_id, Diagnosis.entered_by_id,
            Review.outcome, Review.final_icd10, Review.final_disease, Review.note, Review.reviewer_id,
            Diagnosis.triage_level.label("ai_level"), Review.triage_level.label("clinician_level"),
        )
        .outerjoin(Review, Review.diagnosis_id == Diagnosis.id)
        .order_by(Diagnosis.created_at)
    )
    if since is not None:
        q = q.where(Diagnosis.created_at >= since)
    names = dict(db.session.execute(db.select(Disease.icd10, Disease.name)).tuples().all())
    weekly: dict[str, Rate] = defaultdict(Rate)
    by_condition: dict[str, Rate] = defaultdict(Rate)
    by_version: dict[str, Rate] = defaultdict(Rate)
    corrections: Counter[tuple[str, str]] = Counter()
    notes: dict[str, list[dict[str, Any]]] = {"corrected": [], "rejected": []}
    name_cache: dict[int, str] = {}
    urgency_changes: Counter[tuple[str, str]] = Counter()

    for row in db.session.execute(q):
        codes = _codes(row.differential)
        for d in row.differential or []:
            if isinstance(d, dict) and d.get("icd10") and d.get("disease"):
                names.setdefault(str(d["icd10"]), str(d["disease"]))
        if row.final_icd10 and row.final_disease:
            names.setdefault(row.final_icd10, row.final_disease)
        buckets = [report.overall, weekly[_week(row.created_at)], by_version[row.model_version or "unknown"]]
        for b in buckets:
            b.assessments += 1
            b.abstained += bool(row.abstained)
        if row.outcome is None:
            continue
        if row.clinician_level:
            report.urgency_n += 1
            if row.clinician_level == row.ai_level:
                report.urgency_agree += 1
            else:
                urgency_changes[(row.ai_level, row.clinician_level)] += 1
        final = final_label(row.differential, row.outcome, row.final_icd10)
        top1 = final is not None and bool(codes) and codes[0] == final
        top3 = final is not None and final in codes[:3]
        if final:
            buckets.append(by_condition[final])
        for b in buckets:
            b.n += 1
            b.top1 += top1
            b.top3 += top3
            if row.outcome in ("accepted", "corrected", "rejected"):
                setattr(b, row.outcome, getattr(b, row.outcome) + 1)
        ai = codes[0] if codes else "(none)"
        if row.outcome == "corrected" and final and final != ai:
            corrections[(ai, final)] += 1
        if row.outcome in notes and row.note and row.note.strip():
            people = people_names((row.patient_id, row.entered_by_id, row.reviewer_id), name_cache)
            notes[row.outcome].append({"ai": ai, "final": final, "note": scrub_text(row.note, people, strict=True)[:300]})

    report.weekly = sorted(weekly.items())
    report.by_condition = sorted(
        ((code, names.get(code, code), r) for code, r in by_condition.items()), key=lambda t: (-t[2].n, t[0])
    )
    report.by_version = sorted(by_version.items(), key=lambda t: t[0])
    report.corrections = [(a, f, n) for (a, f), n in corrections.most_common(15)]
    report.notes = {k: list(reversed(v))[:MAX_NOTES] for k, v in notes.items()}  # newest first
    report.names = names
    report.urgency_changes = [(a, c, n) for (a, c), n in urgency_changes.most_common()]
    return report


def audit_view(report: AgreementReport, days: int | None) -> None:
    """The dashboard shows (scrubbed) review notes: reading them is audited, without their text."""
    shown = sum(len(v) for v in report.notes.values())
    record("agreement.read", "review", None, days=days, reviews=report.overall.n, notes_shown=shown)
    db.session.commit()


# -- charts (server-rendered PNGs: no scripts, no CDN) -----------------------------------------

CHARTS = ("weekly", "conditions", "versions")


def render_chart(report: AgreementReport, name: str) -> bytes:
    """A PNG of one dashboard chart (matplotlib, Agg backend: no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 3.6), dpi=100)
    ax = fig.add_subplot(1, 1, 1)
    if name == "weekly":
        labels = [w for w, _ in report.weekly]
        x = range(len(labels))
        for attr, title in (("top1_rate", "top-1 agreement"), ("top3_rate", "top-3 agreement"),
                            ("abstention_rate", "abstention")):
            ys = [getattr(r, attr) for _, r in report.weekly]
            ax.plot(list(x), [float("nan") if y is None else y for y in ys], marker="o", label=title)
        ax.set_xticks(list(x), labels, rotation=45, ha="right", fontsize=8)
        ax.set_title("Agreement per week")
    elif name == "conditions":
        rows = report.by_condition[:15][::-1]
        y = range(len(rows))
        ax.barh([i + 0.2 for i in y], [r.top3_rate or 0 for _, _, r in rows], height=0.4, label="top-3")
        ax.barh([i - 0.2 for i in y], [r.top1_rate or 0 for _, _, r in rows], height=0.4, label="top-1")
        ax.set_yticks(list(y), [f"{c} (n={r.n})" for c, _, r in rows], fontsize=8)
        ax.set_xlim(0, 1)
        ax.set_title("Agreement per condition (clinician's final diagnosis)")
        fig.set_size_inches(8, max(3.0, 0.35 * len(rows) + 1.2))
    elif name == "versions":
        rows = report.by_version
        x = range(len(rows))
        ax.bar([i - 0.27 for i in x], [r.top1_rate or 0 for _, r in rows], width=0.27, label="top-1")
        ax.bar(list(x), [r.top3_rate or 0 for _, r in rows], width=0.27, label="top-3")
        ax.bar([i + 0.27 for i in x], [r.abstention_rate or 0 for _, r in rows], width=0.27, label="abstention")
        ax.set_xticks(list(x), [v[:24] for v, _ in rows], rotation=20, ha="right", fontsize=8)
        ax.set_ylim(0, 1)
        ax.set_title("Agreement per model version")
    else:
        raise ValueError(f"unknown chart {name!r}")
    if name != "conditions":
        ax.set_ylim(0, 1.05)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
