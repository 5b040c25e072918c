"""Setting a deadline or a personal reminder: from typed text, Discord options, a form or a picked reading.

Everything is checked before anything is written: a refused request stores nothing and says why, with
an example that works.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time
from typing import Any

from bot.core.actions import Action, Choice, FieldKind, FormField
from bot.core.commands import Args
from bot.core.content import Content, Emphasis, Paragraph, Text
from bot.core.context import Context, message_paragraph
from bot.core.directory import Profile
from bot.core.identity import Role
from bot.core.prompts import pick_by_number
from bot.features.deadlines import service
from bot.features.deadlines.parse import READS, REFUSED, Targets, read_leads, read_targets, split_add, words
from bot.time.format import format_instant
from bot.time.reading import Reading, Refusal, read_time
from bot.time.zones import get_zone, is_valid_zone
from storage.repositories import member_reads
from storage.repositories import members as members_repo
from storage.repositories import values as values_repo
from storage.repositories.deadlines import DEADLINE, REMINDER, NewDeadline

EXAMPLE_ADD = '/deadline add "Ship v2.3" Fri 17:00 for @ayu @liam remind 1d,2h'
EXAMPLE_REMIND = "/deadline remind me call the client tomorrow 9am"
PICK_KEY = "dl.pick"
FORM_KEY = "dl.form"
DRAFT_PREFIX = "dl.draft:"
TITLE_MAX = 200
SHOWN_ASSIGNEES = 10
MAX_ASSIGNEES = 1000
PROFILE_LOOKUPS = 25
_REMIND_FILLER = frozenset({"me", "saya", "aku", "to", "untuk"})


@dataclass(frozen=True, kw_only=True)
class Draft:
    """A request not yet stored: what the member asked for, before the time and the people are checked."""

    kind: str
    title: str
    when: str
    targets: Targets
    leads: tuple[int, ...] | None = None
    urgent: bool = False
    bad_leads: str | None = None

    def to_json(self) -> dict[str, Any]:
        t = self.targets
        return {
            "kind": self.kind,
            "title": self.title,
            "when": self.when,
            "leads": self.leads,
            "urgent": self.urgent,
            "users": t.users,
            "channels": t.channels,
            "roles": t.roles,
            "unknown": t.unknown,
            "myself": t.myself,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Draft:
        targets = Targets(
            users=tuple(data["users"]),
            channels=tuple(data["channels"]),
            roles=tuple(data["roles"]),
            unknown=tuple(data["unknown"]),
            myself=data["myself"],
        )
        leads = tuple(data["leads"]) if data.get("leads") is not None else None
        return cls(
            kind=data["kind"],
            title=data["title"],
            when=data["when"],
            targets=targets,
            leads=leads,
            urgent=bool(data["urgent"]),
        )


def _zone(ctx: Context) -> str:
    return ctx.member.tz or "UTC"


def _read(ctx: Context, phrase: str) -> Reading | Refusal:
    hours = ctx.member.hours
    default = time(hours.start_minute // 60, hours.start_minute % 60) if hours else time(9, 0)
    workdays = hours.workdays if hours else frozenset(range(5))
    return read_time(
        phrase, zone=_zone(ctx), now=ctx.now, lang=ctx.locale, default_time=default, workdays=workdays
    )


_NOT_A_TIME = frozenset({"time.not_understood", "time.empty", "time.vague"})


def _reads(ctx: Context, phrase: str) -> int:
    """READS, REFUSED (a time, but a bad one: the refusal will explain) or 0 (not a time at all)."""
    found = _read(ctx, phrase)
    if isinstance(found, Reading) or found.choices:
        return READS
    return REFUSED if found.reason not in _NOT_A_TIME else 0


def draft_from_args(ctx: Context, args: Args, kind: str) -> Draft:
    """Discord's typed options, or one line of text (Slack, the shell)."""
    if args.options and args.get("title") is not None:
        leads_text = str(args.get("remind") or "")
        leads = read_leads(leads_text) if leads_text else None
        return Draft(
            kind=kind,
            title=str(args.get("title") or "").strip(),
            when=str(args.get("when") or ""),
            targets=read_targets(str(args.get("for") or "")),
            leads=leads,
            urgent=bool(args.get("urgent")),
            bad_leads=leads_text if leads_text and leads is None else None,
        )
    text = args.text
    if kind == REMINDER:
        head = words(text)
        while head and head[0].lower() in _REMIND_FILLER and len(head) > 1:
            text = text.split(None, 1)[1] if " " in text.strip() else ""
            head = head[1:]
    parsed = split_add(text, lambda p: _reads(ctx, p))
    return Draft(
        kind=kind,
        title=parsed.title,
        when=parsed.when,
        targets=parsed.targets,
        leads=parsed.leads,
        urgent=parsed.urgent,
        bad_leads=parsed.bad_leads,
    )


