"""What an operator of the centre watches: health probes, Prometheus metrics and structured logs.

``metrics`` holds every metric's definition (one registry); ``logs`` the log format and the context
(call, campaign, request) each line carries; ``health`` the liveness and readiness answers and the
sampling of the live figures at scrape time. Nothing here imports the API.
"""
