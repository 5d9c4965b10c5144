"""Everything that speaks AMI, and nothing of the domain.

Data flows one way: ``wire`` (bytes <-> messages) -> ``events`` (typed, immutable) -> ``tracker``
(routes each event by its class; its parts: ``call_state`` with each call's transitions, ``call_book``,
``topology`` and ``local_pairs``, ``resync``, ``adoption`` for replays, ``causes``, ``naming``) ->
``facts``, told to a ``FactListener`` the engine implements. ``endpoints`` does the same for softphone
registrations. ``connection`` is one TCP connection, ``client`` keeps it logged in and healthy and
offers the ``actions``, knowing no call; ``settings`` and ``errors`` are theirs. ``tracked`` wires a
tracker to a client (the engine builds one per server). ``replay`` drives the tracker from a capture
(``dialer trace``, tests, benchmark).
"""
