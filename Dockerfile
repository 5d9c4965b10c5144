# The dialer service image: the API (and, as it lands, the engine, AMI and FastAGI) in one process.
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY dialer dialer
COPY ami ami
COPY agi agi
COPY recordings recordings
COPY api api
COPY pbxsim pbxsim
RUN pip install --no-cache-dir .
ENV DIALER_DATA_DIR=/data DIALER_API_HOST=0.0.0.0
VOLUME /data
EXPOSE 8000 4573
CMD ["dialer", "serve"]
