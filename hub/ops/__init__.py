"""Operations: Prometheus metrics (hub.ops.metrics, hub.ops.collectors), readiness (hub.ops.readiness) and the
/metrics and /readyz endpoints (hub.ops.endpoints). Nothing here reads or labels anything about a child.
"""
