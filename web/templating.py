"""Templates: one template renders a whole page, or for htmx only the blocks that change.

A request from htmx (`HX-Request`) gets the named blocks; a normal request, a
request without JavaScript and htmx's history restore (when its cache missed)
get the whole page. Autoescaping is on; the vocabulary and its labels are
globals, so every template names codes the same way, and every stored time is
shown through the `lokaal` filter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from jinja2_fragments.fastapi import Jinja2Blocks

from kb.tijd import lokaal
from kb.toegang import ROL_LABELS, Recht
from kb.vocabulary import FACTOR_GROEPEN, FACTOREN, LABELS, RICHTING_LABELS, label

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"


def _wie(request: Request) -> dict[str, Any]:
    """The signed-in user and the CSRF token, for the menu and every form."""
    from web.auth import template_context

    return template_context(request)


templates = Jinja2Blocks(directory=WEB_DIR / "templates", context_processors=[_wie])
templates.env.autoescape = True
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True
templates.env.filters["lokaal"] = lokaal
templates.env.globals.update(
    LABELS=LABELS,
    FACTOREN=FACTOREN,
    FACTOR_GROEPEN=FACTOR_GROEPEN,
    RICHTING_LABELS=RICHTING_LABELS,
    label=label,
    ROL_LABELS=ROL_LABELS,
    Recht=Recht,
)


def is_htmx(request: Request) -> bool:
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    blocks: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    """The page, or only `blocks` when htmx asks. `fragment` tells the template which:
    an out-of-band element (hx-swap-oob) belongs in a fragment only, since in a whole
    page that htmx swaps in (restoring history) it is taken out as out-of-band content
    and lost from the page."""
    context = {**context, "fragment": bool(blocks and is_htmx(request))}
    if blocks and is_htmx(request):
        response = templates.TemplateResponse(
            request, template, context, block_names=blocks, status_code=status_code
        )
    else:
        response = templates.TemplateResponse(request, template, context, status_code=status_code)
    if blocks:
        # The same URL answers with a page or a fragment; caches must keep them apart.
        response.headers["Vary"] = "HX-Request"
    return response
