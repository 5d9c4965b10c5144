"""A fast path for the usual written shapes of a country's numbers, built from phonenumbers' metadata.

``phonenumbers.parse`` spends most of its time on generality: extensions, alpha numbers, IDD
prefixes, carrier codes. A contact base holds the same few shapes over and over: ``8 (495) 150-22-22``,
``+7 495 150 22 22``, ``74951502222``, ``495-150-22-22``. For those, the library's answer follows from
a handful of its rules, which this module applies with the library's own compiled metadata patterns:

* a number written with ``+`` and the country code, or with the national prefix (``8``) or the
  country code (``7``) in front of a full-length national number, or as the bare national number;
* validity and number type exactly as ``phonenumbers.phonenumberutil`` decides them: the region among
  those sharing the calling code (``_region_code_for_number_from_list``), then the general
  description and each number type in the library's order (``_number_type_helper``);
* the time zone as ``phonenumbers.timezone.time_zones_for_number`` finds it: by the longest known
  prefix for geographical types, else the calling code's zones.

Everything else (other lengths, other characters, IDD prefixes such as ``810``, numbers of other
countries) returns ``None`` and is left to the library. The shape rules are written for the regions in
:data:`SHAPES`; the path switches itself off if the metadata no longer has the properties those rules
rely on. ``tests/contacts/test_phone_fastpath.py`` compares it with the library on a large corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumberType
from phonenumbers import timezone as pn_timezone
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

from dialer.contacts.phone_types import UNKNOWN_ZONE, Phone, PhoneProblem, zone_from_candidates

_TYPE_ORDER = (
    ("premium_rate", PhoneNumberType.PREMIUM_RATE),
    ("toll_free", PhoneNumberType.TOLL_FREE),
    ("shared_cost", PhoneNumberType.SHARED_COST),
    ("voip", PhoneNumberType.VOIP),
    ("personal_number", PhoneNumberType.PERSONAL_NUMBER),
    ("pager", PhoneNumberType.PAGER),
    ("uan", PhoneNumberType.UAN),
    ("voicemail", PhoneNumberType.VOICEMAIL),
)
_TIMEZONE_DATA: dict[str, tuple[str, ...]] = getattr(pn_timezone, "TIMEZONE_DATA")  # noqa: B009
_LONGEST_PREFIX: int = getattr(pn_timezone, "TIMEZONE_LONGEST_PREFIX")  # noqa: B009
_GEOGRAPHICAL = (PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
_GEO_MOBILE_COUNTRIES: frozenset[int] = frozenset(
    getattr(phonenumbers.phonenumberutil, "_GEO_MOBILE_COUNTRIES", frozenset())
)


@dataclass(frozen=True)
class Shape:
    """How numbers of a region are written: its calling code, national prefix and IDD prefix."""

    country_code: int
    national_prefix: str
    idd_prefix: str
    nsn_length: int


SHAPES = {"RU": Shape(country_code=7, national_prefix="8", idd_prefix="810", nsn_length=10)}


class _Desc:
    """A number description: its possible lengths and pattern, matched as ``_is_number_matching_desc``."""

    __slots__ = ("lengths", "pattern")

    def __init__(self, desc: Any) -> None:
        self.lengths: frozenset[int] = frozenset(desc.possible_length or ())
        pattern = desc.national_number_pattern
        self.pattern = re.compile(pattern) if pattern else None

    def accepts_length(self, length: int) -> bool:
        return self.pattern is not None and (not self.lengths or length in self.lengths)

    def matches(self, nsn: str) -> bool:
        return (
            self.accepts_length(len(nsn))
            and self.pattern is not None
            and self.pattern.fullmatch(nsn) is not None
        )


def _desc(desc: Any) -> _Desc | None:
    return None if desc is None else _Desc(desc)


_FIXED_LINE = "fixed"
_MOBILE = "mobile"


class _RegionTypes:
    """``_number_type_helper`` for one region's metadata.

    The library checks the general description, then tries the number types one after the other;
    here, for each length, the general description (as a lookahead) and the types whose possible
    lengths admit that length are joined, in the library's order, into one pattern, so one
    ``fullmatch`` finds the same first matching type, named by the group that matched.
    """

    def __init__(self, metadata: Any) -> None:
        self.general = _Desc(metadata.general_desc)
        self.typed = [(d, t) for name, t in _TYPE_ORDER if (d := _desc(getattr(metadata, name))) is not None]
        self.fixed_line = _desc(metadata.fixed_line)
        self.mobile = _desc(metadata.mobile)
        self.same_mobile_and_fixed = bool(metadata.same_mobile_and_fixed_line_pattern)
        self._by_length: dict[int, tuple[re.Pattern[str], dict[str, int]] | None] = {}

    def _classifier(self, length: int) -> tuple[re.Pattern[str], dict[str, int]] | None:
        general = self.general
        if not general.accepts_length(length) or general.pattern is None:
            return None
        parts: list[tuple[str, str, int]] = []
        for desc, number_type in self.typed:
            if desc.accepts_length(length) and desc.pattern is not None:
                parts.append((f"t{number_type}", desc.pattern.pattern, number_type))
        fixed = self.fixed_line
        if fixed is not None and fixed.accepts_length(length) and fixed.pattern is not None:
            parts.append((_FIXED_LINE, fixed.pattern.pattern, PhoneNumberType.FIXED_LINE))
        mobile = self.mobile
        if (
            not self.same_mobile_and_fixed
            and mobile is not None
            and mobile.accepts_length(length)
            and mobile.pattern is not None
        ):
            parts.append((_MOBILE, mobile.pattern.pattern, PhoneNumberType.MOBILE))
        if not parts:
            return None
        alternation = "|".join(f"(?P<{name}>(?:{body}))" for name, body, _ in parts)
        pattern = re.compile(f"(?=(?:{general.pattern.pattern})\\Z)(?:{alternation})")
        return pattern, {name: number_type for name, _, number_type in parts}

    def number_type(self, nsn: str) -> int:
        length = len(nsn)
        try:
            compiled = self._by_length[length]
        except KeyError:
            compiled = self._by_length[length] = self._classifier(length)
        if compiled is None:
            return PhoneNumberType.UNKNOWN
        pattern, types = compiled
        match = pattern.fullmatch(nsn)
        if match is None:
            return PhoneNumberType.UNKNOWN
        name = match.lastgroup  # the outermost group closes last: the type's own group
        if name not in types:
            name = next(key for key, value in match.groupdict().items() if value is not None)
        if name == _FIXED_LINE:
            if self.same_mobile_and_fixed or (self.mobile is not None and self.mobile.matches(nsn)):
                return PhoneNumberType.FIXED_LINE_OR_MOBILE
            return PhoneNumberType.FIXED_LINE
        return types[name]


class CallingCode:
    """Number type (hence validity) and time zone for national numbers of one calling code."""

    def __init__(self, country_code: int) -> None:
        self.country_code = country_code
        self.prefix = str(country_code)
        self.regions: list[tuple[re.Pattern[str] | None, _RegionTypes]] = []
        for region in COUNTRY_CODE_TO_REGION_CODE[country_code]:
            metadata = PhoneMetadata.metadata_for_region(region.upper(), None)
            if metadata is None:
                continue
            leading = re.compile(metadata.leading_digits) if metadata.leading_digits is not None else None
            self.regions.append((leading, _RegionTypes(metadata)))
        self.single_region = len(COUNTRY_CODE_TO_REGION_CODE[country_code]) == 1
        self.country_zone = zone_from_candidates(self._lookup_zone(self.prefix))
        self.longest_prefix: int = _LONGEST_PREFIX
        self._zone_cache: dict[str, str | None] = {}

    def number_type(self, nsn: str) -> int:
        """As ``phonenumbers.number_type`` for a number of this calling code (UNKNOWN = invalid)."""
        if self.single_region:
            return self.regions[0][1].number_type(nsn)
        for leading, types in self.regions:
            if leading is not None:
                if leading.match(nsn):
                    return types.number_type(nsn)
            else:
                found = types.number_type(nsn)
                if found != PhoneNumberType.UNKNOWN:
                    return found
        return PhoneNumberType.UNKNOWN

    def zone(self, e164_digits: str, number_type: int) -> str | None:
        """The zone of a valid number of this calling code, as :func:`zone_from_candidates` of
        ``phonenumbers.timezone.time_zones_for_number``."""
        geographical = number_type in _GEOGRAPHICAL or (
            self.country_code in _GEO_MOBILE_COUNTRIES and number_type == PhoneNumberType.MOBILE
        )
        if not geographical:
            return self.country_zone
        key = e164_digits[: self.longest_prefix]
        try:
            return self._zone_cache[key]
        except KeyError:
            zone = zone_from_candidates(self._lookup_zone(key))
            if len(self._zone_cache) < 200_000:
                self._zone_cache[key] = zone
            return zone

    @staticmethod
    def _lookup_zone(digits: str) -> tuple[str, ...]:
        data: dict[str, tuple[str, ...]] = _TIMEZONE_DATA
        for length in range(min(len(digits), _LONGEST_PREFIX), 0, -1):
            zones = data.get(digits[:length])
            if zones is not None:
                return zones
        return (UNKNOWN_ZONE,)


class FastPath:
    """Normalises the common shapes of one region's numbers; ``None`` means "ask phonenumbers"."""

    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        self.code = CallingCode(shape.country_code)
        self._cc = str(shape.country_code)
        self._plus_length = len(self._cc) + shape.nsn_length

    def normalise(self, raw: str) -> Phone | PhoneProblem | None:
        if len(raw) > 250:
            return None
        text = raw.strip()
        if not text:
            return PhoneProblem.EMPTY
        plus = text[0] == "+"
        # The separators " -()." dropped: five replaces, each a scan in C, take a quarter of the time
        # str.translate takes (it looks every character up in a table).
        digits = (text[1:] if plus else text).replace(" ", "").replace("-", "").replace("(", "")
        digits = digits.replace(")", "").replace(".", "")
        if not (digits.isascii() and digits.isdecimal()):
            return None
        shape = self.shape
        length = len(digits)
        if not plus and digits.startswith(shape.idd_prefix):
            return None  # phonenumbers reads an international call prefix here
        if plus:
            if length != self._plus_length or not digits.startswith(self._cc):
                return None
            nsn = digits[len(self._cc) :]
        elif length == shape.nsn_length:
            nsn = digits
        elif length == shape.nsn_length + 1 and len(self._cc) == 1:
            # national prefix (8) or the country code (7) before a full national number
            if digits[0] not in (shape.national_prefix, self._cc):
                return None
            nsn = digits[1:]
        else:
            return None
        if nsn[0] == "0":
            return None
        number_type = self.code.number_type(nsn)
        if number_type == PhoneNumberType.UNKNOWN:
            return PhoneProblem.INVALID
        e164_digits = self._cc + nsn
        return "+" + e164_digits, self.code.zone(e164_digits, number_type)


