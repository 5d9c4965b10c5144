"""Quality control: scorecards per campaign, scores of recorded calls, scores over time, and the
daily QA sample of each operator's calls.

- ``models``: scorecards (versioned per campaign) and their criteria, scores and their marks, the queue;
- ``schemas``: what a scorecard and a score must look like;
- ``scoring``: the weighted total of a score, exact (pure);
- ``scorecards``: create, read, list and replace a campaign's scorecard (frozen once used);
- ``scores``: give, change, read and list scores, each given or changed score audited;
"""
