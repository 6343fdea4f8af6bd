"""The supervision API under /api/v1/supervision/ (filled in by the API work)."""

from ninja import Router

router = Router(tags=["督促指导"])
