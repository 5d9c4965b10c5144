"""Preview click-to-call: an operator sees the next contact first and clicks to call it.

The API leases the contact to the operator (``service``); a click writes a dial request to the
database (``models.PreviewRequest``), which the engine — maybe another process — picks up on its
next tick (``requests``) and dials, straight to that operator: no AMD, no abandon.
"""
