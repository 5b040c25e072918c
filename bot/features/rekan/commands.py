"""`/rekan help`, `/rekan lang en|id`, `/rekan managers add|remove|list`, `/rekan export-me|forget-me`."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.actions import Action
from bot.core.commands import Args, CommandRegistry, CommandSpec, OptionSpec, OptionType, SubcommandSpec
from bot.core.content import Content, Mention, bullets, paragraph
from bot.core.context import Context
from bot.core.identity import Role
from bot.features.profile import service
from bot.features.rekan import export, forget
from bot.i18n import LOCALES, translate


def _help_line(ctx: Context, command: str, sub: SubcommandSpec) -> str:
    return f"/{command} {sub.name} — {ctx.t(sub.help_key)} ({sub.example})"


def help_command(registry: CommandRegistry) -> SubcommandSpec:
    async def handler(ctx: Context, args: Args) -> Sequence[Action]:
        wanted = args.text_or("command").lstrip("/").split(" ")[0].lower()
        if wanted:
            spec = registry.get(wanted)
            if spec is None:
                return [ctx.fail("common.unknown_command", command=f"/{wanted}")]
            lines = [_help_line(ctx, spec.name, sub) for sub in spec.subcommands]
            body = Content.of(f"/{spec.name} — {ctx.t(spec.help_key)}", bullets(lines))
            return [ctx.reply(body)]
        items = [f"/{spec.name} — {ctx.t(spec.help_key)}" for spec in registry.all()]
        body = Content.of(ctx.t("rekan.help_intro"), bullets(items), ctx.t("rekan.help_more"))
        return [ctx.reply(body)]

    return SubcommandSpec(name="help", help_key="commands.rekan_help", example="/rekan help tz",
                          handler=handler, aliases=("bantuan",),
                          options=(OptionSpec(name="command", help_key="commands.opt_command"),))


async def lang(ctx: Context, args: Args) -> Sequence[Action]:
    words = args.text_or("language").lower().split()
    if not words:
        return [ctx.fail("rekan.lang_usage", example="/rekan lang id")]
    if words[0] in ("workspace", "default") and len(words) == 2:
        if not ctx.member.role.allows(Role.ADMIN):
            return [ctx.fail("common.not_allowed", role=ctx.t("common.role_admin"))]
        if words[1] not in LOCALES:
            return [ctx.fail("rekan.lang_unknown", example="/rekan lang workspace id", value=words[1][:20])]
        await service.set_workspace_locale(ctx.db, ctx.workspace.id, words[1])
        return [ctx.reply(translate("rekan.lang_workspace_done", words[1]))]
    if words[0] not in LOCALES or len(words) > 1:
        return [ctx.fail("rekan.lang_unknown", example="/rekan lang id", value=" ".join(words)[:20])]
    await service.set_locale(ctx.db, ctx.member, words[0])
    return [ctx.reply(translate("rekan.lang_done", words[0]))]


async def managers(ctx: Context, args: Args) -> Sequence[Action]:
    words = args.words()
    action = words[0].lower() if words else "list"
    if action in ("list", "daftar"):
        people = await service.managers(ctx.db, ctx.workspace.id)
        if not people:
            return [ctx.reply(ctx.t("rekan.managers_none"))]
        items = [paragraph(Mention(account=m.account, display_name=m.display_name),
                           f" ({ctx.t('common.role_' + m.role.value)})") for m in people]
        return [ctx.reply(Content.of(ctx.t("rekan.managers_list"), bullets(items)))]
    if action not in ("add", "remove", "tambah", "hapus"):
        return [ctx.fail("rekan.managers_usage", example="/rekan managers add @ayu")]
    targets = args.mentions()
    if not targets:
        return [ctx.fail("rekan.managers_usage", example="/rekan managers add @ayu")]
    grant = action in ("add", "tambah")
    lines: list[Content] = []
    for user_id in targets:
        member = await service.set_manager(ctx.db, ctx.workspace.id, user_id, grant)
        if member is None:
            lines.append(ctx.tc("profile.who_unknown", value=user_id))
            continue
        key = "rekan.managers_added" if grant else "rekan.managers_removed"
        lines.append(ctx.tc(key, member=Mention(account=member.account, display_name=member.display_name)))
    return [ctx.reply(sum(lines[1:], lines[0]))]


def rekan_command(registry: CommandRegistry) -> CommandSpec:
    return CommandSpec(
        name="rekan",
        help_key="commands.rekan",
        default="help",
        subcommands=(
            help_command(registry),
            SubcommandSpec(name="lang", help_key="commands.rekan_lang", example="/rekan lang id",
                           handler=lang, aliases=("bahasa",),
                           options=(OptionSpec(name="language", help_key="commands.opt_language",
                                               required=True),)),
            SubcommandSpec(name="managers", help_key="commands.rekan_managers",
                           example="/rekan managers add @ayu", handler=managers, permission=Role.ADMIN,
                           aliases=("manajer",),
                           options=(OptionSpec(name="action", help_key="commands.opt_managers_action"),
                                    OptionSpec(name="member", type=OptionType.MEMBER,
                                               help_key="commands.opt_member"))),
            SubcommandSpec(name="export-me", help_key="commands.rekan_export_me", example="/rekan export-me",
                           handler=export.export_me, aliases=("ekspor-saya",)),
            SubcommandSpec(name="forget-me", help_key="commands.rekan_forget_me", example="/rekan forget-me",
                           handler=forget.forget_me, aliases=("lupakan-saya",),
                           options=(OptionSpec(name="confirm", help_key="commands.opt_forget_confirm"),)),
        ),
    )
