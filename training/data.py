"""Data sources (knowledge base, CSV/JSONL files, clinician-confirmed cases) and the split.

Labels in files may be a disease name, an alias or an ICD-10 code (case-insensitive); every
row resolves to an ICD-10 code of the knowledge base or the run stops, listing the unknown
labels - nothing is added silently.
"""

from __future__ import annotations

import csv
import json
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from knowledge import DEFAULT_PATH, KnowledgeBase, load_knowledge_base

from .artifact import sha256_file
from .generator import generate_texts, normalise

HELDOUT_DIR = Path(__file__).with_name("heldout")
CONFIRMED_SOURCE = "clinician_confirmed"


class DataError(ValueError):
    """A data source cannot be used; the message says which file and why."""


@dataclass
class Example:
    text: str
    label: str  # ICD-10 code
    weight: float = 1.0
    source: str = "kb"


# -- knowledge base --------------------------------------------------------------------------


def resolve_knowledge_base(path: str | None = None) -> tuple[KnowledgeBase, str]:
    """The knowledge base (default: knowledge/diseases.json with its specialty files) and where it came from."""
    source = path or DEFAULT_PATH
    return load_knowledge_base(source), str(source)


# -- files -----------------------------------------------------------------------------------


def _read_rows(path: Path) -> list[tuple[int, dict]]:
    if not path.exists():
        raise DataError(f"{path}: no such file")
    suffix = path.suffix.lower()
    rows: list[tuple[int, dict]] = []
    if suffix == ".jsonl":
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise DataError(f"{path}:{n}: not valid JSON: {exc.msg}") from exc
                if not isinstance(row, dict):
                    raise DataError(f"{path}:{n}: each line must be a JSON object")
                rows.append((n, row))
    elif suffix == ".csv":
        with open(path, encoding="utf-8", newline="") as fh:
            for n, row in enumerate(csv.DictReader(fh), 2):
                rows.append((n, row))
    else:
        raise DataError(f"{path}: unsupported file type {suffix!r} (use .csv or .jsonl)")
    return rows


def load_labeled_file(
    path: str | Path,
    label_index: dict[str, str],
    text_column: str = "text",
    label_column: str = "label",
    source: str | None = None,
    *,
    skip_unknown: bool = False,
) -> list[Example]:
    """Rows of a .csv/.jsonl file as Examples.

    Rows whose ``source`` is ``clinician_confirmed`` keep that source (the caller weights
    them). Unknown labels raise DataError listing them, unless ``skip_unknown`` (used for
    held-out sets while the knowledge base is partial).
    """
    path = Path(path)
    rows = _read_rows(path)
    if not rows:
        raise DataError(f"{path}: no rows")
    missing = [c for c in (text_column, label_column) if c not in rows[0][1]]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)} (have: {', '.join(map(str, rows[0][1]))})")
    examples: list[Example] = []
    unknown: Counter[str] = Counter()
    for n, row in rows:
        text = row.get(text_column)
        label = row.get(label_column)
        if not isinstance(text, str) or not text.strip():
            raise DataError(f"{path}:{n}: empty or missing '{text_column}'")
        if not isinstance(label, str) or not label.strip():
            raise DataError(f"{path}:{n}: empty or missing '{label_column}'")
        code = label_index.get(label.strip().lower())
        if code is None:
            unknown[label.strip()] += 1
            continue
        row_source = source or (CONFIRMED_SOURCE if row.get("source") == CONFIRMED_SOURCE else str(path.name))
        examples.append(Example(text.strip(), code, 1.0, row_source))
    if unknown and not skip_unknown:
        listed = ", ".join(f"{k!r} ({v})" for k, v in sorted(unknown.items()))
        raise DataError(f"{path}: {sum(unknown.values())} row(s) with unknown labels: {listed}")
    return examples


def load_confirmed_cases(path: str | Path, label_index: dict[str, str], weight: float = 2.0) -> list[Example]:
    """Clinician-confirmed cases exported by the app (ICD-10 labels), weighted for training."""
    examples = load_labeled_file(path, label_index, source=CONFIRMED_SOURCE)
    for e in examples:
        e.weight = weight
    return examples


