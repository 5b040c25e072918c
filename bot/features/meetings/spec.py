"""`/meet`, declared once for Slack, Discord, the shell and help."""

from __future__ import annotations

from bot.core.commands import CommandSpec, OptionSpec, OptionType, SubcommandSpec
from bot.features.meetings import commands, polls

_DETAILS = OptionSpec(name="details", help_key="commands.opt_meet_details", rest=True)
_LENGTH_AND_DETAILS = OptionSpec(name="details", help_key="commands.opt_meet_length_details", required=True,
                                 rest=True)
_SLOT = OptionSpec(name="slot", type=OptionType.INTEGER, help_key="commands.opt_meet_slot", required=True)
_POLL = OptionSpec(name="poll", type=OptionType.INTEGER, help_key="commands.opt_meet_poll", required=True)

MEET = CommandSpec(
    name="meet",
    help_key="commands.meet",
    default="overlap",
    subcommands=(
        SubcommandSpec(
            name="overlap",
            help_key="commands.meet_overlap",
            example=commands.EXAMPLE_OVERLAP,
            handler=commands.overlap_command,
            aliases=("irisan", "bersama"),
            options=(_DETAILS,),
        ),
        SubcommandSpec(
            name="suggest",
            help_key="commands.meet_suggest",
            example=commands.EXAMPLE_SUGGEST,
            handler=commands.suggest_command,
            aliases=("saran", "usul"),
            options=(_LENGTH_AND_DETAILS,),
        ),
        SubcommandSpec(
            name="time",
            help_key="commands.meet_time",
            example=commands.EXAMPLE_TIME,
            handler=commands.time_command,
            aliases=("waktu", "jam"),
            options=(OptionSpec(name="when", help_key="commands.opt_meet_when", required=True, rest=True),),
        ),
        SubcommandSpec(
            name="poll",
            help_key="commands.meet_poll",
            example=polls.EXAMPLE_POLL,
            handler=polls.poll_command,
            aliases=("jajak", "voting"),
            options=(_LENGTH_AND_DETAILS,),
        ),
        SubcommandSpec(
            name="vote",
            help_key="commands.meet_vote",
            example=polls.EXAMPLE_VOTE,
            handler=polls.vote_command,
            aliases=("pilih",),
            options=(_POLL, _SLOT),
        ),
        SubcommandSpec(
            name="pick",
            help_key="commands.meet_pick",
            example=polls.EXAMPLE_PICK,
            handler=polls.pick_command,
            aliases=("tetapkan",),
            options=(_POLL, OptionSpec(name="slot", type=OptionType.INTEGER,
                                       help_key="commands.opt_meet_slot")),
        ),
    ),
)
