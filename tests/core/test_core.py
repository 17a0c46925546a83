"""Core helpers: HTML sanitising, settings from the environment, API tokens."""

from __future__ import annotations

import pytest

from deskline.accounts.tokens import TOKEN_PREFIX, new_token, token_digest
from deskline.core.env import env_bool, env_int, env_list
from deskline.core.html import html_to_text, sanitize_html, text_to_html


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<script>alert(1)</script><p>ok</p>", "<p>ok</p>"),
        ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'),
        ('<img src="x" onerror="alert(1)">', '<img src="x">'),
        ('<p style="color:red">x</p>', "<p>x</p>"),
        ("<iframe src=//evil></iframe>", ""),
    ],
)
def test_sanitize_html_removes_active_content(dirty, clean):
    assert sanitize_html(dirty) == clean


def test_text_to_html_escapes_and_keeps_paragraphs():
    assert text_to_html("a<b>\n\nsecond\nline") == "<p>a&lt;b&gt;</p><p>second<br>line</p>"


def test_html_to_text_unescapes_entities():
    assert html_to_text("<p>Tom &amp; Jerry</p><p>2</p>") == "Tom & Jerry\n\n2"


def test_env_helpers_parse_values(monkeypatch):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env_bool("X_BOOL") is True
    assert env_int("X_INT", 1) == 42
    assert env_list("X_LIST", []) == ["a", "b", "c"]


def test_env_int_rejects_garbage_with_the_variable_name(monkeypatch):
    monkeypatch.setenv("X_INT", "lots")
    with pytest.raises(ValueError, match="X_INT"):
        env_int("X_INT", 1)


def test_tokens_are_random_and_only_their_digest_is_kept():
    first, second = new_token(), new_token()
    assert first.startswith(TOKEN_PREFIX) and first != second
    assert len(token_digest(first)) == 64 and token_digest(first) != first
