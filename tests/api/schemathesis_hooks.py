"""Schemathesis hooks for the bounded run against the served hub (SCHEMATHESIS_HOOKS=tests.api.schemathesis_hooks):
federation messages (application/jose, a compact JWE) go on the wire as text.
"""

import schemathesis

schemathesis.serializer.alias("application/jose", "text/plain")
