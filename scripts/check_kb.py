#!/usr/bin/env python
"""Check knowledge-base content before it lands: schema, ICD-10, lint, red-flag examples.

    python scripts/check_kb.py                       # everything (as the tests do)
    python scripts/check_kb.py knowledge/conditions/gi_liver.json --draft
                                                     # one specialty file and its red flags; --draft
                                                     # skips the second-reviewer check

Prints one line per problem and exits 1 when there is any.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from knowledge import DEFAULT_PATH, KnowledgeBaseError, load_knowledge_base, parse_knowledge_base  # noqa: E402
from knowledge.flag_library import FlagLibraryError, load_flag_library  # noqa: E402
from knowledge.lint import condition_problems, icd10_problems, library_problems  # noqa: E402


def example_problems(library, file_names: set[str] | None) -> list[str]:
    from app.services.acuity import AcuityIndex, read_person

    index = AcuityIndex(library)
    problems = []
    for f in library.findings:
        if file_names is not None and f.file not in file_names:
            continue
        for text in f.fires:
            if f.id not in {x["id"] for x in index.match(text, read_person(text))}:
                problems.append(f"finding {f.id} ({f.file}): example does not fire: {text!r}")
        for text in f.does_not_fire:
            if f.id in {x["id"] for x in index.match(text, read_person(text))}:
                problems.append(f"finding {f.id} ({f.file}): example fires but must not: {text!r}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", help="condition files to report on (default: all)")
    parser.add_argument("--draft", action="store_true", help="do not require a second reviewer yet")
    args = parser.parse_args(argv)
    names = {Path(f).name for f in args.files} or None
    try:
        library = load_flag_library()
        if names is None:
            kb = load_knowledge_base()
        else:  # only the named files beside the main one: another writer's draft cannot block this check
            parts = [(Path(f).name, json.loads(Path(f).read_text())) for f in args.files if Path(f).name != DEFAULT_PATH.name]
            kb = parse_knowledge_base(json.loads(DEFAULT_PATH.read_text()), parts=parts, library=library.by_id)
    except (KnowledgeBaseError, FlagLibraryError, ValueError, OSError) as exc:
        print(f"ERROR {exc}")
        return 1
    conditions = [c for c in kb.conditions if names is None or c.file in names or (not c.file and "diseases.json" in names)]
    ids = {f.id for f in library.findings}
    problems = [p for p in icd10_problems(kb) if any(p.startswith(c.name + ":") for c in conditions)]
    problems += [p for p in library_problems(library)
                 if names is None or any(f.file in names and f.id in p for f in library.findings)]
    for c in conditions:
        problems += condition_problems(c, ids, require_review=not args.draft)
    problems += example_problems(library, names)
    for p in problems:
        print(p)
    print(f"{len(conditions)} conditions, {len(library.findings)} findings checked: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
