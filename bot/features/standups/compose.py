"""Prompts, nudges and reports written at send time, from the standup and the answers as they are then."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime

from bot.core.actions import Action, Send
from bot.core.content import BulletList, Content, Emphasis, Inline, Mention, Paragraph, Text
from bot.core.context import message_paragraph
from bot.core.identity import AccountRef, Member
from bot.features.standups.schedule import absence, works_on
from bot.features.standups.source import (
    KIND_NUDGE,
    KIND_PROMPT,
    KIND_REPORT,
    KIND_THREAD,
    channel,
    dm,
    members_of,
)
from bot.i18n import normalize_locale, translate
from bot.scheduling.dispatcher import Composer
from bot.scheduling.sender import TransientSendError
from bot.time.format import format_date, format_time
from bot.time.zones import zone_abbreviation
from storage.repositories import deliveries as deliveries_repo
from storage.repositories import standups as repo
from storage.repositories.deliveries import DeliveryRecord
from storage.repositories.standups import ASKED, DONE, SKIPPED, AnswerRecord, Question, StandupRecord
from storage.session import Database

REPORT_WAIT_SECONDS = 5.0
NO_BLOCKER = frozenset(
    {
        "",
        "-",
        "no",
        "none",
        "nope",
        "nothing",
        "n/a",
        "na",
        "tidak",
        "tidak ada",
        "nggak",
        "ga",
        "gak",
        "tak ada",
        "belum ada",
        "aman",
    }
)


def locale_of(member: Member | None, standup: StandupRecord) -> str:
    return normalize_locale((member.locale if member else None) or standup.default_locale)


def wording(question: Question, locale: str) -> str:
    """A default question in the reader's language; a question the owner wrote, as written."""
    return translate(question.key, locale) if question.key else question.text


def question_text(standup: StandupRecord, step: int, locale: str) -> Content:
    """ "(2/3) What will you do today?" with the member's way out: skip, or same as last time."""
    q = standup.questions[step]
    lines = [
        message_paragraph(
            "standups.question", locale, index=step + 1, total=len(standup.questions), text=wording(q, locale)
        )
    ]
    if q.kind == "choice" and q.choices:
        lines.append(
            Paragraph(inlines=(Text(text=" · ".join(f"{n}. {c}" for n, c in enumerate(q.choices, 1))),))
        )
    return Content(blocks=tuple(lines))


def is_blocker(question: Question, text: str) -> bool:
    return question.kind == "blocker" and text.strip().lower().rstrip(".!") not in NO_BLOCKER


async def _load(
    db: Database, record: DeliveryRecord, only: str | None = None
) -> tuple[StandupRecord, dict[str, Member]] | None:
    """The standup and its members (`only` one of them: a prompt to one member reads one profile)."""
    standup_id = int(record.source_id.removeprefix("su:"))
    async with db.read() as s:
        standup = await repo.by_id(s, record.workspace_pk, standup_id, member=only)
        if standup is None or standup.paused:
            return None
        return standup, await members_of(s, standup, only=only)


def _day_user(record: DeliveryRecord) -> tuple[date, str]:
    day, user = record.occurrence.split("|")[:2]
    return date.fromisoformat(day), user


def _ours(composer: Callable[[DeliveryRecord], Awaitable[Action | None]]) -> Composer:
    """Only rows a standup planned (`su:<id>`) are written afresh; any other row keeps its stored action."""

    async def compose(record: DeliveryRecord, stored: Action) -> Action | None:
        return await composer(record) if record.source_id.startswith("su:") else stored

    return compose


