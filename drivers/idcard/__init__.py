"""Resident ID-card reader (GA 467 SAM over a serial port): codec, card, driver."""

from drivers.idcard.card import (
    BirthDateMismatch,
    CardReadError,
    CardRejected,
    CardType,
    IdCard,
    InvalidCardDate,
    InvalidCardField,
    InvalidIdNumber,
    Sex,
    UnsupportedCardType,
    decode_text_block,
    id_check_digit,
    is_valid_id_number,
)
from drivers.idcard.reader import IdCardReader, IdCardSettings

__all__ = [
    "BirthDateMismatch",
    "CardReadError",
    "CardRejected",
    "CardType",
    "IdCard",
    "IdCardReader",
    "IdCardSettings",
    "InvalidCardDate",
    "InvalidCardField",
    "InvalidIdNumber",
    "Sex",
    "UnsupportedCardType",
    "decode_text_block",
    "id_check_digit",
    "is_valid_id_number",
]
