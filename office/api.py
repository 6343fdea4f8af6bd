"""The office API under /api/v1/office/."""

from ninja import Router

router = Router(tags=["办公室工作"])
