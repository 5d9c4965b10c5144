"""Monthly and daily reports."""
