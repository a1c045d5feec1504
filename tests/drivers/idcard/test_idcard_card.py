"""The text block decoder, the GB 11643 check and the IdCard value."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from drivers.errors import ProtocolError
from drivers.idcard.card import (
    NATIONS,
    TEXT_FIELDS,
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
from drivers.sim.idcard import (
    ADULT_CARD,
    BAD_CHECK_DIGIT_CARD,
    ELDERLY_CARD,
    EXPIRED_CARD,
    FOREIGN_PERMANENT_RESIDENT_CARD,
    HK_MACAU_TAIWAN_PERMIT_CARD,
    LONG_TERM_CARD,
    SimCard,
    make_text_block,
)

ON = date(2025, 12, 1)


# --- GB 11643 -------------------------------------------------------------------------------


def test_given_the_commonly_cited_example_when_checked_then_x_is_its_check_character() -> None:
    # 1*7+1*9+0*10+1*5+0*8+5*4+1*2+9*1+4*6+9*3+1*7+2*9+3*10+1*5+0*8+0*4+2*2 = 167; 167 % 11 = 2
    # and position 2 of "1 0 X 9 8 7 6 5 4 3 2" is X.
    assert id_check_digit("11010519491231002") == "X"
    assert is_valid_id_number("11010519491231002X")


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",
        "440106199003071231",
        "110105195008150245",
        "310104198506123455",
        "450102196809200381",
        "440101198010100014",
    ],
)
def test_given_valid_numbers_when_checked_then_they_pass(number: str) -> None:
    assert is_valid_id_number(number)


@pytest.mark.parametrize(
    "number",
    [
        "110105194912310021",  # wrong check digit
        "11010519491231002x",  # lower-case x is not what a card carries
        "440106199003071232",
        "44010619900307123",  # 17 characters
        "4401061990030712311",  # 19 characters
        "44010619900307123X",  # X where 1 is due
        "4401061990030712A1",
        "",
    ],
)
def test_given_invalid_numbers_when_checked_then_they_fail(number: str) -> None:
    assert not is_valid_id_number(number)


def test_given_every_last_character_when_checked_then_exactly_one_passes() -> None:
    first17 = "44010619900307123"
    passing = [c for c in "0123456789X" if is_valid_id_number(first17 + c)]
    assert passing == [id_check_digit(first17)] == ["1"]


def test_given_not_17_ascii_digits_when_computing_check_digit_then_value_error() -> None:
    for bad in ("4401", "4401061990030712X", "４４０１０６１９９００３０７１２３"):
        with pytest.raises(ValueError):
            id_check_digit(bad)


# --- nation and sex tables ------------------------------------------------------------------


def test_given_the_nation_table_then_it_follows_gb_t_3304_in_order() -> None:
    codes = list(NATIONS)
    assert codes == [f"{n:02d}" for n in range(1, 57)] + ["97", "98"]
    assert NATIONS["01"] == "汉" and NATIONS["56"] == "基诺"
    spot = {"05": "维吾尔", "10": "朝鲜", "17": "哈萨克", "23": "高山", "29": "柯尔克孜"}
    spot |= {"34": "布朗", "37": "仡佬", "43": "乌孜别克", "44": "俄罗斯", "55": "珞巴"}
    assert {code: NATIONS[code] for code in spot} == spot
    assert NATIONS["97"] == "其他" and NATIONS["98"] == "外国血统"
    assert len(set(NATIONS.values())) == 58


def test_given_sex_codes_then_labels_are_the_card_words() -> None:
    assert [(s.value, s.label) for s in Sex] == [(0, "未知"), (1, "男"), (2, "女"), (9, "未说明")]
    assert str(Sex.FEMALE) == "女"


# --- decoding -------------------------------------------------------------------------------


def test_given_a_full_text_block_when_decoded_then_every_field_is_typed() -> None:
    block = ADULT_CARD.text_block()
    assert len(block) == 256
    assert block[:4] == "张".encode("utf-16-le") + "伟".encode("utf-16-le")
    assert block[4:30] == " ".encode("utf-16-le") * 13
    card = decode_text_block(block)
    assert card == IdCard(
        name="张伟",
        sex=Sex.MALE,
        nation_code="01",
        birth_date=date(1990, 3, 7),
        address="广东省广州市天河区天河路385号",
        id_number="440106199003071231",
        authority="广州市公安局天河分局",
        valid_from=date(2016, 4, 10),
        valid_to=date(2036, 4, 10),
    )
    assert card.nation_name == "汉"


def test_given_the_layout_then_fields_tile_the_256_bytes_without_gaps() -> None:
    offset = 0
    for offset_of_field, size in TEXT_FIELDS.values():
        assert offset_of_field == offset
        offset += size
    assert offset == 256


def test_given_a_long_term_card_when_decoded_then_valid_to_is_none_and_never_expires() -> None:
    card = decode_text_block(LONG_TERM_CARD.text_block())
    assert card.valid_to is None
    assert card.nation_name == "壮" and card.sex is Sex.FEMALE
    assert not card.is_expired(date(2099, 1, 1))
    assert "长期" in repr(card)


def test_given_the_sample_cards_when_decoded_on_a_day_then_ages_and_expiry_follow() -> None:
    elderly = decode_text_block(ELDERLY_CARD.text_block())
    adult = decode_text_block(ADULT_CARD.text_block())
    expired = decode_text_block(EXPIRED_CARD.text_block())
    assert (elderly.age(ON), adult.age(ON)) == (75, 35)
    assert elderly.birth_date.year == 1950 and elderly.nation_name == "回"
    assert expired.is_expired(ON) and not adult.is_expired(ON) and not elderly.is_expired(ON)


def test_given_the_last_valid_day_then_the_card_is_not_yet_expired() -> None:
    card = decode_text_block(EXPIRED_CARD.text_block())
    assert not card.is_expired(date(2015, 7, 1))
    assert card.is_expired(date(2015, 7, 2))


@pytest.mark.parametrize(
    ("on", "age"),
    [
        (date(2025, 3, 6), 34),
        (date(2025, 3, 7), 35),
        (date(1990, 3, 7), 0),
        (date(2026, 3, 8), 36),
    ],
)
def test_given_a_birthday_when_age_is_asked_then_full_years_count(on: date, age: int) -> None:
    assert decode_text_block(ADULT_CARD.text_block()).age(on) == age


def test_given_a_29_february_birthday_then_the_year_completes_on_1_march() -> None:
    leap = ADULT_CARD.replace(birth="20000229", id_number=_number("44010620000229123"))
    leap = leap.replace(valid_from="20160410", valid_to="20260410")
    card = decode_text_block(leap.text_block())
    assert card.age(date(2025, 2, 28)) == 24
    assert card.age(date(2025, 3, 1)) == 25
    with pytest.raises(ValueError):
        card.age(date(1999, 12, 31))


def test_given_a_card_then_masked_forms_keep_only_what_staff_need() -> None:
    card = decode_text_block(ADULT_CARD.text_block())
    assert card.masked_id() == "4401**********1231"
    assert card.masked_name() == "张*"
    long_name = dataclasses.replace(card, name="欧阳娜娜", id_number="11010519491231002X")
    assert long_name.masked_name() == "欧***"
    assert long_name.masked_id() == "1101**********002X"


def test_given_a_card_when_repr_or_str_then_name_number_and_address_do_not_show() -> None:
    card = decode_text_block(ELDERLY_CARD.text_block())
    for shown in (repr(card), str(card), f"{card}", repr([card])):
        assert "李秀英" not in shown and "秀英" not in shown
        assert card.id_number not in shown and "19500815" not in shown
        assert card.address not in shown and "朝阳" not in shown
        assert "李**" in shown and "1101**********0245" in shown


def test_given_a_bad_check_digit_when_decoded_then_a_read_error_never_a_card() -> None:
    with pytest.raises(InvalidIdNumber) as caught:
        decode_text_block(BAD_CHECK_DIGIT_CARD.text_block())
    error = caught.value
    assert isinstance(error, CardReadError) and isinstance(error, ProtocolError)
    assert error.customer_message == "请重新放置身份证"
    assert BAD_CHECK_DIGIT_CARD.id_number not in str(error)


@pytest.mark.parametrize(
    "number", ["4401061990030712", "44010619900307123x", "A40106199003071231", "4401061990030712 3"]
)
def test_given_a_malformed_number_when_decoded_then_invalid_id_number(number: str) -> None:
    with pytest.raises(InvalidIdNumber):
        decode_text_block(ADULT_CARD.replace(id_number=number).text_block())


def test_given_a_birth_field_that_disagrees_with_the_number_then_read_error() -> None:
    with pytest.raises(BirthDateMismatch) as caught:
        decode_text_block(ADULT_CARD.replace(birth="19900308").text_block())
    assert "19900308" not in str(caught.value) and "19900307" not in str(caught.value)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"birth": "19900230", "id_number": "44010619900230123"}, InvalidCardDate),
        ({"valid_from": "2016041"}, InvalidCardDate),
        ({"valid_from": "20161310"}, InvalidCardDate),
        ({"valid_to": "长久"}, InvalidCardDate),
        ({"valid_to": "20360431"}, InvalidCardDate),
        ({"valid_to": "20160410"}, InvalidCardDate),
        ({"valid_from": "19890101"}, InvalidCardDate),
        ({"sex_code": "3"}, InvalidCardField),
        ({"sex_code": "男"}, InvalidCardField),
        ({"nation_code": "57"}, InvalidCardField),
        ({"nation_code": "1"}, InvalidCardField),
        ({"name": ""}, InvalidCardField),
        ({"address": ""}, InvalidCardField),
        ({"authority": ""}, InvalidCardField),
    ],
)
def test_given_a_broken_field_when_decoded_then_a_typed_read_error(
    changes: dict[str, str], error: type[CardReadError]
) -> None:
    fields = dict(changes)
    if "id_number" in fields:
        fields["id_number"] = _number(fields["id_number"])
    with pytest.raises(error):
        decode_text_block(ADULT_CARD.replace(**fields).text_block())


def test_given_every_known_sex_code_when_decoded_then_mapped() -> None:
    for code, sex in (
        ("0", Sex.UNKNOWN),
        ("1", Sex.MALE),
        ("2", Sex.FEMALE),
        ("9", Sex.UNSPECIFIED),
    ):
        assert decode_text_block(ADULT_CARD.replace(sex_code=code).text_block()).sex is sex


def test_given_the_wrong_block_size_or_bad_ucs2_then_invalid_card_field() -> None:
    block = ADULT_CARD.text_block()
    for wrong in (block[:-2], block + b"  ", b""):
        with pytest.raises(InvalidCardField):
            decode_text_block(wrong)
    lone_surrogate = b"\x00\xd8" + block[2:]
    with pytest.raises(InvalidCardField, match="name"):
        decode_text_block(lone_surrogate)


def test_given_nul_padding_instead_of_spaces_then_fields_still_decode() -> None:
    block = bytearray(ADULT_CARD.text_block())
    block[4:30] = bytes(26)
    assert decode_text_block(bytes(block)).name == "张伟"


@pytest.mark.parametrize(
    ("sim_card", "card_type", "words"),
    [
        (
            FOREIGN_PERMANENT_RESIDENT_CARD,
            CardType.FOREIGN_PERMANENT_RESIDENT,
            "外国人永久居留身份证",
        ),
        (
            HK_MACAU_TAIWAN_PERMIT_CARD,
            CardType.HK_MACAU_TAIWAN_RESIDENCE_PERMIT,
            "港澳台居民居住证",
        ),
    ],
)
def test_given_another_card_type_when_decoded_then_unsupported_with_a_chinese_first_message(
    sim_card: SimCard, card_type: CardType, words: str
) -> None:
    block = sim_card.text_block()
    assert block[248:250] == sim_card.card_type_flag.encode("utf-16-le")
    with pytest.raises(UnsupportedCardType) as caught:
        decode_text_block(block)
    error = caught.value
    assert error.card_type is card_type
    assert isinstance(error, CardRejected) and not isinstance(error, CardReadError)
    assert error.message.startswith("暂不支持" + words)
    assert error.customer_message == f"暂不支持{words}，请使用居民身份证"
    assert sim_card.name not in str(error) and sim_card.id_number not in str(error)


def test_given_an_unknown_type_flag_then_unsupported_without_a_type() -> None:
    with pytest.raises(UnsupportedCardType) as caught:
        decode_text_block(ADULT_CARD.replace(card_type_flag="Z").text_block())
    assert caught.value.card_type is None
    assert caught.value.customer_message == "暂不支持此类证件，请使用居民身份证"


def test_given_a_value_longer_than_its_field_when_building_a_block_then_value_error() -> None:
    with pytest.raises(ValueError, match="name"):
        make_text_block(**{**dataclasses.asdict(ADULT_CARD), "name": "名" * 16})


def test_given_a_decoded_card_when_rebuilt_from_it_then_the_block_is_identical() -> None:
    for sim_card in (ADULT_CARD, ELDERLY_CARD, EXPIRED_CARD, LONG_TERM_CARD):
        block = sim_card.text_block()
        assert SimCard.from_card(decode_text_block(block)).text_block() == block


def _number(first17: str) -> str:
    return first17[:17] + id_check_digit(first17[:17])
