"""What each adapter can show, so the core degrades an action before the adapter sees it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Capabilities:
    max_message_length: int
    ephemeral: bool
    ephemeral_outside_interaction: bool
    modals: bool
    buttons: bool
    threads: bool
    native_timestamps: bool
    files: bool
    max_form_fields: int = 100
    """Fields one modal can hold (Discord: 5; Slack's limit is its 100 blocks)."""


SHELL = Capabilities(
    max_message_length=100_000, ephemeral=True, ephemeral_outside_interaction=True,
    modals=False, buttons=False, threads=False, native_timestamps=False, files=True,
)
# Slack whispers (chat.postEphemeral) need the interaction's user; without one a DM says it privately.
SLACK = Capabilities(
    max_message_length=3_000, ephemeral=True, ephemeral_outside_interaction=False,
    modals=True, buttons=True, threads=True, native_timestamps=True, files=True,
)
DISCORD = Capabilities(
    max_message_length=2_000, ephemeral=True, ephemeral_outside_interaction=False,
    modals=True, buttons=True, threads=True, native_timestamps=True, files=True, max_form_fields=5,
)
