"""Daily scheduled work (retention, daily packs, reports, QA sampling, act deadlines).

A job is a plain async function with a time of day (``definition.Job``); packages expose ``JOBS`` and are
listed in ``catalog.JOB_MODULES``. ``scheduler.JobScheduler`` runs each due job once per UTC day in
``dialer serve``; the ``job_runs`` table makes that once even across restarts and several engines.
"""