async def add(ctx: Context, args: Args) -> Sequence[Action]:
    return await submit(ctx, draft_from_args(ctx, args, DEADLINE))


async def remind(ctx: Context, args: Args) -> Sequence[Action]:
    draft = draft_from_args(ctx, args, REMINDER)
    t = draft.targets
    if (t.users and set(t.users) != {ctx.member.account.user_id}) or t.channels or t.roles or t.unknown:
        example = '/deadline add "Send the invoice" Fri 17:00 for @liam'
        return [ctx.fail("deadlines.remind_self_only", example=example)]
    return await submit(ctx, replace(draft, targets=Targets(myself=True)))


def _example(draft: Draft) -> str:
    return EXAMPLE_ADD if draft.kind == DEADLINE else EXAMPLE_REMIND


async def submit(ctx: Context, draft: Draft, picked: datetime | None = None) -> Sequence[Action]:
    """Check everything, then store the item and plan its reminders in one transaction."""
    example = _example(draft)
    if not draft.title:
        return [ctx.fail("deadlines.title_missing", example=example)]
    if len(draft.title) > TITLE_MAX:
        return [ctx.fail("deadlines.title_too_long", example=example, max=TITLE_MAX, length=len(draft.title))]
    if draft.bad_leads is not None:
        return [ctx.fail("deadlines.bad_leads", example=example, value=draft.bad_leads)]
    if not draft.when.strip() and picked is None:
        return [ctx.fail("deadlines.when_missing", example=example)]
    reading: Reading | Refusal = (
        Reading(at=picked, zone=_zone(ctx)) if picked is not None else _read(ctx, draft.when)
    )
    if isinstance(reading, Refusal):
        return await _refused(ctx, draft, reading)
    people = await _people(ctx, draft)
    if isinstance(people, Action):
        return [people]
    assignees, channel_id = people
    settings = await service.get_settings(ctx.db, ctx.workspace.id)
    leads = (
        draft.leads
        if draft.leads is not None
        else ((0,) if draft.kind == REMINDER else tuple(settings.get("leads") or service.DEFAULT_LEADS))
    )
    new = NewDeadline(
        workspace_pk=ctx.workspace.id,
        kind=draft.kind,
        title=draft.title,
        creator=ctx.member.account.user_id,
        assignees=assignees,
        channel_id=channel_id,
        due_at=reading.at,
        zone=reading.zone,
        rrule=reading.rrule,
        anchor_local=reading.at.astimezone(get_zone(reading.zone)).replace(tzinfo=None).isoformat()
        if reading.rrule
        else None,
        leads=leads,
        urgent=draft.urgent,
    )
    record = await service.create(ctx.db, new, now=ctx.now)
    ctx.services.wake()
    return [ctx.reply(await confirmation(ctx, record, reading))]


async def _refused(ctx: Context, draft: Draft, refusal: Refusal) -> Sequence[Action]:
    """Ask when the reader asks (choices); otherwise say why, with an example."""
    if not refusal.choices:
        return [ctx.fail(refusal.reason, example=_example(draft), **refusal.values)]
    async with ctx.db.session() as s:
        key = (DRAFT_PREFIX + ctx.member.account.user_id)[:64]
        await values_repo.put(s, ctx.workspace.id, key, draft.to_json())
    choices = [
        Choice(label=format_instant(c, _zone(ctx), ctx.locale), value=c.isoformat()) for c in refusal.choices
    ]
    return [ctx.ask(ctx.t(refusal.reason, **refusal.values), choices, PICK_KEY)]


async def picked(ctx: Context, value: str) -> Sequence[Action]:
    """The member chose one reading of an ambiguous time: finish their request with it."""
    async with ctx.db.session() as s:
        key = (DRAFT_PREFIX + ctx.member.account.user_id)[:64]
        data = await values_repo.take(s, ctx.workspace.id, key)
    if data is None:
        return [ctx.reply(ctx.t("common.choice_expired"))]
    at = datetime.fromisoformat(value)
    if at <= ctx.now:
        return [ctx.fail("time.past", example=EXAMPLE_ADD)]
    return await submit(ctx, Draft.from_json(data), picked=at)