def load_heldout(
    path: str | Path | None, default_name: str, label_index: dict[str, str]
) -> tuple[list[Example], int, str | None]:
    """A hand-written held-out set, if present: (examples, rows skipped for unknown labels, path)."""
    p = Path(path) if path else HELDOUT_DIR / default_name
    if not p.exists():
        return [], 0, None
    total = len([1 for _ in _read_rows(p)])
    ex = load_labeled_file(p, label_index, source=p.stem, skip_unknown=True)
    return ex, total - len(ex), str(p)


# -- assembling and splitting ----------------------------------------------------------------


@dataclass
class Splits:
    train: list[Example]
    val: list[Example]
    test: list[Example]
    confirmed_holdout: list[Example]
    sources: list[dict]

    def class_balance(self, labels: list[str]) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for name in ("train", "val", "test", "confirmed_holdout"):
            counts = Counter(e.label for e in getattr(self, name))
            out[name] = {lab: counts.get(lab, 0) for lab in labels}
        return out


def stratified_split(
    examples: list[Example], val_fraction: float, test_fraction: float, seed: int
) -> tuple[list, list, list]:
    """Per-class split; a class with fewer than 3 examples goes to train only."""
    rng = random.Random(seed)
    by_label: dict[str, list[Example]] = defaultdict(list)
    for e in examples:
        by_label[e.label].append(e)
    train, val, test = [], [], []
    for label in sorted(by_label):
        items = by_label[label][:]
        rng.shuffle(items)
        n = len(items)
        if n < 3:
            train += items
            continue
        n_val = max(1, round(n * val_fraction)) if val_fraction > 0 else 0
        n_test = max(1, round(n * test_fraction)) if test_fraction > 0 else 0
        val += items[:n_val]
        test += items[n_val : n_val + n_test]
        train += items[n_val + n_test :]
    return train, val, test


def build_splits(
    sources: list[str],
    kb: KnowledgeBase,
    *,
    seed: int,
    texts_per_condition: int,
    val_fraction: float,
    test_fraction: float,
    confirmed_weight: float,
    confirmed_holdout_fraction: float,
    text_column: str = "text",
    label_column: str = "label",
) -> Splits:
    index = kb.label_index()
    pooled: list[Example] = []
    confirmed: list[Example] = []
    described: list[dict] = []
    for src in sources:
        if src == "kb":
            gen = generate_texts(kb, texts_per_condition, seed=seed)
            pooled += [Example(g.text, g.label, 1.0, "kb") for g in gen]
            described.append(
                {
                    "source": "kb",
                    "kind": "generated",
                    "knowledge_base_version": kb.version,
                    "sha256": kb.sha256,
                    "n": len(gen),
                    "texts_per_condition": texts_per_condition,
                }
            )
            continue
        rows = load_labeled_file(src, index, text_column, label_column)
        n_conf = 0
        for e in rows:
            if e.source == CONFIRMED_SOURCE:
                e.weight = confirmed_weight
                confirmed.append(e)
                n_conf += 1
            else:
                pooled.append(e)
        described.append(
            {
                "source": str(src),
                "kind": "file",
                "sha256": sha256_file(src),
                "n": len(rows),
                "clinician_confirmed": n_conf,
            }
        )

    # exact duplicates (case/space-insensitive): keep the first, drop conflicting labels
    seen: dict[str, str] = {}
    conflicts: set[str] = set()
    unique: list[Example] = []
    for e in pooled + confirmed:
        key = normalise(e.text)
        if key in seen:
            if seen[key] != e.label:
                conflicts.add(key)
            continue
        seen[key] = e.label
        unique.append(e)
    unique = [e for e in unique if normalise(e.text) not in conflicts]
    pooled = [e for e in unique if e.source != CONFIRMED_SOURCE]
    confirmed = [e for e in unique if e.source == CONFIRMED_SOURCE]
    if conflicts:
        described.append({"dropped_conflicting_texts": len(conflicts)})

    train, val, test = stratified_split(pooled, val_fraction, test_fraction, seed)
    holdout: list[Example] = []
    if confirmed:
        rng = random.Random(seed + 1)
        rng.shuffle(confirmed)
        n_hold = int(round(len(confirmed) * confirmed_holdout_fraction)) if len(confirmed) >= 5 else 0
        holdout, rest = confirmed[:n_hold], confirmed[n_hold:]
        train += rest
    if not train:
        raise DataError("no training examples")
    return Splits(train, val, test, holdout, described)
