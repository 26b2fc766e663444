"""The model registry: scan, promote, roll back, the `current` link, the in-process swap."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from conftest import json_load, make_user

from app.services import registry
from models import AuditEvent, ModelVersion, db


def version_of(path: Path) -> str:
    return json_load(path / "training_config.json")["version"]


@pytest.fixture
def two(models_root) -> tuple[str, str]:
    """The two tiny versions, registered; (older-seed version, newer-seed version)."""
    registry.scan_models(models_root)
    dirs = sorted(p for p in models_root.iterdir() if p.is_dir())
    versions = [version_of(p) for p in dirs]
    return versions[0], versions[1]


def served() -> list[str]:
    return list(db.session.scalars(db.select(ModelVersion.version).where(ModelVersion.is_served.is_(True))))


def link_target(root: Path) -> Path:
    return (root / "current").resolve()


def test_scan_registers_valid_artifacts_and_says_why_others_were_skipped(app, models_root):
    (models_root / "empty").mkdir()
    broken = models_root / "broken"
    shutil.copytree(next(p for p in models_root.iterdir() if p.is_dir() and p.name != "empty"), broken)
    (broken / "labels.json").write_text("{not json")
    (models_root / ".tmp-inprogress").mkdir()  # a training run still writing: ignored
    (models_root / "notes.txt").write_text("x")
    report = registry.scan_models(models_root)
    assert len(report.registered) == 2
    assert dict(report.skipped) == {"broken": "labels.json is not valid JSON (JSONDecodeError)",
                                    "empty": "config.json is missing"}
    rows = db.session.scalars(db.select(ModelVersion)).all()
    assert {r.version for r in rows} == set(report.registered)
    for r in rows:
        assert r.metrics["splits"]["test"]["n"] > 0
        assert r.data_sources[0]["source"] == "kb" and len(r.data_sources[0]["sha256"]) == 64
        assert len(r.labels) > 10 and all(len(pair) == 2 for pair in r.labels)
        assert r.trained_at is not None and Path(r.path).is_dir() and not r.is_served
    again = registry.scan_models(models_root)  # idempotent
    assert again.registered == [] and sorted(again.unchanged) == sorted(report.registered)
    assert db.session.scalar(db.select(db.func.count(ModelVersion.id))) == 2


def test_scan_skips_the_current_link(app, models_root, two):
    registry.promote(two[0])
    report = registry.scan_models(models_root)
    assert report.registered == [] and report.skipped == []


def test_promote_serves_exactly_one_points_current_and_swaps(app, models_root, two):
    holder = app.extensions["model_holder"]
    assert not holder.ready  # the testing app starts degraded
    ml = make_user("ml", "ml-promoter@example.org")
    a, b = two
    result = registry.promote(a, ml)
    assert result.previous is None and result.link_warning is None
    assert served() == [a] and holder.version == a
    assert link_target(models_root) == (models_root / a).resolve()
    assert not os.path.isabs(os.readlink(models_root / "current"))  # relative: the instance folder may move
    row = registry.get_version(a)
    assert row.promoted_by_id == ml.id and row.promoted_at is not None

    registry.promote(b, ml)
    assert served() == [b] and holder.version == b
    assert link_target(models_root) == (models_root / b).resolve()
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "model.promote").order_by(AuditEvent.id)).all()
    assert [(e.details["from"], e.details["to"]) for e in events] == [(None, a), (a, b)]
    assert events[-1].actor_id == ml.id
    assert not [p for p in models_root.iterdir() if p.name.startswith(".current")]  # no temp links left


def test_a_new_prediction_reports_the_promoted_version(app, models_root, two):
    holder = app.extensions["model_holder"]
    for v in two:
        registry.promote(v)
        loaded = holder.current
        preds = loaded.classifier.predict(["fever, cough and aching muscles"], top_k=3)[0]
        assert loaded.version == v and len(preds) == 3
        assert {p.icd10 for p in preds} <= {code for _, code in loaded.classifier.labels}


def test_rollback_walks_back_through_the_history(app, models_root, two):
    a, b = two
    holder = app.extensions["model_holder"]
    with pytest.raises(registry.RegistryError, match="no earlier promoted version"):
        registry.rollback()
    registry.promote(a)
    registry.promote(b)
    assert registry.rollback_target() == a
    result = registry.rollback()
    assert (result.version, result.previous, result.action) == (a, b, "model.rollback")
    assert served() == [a] and holder.version == a and link_target(models_root) == (models_root / a).resolve()
    ev = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "model.rollback")).one()
    assert ev.details["from"] == b and ev.details["to"] == a
    # a second rollback does not flip back to b: there is nothing before a
    with pytest.raises(registry.RegistryError, match="no earlier promoted version"):
        registry.rollback()
    registry.promote(b)
    assert registry.rollback_target() == a


def test_promote_of_a_corrupt_artifact_changes_nothing(app, models_root, two):
    a, b = two
    holder = app.extensions["model_holder"]
    registry.promote(a)
    before_events = db.session.scalar(db.select(db.func.count(AuditEvent.id)))
    (models_root / b / "model.safetensors").write_bytes(b"this is not a safetensors file")
    with pytest.raises(registry.RegistryError, match=f"model {b} could not be loaded, nothing changed"):
        registry.promote(b)
    assert served() == [a] and holder.version == a
    assert link_target(models_root) == (models_root / a).resolve()
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == before_events
    assert registry.get_version(b).promoted_at is None


def test_promote_refuses_an_artifact_that_is_another_version(app, models_root, two):
    a, b = two
    registry.promote(a)
    # someone copied a's files over b's directory: the registry row and the artifact disagree
    shutil.rmtree(models_root / b)
    shutil.copytree(models_root / a, models_root / b)
    with pytest.raises(registry.RegistryError, match=f"reports version {a}, not {b}"):
        registry.promote(b)
    assert served() == [a] and app.extensions["model_holder"].version == a


def test_promote_unknown_version(app, models_root, two):
    with pytest.raises(registry.UnknownVersion):
        registry.promote("no-such-version")


def test_a_real_current_directory_is_left_alone_with_a_warning(app, models_root, two):
    (models_root / "current").mkdir()
    result = registry.promote(two[0])
    assert result.link_warning and "real directory" in result.link_warning
    assert served() == [two[0]] and (models_root / "current").is_dir() and not (models_root / "current").is_symlink()


def test_swap_during_concurrent_predictions_causes_no_error(app, models_root, two):
    """Requests keep the snapshot they took (Loaded is immutable) while promotions swap models."""
    from app.services.inference import get_batcher

    a, b = two
    holder = app.extensions["model_holder"]
    registry.promote(a)
    batcher = get_batcher(app)
    errors: list[BaseException] = []
    done = threading.Event()
    counts = {"n": 0}

    def worker():
        while not done.is_set():
            loaded = holder.current  # the snapshot this "request" uses
            try:
                preds = batcher.predict(loaded.classifier, "headache and a stiff neck since this morning", top_k=3)
                assert len(preds) == 3
                assert {p.icd10 for p in preds} <= {c for _, c in loaded.classifier.labels}
                counts["n"] += 1
            except BaseException as exc:  # noqa: BLE001 - collected for the assertion
                errors.append(exc)
                return

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for v in (b, a, b):
            registry.promote(v)
    finally:
        done.set()
        for t in threads:
            t.join(timeout=30)
    assert errors == []
    assert counts["n"] > 0 and holder.version == b


def test_a_new_worker_follows_the_database(app_factory, tmp_path, tiny_model_pair):
    """A process that starts from MODEL_DIR switches to the DB's served version on its first sync."""
    a_dir, b_dir = tiny_model_pair
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    first = app_factory(SQLALCHEMY_DATABASE_URI=url, MODEL_DIR=str(a_dir), MODELS_ROOT=str(tmp_path / "models"))
    with first.app_context():
        db.create_all()
        (tmp_path / "models").mkdir()
        shutil.copytree(b_dir, tmp_path / "models" / version_of(b_dir))
        registry.scan_models(tmp_path / "models")
        registry.promote(version_of(b_dir))
    second = app_factory(SQLALCHEMY_DATABASE_URI=url, MODEL_DIR=str(a_dir), MODELS_ROOT=str(tmp_path / "models"))
    holder = second.extensions["model_holder"]
    assert holder.version == version_of(a_dir)  # start-up default: MODEL_DIR
    with second.app_context():
        body = second.test_client().get("/api/v1/health").get_json()  # any sync point
    assert body["model_version"] == version_of(b_dir) and holder.version == version_of(b_dir)


