"""Choices as buttons or selects and forms as modals: stable custom ids that survive a restart."""

from __future__ import annotations

from typing import Any, cast

import pytest
from discord.components import _component_factory  # discord.py's own parser of component JSON

from adapters.discord.components import MAX_CHOICES, choice_rows
from adapters.discord.render import (
    CHOICE_BUTTON_PREFIX,
    CHOICE_SELECT_PREFIX,
    FORM_PREFIX,
    form_values,
    modal_error_message,
    parse_choice,
    parse_form,
    render_choice,
    render_modal,
)
from bot.core.actions import AskChoice, Choice, FieldKind, FormField, OpenForm
from bot.core.content import Content
from bot.core.identity import ConversationKind, ConversationRef

DM = ConversationRef(platform="discord", workspace_id="", kind=ConversationKind.DM, conversation_id="111111111111111111")
KEY = "profile.tz.pick:3f2a"


def ask(*values: str, key: str = KEY, labels: list[str] | None = None) -> AskChoice:
    names = labels or [f"Label {v}" for v in values]
    choices = tuple(Choice(label=label, value=v) for label, v in zip(names, values, strict=True))
    return AskChoice(to=DM, prompt=Content.text("Which zone?"), choices=choices, key=key)


def form(*fields: FormField, title: str = "Your zone and hours",
         errors: tuple[tuple[str, str], ...] = ()) -> OpenForm:
    return OpenForm(to=DM, title=title, fields=fields, key="profile.setup:9c1e", errors=errors)


def assert_discord_reads(row: dict[str, Any]) -> None:
    """discord.py parses the row back into the same components (it adds its own defaults)."""
    parsed = _component_factory(cast(Any, row))  # typed for discord.py's TypedDicts; it reads any JSON
    assert parsed is not None
    assert_subset(row, parsed.to_dict())


def assert_subset(ours: Any, theirs: Any) -> None:
    if isinstance(ours, dict):
        for key, value in ours.items():
            assert key in theirs, key
            assert_subset(value, theirs[key])
    elif isinstance(ours, list):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs, strict=True):
            assert_subset(a, b)
    else:
        assert ours == theirs


def components(action: AskChoice) -> list[dict[str, Any]]:
    return render_choice(action).components


# --- buttons ------------------------------------------------------------------------------------


def test_up_to_five_choices_are_one_row_of_grey_buttons_carrying_key_and_value() -> None:
    [row] = components(ask("Asia/Jakarta", "Asia/Makassar"))
    assert row == {"type": 1, "components": [
        {"type": 2, "style": 2, "label": "Label Asia/Jakarta", "custom_id": "rc|profile.tz.pick:3f2a|Asia/Jakarta"},
        {"type": 2, "style": 2, "label": "Label Asia/Makassar", "custom_id": "rc|profile.tz.pick:3f2a|Asia/Makassar"},
    ]}
    assert_discord_reads(row)


def test_the_prompt_is_the_message_content_above_the_components() -> None:
    message = render_choice(ask("a"))
    assert message.content == "Which zone?" and message.embeds == []
    assert message.allowed_mentions == {"parse": [], "users": [], "roles": [], "replied_user": False}


def test_five_choices_are_buttons_and_six_are_a_select() -> None:
    [five] = components(ask(*"abcde"))
    [six] = components(ask(*"abcdef"))
    assert [c["type"] for c in five["components"]] == [2] * 5
    assert [c["type"] for c in six["components"]] == [3]


def test_a_button_label_is_cut_to_80_characters() -> None:
    [row] = components(ask("a", labels=["x" * 200]))
    label = row["components"][0]["label"]
    assert len(label) == 80 and label.endswith("\u2026")


@pytest.mark.parametrize("value", ["x" * 90, "a|b"])
def test_a_value_that_does_not_fit_a_button_id_falls_back_to_a_select(value: str) -> None:
    [row] = components(ask(value, "b"))
    [select] = row["components"]
    assert select["type"] == 3 and select["custom_id"] == f"rs|{KEY}|0"
    assert [o["value"] for o in select["options"]] == [value, "b"]
    assert_discord_reads(row)


def test_a_key_too_long_for_button_ids_falls_back_to_a_select_and_past_that_is_refused() -> None:
    [row] = components(ask("ab", key="k" * 95))  # rc|…|ab would be 101 characters
    assert row["components"][0]["custom_id"] == "rs|" + "k" * 95 + "|0"
    with pytest.raises(ValueError, match="custom_id"):
        render_choice(ask("a", key="k" * 96))


def test_the_same_value_offered_twice_is_one_choice() -> None:
    [row] = components(ask("a", "a", "b", labels=["First", "Second", "Third"]))
    assert [b["label"] for b in row["components"]] == ["First", "Third"]


