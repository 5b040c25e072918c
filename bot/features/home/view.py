"""Builds the home view (Slack's App Home) from the profile and the member's pending deliveries."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.actions import Action, PublishHome
from bot.core.content import Card, Content, Field, Paragraph, Text, Timestamp, paragraph
from bot.core.context import Context
from bot.core.identity import ConversationRef
from bot.features.deadlines import service as deadlines
from bot.features.deadlines.manage import current_due
from bot.features.profile.commands import summary_lines
from storage.repositories import deliveries as repo

UPCOMING_LIMIT = 10
DEADLINE_SOURCES = ("dl:", "dg:", "left:")


async def home(ctx: Context) -> Sequence[Action]:
    """Rebuilt from the database each time, so it is never stale after a restart."""
    me = ctx.member.account.user_id
    async with ctx.db.read() as s:
        upcoming = await repo.upcoming_for(s, ctx.workspace.id, me, now=ctx.now, limit=UPCOMING_LIMIT * 4)
    # A deadline's reminders are owned by its creator (who hears if they fail) but go to its assignees:
    # the deadlines card shows those, so this card keeps the sends that are the member's own.
    upcoming = [d for d in upcoming if not d.source_id.startswith(DEADLINE_SOURCES)][:UPCOMING_LIMIT]
    profile = Card(title=ctx.t("home.profile_title"),
                   body=tuple(paragraph(line) for line in summary_lines(ctx)),
                   footer=ctx.t("home.profile_footer"))
    items = tuple(Field(label=_kind_label(ctx, d.kind), value=paragraph(Timestamp(instant=d.due_at)))
                  for d in upcoming)
    coming = Card(title=ctx.t("home.upcoming_title"), fields=items,
                  body=() if items else (paragraph(ctx.t("home.nothing_upcoming")),))
    deadlines = await _deadlines_card(ctx)
    help_line = Paragraph(inlines=(Text(text=ctx.t("home.help")),))
    content = Content(blocks=(profile, *deadlines, coming, help_line))
    return [PublishHome(to=ConversationRef.dm(ctx.member.account), content=content)]


async def _deadlines_card(ctx: Context) -> tuple[Card, ...]:
    """My open deadlines and reminders, soonest first, each instant in the reader's own zone."""
    me = ctx.member.account.user_id
    items = [d for d in await deadlines.visible(ctx.db, ctx.workspace.id, me, everything=False)
             if d.creator == me or me in d.assignees]
    if not items:
        return ()
    now = ctx.now
    items.sort(key=lambda d: current_due(d, now))
    fields = tuple(Field(label=f"#{d.id} {d.title}", value=paragraph(Timestamp(instant=current_due(d, now))))
                   for d in items[:UPCOMING_LIMIT])
    return (Card(title=ctx.t("home.deadlines_title"), fields=fields, footer=ctx.t("home.deadlines_footer")),)


def _kind_label(ctx: Context, kind: str) -> str:
    known = {"reminder", "deadline", "standup_prompt", "standup_report", "standup_nudge", "missed_summary"}
    return ctx.t(f"home.kind_{kind}") if kind in known else kind
