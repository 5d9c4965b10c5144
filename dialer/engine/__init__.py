"""The engine: the asyncio runtime that ties the PBX, the FastAGI decisions and the domain together.

Where things are:
- ``clock``: the engine's time (wall clock, or the simulator's faster one);
- ``ports``: what the engine needs from the PBX (``PbxPort``) and from storage (``CallStore``);
- ``ami_pbx``: the PBX port over ``ami.client`` (the one module that touches AMI's client);
- ``sql_store``: the store over ``dialer.calls``, ``dialer.operators.presence`` and the leasing;
- ``plan``: a running campaign's figures (profile, ring and connect limits, wrap-up, connection);
- ``floor``: the live calls and operators of this process, in memory (pure);
- ``outcomes``: a call's verdict from the tracker's facts (pure);
- ``fact_handler``: the tracker's facts applied to the floor at once and to storage in order;
- ``writer``: storage writes in order, a call's early facts held for its next durable write;
- ``agi``: the FastAGI decisions (operator, abandon, hang up);
- ``limits``: lines per trunk, calls per second per trunk and server;
- ``runner``: one campaign's pacing tick (pacing -> lease -> record -> originate);
- ``operators``: operator sessions (nailed-up login legs, timed wrap-ups);
- ``autofinish``: a running campaign finished by itself once its contacts are exhausted;
- ``reconcile``: what a starting engine does with what the last one left;
- ``recording_filer``: each ended call's MixMonitor file checked, transcoded and filed, off the loop;
- ``service``: the ``Engine`` that ticks all of it and stops it gracefully;
- ``runtime``: the whole of it wired from settings, with the AMI connections and the FastAGI server.
"""
