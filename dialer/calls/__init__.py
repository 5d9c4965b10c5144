"""Calls: call records and their life, dispositions, contact leasing, campaign ownership, pacing log."""
