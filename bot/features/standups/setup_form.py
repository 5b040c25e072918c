"""`/standup new` as a form (a modal; questions one by one in the shell): the same set-up, field by field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.core.actions import Action, FormField, OpenForm
from bot.core.context import Context
from bot.features.standups.commands import Refused, create, summary

FORM_KEY = "su.form"
_FORM_FIELDS = ("name", "channel", "members", "time", "days", "zone", "report")
_SHORT_FORM = ("name", "channel", "members", "time", "report")
"""Where a modal holds five fields (Discord): days and zone keep their defaults; `/standup edit` sets them."""


def setup_form(
    ctx: Context, values: Mapping[str, str] | None = None, errors: Sequence[tuple[str, str]] = ()
) -> OpenForm:
    v = values or {}
    hints = {
        "name": "Daily",
        "channel": "#team",
        "members": "@ayu @liam",
        "time": "09:30",
        "days": "Mon-Fri",
        "zone": ctx.t("standups.form_zone_hint"),
        "report": "17:00",
    }
    fields = [
        FormField(
            key=key,
            label=ctx.t(f"standups.form_{key}"),
            hint=hints[key],
            initial=v.get(key),
            required=key in ("name", "channel"),
        )
        for key in (_FORM_FIELDS if ctx.caps.max_form_fields >= len(_FORM_FIELDS) else _SHORT_FORM)
    ]
    return ctx.form(ctx.t("standups.form_heading"), fields, FORM_KEY, errors=errors)


async def form_submitted(ctx: Context, values: Mapping[str, str]) -> Sequence[Action]:
    """The form's fields become the one-line set-up; a refusal comes back beside its field."""
    parts = [values.get("name", "").strip().replace('"', "")]
    parts.append("in " + values.get("channel", "").strip())
    for key, word in (("time", "at"), ("days", "days"), ("report", "report"), ("members", "for")):
        if values.get(key, "").strip():
            parts.append(f"{word} {values[key].strip()}")
    zone = values.get("zone", "").strip()
    parts.append(f"team {zone}" if zone else "local")
    made = await create(ctx, " ".join(f'"{p}"' if i == 0 and " " in p else p for i, p in enumerate(parts)))
    if isinstance(made, Refused):
        return [setup_form(ctx, values, [(made.part, ctx.t(made.key, **made.values))])]
    ctx.services.wake()
    return [ctx.reply(summary(ctx, made))]
