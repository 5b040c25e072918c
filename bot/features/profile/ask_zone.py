"""Ask once for a zone where the platform cannot tell us one (Discord has no profile time zone)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.actions import Action
from bot.core.events import CommandInvoked, FormSubmitted
from bot.core.middleware import Next, Request
from bot.i18n import normalize_locale, translate
from storage.models import KeyValueRow
from storage.repositories import members as members_repo
from storage.repositories.conflicts import insert_if_absent

ASKED_PREFIX = "asked-zone:"
EXAMPLE = "/tz set Jakarta"


async def ask_zone_once(req: Request, call_next: Next) -> Sequence[Action]:
    """After the member's first exchange, if they still have no zone, one friendly question; never again."""
    actions = list(await call_next(req))
    ctx, event = req.ctx, req.ctx.event
    about_zone = isinstance(event, FormSubmitted | CommandInvoked) and getattr(event, "name", "tz") == "tz"
    if ctx.member.tz is not None or event.actor_tz is not None or event.platform == "shell" or about_zone:
        return actions
    async with ctx.db.session() as s:
        row = await members_repo.get_member(s, ctx.workspace.id, ctx.member.account.user_id)
        if row is None or row.tz is not None:
            return actions
        key = (ASKED_PREFIX + ctx.member.account.user_id)[:64]
        first = await insert_if_absent(s, KeyValueRow, {"workspace_id": ctx.workspace.id, "key": key,
                                                        "value": {"at": ctx.now.isoformat()}},
                                       ("workspace_id", "key"))
    if first:  # in the language the member has now (this very exchange may have changed it)
        locale = normalize_locale(row.locale or ctx.workspace.default_locale)
        actions.append(ctx.reply(translate("profile.ask_zone", locale, example=EXAMPLE)))
    return actions
