"""The FastAPI application factory: one app per database URL, every domain router, problem rendering, /healthz.

`create_app()` reads settings; tests pass a URL to run several hubs side by side.
"""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import text

from hub.api import problems
from hub.cases.endpoints import router as cases_router
from hub.children.endpoints import router as children_router
from hub.core.settings import Settings, get_settings
from hub.db.engine import make_engine, session_factory
from hub.identity.endpoints import router as identity_router
from hub.ingest.endpoints import router as ingest_router
from hub.organizations.endpoints import router as organizations_router


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Stafett hub",
        version="0.1.0",
        description="One shared child case (the BTI relay log) fed by every service's own system.",
    )
    engine = make_engine(settings.database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = session_factory(engine)
    problems.install(app)

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"status": "ok"}

    for router in (organizations_router, children_router, cases_router, ingest_router, identity_router):
        app.include_router(router)
    return app
