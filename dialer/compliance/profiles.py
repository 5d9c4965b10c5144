"""Compliance profiles: the rules a campaign dials under, as configuration chosen per campaign.

Built-in profiles follow the rules they are named for, as the issue lists them:

- ``us`` (FTC Telemarketing Sales Rule): abandoned calls at most 3% of calls answered by a person,
  per campaign over 30 days; a person is abandoned when not put through within 2 s of their greeting;
  let the phone ring at least 15 s; an abandoned person hears a recorded identification message.
- ``uk`` (Ofcom persistent-misuse policy): at most 3% per campaign per 24 h, answering-machine
  detection false positives counted as abandons; an abandoned number is not called again within 72 h
  unless an operator is reserved for that call; identification message; 2 s, 15 s as above.
- ``ru``: each contact needs a consent flag for advertising calls (Federal law 38-FZ "On
  Advertising", art. 18), and no call is placed without an operator ready to take it. The law sets no
  abandon rate; the product keeps 3% per 24 h as its default.
- ``custom``: the US figures as a starting point, to be changed field by field (:func:`custom_profile`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True, slots=True)
class ComplianceProfile:
    """The dialing rules of one jurisdiction (or a campaign's own)."""

    name: str
    abandon_cap: float = 0.03
    abandon_window: timedelta = timedelta(days=30)
    connect_limit_s: float = 2.0
    min_ring_s: float = 15.0
    identification_message: bool = True
    amd_false_positives_are_abandons: bool = False
    abandon_quiet: timedelta = timedelta(0)
    quiet_waived_with_reserved_operator: bool = False
    consent_required_for_advertising: bool = False
    dial_ahead: bool = True
    description: str = ""

    def __post_init__(self) -> None:
        if not 0.0 <= self.abandon_cap <= 1.0:
            raise ValueError("abandon_cap is a fraction in [0, 1]")
        if self.abandon_window <= timedelta(0):
            raise ValueError("abandon_window must be positive")
        if self.connect_limit_s <= 0 or self.min_ring_s < 0:
            raise ValueError("connect_limit_s must be positive and min_ring_s not negative")

    def redial_quiet(self, *, operator_reserved: bool = False) -> timedelta:
        """How long an abandoned number waits before it is dialed again."""
        if operator_reserved and self.quiet_waived_with_reserved_operator:
            return timedelta(0)
        return self.abandon_quiet

    def may_dial(self, *, advertising: bool, consent: bool) -> bool:
        """May a contact be dialed at all, given its consent flag and the campaign's purpose?"""
        return consent or not (advertising and self.consent_required_for_advertising)


US = ComplianceProfile(
    name="us",
    abandon_window=timedelta(days=30),
    description="FTC TSR: 3% per campaign over 30 days, 2 s connect, 15 s ring, identification message",
)
UK = ComplianceProfile(
    name="uk",
    abandon_window=timedelta(hours=24),
    amd_false_positives_are_abandons=True,
    abandon_quiet=timedelta(hours=72),
    quiet_waived_with_reserved_operator=True,
    description="Ofcom: 3% per campaign per 24 h, AMD false positives counted, 72 h before re-dialing "
    "an abandoned number unless an operator is reserved",
)
RU = ComplianceProfile(
    name="ru",
    abandon_window=timedelta(hours=24),
    consent_required_for_advertising=True,
    dial_ahead=False,
    description="38-FZ art. 18: consent for advertising calls; no call without an operator ready",
)
CUSTOM = replace(US, name="custom", description="the campaign's own rules (US figures by default)")


class ProfileRegistry(Mapping[str, ComplianceProfile]):
    """Profiles by name (case-insensitive); read-only, extended by :meth:`with_profile`."""

    def __init__(self, profiles: Mapping[str, ComplianceProfile]) -> None:
        self._profiles = MappingProxyType({k.lower(): v for k, v in profiles.items()})

    def __getitem__(self, name: str) -> ComplianceProfile:
        try:
            return self._profiles[name.lower()]
        except KeyError:
            raise KeyError(f"unknown compliance profile {name!r}; known: {', '.join(self)}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._profiles)

    def __len__(self) -> int:
        return len(self._profiles)

    def with_profile(self, profile: ComplianceProfile) -> ProfileRegistry:
        """A registry with ``profile`` added (or replacing the one of the same name)."""
        return ProfileRegistry({**self._profiles, profile.name.lower(): profile})


PROFILES = ProfileRegistry({p.name: p for p in (US, UK, RU, CUSTOM)})


def get_profile(name: str) -> ComplianceProfile:
    """A built-in profile by name; ``KeyError`` naming the known ones otherwise."""
    return PROFILES[name]


def custom_profile(base: str = "custom", name: str = "custom", **changes: Any) -> ComplianceProfile:
    """A profile from a built-in one with some fields changed (validated like any profile)."""
    return replace(PROFILES[base], name=name, **changes)
