"""Choices and forms that wait for an answer: stored, validated, and asked step by step where needed.

A choice is remembered when it is asked, so a click is checked against what was offered (a forged
value is refused) and still works after a restart. Where a platform has no modals (the shell) a
form becomes questions one at a time, its progress stored after every answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.actions import AskChoice, Choice, FieldKind, FormField, OpenForm, Send, Visibility
from bot.core.content import Content, bullets
from bot.core.identity import ConversationKind
from bot.i18n import translate
from storage.repositories import prompts as repo
from storage.session import Database

ANY_MEMBER = "*"
CANCEL_WORDS = frozenset({"cancel", "batal", "/cancel"})


def _choices_to_list(choices: Sequence[Choice]) -> list[dict[str, str]]:
    return [{"label": c.label, "value": c.value} for c in choices]


def _choices_from_list(data: list[dict[str, str]]) -> tuple[Choice, ...]:
    return tuple(Choice(label=c["label"], value=c["value"]) for c in data)


def _field_to_dict(f: FormField) -> dict[str, Any]:
    return {"key": f.key, "label": f.label, "kind": f.kind.value, "required": f.required,
            "choices": _choices_to_list(f.choices), "initial": f.initial, "hint": f.hint}


def _field_from_dict(d: Mapping[str, Any]) -> FormField:
    return FormField(key=d["key"], label=d["label"], kind=FieldKind(d["kind"]),
                     required=d["required"], choices=_choices_from_list(d["choices"]),
                     initial=d["initial"], hint=d["hint"])


@dataclass(frozen=True, kw_only=True)
class PendingChoice:
    key: str
    prompt_text: str
    choices: tuple[Choice, ...]


async def remember_choice(db: Database, workspace_pk: int, ask: AskChoice, now: datetime,
                          prompt_text: str, *, asked: str | None = None) -> None:
    """Store an offered choice; one asked openly in a channel may be answered by any member.

    A whisper in a channel (`asked` is whom it answers) is that member's, so they can answer it by DM too.
    """
    if ask.to.kind is ConversationKind.DM:
        user = ask.to.conversation_id
    elif ask.visibility is Visibility.EPHEMERAL and asked is not None:
        user = asked
    else:
        user = ANY_MEMBER
    payload = {"choices": _choices_to_list(ask.choices), "prompt": prompt_text}
    await db.write_with(lambda c: repo.save_prompt_on(c, workspace_pk, user, key=ask.key, kind="choice",
                                                      payload=payload, now=now, expires_at=ask.expires_at))


async def take_choice(db: Database, workspace_pk: int, user_id: str, key: str, value: str,
                      now: datetime) -> bool:
    """Consume an offered choice if `value` was offered and has not expired."""
    async with db.session() as s:
        for owner in (user_id, ANY_MEMBER):
            row = await repo.get_prompt(s, workspace_pk, owner, key)
            if row is None or row.kind != "choice":
                continue
            if row.expires_at is not None and row.expires_at <= now:
                await repo.delete_prompt(s, workspace_pk, owner, key)
                return False
            offered = {c["value"] for c in row.payload["choices"]}
            if value not in offered:
                return False
            if owner != ANY_MEMBER:
                await repo.delete_prompt(s, workspace_pk, owner, key)
            return True
    return False


async def latest_choice(db: Database, workspace_pk: int, user_id: str, now: datetime) -> PendingChoice | None:
    async with db.read() as s:
        rows = await repo.live_prompts(s, workspace_pk, user_id, now, kind="choice")
    if not rows:
        return None
    row = rows[0]
    return PendingChoice(key=row.key, prompt_text=row.payload.get("prompt", ""),
                         choices=_choices_from_list(row.payload["choices"]))


def pick_by_number(text: str, choices: Sequence[Choice]) -> Choice | None:
    """A typed answer to numbered options: the number, or the label itself."""
    stripped = text.strip().rstrip(".")
    # isdecimal, not isdigit: "²" is a digit that int() refuses; a number of many digits picks nothing.
    if stripped.isdecimal() and len(stripped) <= 9:
        index = int(stripped) - 1
        return choices[index] if 0 <= index < len(choices) else None
    for choice in choices:
        if stripped.lower() in {choice.label.lower(), choice.value.lower()}:
            return choice
    return None


# --- forms as a sequence of questions --------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class FormStep:
    """The outcome of one answer: the next question to ask, or the finished values."""

    ask: Send | None = None
    values: Mapping[str, str] | None = None
    cancelled: bool = False


def question(form_title: str, fields: Sequence[FormField], index: int, locale: str,
             error: str | None = None) -> Content:
    f = fields[index]
    lines: list[str] = []
    if index == 0:
        lines.append(form_title)
    if error:
        lines.append(error)
    step = translate("common.form_step", locale, index=index + 1, total=len(fields), label=f.label)
    if f.initial:
        shown = next((c.label for c in f.choices if c.value == f.initial), f.initial)
        step = f"{step} [{shown}]"
    lines.append(step)
    if f.hint:
        lines.append(f.hint)
    body = Content.of(*lines)
    if f.kind is FieldKind.CHOICE and f.choices:
        body = body + Content.of(bullets([c.label for c in f.choices], numbered=True))
    if not f.required and not f.initial:
        body = body + Content.text(translate("common.form_hint_optional", locale))
    return body + Content.text(translate("common.form_hint_cancel", locale))


async def start_form(db: Database, workspace_pk: int, user_id: str, form: OpenForm,
                     now: datetime, locale: str) -> Send:
    """Begin asking a form's fields one by one; refused fields (form.errors) are asked first."""
    errors = dict(form.errors)
    order = [i for i, f in enumerate(form.fields) if f.key in errors] or list(range(len(form.fields)))
    answers = {f.key: f.initial for f in form.fields if f.initial is not None}
    payload = {"title": form.title, "fields": [_field_to_dict(f) for f in form.fields],
               "order": order, "position": 0, "answers": answers, "errors": errors}
    async with db.session() as s:
        await repo.save_prompt(s, workspace_pk, user_id, key=form.key, kind="form", payload=payload,
                               now=now, expires_at=None)
    first = order[0]
    content = question(form.title, form.fields, first, locale, errors.get(form.fields[first].key))
    return Send(to=form.to, content=content, reply_handle=form.reply_handle)


