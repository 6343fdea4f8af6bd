"""API shapes for campaigns and guidance profiles."""

import datetime as dt

from ninja import Schema


class CampaignOut(Schema):
    id: int
    name: str
    batch: int | None
    starts_on: dt.date
    ends_on: dt.date | None
    is_current: bool


class OrgRefOut(Schema):
    code: str
    name: str


class ParticipationOut(OrgRefOut):
    sentence: str


class PersonOut(Schema):
    username: str
    name: str
    is_leader: bool


class TeamOut(Schema):
    id: int
    name: str
    duties: str
    members: list[PersonOut]


class LiaisonGroupOut(Schema):
    id: int
    name: str
    members: list[PersonOut]
    units: list[OrgRefOut]


class CampaignDetailOut(CampaignOut):
    participations: list[ParticipationOut]
    teams: list[TeamOut]
    liaison_groups: list[LiaisonGroupOut]


class ProfileOut(Schema):
    sector: str
    sector_label: str
    tier: str
    tier_label: str
    focus: str
    applies_study: bool
    applies_research: bool
    applies_public_service: bool
    applies_lecture: bool
    applies_democratic_meeting: bool
    applies_organisational_meeting: bool
    simplified: bool
    small_dispersed: bool
    method_notes: str
    member_flexibility: str
    office_notes: str
    applies: list[str]
