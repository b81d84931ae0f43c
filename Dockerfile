# The hub's image: `stafett serve` by default, `stafett worker` with that command (compose.yaml runs both).
# The hub runs from its source tree (mappings/ and schemas/ are read beside the hub package), installed editable.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HUB_HOST=0.0.0.0 \
    HUB_PORT=8000 \
    HUB_DATA_DIR=/var/lib/stafett

RUN groupadd --system --gid 10001 stafett \
 && useradd --system --uid 10001 --gid stafett --home-dir /var/lib/stafett --create-home --shell /usr/sbin/nologin stafett

WORKDIR /opt/stafett
COPY pyproject.toml README.md ./
COPY hub ./hub
COPY adapters ./adapters
COPY mappings ./mappings
COPY schemas ./schemas
RUN pip install -e . && python -c "import hub.api.app"

USER stafett:stafett
WORKDIR /var/lib/stafett
EXPOSE 8000
# Ready (database reachable, schema at head), not merely alive: see /readyz in the README.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"HUB_PORT\", \"8000\")}/readyz', timeout=4)"
CMD ["stafett", "serve"]
