"""Contact bases: import, normalisation, duplicates, do-not-call lists, listing and export."""
