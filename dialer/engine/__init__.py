"""The engine: the asyncio runtime that ties the PBX, the FastAGI decisions and the domain together.

Where things are:
- ``clock``: the engine's time (wall clock, or the simulator's faster one);
- ``ports``: what the engine needs from the PBX (``PbxPort``) and from storage (``CallStore``);
- ``ami_pbx``: the PBX port over ``ami.client`` (the one module that touches AMI's client);
- ``sql_store``: the store over ``dialer.calls``, ``dialer.operators`` and the leasing queries;
- ``floor``: the live calls and operators of this process, in memory (pure);
- ``outcomes``: a call's verdict from the tracker's facts (pure);
- ``facts``: the tracker's facts applied to the floor at once and to storage in order;
- ``agi``: the FastAGI decisions (operator, abandon, hang up);
- ``limits``: lines per trunk and calls per second per server;
- ``runner``: one campaign's pacing tick (pacing -> lease -> record -> originate);
- ``operators``: operator sessions (nailed-up login legs, softphones lost);
- ``reconcile``: what a starting engine does with what the last one left;
- ``service``: the ``Engine`` that runs all of it and stops it gracefully.
"""
