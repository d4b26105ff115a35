"""HTML rendering: one Jinja environment (autoescaped) and the pages' Content-Security-Policy.

Pages load their stylesheet and scripts from riskgraph's own ``/static/`` files
('self'); no page has inline script, inline style or event-handler attributes,
so the policy needs neither 'unsafe-inline' nor hashes.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from riskgraph.serve.links import arxiv_url, compact, doi_url, safe_url
from riskgraph.version import __version__

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"

CSP = "; ".join([
    "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "connect-src 'self'", "font-src 'none'", "object-src 'none'", "base-uri 'none'",
    "form-action 'self'", "frame-ancestors 'none'",
])
# The static site's pages carry the policy in a <meta> element (a static host may
# send no headers); frame-ancestors is not allowed there, and no page posts a form
# anywhere but to itself.
SITE_CSP = "; ".join([
    "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "connect-src 'self'", "font-src 'none'", "object-src 'none'", "base-uri 'none'",
    "form-action 'self'",
])

_ENV: jinja2.Environment | None = None


def env() -> jinja2.Environment:
    global _ENV
    if _ENV is None:
        _ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                  undefined=jinja2.StrictUndefined, trim_blocks=True,
                                  lstrip_blocks=True)
        _ENV.globals["version"] = __version__
        _ENV.filters["compact"] = compact
        _ENV.filters["safe_url"] = safe_url
        _ENV.filters["doi_url"] = doi_url
        _ENV.filters["arxiv_url"] = arxiv_url
    return _ENV


def render(template: str, linker, meta_csp: str | None = None, **context) -> str:
    return env().get_template(template).render(link=linker, meta_csp=meta_csp, **context)
