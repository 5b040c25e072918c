"""Buttons, selects and modals as Discord API v10 component JSON, and their answers read back.

Every custom id is stable and self-describing (`rc|key|value`, `rs|key|n`, `rf|key`), so a click or a
submit on something sent before a restart still reaches the core without any in-memory view; the core
checks the answer against what it stored as offered.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from adapters.discord.markdown import (
    ELLIPSIS,
    MAX_CONTENT,
    defuse_everyone,
    escape,
    one_line,
    plain,
    span,
    truncate,
)
from bot.core.actions import AskChoice, Choice, FieldKind, FormField, OpenForm

CHOICE_BUTTON_PREFIX = "rc|"
CHOICE_SELECT_PREFIX = "rs|"
FORM_PREFIX = "rf|"

# Component types and styles (API v10).
ACTION_ROW, BUTTON, STRING_SELECT, TEXT_INPUT = 1, 2, 3, 4
SECONDARY = 2
"""Grey buttons: every offered choice is an equal answer, none is the primary action."""
SHORT, PARAGRAPH = 1, 2

MAX_CUSTOM_ID = 100
MAX_BUTTONS = 5
"""One action row of buttons; more choices read better as a menu."""
MAX_BUTTON_LABEL = 80
MAX_SELECT_OPTIONS = 25
MAX_ROWS = 5
MAX_CHOICES = MAX_SELECT_OPTIONS * MAX_ROWS
MAX_OPTION_LABEL = 100
MAX_OPTION_VALUE = 100
MAX_MODAL_TITLE = 45
MAX_INPUT_LABEL = 45
MAX_PLACEHOLDER = 100
MAX_INPUT_VALUE = 4_000
MAX_MODAL_FIELDS = 5
"""Discord's limit of five rows per modal; the core's forms have at most five (profile setup has two)."""

DEFAULT_TITLE = "Rekan"
"""Discord refuses a modal without a title; the product name needs no translation."""

_SEPARATOR = "|"


# --- choices -------------------------------------------------------------------------------------


def choice_rows(action: AskChoice) -> list[dict[str, Any]]:
    """One row of buttons for up to 5 choices whose ids fit, else up to 5 rows of one select each."""
    choices = _unique(action.choices)
    if not 1 <= len(choices) <= MAX_CHOICES:
        raise ValueError(f"a Discord choice needs 1 to {MAX_CHOICES} options, got {len(choices)}")
    for choice in choices:
        _check_value(choice.value)
    ids = _button_ids(action.key, choices)
    if ids is not None:
        buttons = [_button(choice, custom_id) for choice, custom_id in zip(choices, ids, strict=True)]
        return [_row(*buttons)]
    return _select_rows(action.key, choices)


def parse_choice(custom_id: str, values: Sequence[str]) -> tuple[str, str] | None:
    """(key, value) from a clicked button or a picked option; None for another app's or a malformed id."""
    if custom_id.startswith(CHOICE_BUTTON_PREFIX):
        # The value never contains `|` (such choices become a select), so the last `|` ends the key.
        key, sep, value = custom_id.removeprefix(CHOICE_BUTTON_PREFIX).rpartition(_SEPARATOR)
        return (key, value) if sep else None
    if custom_id.startswith(CHOICE_SELECT_PREFIX):
        key, sep, index = custom_id.removeprefix(CHOICE_SELECT_PREFIX).rpartition(_SEPARATOR)
        if not sep or not (index.isascii() and index.isdigit()) or len(values) != 1:
            return None
        return key, values[0]
    return None


def _unique(choices: Sequence[Choice]) -> list[Choice]:
    """Choices by distinct value, first label kept: Discord refuses two components with one custom id,
    and two options with one value would be the same answer anyway."""
    seen: dict[str, Choice] = {}
    for choice in choices:
        seen.setdefault(choice.value, choice)
    return list(seen.values())


def _check_value(value: str) -> None:
    """Values are the core's opaque keys: cutting one would make the answer unrecognisable, so refuse."""
    if not 1 <= len(value) <= MAX_OPTION_VALUE:
        raise ValueError(f"choice value must be 1 to {MAX_OPTION_VALUE} characters, got {len(value)}")


def _button_ids(key: str, choices: Sequence[Choice]) -> list[str] | None:
    """The buttons' custom ids, or None when a select is needed (too many, a `|`, or an id over 100)."""
    if len(choices) > MAX_BUTTONS or any(_SEPARATOR in c.value for c in choices):
        return None
    ids = [f"{CHOICE_BUTTON_PREFIX}{key}{_SEPARATOR}{c.value}" for c in choices]
    return ids if all(len(i) <= MAX_CUSTOM_ID for i in ids) else None


def _button(choice: Choice, custom_id: str) -> dict[str, Any]:
    return {"type": BUTTON, "style": SECONDARY, "label": plain(choice.label, MAX_BUTTON_LABEL) or ELLIPSIS,
            "custom_id": custom_id}


def _select_rows(key: str, choices: Sequence[Choice]) -> list[dict[str, Any]]:
    """25 options per select, one select per row (a select fills its row); numbered so ids stay unique."""
    chunks = [choices[i:i + MAX_SELECT_OPTIONS] for i in range(0, len(choices), MAX_SELECT_OPTIONS)]
    rows = []
    for n, chunk in enumerate(chunks):
        custom_id = f"{CHOICE_SELECT_PREFIX}{key}{_SEPARATOR}{n}"
        if len(custom_id) > MAX_CUSTOM_ID:
            raise ValueError(f"choice key too long for a Discord custom_id ({len(custom_id)} characters)")
        options = [{"label": plain(c.label, MAX_OPTION_LABEL) or ELLIPSIS, "value": c.value} for c in chunk]
        rows.append(_row({"type": STRING_SELECT, "custom_id": custom_id, "options": options,
                          "min_values": 1, "max_values": 1}))
    return rows


