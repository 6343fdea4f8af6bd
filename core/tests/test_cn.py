import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from core import cn


def test_id_numbers_from_the_standard_are_valid():
    # GB 11643-1999 appendix examples.
    assert cn.id_number_error("11010519491231002X") is None
    assert cn.id_number_error("440524188001010014") is None


def test_wrong_check_digit_names_the_right_one():
    reason = cn.id_number_error("110105194912310021")
    assert reason is not None and "校验位" in reason and "X" in reason


def test_id_number_with_impossible_birth_date_is_rejected():
    first17 = "11010519490230002"  # 30 February
    assert "出生日期不存在" in (cn.id_number_error(first17 + cn.id_check_char(first17)) or "")


def test_lowercase_x_is_accepted_after_normalising():
    assert cn.id_number_error("11010519491231002x") is None


def test_id_birth_date_and_gender_are_read_from_the_number():
    assert cn.id_birth_date("11010519491231002X") == dt.date(1949, 12, 31)
    assert cn.id_gender("11010519491231002X") == "F"
    assert cn.id_gender("440524188001010014") == "M"


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
       st.integers(0, 499), st.sampled_from(["M", "F"]))
def test_generated_id_numbers_are_valid_and_agree(birth, seq, gender):
    number = cn.make_id_number("130102", birth, seq, gender)
    assert cn.id_number_error(number) is None
    assert cn.id_birth_date(number) == birth
    assert cn.id_gender(number) == gender


def test_credit_code_from_the_standard_is_valid():
    # GB 32100-2015 example.
    assert cn.credit_code_error("91350100M000100Y43") is None


def test_credit_code_errors():
    assert "校验位" in (cn.credit_code_error("91350100M000100Y44") or "")
    assert "18位" in (cn.credit_code_error("91350100M000100Y4") or "")
    assert "不允许的字符" in (cn.credit_code_error("91350100M000100O43") or "")


@given(st.integers(0, 31**9 - 1))
def test_generated_credit_codes_are_valid(serial):
    assert cn.credit_code_error(cn.make_credit_code("130102", serial)) is None


def test_division_codes():
    assert cn.division_code_error("130102") is None
    assert cn.division_code_error("990102") is not None
    assert cn.division_code_error("13010") is not None


def test_masking():
    assert cn.mask_id_number("11010519491231002X") == "1101**********002X"
    assert cn.mask_phone("13812341234") == "138****1234"


def test_dates_are_written_the_chinese_way():
    assert cn.cn_date(dt.date(2023, 9, 1)) == "2023年9月1日"


def test_pinyin_initials():
    assert cn.pinyin_initials("城关镇") == "cgz"
    assert cn.pinyin_initials("东关村党支部") == "dgcdzb"


def test_ordinals_in_names_read_as_numbers() -> None:
    from core.cn import chinese_number, ordinal_of

    assert [ordinal_of(n) for n in ("第一联络组", "第二联络组", "第十联络组", "第十一联络组", "第二十联络组",
                                    "第12联络组", "综合组")] == [1, 2, 10, 11, 20, 12, None]
    assert chinese_number("一百零五") == 105 and chinese_number("两") == 2 and chinese_number("x") is None
