"""Load the knowledge base into disease records, idempotently (update, never duplicate)."""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge import KnowledgeBase
from models import Disease, db

FIELDS = ("name", "aliases", "category", "description", "urgency", "symptoms", "red_flags", "precautions")
EXTRA_FIELDS = ("onset", "triggers", "tried", "demographics")


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    def summary(self) -> str:
        lines = [f"{len(self.created)} created, {len(self.updated)} updated, {self.unchanged} unchanged"]
        lines += [f"  + {name}" for name in self.created]
        lines += [f"  ~ {name}" for name in self.updated]
        return "\n".join(lines)


def seed_diseases(kb: KnowledgeBase) -> SeedReport:
    """Upsert by ICD-10 code in one transaction; the caller's session is committed here."""
    report = SeedReport()
    existing = {d.icd10: d for d in db.session.scalars(db.select(Disease))}
    try:
        for cond in kb.conditions:
            rec = cond.to_record()
            values = {k: rec[k] for k in FIELDS}
            values["extra"] = {k: rec[k] for k in EXTRA_FIELDS}
            disease = existing.get(cond.icd10)
            if disease is None:
                db.session.add(Disease(icd10=cond.icd10, kb_version=kb.version, **values))
                report.created.append(f"{cond.icd10} {cond.name}")
                continue
            changed = [k for k, v in values.items() if getattr(disease, k) != v]
            if changed:
                for k in changed:
                    setattr(disease, k, values[k])
                disease.kb_version = kb.version
                report.updated.append(f"{cond.icd10} {cond.name} ({', '.join(changed)})")
            else:
                report.unchanged += 1
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report
