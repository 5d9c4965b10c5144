"""What Asterisk makes of a SIP error answer to its INVITE (pure).

chan_pjsip turns the final response into a Q.850 cause (``hangup_sip2cause`` in chan_pjsip.c); the
dial API publishes DialEnd's DialStatus from that cause (``ast_hangup_cause_to_dial_status`` in
main/dial.c); the CDR's disposition follows the DialStatus (``dial_status_to_disposition`` in
main/cdr.c, with ``congestion = yes`` as the captures show). The captures b1 (486), b3 (404) and b4
(503) agree with these tables; the other answers are read from the same source.
"""

from __future__ import annotations

_CAUSE_BY_SIP: dict[int, int] = {
    401: 21,
    403: 21,
    404: 1,  # unallocated number
    405: 127,
    407: 21,
    408: 18,
    409: 41,
    410: 22,  # number changed
    411: 127,
    413: 127,
    414: 127,
    415: 127,
    420: 3,  # no route to destination
    480: 19,
    481: 127,
    482: 127,
    483: 19,
    484: 28,  # invalid number format
    485: 1,
    486: 17,
    487: 127,
    488: 58,
    491: 127,
    493: 127,
    500: 38,
    501: 29,
    502: 27,  # destination out of order
    503: 34,
    504: 102,
    505: 127,
    600: 17,
    603: 21,
    604: 1,
    606: 58,
}


def cause_of(sip: int) -> int:
    """The Hangup cause chan_pjsip gives a call answered with the SIP status ``sip`` (4xx-6xx)."""
    if not 400 <= sip <= 699:
        raise ValueError(f"SIP {sip} is not an error answer (400-699)")
    if sip in _CAUSE_BY_SIP:
        return _CAUSE_BY_SIP[sip]
    if sip < 500:
        return 127  # an unknown 4xx: something wrong with the request (interworking)
    return 34 if sip < 600 else 17  # an unknown 5xx: congestion; 6xx: busy everywhere


def dial_status_of(cause: int) -> str:
    """DialEnd's DialStatus for a dialled channel that hung up with ``cause``."""
    if cause == 17:
        return "BUSY"
    if cause == 34:
        return "CONGESTION"
    if cause in (3, 20):  # no route to destination; unregistered (20 in Asterisk's numbering)
        return "CHANUNAVAIL"
    return "NOANSWER"


def cdr_disposition_of(dial_status: str) -> str:
    """The Cdr event's Disposition for a dial that ended with ``dial_status``."""
    return {
        "ANSWER": "ANSWERED",
        "BUSY": "BUSY",
        "NOANSWER": "NO ANSWER",
        "CANCEL": "NO ANSWER",
        "CONGESTION": "CONGESTION",
    }.get(dial_status, "FAILED")
