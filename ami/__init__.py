"""Everything that speaks AMI, and nothing of the domain.

Data flows one way: ``wire`` (bytes <-> messages) -> ``events`` (typed, immutable) -> ``tracker``
(a state machine per call; ``call_state``, ``causes``, ``naming`` are its parts) -> ``facts``, told to a
``FactListener`` the engine implements. ``endpoints`` does the same for softphone registrations.
``connection`` is one TCP connection, ``client`` keeps it logged in and healthy and offers the
``actions``; ``settings`` and ``errors`` are theirs. ``replay`` drives the tracker from a capture
(``dialer trace``, tests, benchmark).
"""
