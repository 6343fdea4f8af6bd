"""Special campaigns (专项整治), kept by the city's office."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.actors import Actor
from campaigns.models import Campaign
from core.validation import clean_text
from core.validation import put_error as _put
from core.validation import raise_errors as _raise
from core.validation import text_error as _text_error
from problems.models import SpecialCampaign
from problems.permissions import can_manage_special_campaign


def _manage_check(actor: Actor) -> None:
    if not can_manage_special_campaign(actor):
        raise PermissionDenied("只有市主题教育办公室可以设置专项整治")


@transaction.atomic
def special_campaign_create(*, actor: Actor, campaign: Campaign, name: str, description: str = "") -> SpecialCampaign:
    _manage_check(actor)
    errors: dict[str, str] = {}
    _put(errors, "name", _text_error(name, "专项整治名称", 100))
    if not errors and SpecialCampaign.objects.filter(campaign=campaign, name=clean_text(name)).exists():
        errors["name"] = f"“{clean_text(name)}”已存在"
    _raise(errors)
    return SpecialCampaign.objects.create(campaign=campaign, name=clean_text(name), description=clean_text(description))


@transaction.atomic
def special_campaign_update(*, actor: Actor, special: SpecialCampaign, name: str, description: str = "",
                            is_active: bool = True) -> SpecialCampaign:
    _manage_check(actor)
    errors: dict[str, str] = {}
    _put(errors, "name", _text_error(name, "专项整治名称", 100))
    if not errors and SpecialCampaign.objects.filter(campaign=special.campaign, name=clean_text(name)).exclude(
            pk=special.pk).exists():
        errors["name"] = f"“{clean_text(name)}”已存在"
    _raise(errors)
    special.name, special.description, special.is_active = clean_text(name), clean_text(description), is_active
    special.save()
    return special