async def _people(ctx: Context, draft: Draft) -> tuple[tuple[str, ...], str | None] | Action:
    """Resolve the targets to member ids and a channel, and check the setter may address them."""
    t, me = draft.targets, ctx.member.account.user_id
    grouped = await _group_members(ctx, t.roles)
    if isinstance(grouped, Action):
        return grouped
    if t.unknown:
        return ctx.fail("deadlines.unknown_member", example=EXAMPLE_ADD, value=t.unknown[0])
    if len(t.channels) > 1:
        return ctx.fail("deadlines.one_channel", example=EXAMPLE_ADD)
    missing = await ensure_members(ctx, [u for u in (*t.users, *grouped) if u != me])
    if missing:
        return ctx.fail("deadlines.unknown_member", example=EXAMPLE_ADD, value="@" + missing[0])
    users = tuple(dict.fromkeys(([me] if t.myself else []) + list(t.users) + list(grouped)))
    if len(users) > MAX_ASSIGNEES:
        return ctx.fail("deadlines.too_many", example=EXAMPLE_ADD, count=len(users), max=MAX_ASSIGNEES)
    channel_id = t.channels[0] if t.channels else None
    if not users and channel_id is None:
        users = (me,)
    others = any(u != me for u in users) or channel_id is not None
    if others and not await _may_assign(ctx):
        return ctx.fail("deadlines.not_manager", example='/deadline add "Draft" Fri 17:00')
    return users, channel_id


async def _group_members(ctx: Context, roles: Sequence[str]) -> list[str] | Action:
    """A role or user group stands for its members as they are now (the platform is asked once)."""
    members: list[str] = []
    for role in roles:
        if role == ctx.workspace.ref.workspace_id:  # Discord's @everyone role has the guild's id
            return ctx.fail("deadlines.role_everyone", example=EXAMPLE_ADD)
        found = await ctx.services.directory.group_members(ctx.workspace.ref, role)
        if found is None:
            return ctx.fail("deadlines.roles_unavailable", example=EXAMPLE_ADD)
        if not found:
            return ctx.fail("deadlines.role_empty", example=EXAMPLE_ADD)
        members += found
    return members


async def _may_assign(ctx: Context) -> bool:
    if ctx.member.role.allows(Role.MANAGER):
        return True
    settings = await service.get_settings(ctx.db, ctx.workspace.id)
    return settings.get("assign") == "everyone"


async def ensure_members(ctx: Context, user_ids: Sequence[str]) -> list[str]:
    """Members the platform resolved (a Slack or Discord mention) join our table, with their profile's
    name and zone where the platform has them; the shell has no directory, so its unknown names fail."""
    known = await ctx.db.read_with(lambda c: member_reads.known_ids_on(c, ctx.workspace.id, user_ids))
    missing = [u for u in user_ids if u not in known]
    if ctx.event.platform == "shell" or not missing:
        return missing
    looked_up = missing[:PROFILE_LOOKUPS]  # more would wait on rate limits; the rest fill in when they speak
    directory = ctx.services.directory
    profiles = await asyncio.gather(*(directory.profile(ctx.workspace.ref, u) for u in looked_up))
    found: dict[str, Profile | None] = dict(zip(looked_up, profiles, strict=True))
    async with ctx.db.session() as s:
        for user in missing:
            profile = found.get(user)
            zone = profile.tz if profile and profile.tz and is_valid_zone(profile.tz) else None
            await members_repo.ensure_member(s, ctx.workspace.id, user, now=ctx.now,
                                             display_name=profile.display_name if profile else None,
                                             platform_tz=zone)
    return []


async def confirmation(ctx: Context, record: Any, reading: Reading) -> Content:
    """The instant in the setter's zone and in each assignee's, so a misreading is caught at once."""
    key = "deadlines.set_reminder" if record.kind == REMINDER else "deadlines.set_deadline"
    lines: list[Paragraph] = [
        message_paragraph(
            key,
            ctx.locale,
            id=record.id,
            title=Emphasis(text=record.title),
            when=format_instant(record.due_at, record.zone, ctx.locale),
        )
    ]
    if record.rrule:
        later = ", ".join(
            format_instant(n, record.zone, ctx.locale, with_utc=False) for n in reading.next[1:3]
        )
        if later:
            lines.append(message_paragraph("deadlines.repeats", ctx.locale, next=later))
    lines += await _assignee_lines(ctx, record)
    if record.channel_id:
        lines.append(message_paragraph("deadlines.for_channel", ctx.locale, channel=f"#{record.channel_id}"))
    if record.kind == DEADLINE:
        lines.append(
            message_paragraph(
                "deadlines.leads_line", ctx.locale, leads=service.lead_words(record.leads, ctx.locale)
            )
        )
        if record.urgent:
            lines.append(message_paragraph("deadlines.urgent_line", ctx.locale))
    lines += [message_paragraph(n, ctx.locale) for n in reading.notes]
    if ctx.member.tz is None:
        lines.append(message_paragraph("deadlines.read_in_utc", ctx.locale, example="/tz set Jakarta"))
    return Content(blocks=tuple(lines))


