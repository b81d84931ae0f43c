"""The FastAPI application factory: one app per database URL, every domain router, problem rendering, /healthz
(liveness), /readyz and /metrics (hub.ops), and the hub's keys made sure of at start-up.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from adapters import registry as adapter_registry
from hub.api import openapi, problems
from hub.api.edges import BodyLimit, NoStore
from hub.api.operations import router as ops_router
from hub.audit import service as audit_service
from hub.audit.endpoints import router as audit_router
from hub.auth import ratelimit
from hub.auth.endpoints import router as auth_router
from hub.auth.gate import SigningKeys, TokenGate
from hub.cases.endpoints import router as cases_router
from hub.children.endpoints import router as children_router
from hub.consent.endpoints import router as consent_router
from hub.core.logging import install_access_log
from hub.core.settings import Settings, get_settings
from hub.db.checkpoint import WalCheckpointer
from hub.db.engine import make_engine, session_factory, session_scope
from hub.export.endpoints import router as export_router
from hub.family.endpoints import router as family_router
from hub.federation.endpoints import router as federation_router
from hub.fhir.endpoints import router as fhir_router
from hub.identity.endpoints import router as identity_router
from hub.ingest.endpoints import router as ingest_router
from hub.keys.service import ensure_keys
from hub.ops import collectors, metrics, readiness
from hub.organizations.endpoints import router as organizations_router
from hub.school_pull.endpoints import router as school_pull_router
from hub.transfer.endpoints import router as transfer_router

log = logging.getLogger("hub.api")

ROUTERS = (
    auth_router,
    organizations_router,
    children_router,
    cases_router,
    export_router,
    school_pull_router,
    consent_router,
    ingest_router,
    identity_router,
    family_router,
    audit_router,
    transfer_router,
    federation_router,
    fhir_router,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    # SQLite: the log is checkpointed by the lifespan's background thread, never inside a request's commit.
    engine = make_engine(settings.database_url, checkpoint_in_background=True)
    checkpointer = WalCheckpointer(engine, interval=settings.wal_checkpoint_seconds, analyze_interval=settings.sqlite_analyze_seconds)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if not settings.public_url:
            log.warning(
                "HUB_PUBLIC_URL is not set: tokens are issued for and checked against %s (the address served); "
                "set it to the URL callers use", settings.base_url,
            )
        if settings.oidc_issuer and not settings.oidc_audience:
            log.warning("HUB_OIDC_AUDIENCE is not set: no ID token is accepted, guardians and young people cannot log in")
        with session_scope(engine) as session:
            ensure_keys(session, settings=settings)
        adapter_registry.warm_up(settings.validation_workers)
        checkpointer.start()
        try:
            yield
        finally:
            checkpointer.stop()

    app = FastAPI(
        title="Stafett hub",
        version="0.1.0",
        description="One shared child case (the BTI relay log) fed by every service's own system.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.checkpointer = checkpointer
    app.state.sessionmaker = session_factory(engine)
    app.state.sessionmaker.configure(info=audit_service.session_info(settings))  # the audit's person-reference key
    app.state.signing_keys = SigningKeys(engine)
    app.state.token_buckets = ratelimit.token_buckets(settings)
    app.state.metrics_registry = collectors.registry_for(engine, validation_workers=settings.validation_workers)
    app.state.migration_heads = readiness.migration_heads(settings.database_url)
    problems.install(app)
    openapi.install(app)
    # Outermost last: no-store on every answer, the access log, the body cap, then the token gate (before any body).
    app.add_middleware(TokenGate)
    app.add_middleware(BodyLimit)
    install_access_log(app, observe=metrics.observe_request)
    app.add_middleware(NoStore)

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        """Liveness: the process answers (no database call: a database outage is /readyz's to report, and restarting
        a hub that waits for its database would not help)."""
        return {"status": "ok"}

    app.include_router(ops_router)
    for router in ROUTERS:
        app.include_router(router)
    return app
