"""`/deadline`: declared once for Slack, Discord, the shell and help."""

from __future__ import annotations

from bot.core.commands import CommandSpec, OptionSpec, OptionType, SubcommandSpec
from bot.features.deadlines import create, ics, manage

_ID = OptionSpec(name="id", type=OptionType.INTEGER, help_key="commands.opt_deadline_id", required=True)

DEADLINE = CommandSpec(
    name="deadline",
    help_key="commands.deadline",
    default="list",
    subcommands=(
        SubcommandSpec(
            name="add",
            help_key="commands.deadline_add",
            example=create.EXAMPLE_ADD,
            handler=create.add,
            aliases=("tambah", "set"),
            options=(
                OptionSpec(name="title", help_key="commands.opt_title", required=True, rest=True),
                OptionSpec(name="when", help_key="commands.opt_when", required=True),
                OptionSpec(name="for", help_key="commands.opt_for"),
                OptionSpec(name="remind", help_key="commands.opt_remind"),
                OptionSpec(name="urgent", type=OptionType.BOOLEAN, help_key="commands.opt_urgent"),
            ),
        ),
        SubcommandSpec(
            name="remind",
            help_key="commands.deadline_remind",
            example=create.EXAMPLE_REMIND,
            handler=create.remind,
            aliases=("ingatkan",),
            options=(
                OptionSpec(name="title", help_key="commands.opt_reminder_text", required=True, rest=True),
                OptionSpec(name="when", help_key="commands.opt_when", required=True),
            ),
        ),
        SubcommandSpec(
            name="list",
            help_key="commands.deadline_list",
            example="/deadline list overdue",
            handler=manage.list_items,
            aliases=("daftar",),
            options=(OptionSpec(name="filter", help_key="commands.opt_deadline_filter", rest=True),),
        ),
        SubcommandSpec(
            name="done",
            help_key="commands.deadline_done",
            example=manage.EXAMPLE_DONE,
            handler=manage.done,
            aliases=("selesai",),
            options=(_ID,),
        ),
        SubcommandSpec(
            name="edit",
            help_key="commands.deadline_edit",
            example=manage.EXAMPLE_EDIT,
            handler=manage.edit,
            aliases=("ubah",),
            options=(
                _ID,
                OptionSpec(name="changes", help_key="commands.opt_changes", required=True, rest=True),
            ),
        ),
        SubcommandSpec(
            name="snooze",
            help_key="commands.deadline_snooze",
            example=manage.EXAMPLE_SNOOZE,
            handler=manage.snooze,
            aliases=("tunda",),
            options=(_ID, OptionSpec(name="duration", help_key="commands.opt_duration", required=True)),
        ),
        SubcommandSpec(
            name="cancel",
            help_key="commands.deadline_cancel",
            example="/deadline cancel 12",
            handler=manage.cancel,
            aliases=("batal",),
            options=(_ID,),
        ),
        SubcommandSpec(
            name="ics",
            help_key="commands.deadline_ics",
            example="/deadline ics",
            handler=ics.export,
            aliases=("kalender",),
        ),
        SubcommandSpec(
            name="form",
            help_key="commands.deadline_form",
            example="/deadline form",
            handler=create.open_form,
            opens_form=True,
            aliases=("formulir",),
        ),
        SubcommandSpec(
            name="settings",
            help_key="commands.deadline_settings",
            example="/deadline settings leads 1d,1h,0",
            handler=manage.settings,
            aliases=("pengaturan",),
            options=(OptionSpec(name="setting", help_key="commands.opt_setting", rest=True),),
        ),
    ),
)
