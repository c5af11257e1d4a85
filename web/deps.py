"""What routes get injected: the one knowledge base of the app, and checked path ids."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Request

from kb.service import Casusbank
from kb.store import MAX_GETAL

# A row id in a path: a 32-bit integer column on PostgreSQL, which refuses a larger
# number with an error; out of range it is a Dutch 422 instead.
RijId = Annotated[int, Path(ge=1, le=MAX_GETAL)]


def get_kb(request: Request) -> Casusbank:
    return request.app.state.kb
