"""Channel variables shared by the routes and the dialplan: one place for their names.

Read by the routes (the product's Originate sets the first three on the customer channel; AMD()
sets the two AMD ones), and set by the routes for the dialplan to act on. A route always sets the
target variables before ``AGI_ROUTE``, so a call that leaves the AGI half-way never has a route
without its target.
"""

from __future__ import annotations

from typing import Final

# read
CALL_ID: Final = "DIALER_CALL_ID"  # the product's call id; agi_uniqueid (the Originate ChannelId) if unset
CAMPAIGN_ID: Final = "CAMPAIGN_ID"
LEAD_ID: Final = "LEAD_ID"
RECORD: Final = "DIALER_RECORD"  # the campaign's recording policy: all | connected | none
RECORD_LEGS: Final = "DIALER_RECORD_LEGS"  # "yes": operator and customer legs also apart
AMD_STATUS: Final = "AMDSTATUS"  # HUMAN | MACHINE | NOTSURE | HANGUP
AMD_CAUSE: Final = "AMDCAUSE"  # e.g. HUMAN-800-800, INITIALSILENCE-2500-2500, TOOLONG-4000

# set
ROUTE: Final = "AGI_ROUTE"  # operator | queue | message | abandon | hangup | survey
OPERATOR: Final = "AGI_OPERATOR"  # operator endpoint to dial, e.g. 1001 (route operator)
BRIDGE: Final = "AGI_BRIDGE"  # the operator's held ConfBridge, e.g. op1001 (route operator, nailed-up)
QUEUE: Final = "AGI_QUEUE"  # queue name (route queue)
MESSAGE: Final = "AGI_MESSAGE"  # sound to play (routes message and abandon; also read by abandon)
