"""A feedback letter as an official document: the .docx the unit receives, in the GB/T 9704 layout of
`core.docs`."""

from django.utils import timezone

from campaigns.selectors import office_name
from core.docs import OfficialDocument, render_docx
from supervision.choices import LetterStatus
from supervision.models import FeedbackLetter


def letter_document(letter: FeedbackLetter) -> OfficialDocument:
    """The letter as an official document: issued by the office over the group's name; a draft carries no number
    and is dated today."""
    office = office_name(letter.organization)
    issued = letter.status != LetterStatus.DRAFT and bool(letter.number)
    date = letter.issued_on or timezone.localdate()
    return OfficialDocument(
        issuer=office,
        number=letter.number if issued else "",
        draft=not issued,
        title=letter.title,
        recipient=letter.recipient,
        body=letter.body,
        signature=(office, letter.group.name),
        date=date,
        printed_by=office,
        printed_on=date,
        keywords=("督导反馈意见", f"letter-{letter.pk}"),
    )


def letter_docx(letter: FeedbackLetter) -> bytes:
    """The letter's .docx bytes."""
    return render_docx(letter_document(letter))


def letter_filename(letter: FeedbackLetter) -> str:
    """The .docx's name: its number (or 草稿) and title."""
    return f"{letter.number or '草稿'}{letter.title}.docx"
