"""The served hub's process tuning: start-up objects frozen out of full collections, fewer young collections."""

from __future__ import annotations

import gc

from hub.core.runtime import GC_THRESHOLDS, tune_gc_for_serving


def test_tuning_freezes_start_up_and_raises_thresholds():
    before = gc.get_threshold()
    try:
        tune_gc_for_serving()
        assert gc.get_threshold() == GC_THRESHOLDS
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_serve_tunes_the_process_before_it_listens(monkeypatch, tmp_path):
    from hub.cli import main as cli
    from hub.core.settings import Settings

    seen = []
    monkeypatch.setattr("hub.core.logging.configure", lambda level: None)  # leave the test run's logging alone
    monkeypatch.setattr("hub.core.runtime.tune_gc_for_serving", lambda: seen.append("tuned"))
    monkeypatch.setattr(cli.uvicorn, "run", lambda app, **kw: seen.append(("run", kw["port"])))
    cli._serve(Settings(database_url=f"sqlite:///{tmp_path / 'hub.db'}"), "127.0.0.1", 8123)
    assert seen == ["tuned", ("run", 8123)]
