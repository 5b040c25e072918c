# Rekan in a container: the README's own install (`make install`) on the Python that pyproject.toml
# requires, run as an unprivileged user. compose.yaml runs it beside PostgreSQL.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# make runs the same install recipe as on a developer's machine; nothing else is added to the system.
RUN apt-get update \
    && apt-get install -y --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 --user-group rekan \
    && mkdir -p /app /data \
    && chown rekan:rekan /app /data

WORKDIR /app
USER rekan

# What `make install` needs: the Makefile, the project metadata and the three packages (an editable
# install, as on a developer's machine, so the packages must be in place before it runs).
COPY --chown=rekan:rekan pyproject.toml Makefile README.md ./
COPY --chown=rekan:rekan bot ./bot
COPY --chown=rekan:rekan adapters ./adapters
COPY --chown=rekan:rekan storage ./storage
RUN make install

ENV PATH="/app/.venv/bin:${PATH}" \
    REKAN_HTTP_PORT=3000
# Without REKAN_DATABASE_URL Rekan keeps SQLite in /data/rekan.db (mount a volume there).
WORKDIR /data
EXPOSE 3000

# What `make run` runs, without make in between: rekan is PID 1 and gets docker stop's SIGTERM itself.
CMD ["rekan", "run"]
