"""What a simulated customer types at the survey's prompts, and what Asterisk answers for it.

A customer's ``dtmf`` is either a running string of keys (``"12"``: each GET DATA takes up to its
max digits) or one entry per prompt (``["1", "", "4#", "hangup"]``): the keys typed at that prompt,
``""`` for none, ``"hangup"`` to hang up while it plays.

The replies follow res_agi's ``GET DATA`` (``handle_getdata`` on ``ast_app_getdata_full``): input
ends at max digits (``200 result=12``) or at ``#`` (not returned); otherwise it times out, with the
keys typed so far (``200 result=1 (timeout)``, ``200 result= (timeout)`` for none). ``WAIT FOR
DIGIT`` answers the key's code (``200 result=49`` for ``1``), ``200 result=0`` on timeout (capture
c1). A hang-up during either answers ``200 result=-1`` and the ``HANGUP`` notice (agi_client).
"""

from __future__ import annotations

from dataclasses import dataclass, field

HANG_UP = "hangup"
TERMINATOR = "#"


@dataclass
class Keypad:
    """The keys one customer has still to type."""

    keys: str = ""  # a running string: each prompt takes what it can
    prompts: list[str] | None = None  # one entry per prompt, in order
    asked: int = 0  # prompts played so far
    history: list[str] = field(default_factory=list)  # what was typed (or HANG_UP) at each prompt

    @classmethod
    def of(cls, dtmf: str | tuple[str, ...]) -> Keypad:
        if isinstance(dtmf, str):
            return cls(keys=dtmf)
        return cls(prompts=list(dtmf))

    def at_prompt(self, max_digits: int) -> str:
        """What the customer does at the next prompt: the keys typed, ``""`` or :data:`HANG_UP`."""
        self.asked += 1
        if self.prompts is None:
            entry, self.keys = self.keys[:max_digits], self.keys[max_digits:]
        else:
            entry = self.prompts.pop(0) if self.prompts else ""
        self.history.append(entry)
        return entry


def get_data_reply(entry: str, max_digits: int) -> tuple[str, bool]:
    """GET DATA's reply line for the keys typed, and whether input ended by the timeout."""
    limit = max(1, max_digits)
    if TERMINATOR in entry:
        return f"200 result={entry.split(TERMINATOR, 1)[0][:limit]}\n", False
    if len(entry) >= limit:
        return f"200 result={entry[:limit]}\n", False
    return f"200 result={entry} (timeout)\n", True


def wait_for_digit_reply(entry: str) -> tuple[str, bool]:
    """WAIT FOR DIGIT's reply line for the keys typed (the first one counts), and whether it timed out."""
    if entry:
        return f"200 result={ord(entry[0])}\n", False
    return "200 result=0\n", True
