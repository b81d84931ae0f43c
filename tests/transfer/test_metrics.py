"""The origin hub's /metrics, scraped as Prometheus scrapes it, shows a transfer's package in the outbox while the
destination cannot take it (stafett_outbox_depth{kind="transfer.package"} 1) and gone once the worker delivered it (0).
"""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.processes import wait_until
from tests.transfer.flows import destination_caller, incoming, origin_caller, start_transfer
from tests.transfer.scenario import simple_case

KIND = "transfer.package"


def outbox_depth(hub_url: str, kind: str = KIND) -> float | None:
    answer = httpx.get(hub_url + "/metrics", timeout=10)
    assert answer.status_code == 200, answer.text
    for family in text_string_to_metric_families(answer.text):
        if family.name == "stafett_outbox_depth":
            return next((s.value for s in family.samples if s.labels.get("kind") == kind), None)
    return None


def test_outbox_depth_goes_from_one_to_zero_as_the_transfer_is_delivered(fed):
    a, b = origin_caller(fed), destination_caller(fed)
    built = simple_case(a)
    wait_until(lambda: not outbox_depth(fed.a.hub.url), timeout=60, interval=0.2, what="no package waiting before the test")
    mark = len(fed.proxy.seen)
    fed.proxy.mode = "error"  # the destination answers 503: the worker keeps the package and tries again
    transfer = start_transfer(a, built.case_id)
    wait_until(lambda: any(step == "error" for _, step in fed.proxy.seen[mark:]), timeout=30, what="a failed delivery")
    assert outbox_depth(fed.a.hub.url) == 1
    fed.proxy.mode = "pass"
    wait_until(lambda: outbox_depth(fed.a.hub.url) == 0, timeout=30, interval=0.1, what="the package delivered")
    assert incoming(b, transfer["transfer_id"])["transfer_id"] == transfer["transfer_id"]
