# The dialer service image. One image, every role: `dialer serve --role api|engine|jobs|all`
# (docker-compose.yml runs one container per role). Checked without Docker by tests/deploy/.
FROM python:3.11.11-slim-bookworm

# ffmpeg transcodes recordings (mp3, opus). Debian's security updates are wanted, so no version pin.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ffmpeg \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY dialer dialer
COPY ami ami
COPY agi agi
COPY recordings recordings
COPY api api
COPY pbxsim pbxsim
RUN pip install --no-cache-dir .

# A fixed uid/gid so volumes shared with Asterisk (recordings spool, its call record, the operators'
# PJSIP file) can be made group-writable for gid 10001 on the Asterisk side.
RUN groupadd --system --gid 10001 dialer \
    && useradd --system --uid 10001 --gid dialer --home-dir /data --shell /usr/sbin/nologin dialer \
    && install -d -o dialer -g dialer -m 2775 /data /var/spool/asterisk/dialer /var/spool/asterisk/dialer-record

ENV DIALER_DATA_DIR=/data \
    DIALER_API_HOST=0.0.0.0 \
    DIALER_API_PORT=8000 \
    DIALER_AGI_HOST=0.0.0.0 \
    DIALER_LOG_FORMAT=json \
    PYTHONUNBUFFERED=1
VOLUME ["/data"]
EXPOSE 8000 4573
USER 10001:10001

# Ready: every part this role runs is well (database, AMI, FastAGI, engine tick, outboxes).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health/ready' % os.environ['DIALER_API_PORT'], timeout=4)"]

ENTRYPOINT ["dialer"]
CMD ["serve", "--role", "all"]
