"""`/standup`, declared once for Slack, Discord, the shell and help."""

from __future__ import annotations

from bot.core.commands import CommandSpec, OptionSpec, SubcommandSpec
from bot.features.standups import answer_form, history
from bot.features.standups.answers import redo
from bot.features.standups.commands import (
    EXAMPLE_NEW,
    away,
    back,
    delete,
    list_all,
    new,
    pause,
    resume,
)
from bot.features.standups.edit import EXAMPLE_EDIT, edit

_NAME_AND_MORE = OptionSpec(name="name", help_key="commands.opt_standup_name_more", required=True, rest=True)
_NAME = OptionSpec(name="name", help_key="commands.opt_standup_name", required=True, rest=True)

STANDUP = CommandSpec(
    name="standup",
    help_key="commands.standup",
    default="list",
    subcommands=(
        SubcommandSpec(
            name="new",
            opens_form=True,
            help_key="commands.standup_new",
            example=EXAMPLE_NEW,
            handler=new,
            aliases=("baru",),
            options=(OptionSpec(name="setup", help_key="commands.opt_standup_setup", rest=True),),
        ),
        SubcommandSpec(
            name="list",
            help_key="commands.standup_list",
            example="/standup list",
            handler=list_all,
            aliases=("daftar",),
        ),
        SubcommandSpec(
            name="pause",
            help_key="commands.standup_pause",
            example="/standup pause Daily",
            handler=pause,
            aliases=("jeda",),
            options=(_NAME,),
        ),
        SubcommandSpec(
            name="resume",
            help_key="commands.standup_resume",
            example="/standup resume Daily",
            handler=resume,
            aliases=("lanjut",),
            options=(_NAME,),
        ),
        SubcommandSpec(
            name="delete",
            help_key="commands.standup_delete",
            example="/standup delete Daily",
            handler=delete,
            aliases=("hapus",),
            options=(_NAME,),
        ),
        SubcommandSpec(
            name="edit",
            help_key="commands.standup_edit",
            example=EXAMPLE_EDIT,
            handler=edit,
            aliases=("ubah",),
            options=(_NAME_AND_MORE,),
        ),
        SubcommandSpec(
            name="answer",
            help_key="commands.standup_answer",
            example="/standup answer Daily",
            handler=answer_form.open_form,
            opens_form=True,
            aliases=("jawab",),
            options=(_NAME,),
        ),
        SubcommandSpec(
            name="redo",
            help_key="commands.standup_redo",
            example="/standup redo Daily",
            handler=redo,
            aliases=("ulang",),
            options=(_NAME,),
        ),
        SubcommandSpec(
            name="history",
            help_key="commands.standup_history",
            example="/standup history Daily @ayu 7d",
            handler=history.history,
            aliases=("riwayat",),
            options=(_NAME_AND_MORE,),
        ),
        SubcommandSpec(
            name="report",
            help_key="commands.standup_report",
            example="/standup report Daily yesterday",
            handler=history.report_again,
            aliases=("laporan",),
            options=(_NAME_AND_MORE,),
        ),
        SubcommandSpec(
            name="export",
            help_key="commands.standup_export",
            example="/standup export Daily 30d",
            handler=history.export,
            aliases=("ekspor",),
            options=(_NAME_AND_MORE,),
        ),
        SubcommandSpec(
            name="stats",
            help_key="commands.standup_stats",
            example="/standup stats Daily",
            handler=history.stats,
            aliases=("statistik",),
            options=(_NAME,),
        ),
        SubcommandSpec(
            name="mine",
            help_key="commands.standup_mine",
            example="/standup mine Daily delete 2026-11-30",
            handler=history.mine,
            aliases=("milikku",),
            options=(_NAME_AND_MORE,),
        ),
        SubcommandSpec(
            name="away",
            help_key="commands.standup_away",
            example="/standup away 2026-12-20..2027-01-03",
            handler=away,
            aliases=("cuti",),
            options=(OptionSpec(name="dates", help_key="commands.opt_dates", required=True, rest=True),),
        ),
        SubcommandSpec(
            name="back",
            help_key="commands.standup_back",
            example="/standup back",
            handler=back,
            aliases=("kembali",),
        ),
    ),
)
