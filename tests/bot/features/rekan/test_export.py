"""`/rekan export-me`: everything Rekan keeps about the speaker in this workspace, one JSON file by DM."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bot.core.actions import Send, Upload, Visibility
from bot.core.identity import ConversationKind
from bot.core.render_text import render_plain
from storage.session import Database
from tests.bot.features.rekan.world import NADIA, NADIA_NAME, World, build
from tests.support import snapshot

UTC_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@pytest.fixture
async def w(db: Database) -> World:
    return await build(db)


def _instants(value: Any, key: str = "") -> list[tuple[str, str]]:
    """Every (key, value) whose key names an instant, anywhere in the document."""
    if isinstance(value, dict):
        return [i for k, v in value.items() for i in _instants(v, k)]
    if isinstance(value, list):
        return [i for v in value for i in _instants(v, key)]
    named = key.endswith("_at") or key in ("start", "picked", "slots", "your_votes")
    return [(key, value)] if named and isinstance(value, str) and "T" in value else []


async def _export(w: World) -> tuple[Upload, dict[str, Any]]:
    nadia = w.nadia()
    await nadia.run("/rekan export-me")
    [upload] = nadia.last
    assert isinstance(upload, Upload)
    assert (upload.filename, upload.mime_type) == ("rekan-export.json", "application/json")
    assert upload.to.kind is ConversationKind.DM and upload.to.conversation_id == NADIA
    text = upload.data.decode("utf-8")
    data = json.loads(text)
    assert text == json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False)  # keys sorted
    return upload, data


async def test_the_export_holds_her_profile_and_every_thing_she_is_part_of(w: World) -> None:
    _, data = await _export(w)
    assert data["format"] == "rekan-export" and data["workspace"]["id"] == "T1"
    profile = data["profile"]
    assert (profile["user_id"], profile["display_name"], profile["zone"]) == (NADIA, NADIA_NAME, "Asia/Makassar")
    assert profile["working_hours"] == {"start": "08:00", "end": "16:00",
                                        "days": ["Mon", "Tue", "Wed", "Thu", "Fri"]}
    assert profile["days_off"] == [{"start": "2026-12-24", "end": "2026-12-26"}]
    assert (profile["country"], profile["role"], profile["locale"]) == ("ID", "manager", "en")
    assert [r["title"] for r in data["reminders"]] == ["call the bank"]
    deadlines = {d["title"]: d for d in data["deadlines"]}
    assert set(deadlines) == {"Expense report", "Launch checklist", "Ship v2.3", "Docs"}
    assert deadlines["Launch checklist"]["created_by_you"] and deadlines["Launch checklist"]["assigned_to_you"]
    assert deadlines["Ship v2.3"]["due_at"] == "2026-12-04T11:30:00Z"
    assert (deadlines["Ship v2.3"]["zone"], deadlines["Ship v2.3"]["due_local"]) == (
        "Asia/Kolkata", "2026-12-04T17:00:00")
    assert not deadlines["Ship v2.3"]["created_by_you"] and deadlines["Docs"]["done_by_you"]
    standups = {s["name"]: s for s in data["standups"]}
    assert standups["Sync"]["you_own_it"] and standups["Daily"]["you_are_a_member"]
    answered = [a for s in standups.values() for a in s["your_answers"] if a["status"] == "done"]
    assert [a["answers"] for a in answered] == [["Sorted the invoices", "Payroll", "none"]]
    polls = {p["title"]: p for p in data["meeting_polls"]}
    assert polls["Retro"]["you_own_it"] and polls["Retro"]["your_votes"] == []
    assert polls["Planning"]["your_votes"] == [polls["Planning"]["slots"][0]]
    [series] = data["meeting_series"]
    assert series["people"] == 3 and len(series["your_picks"]) == 1
    assert [p["key"].split(":")[0] for p in data["pending_prompts"]] == ["profile.tz.pick"]
    kinds = {d["kind"] for d in data["deliveries_to_you"]}
    assert {"reminder", "deadline_assigned", "standup_prompt"} <= kinds


async def test_every_time_is_utc_iso_and_nothing_comes_from_her_other_workspace(w: World) -> None:
    upload, data = await _export(w)
    instants = _instants(data)
    assert len(instants) > 30 and all(UTC_ISO.match(v) for _, v in instants), instants
    text = upload.data.decode()
    assert "stretch" not in text  # her reminder in T2
    assert not [n for n in ("priya", "liam", "emma", "ayu") if n in text.lower()]  # nobody else's ids


async def test_asking_in_a_channel_sends_the_file_to_her_dm_and_changes_nothing(w: World, db: Database) -> None:
    before = await snapshot(db)
    nadia = w.speaker(NADIA)
    said = await nadia.run("/rekan export-me")
    note, upload = nadia.last
    assert isinstance(note, Send) and note.visibility is Visibility.EPHEMERAL
    assert said.startswith("I have sent you rekan-export.json as a direct message")
    assert isinstance(upload, Upload) and upload.to.kind is ConversationKind.DM
    assert await snapshot(db) == before


async def test_the_comment_is_in_her_language(db: Database) -> None:
    w = await build(db, locale="id")
    nadia = w.nadia()
    await nadia.run("/rekan ekspor-saya")
    [upload] = nadia.last
    assert isinstance(upload, Upload) and upload.comment is not None
    assert render_plain(upload.comment).startswith("Semua yang saya simpan tentang Anda di workspace ini")