async def active_form_key(db: Database, workspace_pk: int, user_id: str, now: datetime) -> str | None:
    async with db.read() as s:
        rows = await repo.live_prompts(s, workspace_pk, user_id, now, kind="form")
    return rows[0].key if rows else None


EMPTY_ANSWER = "-"


def _accept(f: FormField, text: str, locale: str) -> tuple[str | None, str | None]:
    """(value, error) for one typed answer."""
    stripped = text.strip()
    if stripped == EMPTY_ANSWER:
        stripped = ""  # a terminal cannot send an empty line: "-" means empty (a required field asks again)
    if not stripped and f.initial:
        return f.initial, None
    if not stripped:
        return (None, translate("common.form_required", locale)) if f.required else ("", None)
    if f.kind is FieldKind.CHOICE and f.choices:
        picked = pick_by_number(stripped, f.choices)
        if picked is None:
            return None, translate("common.choice_invalid", locale, count=len(f.choices))
        return picked.value, None
    return stripped, None


async def answer_form(db: Database, workspace_pk: int, user_id: str, key: str, text: str,
                      to: Send, now: datetime, locale: str) -> FormStep:
    """Record one answer and say what comes next; `to` is the reply template (conversation)."""
    async with db.session() as s:
        row = await repo.get_prompt(s, workspace_pk, user_id, key)
        if row is None:
            return FormStep()
        if text.strip().lower() in CANCEL_WORDS:
            await repo.delete_prompt(s, workspace_pk, user_id, key)
            return FormStep(cancelled=True)
        data = dict(row.payload)
        fields = [_field_from_dict(d) for d in data["fields"]]
        order, position = data["order"], data["position"]
        current = fields[order[position]]
        value, error = _accept(current, text, locale)
        if error is not None:
            content = question(data["title"], fields, order[position], locale, error)
            return FormStep(ask=Send(to=to.to, content=content, reply_handle=to.reply_handle))
        data["answers"] = {**data["answers"], current.key: value}
        position += 1
        if position >= len(order):
            await repo.delete_prompt(s, workspace_pk, user_id, key)
            values = {f.key: str(data["answers"].get(f.key) or "") for f in fields}
            return FormStep(values=values)
        data["position"] = position
        row.payload = data
        nxt = order[position]
        content = question(data["title"], fields, nxt, locale, data["errors"].get(fields[nxt].key))
        return FormStep(ask=Send(to=to.to, content=content, reply_handle=to.reply_handle))


async def pending_question(db: Database, workspace_pk: int, user_id: str, now: datetime,
                           locale: str) -> Content | None:
    """What a member was last asked and has not answered: shown again after a restart."""
    async with db.read() as s:
        forms = await repo.live_prompts(s, workspace_pk, user_id, now, kind="form")
        choices = await repo.live_prompts(s, workspace_pk, user_id, now, kind="choice")
    if forms:
        data = forms[0].payload
        fields = [_field_from_dict(d) for d in data["fields"]]
        return question(data["title"], fields, data["order"][data["position"]], locale)
    if choices:
        data = choices[0].payload
        options = bullets([c["label"] for c in data["choices"]], numbered=True)
        return Content.of(data.get("prompt", ""), options)
    return None