@pytest.mark.parametrize("value", ["", "v" * 101])
def test_a_value_a_select_cannot_hold_is_refused_rather_than_cut(value: str) -> None:
    with pytest.raises(ValueError, match="choice value"):
        render_choice(ask(value))


def test_no_choices_at_all_is_refused() -> None:
    with pytest.raises(ValueError, match="1 to 125"):
        render_choice(ask())


# --- selects ------------------------------------------------------------------------------------


def test_thirty_choices_are_two_selects_of_25_and_5_one_per_row() -> None:
    rows = components(ask(*[f"zone{i}" for i in range(30)]))
    assert [len(r["components"]) for r in rows] == [1, 1]
    selects = [r["components"][0] for r in rows]
    assert [s["custom_id"] for s in selects] == [f"rs|{KEY}|0", f"rs|{KEY}|1"]
    assert [len(s["options"]) for s in selects] == [25, 5]
    assert [o["value"] for s in selects for o in s["options"]] == [f"zone{i}" for i in range(30)]
    assert all(s["min_values"] == 1 and s["max_values"] == 1 for s in selects)
    for row in rows:
        assert_discord_reads(row)


def test_an_option_label_is_cut_to_100_characters() -> None:
    rows = components(ask(*"abcdef", labels=["y" * 150, *"bcdef"]))
    label = rows[0]["components"][0]["options"][0]["label"]
    assert len(label) == 100 and label.endswith("\u2026")


def test_125_choices_fill_five_rows_and_126_are_refused() -> None:
    assert len(components(ask(*[str(i) for i in range(MAX_CHOICES)]))) == 5
    with pytest.raises(ValueError, match="1 to 125"):
        choice_rows(ask(*[str(i) for i in range(MAX_CHOICES + 1)]))


# --- reading a click back -----------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 5, 6, 30, 125])
def test_every_offered_choice_reads_back_as_key_and_value(count: int) -> None:
    action = ask(*[f"Zone/{i}" for i in range(count)], key="profile.tz.pick:a|b")
    answers = set()
    for row in components(action):
        for component in row["components"]:
            if component["type"] == 2:
                answers.add(parse_choice(component["custom_id"], []))
            else:
                answers |= {parse_choice(component["custom_id"], [o["value"]]) for o in component["options"]}
    assert answers == {("profile.tz.pick:a|b", f"Zone/{i}") for i in range(count)}


@pytest.mark.parametrize(("custom_id", "values"), [
    ("someone-elses-button", []),
    ("rc|no-separator", []),
    ("rs|key|x", ["v"]),
    ("rs|key|0", []),
    ("rs|key|0", ["a", "b"]),
    ("rf|form", []),
])
def test_a_foreign_or_malformed_id_is_not_a_choice(custom_id: str, values: list[str]) -> None:
    assert parse_choice(custom_id, values) is None


def test_the_prefixes_are_the_documented_ones() -> None:
    assert (CHOICE_BUTTON_PREFIX, CHOICE_SELECT_PREFIX, FORM_PREFIX) == ("rc|", "rs|", "rf|")


# --- modals -------------------------------------------------------------------------------------


def test_a_form_is_a_modal_of_text_inputs_one_per_row() -> None:
    modal = render_modal(form(
        FormField(key="zone", label="Time zone", initial="Asia/Jakarta", hint="Asia/Jakarta, WIB, UTC+7"),
        FormField(key="notes", label="Notes", kind=FieldKind.LONG_TEXT, required=False),
    ))
    assert modal == {
        "custom_id": "rf|profile.setup:9c1e",
        "title": "Your zone and hours",
        "components": [
            {"type": 1, "components": [{"type": 4, "custom_id": "zone", "style": 1, "label": "Time zone",
                                        "required": True, "value": "Asia/Jakarta",
                                        "placeholder": "Asia/Jakarta, WIB, UTC+7"}]},
            {"type": 1, "components": [{"type": 4, "custom_id": "notes", "style": 2, "label": "Notes",
                                        "required": False}]},
        ],
    }
    for row in modal["components"]:
        assert_discord_reads(row)
    assert parse_form(modal["custom_id"]) == "profile.setup:9c1e"


def test_a_choice_field_is_a_short_input_that_lists_its_options() -> None:
    modal = render_modal(form(FormField(key="lang", label="Language", kind=FieldKind.CHOICE, initial="id",
                                        choices=(Choice(label="English", value="en"),
                                                 Choice(label="Bahasa Indonesia", value="id")))))
    [row] = modal["components"]
    assert row["components"][0] == {"type": 4, "custom_id": "lang", "style": 1, "label": "Language",
                                    "required": True, "value": "id",
                                    "placeholder": "1. English, 2. Bahasa Indonesia"}


