"""Operations: Prometheus metrics (hub.ops.metrics, hub.ops.collectors) and readiness (hub.ops.readiness), served at
/metrics and /readyz by hub.api.operations. Nothing here reads or labels anything about a child.
"""
