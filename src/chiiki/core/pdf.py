"""Printable PDFs from HTML templates, with Japanese fonts embedded (fonts-noto-cjk)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

PDF_FONT_CSS = (
    "@page { size: A4; margin: 14mm; } body { font-family: 'Noto Sans CJK JP', sans-serif; }"
)


def render_pdf(
    template_name: str, context: dict[str, Any], *, base_url: str | None = None
) -> bytes:
    """Render a Django template to PDF bytes with WeasyPrint. The template should use
    ``font-family: 'Noto Sans CJK JP'`` so that the Japanese font is embedded."""
    from weasyprint import CSS, HTML

    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=[CSS(string=PDF_FONT_CSS)])
