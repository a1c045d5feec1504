"""The resident ID card (二代身份证) as a typed value, decoded from the SAM's text block.

Decoding is strict on purpose: a number whose GB 11643 check digit fails, a date that does
not exist, a birth date that disagrees with the ID number are read errors (the customer puts
the card down again), never a customer to look up. Names and ID numbers are personal
information under PIPL: ``repr``/``str`` of an :class:`IdCard` and every error message here
show masked forms or nothing, because both end up in logs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from types import MappingProxyType

from drivers.errors import DeviceError, ProtocolError
from drivers.idcard.codec import DEVICE, TEXT_SIZE
from drivers.pii import age_on, id_check_digit, mask_middle, mask_name
from drivers.pii import is_valid_id_number as is_valid_id_number  # re-exported

TEXT_FIELDS: Mapping[str, tuple[int, int]] = MappingProxyType(
    {
        # name: (offset, size in bytes); UCS-2 LE, right-padded with spaces.
        "name": (0, 30),
        "sex": (30, 2),
        "nation": (32, 4),
        "birth": (36, 16),
        "address": (52, 70),
        "id_number": (122, 36),
        "authority": (158, 30),
        "valid_from": (188, 16),
        "valid_to": (204, 16),
        "reserved": (220, 36),
    }
)
CARD_TYPE_OFFSET = 248
"""Where other card types carry their one-character UCS-2 type flag."""
LONG_TERM = "长期"
"""``valid_to`` of a card valid for life (长期)."""

NATIONS: Mapping[str, str] = MappingProxyType(
    {
        # GB/T 3304-1991, names as printed on the card (without 族).
        "01": "汉",
        "02": "蒙古",
        "03": "回",
        "04": "藏",
        "05": "维吾尔",
        "06": "苗",
        "07": "彝",
        "08": "壮",
        "09": "布依",
        "10": "朝鲜",
        "11": "满",
        "12": "侗",
        "13": "瑶",
        "14": "白",
        "15": "土家",
        "16": "哈尼",
        "17": "哈萨克",
        "18": "傣",
        "19": "黎",
        "20": "傈僳",
        "21": "佤",
        "22": "畲",
        "23": "高山",
        "24": "拉祜",
        "25": "水",
        "26": "东乡",
        "27": "纳西",
        "28": "景颇",
        "29": "柯尔克孜",
        "30": "土",
        "31": "达斡尔",
        "32": "仫佬",
        "33": "羌",
        "34": "布朗",
        "35": "撒拉",
        "36": "毛南",
        "37": "仡佬",
        "38": "锡伯",
        "39": "阿昌",
        "40": "普米",
        "41": "塔吉克",
        "42": "怒",
        "43": "乌孜别克",
        "44": "俄罗斯",
        "45": "鄂温克",
        "46": "德昂",
        "47": "保安",
        "48": "裕固",
        "49": "京",
        "50": "塔塔尔",
        "51": "独龙",
        "52": "鄂伦春",
        "53": "赫哲",
        "54": "门巴",
        "55": "珞巴",
        "56": "基诺",
        "97": "其他",
        "98": "外国血统",
    }
)

_ID_PATTERN = re.compile(r"[0-9]{17}[0-9X]")
_DATE_PATTERN = re.compile(r"[0-9]{8}")


class Sex(Enum):
    """GB/T 2261.1 sex codes as the card carries them."""

    UNKNOWN = 0
    MALE = 1
    FEMALE = 2
    UNSPECIFIED = 9

    @property
    def label(self) -> str:
        return _SEX_LABELS[self]

    def __str__(self) -> str:
        return self.label


_SEX_LABELS = {Sex.UNKNOWN: "未知", Sex.MALE: "男", Sex.FEMALE: "女", Sex.UNSPECIFIED: "未说明"}


class CardType(Enum):
    """Card types a SAM reads; only :attr:`RESIDENT` is supported for now."""

    RESIDENT = ""
    FOREIGN_PERMANENT_RESIDENT = "I"
    HK_MACAU_TAIWAN_RESIDENCE_PERMIT = "J"

    @property
    def label(self) -> str:
        return _CARD_TYPE_LABELS[self]


_CARD_TYPE_LABELS = {
    CardType.RESIDENT: "居民身份证",
    CardType.FOREIGN_PERMANENT_RESIDENT: "外国人永久居留身份证",
    CardType.HK_MACAU_TAIWAN_RESIDENCE_PERMIT: "港澳台居民居住证",
}


class CardRejected(DeviceError):
    """A card was read but cannot be used. ``customer_message`` is what the screen shows."""

    customer_message = "请重新放置身份证"


class CardReadError(CardRejected, ProtocolError):
    """The text block is not a valid resident ID card: treat as a failed read.

    Messages name the field, never its value (personal data).
    """

    def __init__(self, message: str) -> None:
        super().__init__(DEVICE, message)


class InvalidCardField(CardReadError):
    """A field is empty, not UCS-2, or outside its code table."""


class InvalidIdNumber(CardReadError):
    """The ID number is malformed or fails its GB 11643 check digit."""


class InvalidCardDate(CardReadError):
    """A date field is not a real date, or the dates contradict each other."""


class BirthDateMismatch(CardReadError):
    """The birth date inside the ID number differs from the birth date field."""


class UnsupportedCardType(CardRejected):
    """Another card type (flag at offset 248): recognised, not supported yet."""

    def __init__(self, card_type: CardType | None, flag: str) -> None:
        label = card_type.label if card_type is not None else "此类证件"
        self.card_type = card_type
        self.flag = flag
        self.customer_message = f"暂不支持{label}，请使用居民身份证"
        kind = card_type.name.lower() if card_type is not None else "unknown"
        super().__init__(
            DEVICE,
            f"{self.customer_message} (unsupported card type {kind}, flag {flag!r} at offset "
            f"{CARD_TYPE_OFFSET})",
        )


@dataclass(frozen=True, repr=False)
class IdCard:
    """One resident ID card as read. Holds no photo; ``repr`` shows masked forms only."""

    name: str
    sex: Sex
    nation_code: str
    birth_date: date
    address: str
    id_number: str
    authority: str
    valid_from: date
    valid_to: date | None
    """``None`` for a card valid for life (长期)."""

    @property
    def nation_name(self) -> str:
        return NATIONS.get(self.nation_code, "")

    def age(self, on: date) -> int:
        """Full years on ``on`` (a 29 February birthday counts from 1 March in common years)."""
        if on < self.birth_date:
            raise ValueError("the day asked about is before the birth date")
        return age_on(self.birth_date, on)

    def is_expired(self, on: date) -> bool:
        """True after the last valid day; a 长期 card never expires."""
        return self.valid_to is not None and on > self.valid_to

    def masked_id(self) -> str:
        return mask_middle(self.id_number)

    def masked_name(self) -> str:
        return mask_name(self.name)

    def __repr__(self) -> str:
        valid_to = self.valid_to.isoformat() if self.valid_to else LONG_TERM
        return (
            f"IdCard(name={self.masked_name()!r}, id_number={self.masked_id()!r}, "
            f"sex={self.sex.label}, nation={self.nation_name}, valid_to={valid_to})"
        )


def _field(block: bytes, name: str) -> str:
    offset, size = TEXT_FIELDS[name]
    try:
        text = block[offset : offset + size].decode("utf-16-le")
    except UnicodeDecodeError:
        raise InvalidCardField(f"{name} is not UCS-2 text") from None
    return text.rstrip(" \x00")


def _date(text: str, name: str) -> date:
    if not _DATE_PATTERN.fullmatch(text):
        raise InvalidCardDate(f"{name} is not YYYYMMDD")
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise InvalidCardDate(f"{name} is not a real date") from None


def card_type_of(block: bytes) -> CardType | None:
    """The type flagged at offset 248, or ``None`` for a flag we do not know."""
    flag = block[CARD_TYPE_OFFSET : CARD_TYPE_OFFSET + 2].decode("utf-16-le", "replace")
    try:
        return CardType(flag.strip(" \x00"))
    except ValueError:
        return None


def _require_resident(block: bytes) -> None:
    card_type = card_type_of(block)
    if card_type is not CardType.RESIDENT:
        flag = block[CARD_TYPE_OFFSET : CARD_TYPE_OFFSET + 2].decode("utf-16-le", "replace")
        raise UnsupportedCardType(card_type, flag)


def _check_text_fields(fields: dict[str, str]) -> None:
    """The fields that must be there and the coded ones (sex, nation)."""
    for name in ("name", "address", "authority"):
        if not fields[name]:
            raise InvalidCardField(f"{name} is empty")
    if fields["sex"] not in ("0", "1", "2", "9"):
        raise InvalidCardField("sex code is not 0, 1, 2 or 9")
    if fields["nation"] not in NATIONS:
        raise InvalidCardField("nation code is not in GB/T 3304")


def _check_id_number(id_number: str) -> None:
    if not _ID_PATTERN.fullmatch(id_number):
        raise InvalidIdNumber("ID number is not 17 digits and a check character")
    if id_check_digit(id_number[:17]) != id_number[17]:
        raise InvalidIdNumber("ID number fails its GB 11643 check digit")


def _validity(fields: dict[str, str], birth_date: date) -> tuple[date, date | None]:
    """The card's first and last valid days (None: 长期), consistent with the birth date."""
    valid_from = _date(fields["valid_from"], "valid-from date")
    valid_to = (
        None if fields["valid_to"] == LONG_TERM else _date(fields["valid_to"], "valid-to date")
    )
    if valid_from < birth_date:
        raise InvalidCardDate("card issued before its holder was born")
    if valid_to is not None and valid_to <= valid_from:
        raise InvalidCardDate("card expires before it was issued")
    return valid_from, valid_to


def decode_text_block(block: bytes) -> IdCard:
    """Decode and verify the 256-byte text block.

    Raises :class:`UnsupportedCardType` for other card types and a :class:`CardReadError`
    subclass for anything that is not a consistent resident ID card.
    """
    if len(block) != TEXT_SIZE:
        raise InvalidCardField(f"text block is {len(block)} bytes, not {TEXT_SIZE}")
    _require_resident(block)
    fields = {name: _field(block, name) for name in TEXT_FIELDS if name != "reserved"}
    _check_text_fields(fields)
    id_number = fields["id_number"]
    _check_id_number(id_number)
    birth_date = _date(fields["birth"], "birth date")
    if id_number[6:14] != fields["birth"]:
        raise BirthDateMismatch("birth date differs from the one in the ID number")
    valid_from, valid_to = _validity(fields, birth_date)
    return IdCard(
        name=fields["name"],
        sex=Sex(int(fields["sex"])),
        nation_code=fields["nation"],
        birth_date=birth_date,
        address=fields["address"],
        id_number=id_number,
        authority=fields["authority"],
        valid_from=valid_from,
        valid_to=valid_to,
    )
