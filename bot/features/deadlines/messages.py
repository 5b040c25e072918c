"""What a reminder says, written for its reader: their language, their zone, buttons to act on it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.core.actions import Action, AskChoice, Choice, Send
from bot.core.content import BulletList, Content, Emphasis, Paragraph, Text, Timestamp
from bot.core.context import message_paragraph
from bot.core.identity import AccountRef, ConversationKind, ConversationRef, Member
from bot.i18n import normalize_locale, translate
from bot.time.format import format_duration, format_instant, format_relative
from storage.repositories.deadlines import DeadlineRecord

ACT_KEY = "dl.act"
SNOOZES = ("20m", "1h", "3h", "tomorrow", "nextweek")


def act_key(record: DeadlineRecord) -> str:
    return f"{ACT_KEY}:{record.id}"


def account(record: DeadlineRecord, user_id: str) -> AccountRef:
    return AccountRef(platform=record.platform, workspace_id=record.workspace_external_id, user_id=user_id)


def dm(record: DeadlineRecord, user_id: str) -> ConversationRef:
    return ConversationRef.dm(account(record, user_id))


def channel(record: DeadlineRecord, channel_id: str) -> ConversationRef:
    return ConversationRef(
        platform=record.platform,
        workspace_id=record.workspace_external_id,
        kind=ConversationKind.CHANNEL,
        conversation_id=channel_id,
    )


class Reader:
    """Whose words and clock a message is written in."""

    def __init__(self, member: Member | None, default_locale: str) -> None:
        self.locale = normalize_locale((member.locale if member else None) or default_locale)
        self.zone = (member.tz if member and member.tz else None) or "UTC"

    def t(self, key: str, /, **values: object) -> str:
        return translate(key, self.locale, **values)

    def when(self, instant: datetime) -> str:
        return format_instant(instant, self.zone, self.locale, with_utc=False)


def _para(reader: Reader, key: str, **values: object) -> Paragraph:
    return message_paragraph(key, reader.locale, **values)


def in_time(left: timedelta, reader: Reader) -> str:
    """'in 1 day 12 hours' to the minute: a rounded 'in 2 days' would misstate a moved reminder."""
    exact = timedelta(minutes=round(left.total_seconds() / 60))
    return reader.t("deadlines.in_time", duration=format_duration(exact, reader.locale))


def snooze_choices(reader: Reader, *, done: bool = True) -> tuple[Choice, ...]:
    snoozes = tuple(Choice(label=reader.t(f"deadlines.snooze_{s}"), value=f"snooze:{s}") for s in SNOOZES)
    return ((Choice(label=reader.t("deadlines.button_done"), value="done"),) if done else ()) + snoozes


def lead_reminder(
    record: DeadlineRecord,
    reader: Reader,
    to: ConversationRef,
    due: datetime,
    send_at: datetime,
    creator_name: str,
) -> Action:
    """A reminder to one assignee (or the owner of a personal reminder), with done and snooze buttons."""
    title = Emphasis(text=record.title)
    left = due - send_at
    if record.kind == "reminder":
        lines = [_para(reader, "deadlines.reminder_body", title=title)]
    elif left < -timedelta(minutes=1):  # a snooze past the deadline: say it is overdue, not "due now"
        lines = [_para(reader, "deadlines.overdue", title=title, when=reader.when(due))]
    elif left <= timedelta(minutes=1):
        lines = [_para(reader, "deadlines.due_now", title=title, when=reader.when(due))]
    else:
        lines = [
            _para(
                reader,
                "deadlines.due_in",
                title=title,
                left=in_time(left, reader),
                when=reader.when(due),
            )
        ]
    if record.kind == "deadline":
        lines.append(_para(reader, "deadlines.footer", id=record.id, creator=creator_name))
    else:
        lines.append(_para(reader, "deadlines.footer_reminder", id=record.id))
    return AskChoice(
        to=to, prompt=Content(blocks=tuple(lines)), choices=snooze_choices(reader), key=act_key(record)
    )


def channel_reminder(
    record: DeadlineRecord, reader: Reader, channel_id: str, due: datetime, send_at: datetime
) -> Action:
    """A channel sees the instant in each reader's own zone (Slack `<!date>`, Discord `<t:…>`)."""
    title = Emphasis(text=record.title)
    left = due - send_at
    if left <= timedelta(minutes=1):
        body = _para(reader, "deadlines.channel_due_now", title=title, when=Timestamp(instant=due))
    else:
        body = _para(
            reader,
            "deadlines.channel_due_in",
            title=title,
            when=Timestamp(instant=due),
            left=in_time(left, reader),
        )
    footer = _para(reader, "deadlines.footer_channel", id=record.id)
    # Done only: anyone may click, and the core lets only the creator, an assignee or a manager finish it.
    done = (Choice(label=reader.t("deadlines.button_done"), value="done"),)
    return AskChoice(to=channel(record, channel_id), prompt=Content(blocks=(body, footer)), choices=done,
                     key=act_key(record))


NOTICES = ("assigned", "changed", "removed", "cancelled", "done")


def notice(record: DeadlineRecord, reader: Reader, user_id: str, what: str, *, actor: str, creator: str,
           leads: str) -> Action:
    """What someone did to a deadline, told to one member: set, changed, taken off, cancelled, done."""
    body = _para(reader, f"deadlines.notice_{what}", actor=actor, title=Emphasis(text=record.title),
                 when=reader.when(record.due_at), id=record.id)
    lines = [body]
    if what in ("assigned", "changed"):
        if leads:
            lines.append(_para(reader, "deadlines.assigned_leads", leads=leads))
        lines.append(_para(reader, "deadlines.footer", id=record.id, creator=creator))
    return Send(to=dm(record, user_id), content=Content(blocks=tuple(lines)))


def overdue_assignee(record: DeadlineRecord, reader: Reader, user_id: str) -> Action:
    body = _para(
        reader, "deadlines.overdue", title=Emphasis(text=record.title), when=reader.when(record.due_at)
    )
    hint = _para(reader, "deadlines.overdue_hint", id=record.id)
    return AskChoice(
        to=dm(record, user_id),
        prompt=Content(blocks=(body, hint)),
        choices=snooze_choices(reader)[:3],
        key=act_key(record),
    )


def overdue_creator(record: DeadlineRecord, reader: Reader, names: Sequence[str]) -> Action:
    who = ", ".join(names) if names else reader.t("deadlines.nobody")
    body = _para(
        reader,
        "deadlines.overdue_creator",
        title=Emphasis(text=record.title),
        who=who,
        when=reader.when(record.due_at),
    )
    hint = _para(reader, "deadlines.overdue_creator_hint", id=record.id)
    choices = (
        Choice(label=reader.t("deadlines.button_done"), value="done"),
        Choice(label=reader.t("deadlines.button_cancel"), value="cancel"),
    )
    return AskChoice(
        to=dm(record, record.creator),
        prompt=Content(blocks=(body, hint)),
        choices=choices,
        key=act_key(record),
    )


def digest(items: Sequence[DeadlineRecord], reader: Reader, to: ConversationRef, now: datetime) -> Action:
    head = _para(reader, "deadlines.digest_head", count=len(items))
    rows = tuple(
        Paragraph(
            inlines=(
                Text(text=f"#{d.id} "),
                Emphasis(text=d.title),
                Text(
                    text=" — "
                    + reader.t(
                        "deadlines.digest_item",
                        when=reader.when(d.due_at),
                        late=format_relative(d.due_at - now, reader.locale),
                    )
                ),
            )
        )
        for d in items
    )
    hint = _para(reader, "deadlines.digest_hint", id=items[0].id if items else 1)
    return Send(to=to, content=Content(blocks=(head, BulletList(items=rows), hint)))