def test_titles_labels_and_placeholders_are_cut_to_discords_limits() -> None:
    modal = render_modal(form(FormField(key="k", label="L" * 60, hint="h" * 150, initial="i" * 5_000),
                              title="T" * 60))
    field = modal["components"][0]["components"][0]
    assert len(modal["title"]) == 45 and len(field["label"]) == 45
    assert len(field["placeholder"]) == 100 and len(field["value"]) == 4_000


def test_a_blank_title_is_rekan() -> None:
    assert render_modal(form(FormField(key="k", label="l"), title=" "))["title"] == "Rekan"


def test_initial_values_are_data_and_are_not_escaped() -> None:
    modal = render_modal(form(FormField(key="k", label="l", initial="a_b *c* <@1>")))
    assert modal["components"][0]["components"][0]["value"] == "a_b *c* <@1>"


@pytest.mark.parametrize(("fields", "reason"), [
    ((), "1 to 5 fields"),
    (tuple(FormField(key=f"k{i}", label="l") for i in range(6)), "1 to 5 fields"),
    ((FormField(key="k", label="a"), FormField(key="k", label="b")), "unique"),
    ((FormField(key="", label="a"),), "1 to 100"),
])
def test_a_form_discord_cannot_show_is_refused(fields: tuple[FormField, ...], reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        render_modal(form(*fields))


def test_a_form_key_too_long_for_a_custom_id_is_refused() -> None:
    action = OpenForm(to=DM, title="t", fields=(FormField(key="k", label="l"),), key="x" * 98)
    with pytest.raises(ValueError, match="custom_id"):
        render_modal(action)


def test_a_foreign_modal_is_not_a_form() -> None:
    assert parse_form("someone-elses-modal") is None


# --- reading a submit back ----------------------------------------------------------------------

# data.components of a MODAL_SUBMIT interaction as Discord sends it (API v10): rows of text inputs.
SUBMITTED = [
    {"type": 1, "id": 1, "components": [{"type": 4, "id": 2, "custom_id": "zone", "value": "Asia/Jakarta"}]},
    {"type": 1, "id": 3, "components": [{"type": 4, "id": 4, "custom_id": "hours", "value": ""}]},
]


def test_a_submit_reads_back_as_field_values() -> None:
    assert form_values(SUBMITTED) == {"zone": "Asia/Jakarta", "hours": ""}


def test_what_render_modal_sends_comes_back_under_the_same_keys() -> None:
    modal = render_modal(form(FormField(key="zone", label="Zone"), FormField(key="hours", label="Hours")))
    submitted = [{"type": 1, "components": [{"type": 4, "custom_id": row["components"][0]["custom_id"],
                                             "value": f"typed {n}"}]}
                 for n, row in enumerate(modal["components"])]
    assert form_values(submitted) == {"zone": "typed 0", "hours": "typed 1"}


def test_the_newer_label_layout_and_selects_are_read_too() -> None:
    submitted = [
        {"type": 18, "id": 1, "component": {"type": 4, "id": 2, "custom_id": "zone", "value": "Asia/Makassar"}},
        {"type": 18, "id": 3, "component": {"type": 3, "id": 4, "custom_id": "lang", "values": ["id"]}},
        {"type": 18, "id": 5, "component": {"type": 3, "id": 6, "custom_id": "none", "values": []}},
        {"type": 10, "id": 7, "content": "a text display has no value"},
    ]
    assert form_values(submitted) == {"zone": "Asia/Makassar", "lang": "id", "none": ""}


# --- refused fields -----------------------------------------------------------------------------


def test_refused_fields_come_back_as_one_short_message_naming_each_field() -> None:
    action = form(FormField(key="zone", label="Time zone"), FormField(key="hours", label="Hours"),
                  errors=(("zone", "I don't know *Mars/Base*."), ("hours", "Use 09:00-17:00."), ("gone", "Try again.")))
    assert modal_error_message(action) == (
        "- **Time zone**: I don't know \\*Mars/Base\\*.\n- **Hours**: Use 09:00-17:00.\n- Try again.")


def test_no_errors_is_still_a_message_discord_accepts() -> None:
    assert modal_error_message(form(FormField(key="k", label="l"))) == "\u2026"


def test_a_long_error_message_fits_one_discord_message() -> None:
    fields = tuple(FormField(key=f"k{i}", label=f"Field {i}") for i in range(5))
    action = form(*fields, errors=tuple((f"k{i}", "x " * 400) for i in range(5)))
    assert len(modal_error_message(action)) <= 2_000
