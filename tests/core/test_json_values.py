import pytest

from evalcore.json_values import json_type, key_label


@pytest.mark.parametrize(
    "value,name",
    [(None, "null"), (True, "boolean"), (1, "number"), (1.5, "number"), ("x", "string"),
     ([], "array"), ({}, "object")],
)  # fmt: skip
def test_values_are_named_as_json_names_them(value, name):
    assert json_type(value) == name


def test_invisible_keys_are_quoted():
    assert key_label("prompt") == "prompt"
    assert key_label("") == '""'
    assert key_label(" ") == '" "'
    assert key_label("a\nb") == '"a\\nb"'
