# syntax=docker/dockerfile:1
# The bot as an image: docker build -t eventbot . ; settings come from the environment (docs/deployment.md).
# Dependencies are exactly requirements.lock, every file checked against its hash.

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
COPY requirements.lock /tmp/requirements.lock
RUN /opt/venv/bin/pip install --require-hashes -r /tmp/requirements.lock
# The morfeusz2 wheel carries the SGJP dictionaries; loading them here fails the build, not the
# first start, if they did not come with it.
RUN /opt/venv/bin/python -c "import morfeusz2; assert morfeusz2.Morfeusz(generate=True).analyse('konferencji')"

FROM python:3.11-slim
# The web server listens on every interface of the container (Caddy or the host reach it there);
# /healthz, /readyz and /metrics also on a port of their own, which long polling needs and which
# keeps /metrics off the webhooks' port; the default SQLite database goes to the volume.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    BOT_HOST=0.0.0.0 \
    BOT_PORT=8080 \
    BOT_HEALTH_PORT=9090 \
    DATABASE_URL=sqlite+aiosqlite:////var/lib/eventbot/bot.db
RUN groupadd --system --gid 10001 eventbot \
    && useradd --system --uid 10001 --gid eventbot --home-dir /var/lib/eventbot --create-home \
       --shell /usr/sbin/nologin eventbot
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# The bot runs from its source tree (`python -m bot` from /app), where it also finds data/.
COPY bot/ bot/
COPY handlers/ handlers/
COPY scheduler/ scheduler/
COPY deploy/healthcheck.py deploy/healthcheck.py
# Organisers may replace the data file by sending one to the bot, so data/ belongs to the bot's user.
COPY --chown=eventbot:eventbot data/ data/
RUN python -m compileall -q bot handlers scheduler
USER eventbot
VOLUME ["/var/lib/eventbot"]
EXPOSE 8080 9090
# Asks /healthz on BOT_HEALTH_PORT (else BOT_PORT), so it works with long polling and webhooks alike.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "deploy/healthcheck.py"]
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot", "run"]
