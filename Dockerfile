# graphsvc, for docker-compose.yml (with Neo4j) or on its own (embedded store under /data).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # The embedded store's file, and in any case the local keys kept beside it.
    GRAPHSVC_DB=/data/graphsvc.db

WORKDIR /app
COPY pyproject.toml README.md ./
COPY graphsvc ./graphsvc
# The Neo4j store's Cypher files: installed into the package (graphsvc.cypher, see pyproject.toml).
COPY cypher ./cypher
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /data graphsvc \
    && mkdir -p /data && chown graphsvc /data

USER graphsvc
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status == 200 else 1)"]
CMD ["graphsvc", "serve", "--host", "0.0.0.0", "--port", "8000"]
