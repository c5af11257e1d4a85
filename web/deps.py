"""What routes get injected: the one knowledge base of the app."""

from __future__ import annotations

from fastapi import Request

from kb.service import Casusbank


def get_kb(request: Request) -> Casusbank:
    return request.app.state.kb