def composers(db: Database) -> dict[str, Composer]:
    async def prompt(record: DeliveryRecord) -> Action | None:
        day, user = _day_user(record)
        loaded = await _load(db, record, only=user)
        if loaded is None:
            return None
        standup, members = loaded
        member = members.get(user)
        if user not in standup.members or absence(member, day) or not works_on(standup, member, day):
            return None  # removed, or away since the prompt was planned
        async with db.session() as s:
            answer = await repo.start_answer(
                s, standup.workspace_pk, standup.id, day, user, now=record.due_at
            )
        if answer.status != ASKED or answer.step > 0:
            return None  # already answering or answered (a retried send after a crash)
        locale = locale_of(member, standup)
        head = message_paragraph(
            "standups.prompt", locale, name=Emphasis(text=standup.name), day=format_date(day, locale)
        )
        hint = message_paragraph("standups.prompt_hint", locale, name=standup.name)
        body = Content(blocks=(head, *question_text(standup, 0, locale).blocks, hint))
        return Send(to=dm(standup, user), content=body)

    async def nudge(record: DeliveryRecord) -> Action | None:
        day, user = _day_user(record)
        loaded = await _load(db, record, only=user)
        if loaded is None:
            return None
        standup, members = loaded
        async with db.read() as s:
            answer = await repo.answer(s, standup.id, day, user)
        if answer is None or answer.status != ASKED:
            return None
        locale = locale_of(members.get(user), standup)
        text = message_paragraph("standups.nudge", locale, name=Emphasis(text=standup.name))
        return Send(to=dm(standup, user), content=Content(blocks=(text,)))

    async def report(record: DeliveryRecord) -> Action | None:
        loaded = await _load(db, record)
        if loaded is None:
            return None
        standup, members = loaded
        day = date.fromisoformat(record.occurrence)
        async with db.session() as s:
            answers = await repo.answers_for_day(s, standup.id, day)
            if not answers and not any(absence(members.get(u), day) for u in standup.members):
                return None  # nobody was asked that day (set up after it, or paused): no report
            for a in answers:
                if a.status == DONE:
                    await repo.save_answer(s, a.id, reported=True)
        return report_send(standup, members, day, answers)

    async def thread_item(record: DeliveryRecord) -> Action | None:
        day, user = _day_user(record)
        loaded = await _load(db, record, only=user)
        if loaded is None:
            return None
        standup, members = loaded
        async with db.session() as s:
            report = await deliveries_repo.by_key(s, KIND_REPORT, standup.source_id, day.isoformat())
            if report is None or report.status in ("pending", "claimed"):
                # Retried shortly, once the report is out and has its message id.
                raise TransientSendError(reason="report not sent yet", retry_after=REPORT_WAIT_SECONDS)
            answer = await repo.answer(s, standup.id, day, user)
            if answer is None or answer.status != DONE or report.message_id is None:
                return None
            await repo.save_answer(s, answer.id, reported=True)
        blocks = answer_blocks(standup, members, answer, normalize_locale(standup.default_locale))
        return Send(to=channel(standup), content=Content(blocks=tuple(blocks)), thread=report.message_id)

    return {
        KIND_PROMPT: _ours(prompt),
        KIND_NUDGE: _ours(nudge),
        KIND_REPORT: _ours(report),
        KIND_THREAD: _ours(thread_item),
    }


def _name(members: dict[str, Member], user: str) -> str:
    member = members.get(user)
    return member.display_name if member else user


def report_content(
    standup: StandupRecord, members: dict[str, Member], day: date, answers: Sequence[AnswerRecord]
) -> Content:
    """Blockers first, then each member's answers with their local time; who is away; who has not
    answered, by name only (nobody is pinged)."""
    locale = normalize_locale(standup.default_locale)
    t: Callable[..., str] = lambda key, **v: translate(key, locale, **v)  # noqa: E731
    by_user = {a.user_id: a for a in answers}
    done = [by_user[u] for u in standup.members if u in by_user and by_user[u].status == DONE]
    blocks: list[Paragraph | BulletList] = [
        message_paragraph(
            "standups.report_head",
            locale,
            name=Emphasis(text=standup.name),
            day=format_date(day, locale),
            count=len(done),
            total=len(standup.members),
        )
    ]
    blockers = [
        (a, q, text)
        for a in done
        for q, text in zip(standup.questions, a.answers, strict=False)
        if is_blocker(q, text)
    ]
    if blockers:
        blocks.append(Paragraph(inlines=(Emphasis(text=t("standups.blockers")),)))
        blocks.append(
            BulletList(
                items=tuple(
                    Paragraph(inlines=(Emphasis(text=_name(members, a.user_id)), Text(text=": " + text)))
                    for a, _, text in blockers
                )
            )
        )
    if not standup.thread_style:
        for a in done:
            blocks += answer_blocks(standup, members, a, locale)
    away, skipped, silent = _others(standup, members, day, by_user, locale)
    for key, names in (("standups.away", away), ("standups.skipped", skipped)):
        if names:
            blocks.append(Paragraph(inlines=(Text(text=t(key, names=", ".join(names))),)))
    if silent and standup.mention_missing:
        # The owner turned mentions on: each member who has not answered is pinged by name, nobody else.
        mentions = [Mention(account=dm_account(standup, u), display_name=_name(members, u)) for u in silent]
        inlines: list[Inline] = [Text(text=t("standups.no_answer", names="").rstrip(". ") + " ")]
        for n, mention in enumerate(mentions):
            inlines += [*([Text(text=", ")] if n else []), mention]
        blocks.append(Paragraph(inlines=tuple(inlines)))
    elif silent:
        listed = ", ".join(_name(members, u) for u in silent)
        blocks.append(Paragraph(inlines=(Text(text=t("standups.no_answer", names=listed)),)))
    return Content(blocks=tuple(blocks))


