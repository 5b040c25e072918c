"""Forms as Slack modals and the submitted values read back, side by side so the two can't drift.

Every input block's `block_id` is the field key and its element's `action_id` is `FIELD_ACTION`, which is
exactly where `form_values` looks in `view.state.values`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.slack.mrkdwn import MAX_OPTIONS, option, plain, truncate
from bot.core.actions import FieldKind, FormField, OpenForm

FORM_CALLBACK = "rekan.form"
FIELD_ACTION = "value"

MAX_VIEW_BLOCKS = 100
MAX_TITLE = 24
MAX_BUTTON_LABEL = 24
MAX_LABEL = 2_000
MAX_HINT = 2_000
MAX_PRIVATE_METADATA = 3_000
MAX_BLOCK_ID = 255
MAX_ERROR = 150
"""Slack documents no length for a `response_action: "errors"` message; it shows under the field, so we
keep it to a line or two (150, the length of Slack's other short labels), cut with …."""

DEFAULT_TITLE = "Rekan"
"""Slack refuses a modal without a title; the product name needs no translation."""

DEFAULT_SUBMIT = "OK"


def render_modal(action: OpenForm, *, close_label: str | None = None) -> dict[str, Any]:
    """A modal whose private_metadata is the form's key; `view_closed` is requested so a cancel is heard.

    Without `close_label` Slack shows its own Cancel button, in the reader's Slack language.
    """
    _check_form(action)
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": FORM_CALLBACK,
        "private_metadata": action.key,
        "notify_on_close": True,
        "title": plain(action.title if action.title.strip() else DEFAULT_TITLE, MAX_TITLE),
        "submit": plain(action.submit_label if action.submit_label.strip() else DEFAULT_SUBMIT,
                        MAX_BUTTON_LABEL),
        "blocks": [_input(field) for field in action.fields],
    }
    if close_label and close_label.strip():
        view["close"] = plain(close_label, MAX_BUTTON_LABEL)
    return view


def modal_errors(action: OpenForm) -> dict[str, str]:
    """`{block_id: message}` for `response_action: "errors"`; Slack shows each under its field.

    Slack refuses the whole response if a key is not a block of the view, so a message for an unknown
    field is shown under the first field instead of being lost. The messages are plain strings that Slack
    shows as they are (no mrkdwn), so they are not escaped.
    """
    keys = [f.key for f in action.fields]
    collected: dict[str, list[str]] = {}
    for key, message in action.errors:
        target = key if key in keys else (keys[0] if keys else None)
        if target is not None and message.strip():
            collected.setdefault(target, []).append(message.strip())
    return {key: truncate(" ".join(messages), MAX_ERROR) for key, messages in collected.items()}


def form_values(view: Mapping[str, Any]) -> dict[str, str]:
    """`{field key: text}` from a submitted view: the text typed (None if left empty) or the option picked."""
    values: Mapping[str, Any] = (view.get("state") or {}).get("values") or {}
    out: dict[str, str] = {}
    for block_id, elements in values.items():
        element = (elements or {}).get(FIELD_ACTION)
        if element is not None:
            out[block_id] = _submitted(element)
    return out


def _submitted(element: Mapping[str, Any]) -> str:
    """A static_select sends `selected_option` (None if nothing was picked); a text input sends `value`."""
    if element.get("type") == "static_select" or "selected_option" in element:
        picked = element.get("selected_option") or {}
        return str(picked.get("value") or "")
    return str(element.get("value") or "")


def _check_form(action: OpenForm) -> None:
    """What Slack would refuse is refused here, with a reason: dropping a field would lose an answer."""
    if len(action.key) > MAX_PRIVATE_METADATA:
        raise ValueError(f"form key too long for private_metadata ({len(action.key)} characters)")
    if not 1 <= len(action.fields) <= MAX_VIEW_BLOCKS:
        raise ValueError(f"a Slack modal needs 1 to {MAX_VIEW_BLOCKS} fields, got {len(action.fields)}")
    keys = [f.key for f in action.fields]
    if len(set(keys)) != len(keys):
        raise ValueError("form field keys must be unique: each one is a block_id")
    for key in keys:
        if not 1 <= len(key) <= MAX_BLOCK_ID:
            raise ValueError(f"form field key must be 1 to {MAX_BLOCK_ID} characters: {key[:40]!r}")


def _input(field: FormField) -> dict[str, Any]:
    """One input block: block_id is the field key, so the answer comes back under that key."""
    block: dict[str, Any] = {
        "type": "input",
        "block_id": field.key,
        "optional": not field.required,
        "label": plain(field.label, MAX_LABEL, single_line=False),
        "element": _element(field),
    }
    if field.hint and field.hint.strip():
        block["hint"] = plain(field.hint, MAX_HINT, single_line=False)
    return block


def _element(field: FormField) -> dict[str, Any]:
    """A text input (multiline for LONG_TEXT) or a static select, pre-filled from `field.initial`."""
    if field.kind is FieldKind.CHOICE:
        return _select(field)
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": FIELD_ACTION}
    if field.kind is FieldKind.LONG_TEXT:
        element["multiline"] = True
    if field.initial:
        # A value in an input box is data the member edits, not text Slack parses: escaping it would
        # show `&amp;` in the box and send it back, so it is passed as it is (it can never ping).
        element["initial_value"] = field.initial
    return element


def _select(field: FormField) -> dict[str, Any]:
    """A static select; `initial_option` must equal one of the options exactly, so it reuses that dict."""
    if not 1 <= len(field.choices) <= MAX_OPTIONS:
        raise ValueError(f"choice field {field.key!r} needs 1 to {MAX_OPTIONS} choices")
    options = [option(c) for c in field.choices]
    element: dict[str, Any] = {"type": "static_select", "action_id": FIELD_ACTION, "options": options}
    initial = next((o for o in options if o["value"] == field.initial), None)
    if initial is not None:
        element["initial_option"] = initial
    return element
