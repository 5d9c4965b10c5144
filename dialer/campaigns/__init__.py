"""Campaigns: what is called, how, when, and what the operators may conclude."""