def report_send(
    standup: StandupRecord, members: dict[str, Member], day: date, answers: Sequence[AnswerRecord]
) -> Send:
    """The report, pinging the members who have not answered only when the owner asked for that."""
    content = report_content(standup, members, day, answers)
    pings: tuple[str, ...] = ()
    if standup.mention_missing:
        by_user = {a.user_id: a for a in answers}
        pings = tuple(_others(standup, members, day, by_user, normalize_locale(standup.default_locale))[2])
    return Send(to=channel(standup), content=content, ping=pings)


def dm_account(standup: StandupRecord, user: str) -> AccountRef:
    return AccountRef(platform=standup.platform, workspace_id=standup.workspace_external_id, user_id=user)


def answer_blocks(
    standup: StandupRecord, members: dict[str, Member], answer: AnswerRecord, locale: str
) -> list[Paragraph | BulletList]:
    """One member's answers under their name and the local time they answered."""
    member = members.get(answer.user_id)
    when = ""
    if answer.answered_at is not None:
        zone = (member.tz if member and member.tz else None) or standup.zone
        local = (
            f"{format_time(answer.answered_at, zone, locale)} {zone_abbreviation(zone, answer.answered_at)}"
        )
        when = translate("standups.answered_at", locale, time=local)
    head = Paragraph(inlines=(Emphasis(text=_name(members, answer.user_id)), Text(text=f" {when}".rstrip())))
    items = tuple(
        Paragraph(
            inlines=(
                Text(text=f"{wording(q, locale)} "),
                Emphasis(text=text, strong=False) if not is_blocker(q, text) else Emphasis(text="⚠ " + text),
            )
        )
        for q, text in zip(standup.questions, answer.answers, strict=False)
    )
    return [head, BulletList(items=items)]


def _others(
    standup: StandupRecord,
    members: dict[str, Member],
    day: date,
    by_user: dict[str, AnswerRecord],
    locale: str,
) -> tuple[list[str], list[str], list[str]]:
    away: list[str] = []
    skipped: list[str] = []
    silent: list[str] = []
    for user in standup.members:
        answer = by_user.get(user)
        if answer is not None and answer.status == DONE:
            continue
        member = members.get(user)
        why = absence(member, day)
        name = _name(members, user)
        if why is not None:
            label = translate("standups.day_off", locale) if why == "day_off" else why
            away.append(f"{name} ({label})")
        elif answer is not None and answer.status == SKIPPED:
            skipped.append(f"{name} ({answer.skip_reason})" if answer.skip_reason else name)
        elif answer is not None:  # asked and not answered (someone never asked that day is not listed)
            silent.append(user)
    return away, skipped, silent


def late_answer(
    standup: StandupRecord,
    members: dict[str, Member],
    answer: AnswerRecord,
    thread: str | None,
    now: datetime,
) -> Send:
    """An answer finished after the report: it follows the report, in its thread where there is one."""
    locale = normalize_locale(standup.default_locale)
    key = "standups.live_head" if standup.report_minute is None else "standups.late_head"
    head = message_paragraph(key, locale, name=Emphasis(text=standup.name))
    blocks = [head, *answer_blocks(standup, members, answer, locale)]
    return Send(to=channel(standup), content=Content(blocks=tuple(blocks)), thread=thread)
