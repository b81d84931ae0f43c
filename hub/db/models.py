"""Imports every ORM module so Base.metadata knows all tables (for Alembic and the model/migration check).

Add a line here when a domain gets a models.py.
"""

from hub.archive import models as archive_models  # noqa: F401
from hub.audit import models as audit_models  # noqa: F401
from hub.auth import models as auth_models  # noqa: F401
from hub.cases import models as cases_models  # noqa: F401
from hub.children import models as children_models  # noqa: F401
from hub.consent import models as consent_models  # noqa: F401
from hub.db.base import Base
from hub.events import models as events_models  # noqa: F401
from hub.identity import models as identity_models  # noqa: F401
from hub.ingest import models as ingest_models  # noqa: F401
from hub.keys import models as keys_models  # noqa: F401
from hub.organizations import models as organizations_models  # noqa: F401
from hub.outbox import models as outbox_models  # noqa: F401
from hub.peers import models as peers_models  # noqa: F401
from hub.transfer import models as transfer_models  # noqa: F401

metadata = Base.metadata
