"""Quality control: scorecards per campaign, scores of recorded calls, scores over time, and the
daily QA sample of each operator's calls.

- ``models``: scorecards (versioned per campaign) and their criteria, scores and their marks, the queue;
- ``schemas``: what a scorecard and a score must look like;
- ``scoring``: the weighted total of a score, exact (pure);
- ``scorecards``: create, read, list and replace a campaign's scorecard (frozen once used);
- ``scores``: give, change, read and list scores, each given or changed score audited;
- ``trends``: averages per operator or campaign by day, week or month, per criterion too (pure);
- ``statistics``: the caller's scores in a date range, averaged by ``trends``;
- ``sampling``: the daily random sample per operator and campaign (pure, seeded);
- ``queue``: the QA queue filled with the sample, listed and claimed; done once scored;
- ``jobs``: the daily ``qa-sample`` job (``dialer jobs run qa-sample``).
"""
