"""Property-based fuzzing (hypothesis) of the domain services: triage, input cleaning, findings,
the whole assessment path with a real tiny model, and the knowledge-base parser.

Properties: no input crashes them; the triage level is always one of the four; emergency
phrases are never downgraded by surrounding noise; the knowledge-base parser only ever raises
KnowledgeBaseError. Example counts are modest so the file runs in seconds.
"""

from __future__ import annotations

import copy
import json
from types import SimpleNamespace

import pytest
from conftest import make_user
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.services.explain import findings_for, has_symptom_content, symptom_vocabulary
from app.services.triage import LEVELS, triage
from knowledge import KnowledgeBaseError, load_knowledge_base, parse_knowledge_base

KB = load_knowledge_base()
RECORDS = [c.to_record() for c in KB.conditions]
DISEASES = [SimpleNamespace(**{k: r[k] for k in ("name", "icd10", "urgency", "symptoms", "red_flags", "precautions",
                                                 "description", "category")}) for r in RECORDS]
BY_CODE = {d.icd10: d for d in DISEASES}
VOCAB = symptom_vocabulary(DISEASES)
CODES = [d.icd10 for d in DISEASES]

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that mixes arbitrary unicode with real clinical and lay words, negations and punctuation.
WORDS = st.sampled_from([
    "chest pain", "no", "not", "without", "denies", "fever", "short of breath", "sweating", "headache", "rash",
    "stiff neck", "cough", "blood", "faint", "never", "but", ",", ".", ";", "!", "?", "\n", "  ", "I", "my",
    "severe", "sudden", "worst", "tummy", "belly", "suicidal", "swollen tongue", "can't breathe",
])
TEXT = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=40).map(" ".join),
    st.text(alphabet=st.characters(categories=("L", "M", "N", "P", "S", "Z", "C")), max_size=200),
)
DIFFERENTIAL = st.lists(
    st.fixed_dictionaries({
        "icd10": st.one_of(st.sampled_from(CODES), st.text(max_size=6)),
        "disease": st.text(max_size=30),
        "probability": st.one_of(st.floats(0, 1), st.floats(allow_nan=True, allow_infinity=True), st.integers(-5, 5)),
    }),
    max_size=6,
)


@FAST
@given(text=TEXT, differential=st.one_of(st.none(), DIFFERENTIAL), abstained=st.booleans())
def test_triage_never_crashes_and_level_is_known(text, differential, abstained):
    result = triage(text, differential, DISEASES, abstained=abstained)
    assert result.level in LEVELS
    assert all(isinstance(r, str) and r for r in result.reasons)
    assert result.reasons, "a level must always come with a reason"
    if abstained or not differential:
        assert LEVELS.index(result.level) <= LEVELS.index("routine"), "unsure -> at least routine"


@FAST
@given(prefix=TEXT, suffix=TEXT)
def test_an_emergency_stays_an_emergency_whatever_surrounds_it(prefix, suffix):
    """Noise around an affirmed emergency sentence never downgrades it (negation is per clause)."""
    text = f"{prefix}.\nI have crushing chest pain and I am short of breath.\n{suffix}"
    assert triage(text, None, DISEASES, abstained=True).level == "emergency"


@FAST
@given(text=TEXT, differential=DIFFERENTIAL)
def test_findings_and_symptom_content_never_crash(text, differential):
    assert isinstance(has_symptom_content(text, VOCAB), bool)
    good = [d for d in differential if isinstance(d.get("icd10"), str)]
    out = findings_for(text, good, BY_CODE)
    assert isinstance(out, dict)


ANY_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


@pytest.fixture
def ctx_app(app_factory):
    application = app_factory()
    with application.app_context():
        yield application


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(symptoms=st.one_of(TEXT, ANY_VALUE), age=st.one_of(st.integers(-10**6, 10**6), ANY_VALUE),
       sex=st.one_of(st.sampled_from(["female", "male", "", "FEMALE", "other"]), ANY_VALUE))
def test_clean_input_accepts_or_names_the_field(ctx_app, symptoms, age, sex):
    from app.services.assessment import SEXES, InvalidInput, clean_input

    try:
        text, clean_age, clean_sex = clean_input(symptoms, age, sex)
    except InvalidInput as exc:
        assert exc.fields and set(exc.fields) <= {"symptoms", "age", "sex"}
        assert exc.message
        return
    assert isinstance(text, str) and text == text.strip() and len(text) >= 3
    assert clean_age is None or (isinstance(clean_age, int) and 0 <= clean_age <= 120)
    assert clean_sex in (None, *SEXES)


@pytest.fixture
def model_app(app_factory, tiny_model_dir):
    from app.services.seed import seed_diseases

    application = app_factory(MODEL_DIR=str(tiny_model_dir))
    with application.app_context():
        seed_diseases(KB)
        yield application


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(symptoms=TEXT, age=st.one_of(st.none(), st.integers(-5, 130)), sex=st.sampled_from([None, "", "female", "male", "x"]))
def test_create_assessment_with_a_real_model(model_app, symptoms, age, sex):
    """The whole path (validation, real tiny model, triage, storage): a 4-level result or a clear refusal."""
    from app.services import assessment as svc
    from models import User, db

    actor = db.session.scalar(db.select(User).where(User.role == "clinician")) or make_user("clinician")
    try:
        d = svc.create_assessment(symptoms, age, sex, actor=actor)
    except svc.InvalidInput as exc:
        assert exc.status == 422 and exc.fields
        return
    assert d.id and d.triage_level in LEVELS
    probs = [item["probability"] for item in d.differential]
    assert probs == sorted(probs, reverse=True) and all(0 <= p <= 1 for p in probs)
    assert isinstance(d.abstained, bool)
    body = svc.to_dict(d)
    json.dumps(body)  # the API body is always serialisable
    assert body["triage"]["level"] in LEVELS


# -- the knowledge-base parser ----------------------------------------------------------------------

@FAST
@given(data=ANY_VALUE)
def test_parse_knowledge_base_only_raises_its_own_error(data):
    try:
        parse_knowledge_base(data)
    except KnowledgeBaseError as exc:
        assert str(exc)


@FAST
@given(conditions=st.lists(st.dictionaries(st.sampled_from(list(RECORDS[0])), ANY_VALUE, max_size=8), max_size=3),
       version=ANY_VALUE)
def test_parse_knowledge_base_with_known_keys_and_junk_values(conditions, version):
    try:
        parse_knowledge_base({"version": version, "conditions": conditions})
    except KnowledgeBaseError as exc:
        assert str(exc)


def _paths(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, (*prefix, i))


@settings(max_examples=120, deadline=None)
@given(index=st.integers(0, len(RECORDS) - 1), pick=st.integers(0, 10**6), value=ANY_VALUE,
       delete=st.booleans())
def test_one_mutation_of_a_real_condition_is_accepted_or_named(index, pick, value, delete):
    """Change or delete one field anywhere inside a real, valid condition."""
    record = copy.deepcopy(RECORDS[index])
    paths = [p for p in _paths(record) if p]
    path = paths[pick % len(paths)]
    parent = record
    for key in path[:-1]:
        parent = parent[key]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    assume(record != RECORDS[index])
    try:
        kb = parse_knowledge_base({"version": "fuzz", "conditions": [record]})
    except KnowledgeBaseError as exc:
        assert str(exc).startswith("condition #1"), str(exc)
    else:
        assert len(kb.conditions) == 1