def _row(*components: dict[str, Any]) -> dict[str, Any]:
    return {"type": ACTION_ROW, "components": list(components)}


# --- forms ---------------------------------------------------------------------------------------


def render_modal(action: OpenForm) -> dict[str, Any]:
    """The `data` of a MODAL interaction response (type 9): a title and one text input per row.

    Discord's modal has its own Submit button, so `submit_label` is not shown, and a modal cannot show
    field errors: after a refused submit the reasons come back as a message (`modal_error_message`).
    """
    _check_form(action)
    return {
        "custom_id": FORM_PREFIX + action.key,
        "title": plain(action.title, MAX_MODAL_TITLE) or DEFAULT_TITLE,
        "components": [_row(_text_input(f)) for f in action.fields],
    }


def parse_form(custom_id: str) -> str | None:
    """The form's key from a MODAL_SUBMIT's custom id; None for another app's modal."""
    return custom_id.removeprefix(FORM_PREFIX) if custom_id.startswith(FORM_PREFIX) else None


def form_values(components: list[dict[str, Any]]) -> dict[str, str]:
    """`{field key: text}` from a MODAL_SUBMIT's `data.components` (an empty input comes back as "").

    Rows hold inputs in `components`; the newer label layout holds one in `component`; a select sends
    `values`. All three are read, so a later layout still round-trips.
    """
    out: dict[str, str] = {}
    for item in _submitted(components):
        custom_id = item.get("custom_id")
        if not isinstance(custom_id, str):
            continue
        if "values" in item:
            picked = item.get("values") or []
            out[custom_id] = str(picked[0]) if picked else ""
        elif "value" in item:
            out[custom_id] = str(item.get("value") or "")
    return out


def _submitted(items: Sequence[Any]) -> Iterator[Mapping[str, Any]]:
    """Every component dict in a submitted layout, rows and labels opened up."""
    for item in items:
        if not isinstance(item, Mapping):
            continue
        yield item
        yield from _submitted(item.get("components") or [])
        inner = item.get("component")
        if isinstance(inner, Mapping):
            yield from _submitted([inner])


def modal_error_message(action: OpenForm) -> str:
    """`- **label**: reason` per refused field, escaped, for an ephemeral reply after the submit.

    Discord cannot mark a field inside a submitted modal, nor answer a submit with another modal, so the
    reasons travel as a message; a reason for a key the form does not have is shown without a label.
    """
    labels = {f.key: f.label for f in action.fields}
    lines = [_error_line(labels.get(key), message) for key, message in action.errors if message.strip()]
    return defuse_everyone(truncate("\n".join(lines), MAX_CONTENT)) or ELLIPSIS


def _error_line(label: str | None, message: str) -> str:
    reason = escape(one_line(message.strip()))
    if label is None or not label.strip():
        return f"- {reason}"
    return f"- {span(one_line(label.strip()), '**')}: {reason}"


def _check_form(action: OpenForm) -> None:
    """What Discord would refuse is refused here, with a reason: dropping a field would lose an answer."""
    custom_id = FORM_PREFIX + action.key
    if len(custom_id) > MAX_CUSTOM_ID:
        raise ValueError(f"form key too long for a Discord custom_id ({len(custom_id)} > {MAX_CUSTOM_ID})")
    if not 1 <= len(action.fields) <= MAX_MODAL_FIELDS:
        raise ValueError(f"a Discord modal holds 1 to {MAX_MODAL_FIELDS} fields, got {len(action.fields)}")
    keys = [f.key for f in action.fields]
    if len(set(keys)) != len(keys):
        raise ValueError("form field keys must be unique: each one is a custom_id")
    for key in keys:
        if not 1 <= len(key) <= MAX_CUSTOM_ID:
            raise ValueError(f"form field key must be 1 to {MAX_CUSTOM_ID} characters: {key[:40]!r}")


def _text_input(field: FormField) -> dict[str, Any]:
    """A text input whose custom id is the field key, so the answer comes back under that key."""
    entry: dict[str, Any] = {
        "type": TEXT_INPUT,
        "custom_id": field.key,
        "style": PARAGRAPH if field.kind is FieldKind.LONG_TEXT else SHORT,
        "label": plain(field.label, MAX_INPUT_LABEL) or ELLIPSIS,
        "required": field.required,
    }
    if field.initial:
        # A value in an input box is data the member edits, not text Discord parses: escaping it would
        # put backslashes in the box and send them back, so it is passed as it is (it can never ping).
        entry["value"] = field.initial[:MAX_INPUT_VALUE]
    placeholder = _placeholder(field)
    if placeholder:
        entry["placeholder"] = placeholder
    return entry


def _placeholder(field: FormField) -> str:
    """The hint; for a CHOICE field, the options themselves.

    Bots' modals hold text inputs only here (selects in modals need the newer label layout), so a CHOICE
    field is a short input showing numbered options; the text comes back as typed, for the form's handler
    to match (`bot.core.prompts.pick_by_number` takes a number, a label or a value).
    """
    if field.kind is FieldKind.CHOICE and field.choices:
        numbered = ", ".join(f"{n}. {c.label}" for n, c in enumerate(field.choices, start=1))
        return plain(numbered, MAX_PLACEHOLDER)
    return plain(field.hint or "", MAX_PLACEHOLDER)
