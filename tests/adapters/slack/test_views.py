"""Forms as Slack modals, their field errors, and the submitted view read back into the form's keys."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.models.views import View

from adapters.slack.render import FIELD_ACTION, FORM_CALLBACK, form_values, modal_errors, render_modal
from bot.core.actions import Choice, FieldKind, FormField, OpenForm
from bot.core.identity import ConversationKind, ConversationRef

DM = ConversationRef(platform="slack", workspace_id="T0TEAM", kind=ConversationKind.DM, conversation_id="U0AYU")
ZONES = (Choice(label="Jakarta (WIB)", value="Asia/Jakarta"), Choice(label="Makassar (WITA)", value="Asia/Makassar"))


def form(*fields: FormField, title: str = "Working hours", errors: tuple[tuple[str, str], ...] = (),
         key: str = "profile.hours:abc") -> OpenForm:
    return OpenForm(to=DM, title=title, fields=fields, key=key, submit_label="Save", errors=errors)


HOURS = form(
    FormField(key="start", label="Start", initial="09:00", hint="24-hour clock, e.g. 09:00"),
    FormField(key="note", label="Anything else?", kind=FieldKind.LONG_TEXT, required=False),
    FormField(key="zone", label="Time zone", kind=FieldKind.CHOICE, choices=ZONES, initial="Asia/Makassar"),
)


def block(view: dict[str, Any], key: str) -> dict[str, Any]:
    found: dict[str, Any] = next(b for b in view["blocks"] if b["block_id"] == key)
    return found


def test_a_form_is_a_modal_whose_submission_and_close_come_back_to_rekan() -> None:
    view = render_modal(HOURS)
    assert view["type"] == "modal"
    assert view["callback_id"] == FORM_CALLBACK
    assert view["private_metadata"] == "profile.hours:abc"
    assert view["notify_on_close"] is True
    assert view["title"] == {"type": "plain_text", "text": "Working hours"}
    assert view["submit"] == {"type": "plain_text", "text": "Save"}


def test_slacks_own_models_accept_the_modal() -> None:
    view = render_modal(HOURS)
    assert View(**view).to_dict() == view


def test_each_field_is_an_input_block_keyed_by_the_field_key() -> None:
    view = render_modal(HOURS)
    assert [b["block_id"] for b in view["blocks"]] == ["start", "note", "zone"]
    assert all(b["type"] == "input" and b["element"]["action_id"] == FIELD_ACTION for b in view["blocks"])


def test_a_text_field_is_a_single_line_input_with_its_initial_value() -> None:
    assert block(render_modal(HOURS), "start")["element"] == {
        "type": "plain_text_input", "action_id": FIELD_ACTION, "initial_value": "09:00"}


def test_a_long_text_field_is_a_multiline_input() -> None:
    assert block(render_modal(HOURS), "note")["element"] == {
        "type": "plain_text_input", "action_id": FIELD_ACTION, "multiline": True}


def test_a_choice_field_is_a_static_select_with_its_initial_option() -> None:
    element = block(render_modal(HOURS), "zone")["element"]
    assert element["type"] == "static_select"
    assert [(o["text"]["text"], o["value"]) for o in element["options"]] == [
        ("Jakarta (WIB)", "Asia/Jakarta"), ("Makassar (WITA)", "Asia/Makassar")]
    assert element["initial_option"] == element["options"][1]


def test_an_initial_value_that_is_not_an_option_is_left_unselected() -> None:
    view = render_modal(form(FormField(key="zone", label="Zone", kind=FieldKind.CHOICE, choices=ZONES,
                                       initial="Europe/Paris")))
    assert "initial_option" not in view["blocks"][0]["element"]


def test_an_optional_field_is_marked_optional_and_a_required_one_is_not() -> None:
    view = render_modal(HOURS)
    assert block(view, "note")["optional"] is True
    assert block(view, "start")["optional"] is False


def test_a_hint_is_shown_under_its_field() -> None:
    assert block(render_modal(HOURS), "start")["hint"] == {"type": "plain_text", "text": "24-hour clock, e.g. 09:00"}
    assert "hint" not in block(render_modal(HOURS), "note")


def test_an_initial_value_is_passed_as_typed_since_it_is_edited_not_parsed() -> None:
    view = render_modal(form(FormField(key="k", label="l", initial="Q&A <!here>")))
    assert view["blocks"][0]["element"]["initial_value"] == "Q&A <!here>"


def test_labels_are_escaped() -> None:
    view = render_modal(form(FormField(key="k", label="R&D <team>")))
    assert view["blocks"][0]["label"]["text"] == "R&amp;D &lt;team&gt;"


def test_the_title_is_cut_to_slacks_24_characters() -> None:
    title = render_modal(form(FormField(key="k", label="l"), title="Your working hours this week"))["title"]["text"]
    assert len(title) <= 24 and title.endswith("\u2026")


def test_a_blank_title_becomes_the_product_name_since_slack_requires_one() -> None:
    assert render_modal(form(FormField(key="k", label="l"), title=" "))["title"]["text"] == "Rekan"


def test_without_a_close_label_slack_shows_its_own_cancel_in_the_readers_language() -> None:
    assert "close" not in render_modal(HOURS)


def test_a_close_label_can_be_given() -> None:
    assert render_modal(HOURS, close_label="Batal")["close"] == {"type": "plain_text", "text": "Batal"}


@pytest.mark.parametrize(("action", "reason"), [
    (form(FormField(key="k", label="l"), key="k" * 3_001), "private_metadata"),
    (form(), "fields"),
    (form(*[FormField(key=f"k{i}", label="l") for i in range(101)]), "fields"),
    (form(FormField(key="k", label="a"), FormField(key="k", label="b")), "unique"),
    (form(FormField(key="k" * 256, label="l")), "key"),
    (form(FormField(key="k", label="l", kind=FieldKind.CHOICE)), "choices"),
    (form(FormField(key="k", label="l", kind=FieldKind.CHOICE, choices=(Choice(label="a", value="v" * 151),))),
     "choice value"),
])
def test_what_slack_would_refuse_is_refused_with_a_reason(action: OpenForm, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        render_modal(action)


# --- errors -------------------------------------------------------------------------------------


def test_errors_are_keyed_by_the_fields_block_id() -> None:
    refused = form(FormField(key="start", label="Start"), errors=(("start", "Use HH:MM, e.g. 09:00"),))
    assert modal_errors(refused) == {"start": "Use HH:MM, e.g. 09:00"}


def test_an_error_message_is_cut_to_150_characters() -> None:
    refused = form(FormField(key="start", label="Start"), errors=(("start", "x" * 400),))
    message = modal_errors(refused)["start"]
    assert len(message) <= 150 and message.endswith("\u2026")


def test_an_error_for_an_unknown_field_is_shown_under_the_first_field() -> None:
    refused = form(FormField(key="start", label="Start"), FormField(key="end", label="End"),
                   errors=(("end", "Too early"), ("hours", "Shift too long")))
    assert modal_errors(refused) == {"end": "Too early", "start": "Shift too long"}


def test_no_errors_is_an_empty_mapping() -> None:
    assert modal_errors(HOURS) == {}


# --- reading a submission back ------------------------------------------------------------------


def submitted_view(values: dict[str, Any]) -> dict[str, Any]:
    """A view as Slack sends it in a view_submission payload (trimmed to what matters)."""
    view = render_modal(HOURS)
    return {
        "id": "V0123ABC", "team_id": "T0TEAM", "type": "modal", "callback_id": FORM_CALLBACK,
        "private_metadata": view["private_metadata"], "blocks": view["blocks"], "hash": "1712.abc",
        "title": view["title"], "submit": view["submit"], "notify_on_close": True,
        "state": {"values": values}, "app_id": "A0REKAN", "bot_id": "B0REKAN",
    }


def test_form_values_reads_each_field_back_under_its_key() -> None:
    view = submitted_view({
        "start": {FIELD_ACTION: {"type": "plain_text_input", "value": "08:30"}},
        "note": {FIELD_ACTION: {"type": "plain_text_input", "value": "Fridays off & on"}},
        "zone": {FIELD_ACTION: {"type": "static_select", "selected_option": {
            "text": {"type": "plain_text", "text": "Jakarta (WIB)", "emoji": True}, "value": "Asia/Jakarta"}}},
    })
    assert form_values(view) == {"start": "08:30", "note": "Fridays off & on", "zone": "Asia/Jakarta"}


def test_an_empty_optional_field_reads_back_as_an_empty_string() -> None:
    view = submitted_view({
        "note": {FIELD_ACTION: {"type": "plain_text_input", "value": None}},
        "zone": {FIELD_ACTION: {"type": "static_select", "selected_option": None}},
    })
    assert form_values(view) == {"note": "", "zone": ""}


def test_the_keys_read_back_are_the_keys_rendered() -> None:
    view = render_modal(HOURS)
    state = {b["block_id"]: {b["element"]["action_id"]: {"type": b["element"]["type"], "value": "x",
                                                         "selected_option": {"value": "x"}}}
             for b in view["blocks"]}
    assert set(form_values(submitted_view(state))) == {f.key for f in HOURS.fields}


def test_blocks_that_are_not_rekan_fields_are_ignored() -> None:
    view = submitted_view({"other": {"some_action": {"type": "plain_text_input", "value": "x"}}})
    assert form_values(view) == {}


def test_a_view_without_state_has_no_values() -> None:
    assert form_values({"type": "modal"}) == {}
