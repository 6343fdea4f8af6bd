"""Schemas of the assessment API: a unit's lead actions with the records that prove them."""

import datetime as dt

from ninja import Field, Schema


class ProofOut(Schema):
    organization_code: str
    anchor: str
    title: str
    on: dt.date | None
    url: str = Field("", description="记录自己的页面（问题清单中的问题）；为空时见单位页面的 anchor")


class LeadActionOut(Schema):
    action: str
    label: str
    done: bool
    proofs: list[ProofOut]


class LeadRowOut(Schema):
    cadre_id: int
    name: str
    position: str
    organization_code: str
    actions: list[LeadActionOut]
