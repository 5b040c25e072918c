"""Builds the home view (Slack's App Home) from the profile and the member's pending deliveries."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.actions import Action, PublishHome
from bot.core.content import Card, Content, Field, Paragraph, Text, Timestamp, paragraph
from bot.core.context import Context
from bot.core.identity import ConversationRef
from bot.features.profile.commands import summary_lines
from storage.repositories import deliveries as repo

UPCOMING_LIMIT = 10


async def home(ctx: Context) -> Sequence[Action]:
    """Rebuilt from the database each time, so it is never stale after a restart."""
    async with ctx.db.read() as s:
        upcoming = await repo.upcoming_for(s, ctx.workspace.id, ctx.member.account.user_id, now=ctx.now,
                                           limit=UPCOMING_LIMIT)
    profile = Card(title=ctx.t("home.profile_title"),
                   body=tuple(paragraph(line) for line in summary_lines(ctx)),
                   footer=ctx.t("home.profile_footer"))
    items = tuple(Field(label=_kind_label(ctx, d.kind), value=paragraph(Timestamp(instant=d.due_at)))
                  for d in upcoming)
    coming = Card(title=ctx.t("home.upcoming_title"), fields=items,
                  body=() if items else (paragraph(ctx.t("home.nothing_upcoming")),))
    content = Content(blocks=(profile, coming, Paragraph(inlines=(Text(text=ctx.t("home.help")),))))
    return [PublishHome(to=ConversationRef.dm(ctx.member.account), content=content)]


def _kind_label(ctx: Context, kind: str) -> str:
    known = {"reminder", "deadline", "standup_prompt", "standup_report", "standup_nudge", "missed_summary"}
    return ctx.t(f"home.kind_{kind}") if kind in known else kind
