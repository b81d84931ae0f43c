"""The outbox's settings are HUB_OUTBOX_*; the names they had as transfer settings (HUB_TRANSFER_*) still work, and
the new name wins where both are set."""

from __future__ import annotations

from hub.core.settings import Settings

RENAMED = {
    "max_attempts": ("3", 3),
    "backoff_seconds": ("0.5", 0.5),
    "backoff_max_seconds": ("9", 9.0),
    "http_timeout_seconds": ("4", 4.0),
    "lease_seconds": ("7", 7.0),
    "batch_size": ("11", 11),
}


def test_old_names_still_set_the_outbox_settings(monkeypatch):
    for name, (text, _) in RENAMED.items():
        monkeypatch.setenv(f"HUB_TRANSFER_{name.upper()}", text)
    settings = Settings()
    assert {name: getattr(settings, f"outbox_{name}") for name in RENAMED} == {name: value for name, (_, value) in RENAMED.items()}


def test_the_new_name_wins_and_defaults_are_unchanged(monkeypatch):
    defaults = Settings()
    assert (defaults.outbox_max_attempts, defaults.outbox_backoff_seconds, defaults.outbox_backoff_max_seconds) == (10, 2.0, 600.0)
    assert (defaults.outbox_http_timeout_seconds, defaults.outbox_lease_seconds, defaults.outbox_batch_size) == (15.0, 120.0, 20)
    monkeypatch.setenv("HUB_TRANSFER_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("HUB_OUTBOX_MAX_ATTEMPTS", "5")
    assert Settings().outbox_max_attempts == 5
    assert Settings(outbox_max_attempts=4).outbox_max_attempts == 4
