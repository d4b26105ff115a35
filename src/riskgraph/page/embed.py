"""Text put inside a page's own elements: JSON for a <script> element, CSP hashes.

The one writer of script-element JSON, used by the graph page (riskgraph.page.render)
and by serve's and site's pages (riskgraph.serve.html). No heavy imports: serve's
pages use it without loading the graph page's code.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re

from markupsafe import Markup

_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                 "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(data: object) -> Markup:
    """JSON that cannot end its <script> element or open a comment inside it (marked
    safe for the templates, which would otherwise escape it again)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group()], text))


def csp_hash(text: str) -> str:
    """The CSP source expression that allows exactly this inline script or style."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"
