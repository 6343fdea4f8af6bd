"""What the masses say (the public feedback page, no login), and the answers of the unit or the office."""

import datetime as dt
import hashlib
import hmac
import ipaddress

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.actors import Actor, user_or_none
from core.http import public_url_fault
from core.validation import choice_error as _choice_error
from core.validation import clean_text
from core.validation import put_error as _put
from core.validation import raise_errors as _raise
from core.validation import text_error as _text_error
from problems.choices import Rating, Source
from problems.models import Problem, Satisfaction
from problems.permissions import can_answer_feedback
from problems.services._common import NOTE_MAX

# The public feedback page: one sender may rate one problem this many times a day, and send this many ratings
# an hour in all (a sender is a keyed hash of the address, see `feedback_source`).
FEEDBACK_PER_PROBLEM_PER_DAY = 3
FEEDBACK_PER_HOUR = 20


def feedback_source(ip: str | None) -> str:
    """A keyed hash of the sender's address: rate limiting needs to tell senders apart, nothing more. An IPv6
    sender is its /64 (one subscriber holds a whole /64 and could otherwise take a new address per post)."""
    sender = ip or "-"
    try:
        address = ipaddress.ip_address(sender)
        if address.version == 6:
            sender = str(ipaddress.ip_network(f"{address}/64", strict=False))
    except ValueError:
        pass
    return hmac.new(settings.SECRET_KEY.encode(), sender.encode(), hashlib.sha256).hexdigest()


def feedback_link_refusal() -> str | None:
    """Why the public feedback page's address may not be printed or shown as a QR code, or None. The masses open
    it on their own phones: it must be the address set for them (settings.JYB_PUBLIC_URL), never the intranet
    address the office happens to use, and never this machine (127.0.0.1, localhost)."""
    base = str(getattr(settings, "JYB_PUBLIC_URL", "") or "").strip()
    how = ("请系统管理员在服务器上把环境变量 JYB_PUBLIC_URL 设为群众的手机能打开的地址"
           "（如 https://pingjia.example.gov.cn），重启后即可显示和打印二维码。")
    fault = public_url_fault(base)
    if fault is None:
        return None
    if not base:
        return "二维码未显示：尚未设置群众访问地址（JYB_PUBLIC_URL），现在的链接群众的手机打不开。" + how
    return f"二维码未显示：群众访问地址（JYB_PUBLIC_URL）是“{base}”，{fault}，群众的手机打不开。" + how


def feedback_link(problem: Problem) -> str | None:
    """The public feedback page's address to print or show (the QR code encodes it), or None when
    `feedback_link_refusal` says it would not reach the masses."""
    if feedback_link_refusal() is not None:
        return None
    base = str(settings.JYB_PUBLIC_URL).strip().rstrip("/")
    return base + reverse("feedback:public_feedback", args=[problem.feedback_token])


def feedback_open(problem: Problem) -> bool:
    """Problems raised by the masses take feedback from the masses."""
    return problem.source == Source.MASSES


@transaction.atomic
def satisfaction_submit(*, token: str, rating: str, comment: str = "", ip: str | None) -> Satisfaction:
    """Record what one person says of a problem's rectification. Rate limited per sender (`feedback_source`):
    FEEDBACK_PER_PROBLEM_PER_DAY on one problem, FEEDBACK_PER_HOUR in all."""
    # The row lock makes count-then-insert one step per problem: parallel posts cannot all pass the limit.
    problem = Problem.objects.select_for_update().filter(feedback_token=token).first()
    if problem is None or not feedback_open(problem):
        raise PermissionDenied("未找到")  # the page answers 404, as for an unknown token
    errors: dict[str, str] = {}
    _put(errors, "rating", _choice_error(rating, Rating, "评价"))
    _put(errors, "comment", _text_error(comment, "意见", 500, required=False))
    if rating == Rating.UNSATISFIED and not clean_text(comment):
        errors.setdefault("comment", "请说说哪里不满意，以便整改")
    _raise(errors)
    source = feedback_source(ip)
    now = timezone.now()
    recent = Satisfaction.objects.filter(source_hash=source)
    if recent.filter(problem=problem, at__gte=now - dt.timedelta(days=1)).count() >= FEEDBACK_PER_PROBLEM_PER_DAY:
        raise ValidationError({"rate": "您今天对这个问题的评价次数已达上限，请明天再来"})
    if recent.filter(at__gte=now - dt.timedelta(hours=1)).count() >= FEEDBACK_PER_HOUR:
        raise ValidationError({"rate": "提交过于频繁，请稍后再试"})
    return Satisfaction.objects.create(problem=problem, rating=rating, comment=clean_text(comment), at=now,
                                       source_hash=source)


@transaction.atomic
def satisfaction_answer(*, actor: Actor, satisfaction: Satisfaction, answer: str) -> Satisfaction:
    """The unit or the office answers what the masses said (answering is not closing: the verifier still
    decides)."""
    problem = satisfaction.problem
    if not can_answer_feedback(actor, problem):
        raise PermissionDenied("无权答复该评价")
    _raise({"answer": r} if (r := _text_error(answer, "答复", NOTE_MAX)) else {})
    satisfaction = Satisfaction.objects.select_for_update().get(pk=satisfaction.pk)
    satisfaction.answer = clean_text(answer)
    satisfaction.answered_by = user_or_none(actor)
    satisfaction.answered_at = timezone.now()
    satisfaction.save()
    return satisfaction
