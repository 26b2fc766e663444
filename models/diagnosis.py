from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from knowledge import URGENCY_LEVELS
from models import db
from models._time import utcnow

TRIAGE_LEVELS = URGENCY_LEVELS  # most urgent first; the one definition is knowledge.URGENCY_LEVELS
REVIEW_OUTCOMES = ("accepted", "corrected", "rejected")


class Diagnosis(db.Model):
    """One assessment: the input, the AI output (never changed after creation) and its review."""

    __tablename__ = "diagnoses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The patient may be unknown (clinician entry without e-mail) or de-identified (account deleted).
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True, nullable=True)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True, nullable=True)
    source: Mapped[str] = mapped_column(String(16), default="clinician")  # clinician | self
    symptoms: Mapped[str] = mapped_column(Text)
    age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sex: Mapped[str | None] = mapped_column(String(8), nullable=True)
    model_version: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    # [{"disease", "icd10", "probability"}], best first
    differential: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    top_probability: Mapped[float | None] = mapped_column(Float, nullable=True)
    triage_level: Mapped[str] = mapped_column(String(16), index=True)
    triage_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    explanation: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    abstained: Mapped[bool] = mapped_column(Boolean, default=False)
    # The text fits none of the known conditions (the service abstains; the acuity layer still applies).
    out_of_scope: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Inputs that change urgency: {"temperature_c", "heart_rate", ...} and {"pregnant": bool, ...} as given.
    vitals: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    risk_factors: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # How the urgency was reached: NEWS2, the acuity rules that fired, the person as read from the text.
    triage_detail: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # Follow-up questions (app/services/interview.py): the candidates, the questions proposed, the
    # answers with the differential before and after each, the updated differential. The columns
    # above keep the first AI output; only triage_level/triage_reasons may escalate after an answer.
    interview: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    patient = relationship("User", foreign_keys=[patient_id])
    entered_by = relationship("User", foreign_keys=[entered_by_id])
    review = relationship("Review", back_populates="diagnosis", uselist=False, cascade="all, delete-orphan")

    @property
    def current_abstained(self) -> bool:
        """Abstained, as it stands after follow-up answers (answers can make a low-confidence ranking confident)."""
        state = self.interview or {}
        if state.get("answers") and "abstained" in state:
            return bool(state["abstained"])
        return bool(self.abstained)

    @property
    def triage_rank(self) -> int:
        return TRIAGE_LEVELS.index(self.triage_level) if self.triage_level in TRIAGE_LEVELS else len(TRIAGE_LEVELS)


class Review(db.Model):
    """The clinician's decision, stored beside the AI output (one per assessment)."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    diagnosis_id: Mapped[int] = mapped_column(ForeignKey("diagnoses.id", ondelete="CASCADE"), unique=True)
    outcome: Mapped[str] = mapped_column(String(16))
    final_icd10: Mapped[str | None] = mapped_column(String(10), nullable=True)
    final_disease: Mapped[str | None] = mapped_column(String(120), nullable=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The clinician's urgency, stored beside the AI's `Diagnosis.triage_level` (which never changes);
    # None on reviews made before it was asked. A level different from the AI's needs a reason.
    triage_level: Mapped[str | None] = mapped_column(String(16), nullable=True)
    triage_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    diagnosis = relationship("Diagnosis", back_populates="review")
    reviewer = relationship("User")

    @property
    def urgency_overridden(self) -> bool:
        """True when the clinician set an urgency other than the AI's."""
        return bool(self.triage_level) and self.diagnosis is not None and self.triage_level != self.diagnosis.triage_level