def _shape_holds(region: str, shape: Shape) -> bool:
    """Whether the metadata still has the properties the shape rules above rely on."""
    metadata = PhoneMetadata.metadata_for_region(region, None)
    if metadata is None or metadata.country_code != shape.country_code:
        return False
    general = metadata.general_desc
    if general is None:
        return False
    lengths = tuple(general.possible_length or ())
    return (
        metadata.national_prefix_for_parsing == shape.national_prefix
        and not metadata.national_prefix_transform_rule
        and metadata.international_prefix == shape.idd_prefix
        and COUNTRY_CODE_TO_REGION_CODE[shape.country_code][0] == region
        and len(lengths) > 0
        and lengths[0] == shape.nsn_length
        and all(n > shape.nsn_length + 1 for n in lengths[1:])
        and all(n < shape.nsn_length - 1 for n in (general.possible_length_local_only or ()))
    )


_FAST_PATHS: dict[str, FastPath | None] = {}


def fast_path_for(region: str) -> FastPath | None:
    """The fast path for a region, or ``None`` if there is none (every number goes to phonenumbers)."""
    region = region.upper()
    if region not in _FAST_PATHS:
        shape = SHAPES.get(region)
        _FAST_PATHS[region] = FastPath(shape) if shape is not None and _shape_holds(region, shape) else None
    return _FAST_PATHS[region]
