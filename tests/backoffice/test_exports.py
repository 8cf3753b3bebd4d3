"""Text cells a spreadsheet would execute are made inert."""

import pytest

from comptoir.invoicing.exports import neutralise


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6 00 00 00 00", "'+33 6 00 00 00 00"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("BAYCORP INC", "BAYCORP INC"),
        ("FA-KD-20240305-000010", "FA-KD-20240305-000010"),
        ("", ""),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected
