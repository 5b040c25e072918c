"""History and data: past answers, a report posted again, a CSV export, participation stats, and each
member's own answers to see and delete. Seen only by the standup's members, owner, managers and admins."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, timedelta

from bot.core.actions import Action, Send, Upload
from bot.core.commands import Args
from bot.core.content import BulletList, Content, Emphasis, Paragraph, Text
from bot.core.context import Context, message_paragraph
from bot.core.identity import ConversationRef, Role
from bot.features.deadlines.parse import read_targets, words
from bot.features.profile.parse import Refusal, parse_date_range
from bot.features.standups.compose import report_content, wording
from bot.features.standups.source import channel, members_of
from bot.time.format import format_date
from bot.time.zones import get_zone
from storage.repositories import standups as repo
from storage.repositories.standups import ASKED, DONE, SKIPPED, AnswerRecord, StandupRecord

DEFAULT_DAYS = 7
STATS_DAYS = 30
MAX_DAYS = 366
SHOWN = 40


def _today(ctx: Context, standup: StandupRecord) -> date:
    return ctx.now.astimezone(get_zone(standup.zone)).date()


async def _standup(ctx: Context, name: str) -> StandupRecord | Action:
    async with ctx.db.read() as s:
        found = await repo.by_name(s, ctx.workspace.id, name) if name else None
    if found is None:
        return ctx.fail("standups.not_found", example="/standup list", name=name[:80])
    me = ctx.member.account.user_id
    if me not in found.members and found.owner != me and not ctx.member.role.allows(Role.MANAGER):
        return ctx.fail("standups.not_a_member", name=found.name)
    return found


def _split(ctx: Context, args: Args) -> tuple[str, str]:
    """The standup's name (quoted if it has spaces), then the rest."""
    text = args.text_or("name")
    parts = words(text)
    return (parts[0], " ".join(parts[1:])) if parts else ("", "")


def _range(ctx: Context, standup: StandupRecord, text: str, default_days: int) -> tuple[date, date] | Action:
    today = _today(ctx, standup)
    cleaned = " ".join(w for w in text.split() if not w.startswith("<@")).strip().lower()
    if not cleaned:
        return today - timedelta(days=default_days - 1), today
    if cleaned.endswith("d") and cleaned[:-1].isascii() and cleaned[:-1].isdecimal() and len(cleaned) < 6 \
            and 0 < int(cleaned[:-1]) <= MAX_DAYS:
        return today - timedelta(days=int(cleaned[:-1]) - 1), today
    if cleaned in ("today", "hari ini"):
        return today, today
    if cleaned in ("yesterday", "kemarin"):
        return today - timedelta(days=1), today - timedelta(days=1)
    span = parse_date_range(cleaned, date.min)  # history looks back: no date is "already over"
    if isinstance(span, Refusal):
        return ctx.fail("standups.bad_range", example="/standup history Daily 7d", value=cleaned[:40])
    return span.start, span.end


async def history(ctx: Context, args: Args) -> Sequence[Action]:
    name, rest = _split(ctx, args)
    found = await _standup(ctx, name)
    if isinstance(found, Action):
        return [found]
    span = _range(ctx, found, rest, DEFAULT_DAYS)
    if isinstance(span, Action):
        return [span]
    who = read_targets(" ".join(w for w in rest.split() if w.startswith("<@"))).users
    async with ctx.db.read() as s:
        answers = await repo.answers_between(s, found.id, span[0], span[1], users=who or None)
        members = await members_of(s, found)
    if not answers:
        return [ctx.reply(ctx.t("standups.history_empty", name=found.name))]
    blocks: list[Paragraph | BulletList] = [
        message_paragraph(
            "standups.history_head", ctx.locale, name=Emphasis(text=found.name), count=len(answers)
        )
    ]
    for a in sorted(answers, key=lambda a: (a.day, a.user_id), reverse=True)[:SHOWN]:
        blocks.append(_line(ctx, found, members.get(a.user_id), a))
    return [ctx.reply(Content(blocks=tuple(blocks)))]


def _line(ctx: Context, standup: StandupRecord, member: object, a: AnswerRecord) -> Paragraph:
    name = getattr(member, "display_name", None) or a.user_id
    head = f"{format_date(a.day, ctx.locale)} — {name}: "
    if a.status == SKIPPED:
        return Paragraph(
            inlines=(Text(text=head + ctx.t("standups.history_skipped", reason=a.skip_reason or "")),)
        )
    if a.status == ASKED:
        return Paragraph(inlines=(Text(text=head + ctx.t("standups.history_unanswered")),))
    said = " · ".join(
        f"{wording(q, ctx.locale)} {t}" for q, t in zip(standup.questions, a.answers, strict=False)
    )
    return Paragraph(inlines=(Text(text=head), Text(text=said)))


