"""A softphone's REGISTER with digest authentication (RFC 3261, RFC 2617 MD5), over UDP: just enough
to prove an endpoint the product provisioned takes its generated password. Test-only."""

from __future__ import annotations

import hashlib
import re
import secrets
import socket


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # SIP digest is MD5 by definition


def _exchange(sock: socket.socket, request: str, server: tuple[str, int]) -> str:
    sock.sendto(request.encode(), server)
    while True:
        data, _ = sock.recvfrom(65535)
        text = data.decode(errors="replace")
        if text.startswith("SIP/2.0 ") and not text.startswith("SIP/2.0 100"):
            return text


def _status(response: str) -> int:
    return int(response.split(" ", 2)[1])


def register(
    host: str,
    port: int,
    user: str,
    password: str,
    *,
    source: str = "127.0.0.2",
    expires: int = 60,
    timeout: float = 5.0,
) -> int:
    """REGISTER ``user`` at ``host:port`` from ``source`` (not 127.0.0.1, which the test's trunk
    identifies by IP), answering one digest challenge; the final status code."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.bind((source, 0))
        local_port = sock.getsockname()[1]
        call_id, tag = secrets.token_hex(8), secrets.token_hex(4)
        uri = f"sip:{host}:{port}"

        def request(cseq: int, authorization: str = "") -> str:
            lines = [
                f"REGISTER {uri} SIP/2.0",
                f"Via: SIP/2.0/UDP {source}:{local_port};branch=z9hG4bK{secrets.token_hex(6)};rport",
                "Max-Forwards: 70",
                f"From: <sip:{user}@{host}>;tag={tag}",
                f"To: <sip:{user}@{host}>",
                f"Call-ID: {call_id}",
                f"CSeq: {cseq} REGISTER",
                f"Contact: <sip:{user}@{source}:{local_port}>",
                f"Expires: {expires}",
                *([authorization] if authorization else []),
                "User-Agent: dialer-tests",
                "Content-Length: 0",
            ]
            return "\r\n".join(lines) + "\r\n\r\n"

        first = _exchange(sock, request(1), (host, port))
        if _status(first) != 401:
            return _status(first)
        challenges = re.findall(r"^WWW-Authenticate:\s*Digest\s+(.*)$", first, re.M | re.I)
        params = next(
            (dict(re.findall(r'(\w+)="?([^",]*)"?', c)) for c in challenges if "SHA-256" not in c), None
        )
        if params is None:
            return 401
        realm, nonce = params["realm"], params["nonce"]
        ha1 = _md5(f"{user}:{realm}:{password}")
        ha2 = _md5(f"REGISTER:{uri}")
        fields = [
            f'username="{user}"',
            f'realm="{realm}"',
            f'nonce="{nonce}"',
            f'uri="{uri}"',
            "algorithm=MD5",
        ]
        if "auth" in params.get("qop", "").split(","):
            cnonce, nc = secrets.token_hex(8), "00000001"
            digest = _md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
            fields += ["qop=auth", f"nc={nc}", f'cnonce="{cnonce}"']
        else:
            digest = _md5(f"{ha1}:{nonce}:{ha2}")
        fields.append(f'response="{digest}"')
        if "opaque" in params:
            fields.append(f'opaque="{params["opaque"]}"')
        return _status(
            _exchange(sock, request(2, "Authorization: Digest " + ", ".join(fields)), (host, port))
        )
