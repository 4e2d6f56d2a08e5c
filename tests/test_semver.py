"""Version numbers: parse, bump, order."""
import pytest

from app.versions import semver


@pytest.mark.parametrize("previous,change,expected", [
    (None, "major", "1.0.0"),
    (None, "patch", "1.0.0"),
    ("1.0.0", "patch", "1.0.1"),
    ("1.0.7", "minor", "1.1.0"),
    ("1.4.2", "major", "2.0.0"),
    ("2.9.0", "minor", "2.10.0"),
])
def test_bump(previous, change, expected):
    assert semver.bump(previous, change) == expected


@pytest.mark.parametrize("bad", ["", "1", "1.0", "01.0.0", "1.0.0-rc1", "v1.0.0", "1.0.0.0", "a.b.c", None])
def test_parse_refuses_malformed_numbers(bad):
    assert not semver.is_version_number(bad)
    with pytest.raises(ValueError):
        semver.parse(bad)


def test_bump_refuses_unknown_change():
    with pytest.raises(ValueError):
        semver.bump("1.0.0", "huge")


@pytest.mark.parametrize("a,b,expected", [
    (None, None, None), (None, "patch", "patch"), ("minor", None, "minor"),
    ("patch", "minor", "minor"), ("major", "minor", "major"), ("patch", "patch", "patch"),
])
def test_heavier(a, b, expected):
    assert semver.heavier(a, b) == expected