def test_cli_scan_list_promote_rollback(app, runner, models_root):
    out = runner.invoke(args=["models", "scan"])
    assert out.exit_code == 0, out.output
    assert "registered 2" in out.output
    a, b = sorted(version_of(p) for p in models_root.iterdir() if p.is_dir())
    assert runner.invoke(args=["models", "promote", a]).exit_code == 0
    out = runner.invoke(args=["models", "promote", b])
    assert out.exit_code == 0 and f"serving {b} (was {a})" in out.output
    listing = runner.invoke(args=["models", "list"]).output
    assert f"* {b}" in listing and f"  {a}" in listing and "accuracy" in listing
    out = runner.invoke(args=["models", "rollback"])
    assert out.exit_code == 0 and f"rolled back to {a}" in out.output
    assert served() == [a]
    ev = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "model.rollback")).one()
    assert ev.details["via"] == "cli" and ev.actor_id is None
    bad = runner.invoke(args=["models", "promote", "nope"])
    assert bad.exit_code != 0 and "no registered model version 'nope'" in bad.output
    assert served() == [a]


def test_cli_list_when_empty(app, runner):
    assert "no model versions registered" in runner.invoke(args=["models", "list"]).output


def test_metric_summary_and_compare(app, models_root, two):
    a, b = (registry.get_version(v) for v in two)
    s = registry.metric_summary(a.metrics)
    assert 0.0 <= s["accuracy"] <= 1.0 and 0.0 <= s["top3_accuracy"] <= 1.0 and s["ece_before"] is not None
    assert s["accuracy"] == a.metrics["splits"]["test"]["accuracy"]
    cmp = registry.compare(a, b)
    row = next(r for r in cmp.rows if r["key"] == "accuracy")
    assert row["delta"] == pytest.approx(row["b"] - row["a"])
    assert cmp.per_class and all(set(r) == {"label", "a", "b", "delta"} for r in cmp.per_class)
