"""Norwegian identifier checks on real values from the issue: fødselsnummer, D-nummer, organisasjonsnummer."""

import pytest

from hub.identity.numbers import (
    birth_date_of,
    is_d_number,
    is_fodselsnummer,
    kommunenummer_problem,
    national_id_problem,
    orgnr_problem,
)

VALID_FNR = ["21030550231", "05073500186", "04021950128", "15080050515", "28071364498", "16081688781"]
VALID_DNR = ["41667987421"]
INVALID = ["09090990123", "10101001234", "52030078901", "210305*****", "2103055023", "210305502311", "2103055023a", "", "           "]


@pytest.mark.parametrize("value", VALID_FNR)
def test_valid_fodselsnummer(value):
    assert national_id_problem(value) is None
    assert is_fodselsnummer(value) and not is_d_number(value)


@pytest.mark.parametrize("value", VALID_DNR)
def test_valid_d_nummer(value):
    assert national_id_problem(value) is None
    assert is_d_number(value) and not is_fodselsnummer(value)


@pytest.mark.parametrize("value", INVALID)
def test_invalid_national_ids(value):
    assert national_id_problem(value) is not None
    assert not is_fodselsnummer(value) and not is_d_number(value)


def test_check_digit_messages_name_the_fault():
    assert "check digits" in national_id_problem("09090990123")
    assert "11 digits" in national_id_problem("123")


def test_birth_date_from_fodselsnummer():
    assert str(birth_date_of("21030550231")) == "2005-03-21"
    assert str(birth_date_of("05073500186")) == "1935-07-05"


def test_single_digit_change_is_caught():
    for i in range(11):
        digits = list("21030550231")
        digits[i] = str((int(digits[i]) + 1) % 10)
        assert national_id_problem("".join(digits)) is not None


@pytest.mark.parametrize("value", ["944117784"])
def test_valid_orgnr(value):
    assert orgnr_problem(value) is None


@pytest.mark.parametrize("value", ["944117785", "94411778", "9441177840", "94411778x", "", "123456789"])
def test_invalid_orgnr(value):
    assert orgnr_problem(value) is not None


def test_kommunenummer():
    assert kommunenummer_problem("1106") is None
    assert kommunenummer_problem("106") is not None
    assert kommunenummer_problem("11O6") is not None