async def _assignee_lines(ctx: Context, record: Any) -> list[Paragraph]:
    others = [u for u in record.assignees if u != ctx.member.account.user_id]
    if not others:
        return []
    loaded = await ctx.db.read_with(lambda c: member_reads.load_members_on(c, ctx.workspace, others))
    rows = {m.account.user_id: m for m in loaded}
    out: list[Paragraph] = []
    for user in others[:SHOWN_ASSIGNEES]:
        row = rows.get(user)
        name = row.display_name if row and row.display_name else user
        if row is not None and row.tz:
            local = format_instant(record.due_at, row.tz, ctx.locale, with_utc=False)
            out.append(message_paragraph("deadlines.for_member", ctx.locale, name=name, local=local))
        else:
            out.append(message_paragraph("deadlines.for_member_no_zone", ctx.locale, name=name))
    if len(others) > SHOWN_ASSIGNEES:
        out.append(
            Paragraph(inlines=(Text(text=ctx.t("deadlines.and_more", count=len(others) - SHOWN_ASSIGNEES)),))
        )
    return out


# --- the form, for people who prefer fields to typing ---------------------------------------


def form(
    ctx: Context, values: Mapping[str, str] | None = None, errors: Sequence[tuple[str, str]] = ()
) -> Action:
    v = values or {}
    fields = [
        FormField(key="title", label=ctx.t("deadlines.form_title"), initial=v.get("title"), hint="Ship v2.3"),
        FormField(key="when", label=ctx.t("deadlines.form_when"), initial=v.get("when"), hint="Fri 17:00"),
        FormField(
            key="for",
            label=ctx.t("deadlines.form_for"),
            required=False,
            initial=v.get("for"),
            hint="@ayu @liam",
        ),
        FormField(
            key="remind",
            label=ctx.t("deadlines.form_remind"),
            required=False,
            initial=v.get("remind"),
            hint="1d, 2h",
        ),
        FormField(
            key="urgent",
            label=ctx.t("deadlines.form_urgent"),
            kind=FieldKind.CHOICE,
            required=False,
            choices=_yes_no(ctx),
            initial=v.get("urgent") or "no",
        ),
    ]
    return ctx.form(ctx.t("deadlines.form_heading"), fields, FORM_KEY, errors=errors)


async def open_form(ctx: Context, args: Args) -> Sequence[Action]:
    return [form(ctx)]


def _yes_no(ctx: Context) -> tuple[Choice, Choice]:
    return Choice(label=ctx.t("common.no"), value="no"), Choice(label=ctx.t("common.yes"), value="yes")


async def form_submitted(ctx: Context, values: Mapping[str, str]) -> Sequence[Action]:
    # Slack's select sends the value; Discord's modal has only text inputs, so "2" or "ya" arrive typed.
    urgent_text = values.get("urgent", "").strip()
    urgent = pick_by_number(urgent_text, _yes_no(ctx)) if urgent_text else _yes_no(ctx)[0]
    leads_text = values.get("remind", "").strip()
    leads = read_leads(leads_text) if leads_text else None
    draft = Draft(
        kind=DEADLINE,
        title=values.get("title", "").strip(),
        when=values.get("when", ""),
        targets=read_targets(values.get("for", "")),
        leads=leads,
        urgent=urgent is not None and urgent.value == "yes",
        bad_leads=leads_text if leads_text and leads is None else None,
    )
    errors = _form_errors(ctx, draft)
    if urgent is None:
        errors.append(("urgent", ctx.t("common.choice_invalid", count=2)))
    if errors:
        return [form(ctx, values, errors)]
    return await submit(ctx, draft)


def _form_errors(ctx: Context, draft: Draft) -> list[tuple[str, str]]:
    """Field-level reasons shown beside the fields; the typed values stay in the form."""
    errors: list[tuple[str, str]] = []
    if not draft.title:
        errors.append(("title", ctx.t("deadlines.title_missing")))
    elif len(draft.title) > TITLE_MAX:
        errors.append(("title", ctx.t("deadlines.title_too_long", max=TITLE_MAX, length=len(draft.title))))
    found = _read(ctx, draft.when)
    if isinstance(found, Refusal) and not found.choices:
        errors.append(("when", ctx.t(found.reason, **found.values)))
    if draft.bad_leads is not None:
        errors.append(("remind", ctx.t("deadlines.bad_leads", value=draft.bad_leads)))
    if draft.targets.unknown:
        errors.append(("for", ctx.t("deadlines.unknown_member", value=draft.targets.unknown[0])))
    return errors


__all__ = ["FORM_KEY", "PICK_KEY", "add", "form_submitted", "open_form", "picked", "remind"]
