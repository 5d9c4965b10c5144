"""Recordings as QA and clients reach them: found, heard, shared, exported and deleted, every
access audited (``dialer.audit``). The files themselves live behind ``recordings.RecordingStore``.

- ``search``: the QA search over calls that have a recording, scoped to the caller;
- ``access``: one recorded call the caller may reach (404 otherwise), or the call behind a link;
- ``serving``: what to send for a request with or without ``Range`` (pure plan + body stream);
- ``sharing``: expiring links scoped to the recording's client;
- ``exporting``: a selection as ZIP items with manifest rows;
- ``deletion``: a recording removed from the store and from its call.
"""
