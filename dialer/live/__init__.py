"""Live events for the pages: what happened (an operator's state, a call put through or ended, a
preview offer, survey answers, a volume alert), stored so that a page that reconnects misses
nothing, and rung to every process's streams (``publish``, ``doorbell``, ``listener``, ``feed``)."""
