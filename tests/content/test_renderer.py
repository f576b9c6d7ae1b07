"""Markdown from anyone becomes safe HTML; explicit heading anchors survive."""

from __future__ import annotations

from helpcenter.content.renderer import render_markdown


def test_script_tags_are_removed() -> None:
    html = render_markdown("Hello <script>alert('x')</script> world").html
    assert "<script" not in html
    assert "alert(" not in html


def test_htmx_attributes_event_handlers_and_script_urls_are_dropped() -> None:
    source = (
        '<a href="javascript:alert(1)" hx-get="/x" data-hx-post="/y" onclick="steal()">a</a>\n\n'
        '<p hx-trigger="load" onmouseover="x()">b</p>\n\n'
        "[c](data:text/html;base64,PHNjcmlwdD4=)"
    )
    html = render_markdown(source).html
    for bad in (
        "javascript:",
        "hx-get",
        "data-hx-post",
        "onclick",
        "hx-trigger",
        "onmouseover",
        "data:text",
    ):
        assert bad not in html


def test_explicit_anchors_tables_and_lists_render() -> None:
    rendered = render_markdown(
        "## Stable title {#stable-anchor}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- one\n- two\n\n### Sub {#sub}\n"
    )
    assert '<h2 id="stable-anchor">Stable title</h2>' in rendered.html
    assert "<table>" in rendered.html and "<td>1</td>" in rendered.html
    assert "<li>one</li>" in rendered.html
    assert rendered.toc == [
        {"level": 2, "id": "stable-anchor", "title": "Stable title"},
        {"level": 3, "id": "sub", "title": "Sub"},
    ]
    assert rendered.anchors == {"stable-anchor", "sub"}


def test_links_keep_their_target_and_get_a_safe_rel() -> None:
    html = render_markdown("[site](https://example.org/page)").html
    assert 'href="https://example.org/page"' in html
    assert 'rel="noopener noreferrer"' in html
