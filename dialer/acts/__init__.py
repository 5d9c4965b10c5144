"""Acceptance acts."""