async def report_again(ctx: Context, args: Args) -> Sequence[Action]:
    """`/standup report Daily yesterday`: the report for a day, posted to the standup's channel again."""
    name, rest = _split(ctx, args)
    found = await _standup(ctx, name)
    if isinstance(found, Action):
        return [found]
    span = _range(ctx, found, rest or "today", 1)
    if isinstance(span, Action):
        return [span]
    day = span[1]
    async with ctx.db.read() as s:
        answers = await repo.answers_for_day(s, found.id, day)
        members = await members_of(s, found)
    return [
        Send(to=channel(found), content=report_content(found, members, day, answers)),
        ctx.reply(ctx.t("standups.reposted", name=found.name, day=format_date(day, ctx.locale))),
    ]


async def export(ctx: Context, args: Args) -> Sequence[Action]:
    """A CSV of the answers in a range (30 days by default), to the asker's DM."""
    name, rest = _split(ctx, args)
    found = await _standup(ctx, name)
    if isinstance(found, Action):
        return [found]
    span = _range(ctx, found, rest, STATS_DAYS)
    if isinstance(span, Action):
        return [span]
    async with ctx.db.read() as s:
        answers = await repo.answers_between(s, found.id, span[0], span[1])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "day",
            "member",
            "status",
            "asked_at_utc",
            "answered_at_utc",
            "skip_reason",
            *(wording(q, ctx.locale) for q in found.questions),
        ]
    )
    for a in sorted(answers, key=lambda a: (a.day, a.user_id)):
        answered = a.answered_at.astimezone(UTC).isoformat() if a.answered_at else ""
        writer.writerow(
            [
                a.day.isoformat(),
                a.user_id,
                a.status,
                a.asked_at.astimezone(UTC).isoformat(),
                answered,
                a.skip_reason or "",
                *(_cell(t) for t in a.answers),
            ]
        )
    comment = Content.text(ctx.t("standups.export_comment", name=found.name, count=len(answers)))
    filename = f"standup-{found.id}-{span[0]}-{span[1]}.csv"
    return [
        Upload(
            to=ConversationRef.dm(ctx.member.account),
            filename=filename,
            data=buffer.getvalue().encode("utf-8"),
            mime_type="text/csv",
            comment=comment,
        )
    ]


def _cell(text: str) -> str:
    """A spreadsheet never runs an answer as a formula (=, +, -, @ lead a formula in Excel and Sheets)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


async def stats(ctx: Context, args: Args) -> Sequence[Action]:
    """Answer rate and average time to answer per member, over the last 30 days."""
    name, _ = _split(ctx, args)
    found = await _standup(ctx, name)
    if isinstance(found, Action):
        return [found]
    today = _today(ctx, found)
    async with ctx.db.read() as s:
        answers = await repo.answers_between(s, found.id, today - timedelta(days=STATS_DAYS - 1), today)
        members = await members_of(s, found)
    by_user: dict[str, list[AnswerRecord]] = defaultdict(list)
    for a in answers:
        by_user[a.user_id].append(a)
    rows: list[Paragraph] = []
    for user in found.members:
        asked = by_user.get(user, [])
        done = [a for a in asked if a.status == DONE and a.answered_at is not None]
        rate = f"{len(done)}/{len(asked)}" if asked else "0/0"
        minutes = (
            sum((a.answered_at - a.asked_at).total_seconds() for a in done if a.answered_at) / 60 / len(done)
            if done
            else None
        )
        member = members.get(user)
        name_text = member.display_name if member else user
        avg = ctx.t("standups.stats_avg", minutes=round(minutes)) if minutes is not None else ""
        rows.append(Paragraph(inlines=(Emphasis(text=name_text), Text(text=f": {rate} {avg}".rstrip()))))
    head = message_paragraph(
        "standups.stats_head", ctx.locale, name=Emphasis(text=found.name), days=STATS_DAYS
    )
    return [ctx.reply(Content(blocks=(head, BulletList(items=tuple(rows)))))]


async def mine(ctx: Context, args: Args) -> Sequence[Action]:
    """`/standup mine Daily` shows my answers; `/standup mine Daily delete 2026-11-30` deletes one day's."""
    name, rest = _split(ctx, args)
    found = await _standup(ctx, name)
    if isinstance(found, Action):
        return [found]
    me = ctx.member.account.user_id
    head, _, when = rest.strip().partition(" ")
    if head.lower() in ("delete", "hapus"):
        span = _range(ctx, found, when, 1)
        if isinstance(span, Action):
            return [span]
        async with ctx.db.session() as s:
            removed = await repo.delete_answers(s, found.id, me, span[0], span[1])
        return [ctx.reply(ctx.t("standups.mine_deleted", count=removed))]
    return await history(ctx, Args(text=f'"{found.name}" <@{me}> {rest}'.strip()))
