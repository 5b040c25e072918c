"""The fake Discord, exercised with the real discord.py client (REST, gateway, interactions, sharding)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import time
import zlib
from collections.abc import AsyncIterator
from typing import Any, TypeVar

import aiohttp
import discord
import pytest
import yarl
from discord import app_commands

from tests.fakes.discord import (
    APPLICATION_ID,
    CHANNEL_ID,
    GUILD_ID,
    USER_ID,
    FakeDiscord,
    cloudflare_ban,
    discord_error,
    dm_channel_id,
    guild,
    interaction_autocomplete,
    interaction_command,
    interaction_component,
    interaction_modal_submit,
    member,
    message_create,
    rate_limited,
    server_error,
    user,
)
from tests.fakes.discord_api import RateLimits

TOKEN = "fake-bot-token"
ClientT = TypeVar("ClientT", bound=discord.Client)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(guilds=[guild(members=(member(user(USER_ID, "ayu")),))]) as fake:
        yield fake


def make_client(cls: type[discord.Client] = discord.Client, **options: Any) -> discord.Client:
    """A client that fires on_ready as soon as the GUILD_CREATEs are in (discord.py waits 2 s by default)."""
    return cls(intents=discord.Intents.default(), guild_ready_timeout=0.05, **options)


@contextlib.asynccontextmanager
async def logged_in(client: ClientT) -> AsyncIterator[ClientT]:
    """REST only: login (GET /users/@me, GET /oauth2/applications/@me) and close."""
    try:
        await client.login(TOKEN)
        yield client
    finally:
        await client.close()


@contextlib.asynccontextmanager
async def connected(client: ClientT) -> AsyncIterator[ClientT]:
    """Login, connect in a task, wait for on_ready (or the connect task's failure); close on the way out."""
    async with logged_in(client):
        runner = asyncio.create_task(client.connect())
        ready = asyncio.create_task(client.wait_until_ready())
        try:
            done, _ = await asyncio.wait({runner, ready}, timeout=5, return_when=asyncio.FIRST_COMPLETED)
            failure = runner.exception() if runner.done() else "timeout"
            assert ready in done, f"client never got ready: {failure}"
            yield client
        finally:
            ready.cancel()
            await client.close()
            await asyncio.wait_for(runner, 5)


def collect(client: discord.Client, event: str) -> asyncio.Queue[Any]:
    """A queue of what `event` receives (its first argument)."""
    queue: asyncio.Queue[Any] = asyncio.Queue()

    async def listener(*args: Any) -> None:
        queue.put_nowait(args[0] if args else None)

    setattr(client, f"on_{event}", listener)  # what @client.event does
    return queue


async def next_of(queue: asyncio.Queue[Any]) -> Any:
    return await asyncio.wait_for(queue.get(), 5)


# ----- login, gateway handshake, REST basics


async def test_client_logs_in_connects_and_gets_ready(fake: FakeDiscord) -> None:
    async with connected(make_client()) as client:
        assert client.user is not None and client.user.id == APPLICATION_ID and client.user.bot
        assert client.application_id == APPLICATION_ID and client.application is not None
        found = client.get_guild(GUILD_ID)
        assert found is not None and found.me is not None and found.member_count == 2
        assert found.get_member(USER_ID) is None  # without the members intent only the bot is cached
        assert (await found.fetch_member(USER_ID)).name == "ayu"
        assert (await fake.ready()).shard_count == 1
        assert [c.name for c in found.text_channels] == ["general"]
    login = fake.calls_to("GET", "/users/@me")[0]
    assert login.headers["authorization"] == f"Bot {TOKEN}"  # headers are case-insensitive
    assert fake.calls_to("GET", "/oauth2/applications/@me")
    (identify,) = fake.identifies
    assert (identify.token, identify.intents, identify.shard) == (TOKEN, discord.Intents.default().value,
                                                                  None)
    assert fake.gateway.heartbeats[0] is None  # discord.py beats once right after HELLO
    compress = discord.utils._ActiveDecompressionContext.COMPRESSION_TYPE  # zstd-stream with zstandard
    assert fake.gateway.connections[0].query == {"v": "10", "encoding": "json", "compress": compress}


async def test_heartbeats_are_acked_at_the_configured_interval() -> None:
    async with FakeDiscord(heartbeat_interval=30) as fake, connected(make_client()) as client:
        await fake.wait_until(lambda: len(fake.gateway.heartbeats) >= 3, "3 heartbeats", timeout=5)
        assert fake.gateway.heartbeats[-1] == 1  # the last sequence the client saw: READY's
        assert client.latency < 1  # measured from our HEARTBEAT_ACKs


async def test_fetch_user_and_unknown_ids_answer_like_discord(fake: FakeDiscord) -> None:
    async with logged_in(make_client()) as client:
        ayu = await client.fetch_user(USER_ID)
        assert (ayu.id, ayu.name, ayu.bot) == (USER_ID, "ayu", False)
        with pytest.raises(discord.NotFound) as raised:
            await client.fetch_user(42)
        assert (raised.value.code, raised.value.text) == (10013, "Unknown User")
        fetched = await client.fetch_channel(CHANNEL_ID)
        assert isinstance(fetched, discord.TextChannel) and fetched.guild.id == GUILD_ID
    assert [c.status for c in fake.calls_to("GET", r"/users/\d+")] == [200, 404]


async def test_unknown_routes_bad_tokens_and_content_type() -> None:
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        bot = {"Authorization": f"Bot {TOKEN}"}
        async with http.get(f"{fake.api_url}/guilds/1/audit-logs", headers=bot) as r:
            assert (r.status, r.headers["Content-Type"], await r.json()) == (
                404, "application/json", {"message": "404: Not Found", "code": 0})
        async with http.get(f"{fake.api_url}/users/@me") as r:
            assert r.status == 401
        fake.accepted_tokens = {"right"}
        with pytest.raises(discord.LoginFailure):
            async with logged_in(make_client()):
                pass
    assert [c.status for c in fake.calls] == [404, 401, 401]


# ----- messages


async def test_channel_messages_record_allowed_mentions_and_files(fake: FakeDiscord) -> None:
    async with logged_in(make_client()) as client:
        channel = client.get_partial_messageable(CHANNEL_ID)
        sent = await channel.send("hi @everyone", allowed_mentions=discord.AllowedMentions.none())
        assert sent.content == "hi @everyone" and sent.author.id == APPLICATION_ID
        with_file = await channel.send("the team", file=discord.File(io.BytesIO(b"day,zone\n"), "team.csv"))
        assert [(a.filename, a.size) for a in with_file.attachments] == [("team.csv", 9)]
        edited = await with_file.edit(content="the whole team")
        assert edited.content == "the whole team" and edited.edited_at is not None
        await sent.add_reaction("✅")
    first, second = fake.calls_to("POST", rf"/channels/{CHANNEL_ID}/messages")
    assert first.json["allowed_mentions"] == {"parse": []} and first.files == [] and first.form is None
    assert second.files == [("team.csv", b"day,zone\n")]
    assert second.json["attachments"] == [{"id": 0, "filename": "team.csv"}]
    assert "payload_json" in (second.form or {})
    assert fake.reactions == [(CHANNEL_ID, sent.id, "✅")]
    assert [m["content"] for m in fake.messages_in(CHANNEL_ID)] == ["hi @everyone", "the whole team"]


async def test_dms_open_a_stable_channel_and_closed_dms_refuse(fake: FakeDiscord) -> None:
    async with logged_in(make_client()) as client:
        ayu = await client.fetch_user(USER_ID)
        message = await ayu.send("hello")
        assert isinstance(message.channel, discord.DMChannel) and message.channel.id == dm_channel_id(USER_ID)
        fake.dms_closed.add(USER_ID)
        with pytest.raises(discord.Forbidden) as raised:
            await ayu.send("again")
        assert raised.value.code == 50007
    assert fake.calls_to("POST", "/users/@me/channels")[0].json == {"recipient_id": USER_ID}


async def test_a_429_with_via_is_retried_and_the_message_sent_once(fake: FakeDiscord) -> None:
    limited = rate_limited(0.05)
    assert limited.headers["Via"] == "1.1 google" and limited.headers["X-RateLimit-Reset-After"] == "0.050"
    fake.fail_next("POST", r"/channels/\d+/messages", limited, rate_limited(0.05, global_=True))
    async with logged_in(make_client()) as client:
        await client.get_partial_messageable(CHANNEL_ID).send("once")
    calls = fake.calls_to("POST", r"/channels/\d+/messages")
    assert [(c.status, c.failed) for c in calls] == [(429, "rate_limited")] * 2 + [(200, None)]
    assert [m["content"] for m in fake.messages.values()] == ["once"]


async def post_message(fake: FakeDiscord, channel_id: int, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as http, http.post(
            f"{fake.api_url}/channels/{channel_id}/messages", json=body,
            headers={"Authorization": f"Bot {TOKEN}"}) as response:
        return response.status, await response.json()


async def test_enforce_nonce_returns_the_message_the_nonce_made_in_that_channel(fake: FakeDiscord) -> None:
    now = [1000.0]
    fake.nonce_clock = lambda: now[0]
    body = {"content": "Standup?", "nonce": "n-1", "enforce_nonce": True}
    _, first = await post_message(fake, CHANNEL_ID, body)
    _, again = await post_message(fake, CHANNEL_ID, {**body, "content": "Standup, again?"})
    assert again["id"] == first["id"] and again["content"] == "Standup?" and fake.deduplicated == 1
    _, elsewhere = await post_message(fake, CHANNEL_ID + 1, body)  # another channel: a message of its own
    _, unenforced = await post_message(fake, CHANNEL_ID, {**body, "enforce_nonce": False})
    now[0] += fake.nonce_window  # a few minutes later the nonce is forgotten
    _, later = await post_message(fake, CHANNEL_ID, body)
    assert len({first["id"], elsewhere["id"], unenforced["id"], later["id"]}) == 4
    assert len(fake.messages) == 4 and fake.deduplicated == 1


async def test_a_nonce_over_25_characters_is_refused_and_dedup_can_be_turned_off(fake: FakeDiscord) -> None:
    status, body = await post_message(fake, CHANNEL_ID, {"content": "x", "nonce": "n" * 26, "enforce_nonce": True})
    assert (status, body["code"]) == (400, 50035) and not fake.messages
    fake.honour_nonce = False
    same = {"content": "x", "nonce": "n" * 25, "enforce_nonce": True}
    ids = {(await post_message(fake, CHANNEL_ID, same))[1]["id"] for _ in range(2)}
    assert len(ids) == 2 and fake.deduplicated == 0


def test_rate_limits_are_fixed_windows_global_and_per_channel() -> None:
    now = [100.0]
    limits = RateLimits(global_limit=3, channel_limit=2, channel_window=5.0, clock=lambda: now[0],
                        reset_clock=lambda: 1_700_000_000.0)
    first, headers = limits.admit("POST", "/channels/7/messages")
    assert first is None and headers == {
        "X-RateLimit-Limit": "2", "X-RateLimit-Remaining": "1", "X-RateLimit-Reset": "1700000005.000",
        "X-RateLimit-Reset-After": "5.000", "X-RateLimit-Bucket": "fake-channel-messages"}
    assert limits.admit("POST", "/channels/7/messages")[1]["X-RateLimit-Remaining"] == "0"
    now[0] = 100.5
    refused, _ = limits.admit("POST", "/channels/7/messages")  # the channel's 2 per 5 s are used
    assert refused is not None and refused.name == "rate_limited" and isinstance(refused.body, dict)
    assert (refused.status, refused.body["global"], refused.body["retry_after"]) == (429, False, 4.5)
    assert limits.admit("GET", "/users/1") == (None, {})  # the third request of this second
    refused, _ = limits.admit("POST", "/users/@me/channels")
    assert refused is not None and refused.name == "rate_limited_global" and isinstance(refused.body, dict)
    assert (refused.body["global"], refused.body["retry_after"], refused.headers["X-RateLimit-Global"]) == (
        True, 0.5, "true")
    now[0] = 101.0  # a new second: the global window opens again, the channel's does not
    assert limits.admit("POST", "/users/@me/channels") == (None, {})
    assert limits.admit("POST", "/channels/7/messages")[0] is not None
    assert limits.admit("POST", "/channels/8/messages")[0] is None
    with pytest.raises(ValueError, match="at least 1"):
        RateLimits(global_limit=0)


async def test_discord_py_waits_out_global_429s_and_paces_from_the_bucket_headers(fake: FakeDiscord) -> None:
    fake.enforce_rate_limits(global_limit=3, global_window=1.0, channel_limit=2, channel_window=1.5)
    async with logged_in(make_client()) as client:  # login: 2 requests, inside the first window
        channel = client.get_partial_messageable(CHANNEL_ID)
        started = time.monotonic()
        for n in range(3):
            await channel.send(f"message {n}")
        elapsed = time.monotonic() - started
    sends = fake.calls_to("POST", r"/channels/\d+/messages")
    assert [(c.status, c.failed) for c in sends] == [(200, None), (429, "rate_limited_global"), (200, None),
                                                     (200, None)]
    assert [m["content"] for m in fake.messages.values()] == ["message 0", "message 1", "message 2"]
    # The third message waited for the channel's window (from the first message) to reset, from the
    # headers, without a 429.
    assert elapsed >= 1.0


async def test_other_failures_reach_discord_py_as_its_exceptions(fake: FakeDiscord) -> None:
    fake.fail_next("POST", r"/channels/\d+/messages", cloudflare_ban(), server_error(503),
                   discord_error(403, 50013, "Missing Permissions"))
    fake.fail_when("*", r"/users/\d+", lambda n: server_error(503) if n % 2 else None)
    async with logged_in(make_client()) as client:
        channel = client.get_partial_messageable(CHANNEL_ID)
        with pytest.raises(discord.HTTPException) as banned:
            await channel.send("x")
        assert banned.value.status == 429  # no Via: a Cloudflare ban, not retried
        with pytest.raises(discord.DiscordServerError):
            await channel.send("x")
        with pytest.raises(discord.Forbidden, match="Missing Permissions"):
            await channel.send("x")
        await channel.send("x")
        outcomes = []
        for _ in range(4):
            try:
                outcomes.append((await client.fetch_user(USER_ID)).id)
            except discord.DiscordServerError:
                outcomes.append(503)
    assert outcomes == [503, USER_ID, 503, USER_ID]


async def test_wait_for_wakes_on_the_call_and_times_out_clearly(fake: FakeDiscord) -> None:
    async with logged_in(make_client()) as client:
        waiter = asyncio.create_task(fake.wait_for("POST", r"/channels/\d+/messages", count=2, timeout=5))
        channel = client.get_partial_messageable(CHANNEL_ID)
        await channel.send("1")
        assert not waiter.done()
        await channel.send("2")
        assert [c.json["content"] for c in await waiter] == ["1", "2"]
    with pytest.raises(AssertionError, match=r"1 call\(s\) to PUT /applications/.*so far: GET /users/@me"):
        await fake.wait_for("PUT", "/applications/.*", timeout=0.05)


# ----- interactions


async def test_interaction_create_reaches_on_interaction_defer_and_followups(fake: FakeDiscord) -> None:
    client = make_client()
    deferred: list[discord.InteractionCallbackResponse[discord.Client] | None] = []
    handled = asyncio.Event()

    @client.event
    async def on_interaction(interaction: discord.Interaction) -> None:
        deferred.append(await interaction.response.defer(ephemeral=True))
        sent = await interaction.followup.send("x", wait=True)
        assert (await sent.edit(content="x2")).content == "x2"
        original = await interaction.edit_original_response(content="thought about it")
        assert deferred[0] is not None and original.id == deferred[0].message_id
        assert not original.flags.loading
        await interaction.delete_original_response()
        await sent.delete()
        handled.set()

    async with connected(client):
        payload = interaction_command("standup", "start", {"team": "core", "days": 5}, locale="id")
        await fake.dispatch("INTERACTION_CREATE", payload)
        await asyncio.wait_for(handled.wait(), 5)  # the handler ran to its end: every answer parsed
    (followup,) = fake.calls_to("POST", rf"/webhooks/{APPLICATION_ID}/.+")
    edits = [(c.method, c.path.rsplit("/", 1)[-1], c.status)
             for c in fake.calls_to("*", "/webhooks/.+/messages/.+")]
    assert [(m, last if last == "@original" else "id", status) for m, last, status in edits] == [
        ("PATCH", "id", 200), ("PATCH", "@original", 200), ("DELETE", "@original", 204),
        ("DELETE", "id", 204)]
    assert fake.messages == {}
    (callback,) = fake.callbacks
    assert (callback.interaction_id, callback.type, callback.data) == (int(payload["id"]), 5, {"flags": 64})
    assert fake.calls_to("POST", r"/interactions/.+/callback")[0].query == {"with_response": "1"}
    assert deferred[0] is not None and deferred[0].is_thinking() and deferred[0].is_ephemeral()
    assert followup.json["content"] == "x" and followup.query["wait"] == "1"
    assert "Authorization" not in followup.headers  # webhooks carry their token in the URL
    assert payload["data"]["options"][0]["options"][1] == {"name": "days", "type": 4, "value": 5}


async def test_slash_commands_sync_run_and_answer_through_the_tree(fake: FakeDiscord) -> None:
    client = make_client()
    tree = app_commands.CommandTree(client)
    seen: list[tuple[str, str, int | None]] = []
    handled = asyncio.Event()

    async def zones(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in ("Asia/Jakarta", "Asia/Tokyo") if current in z]

    @tree.command(description="Set your time zone")
    @app_commands.autocomplete(zone=zones)
    async def tz(interaction: discord.Interaction, zone: str) -> None:
        seen.append((zone, str(interaction.locale), interaction.guild_id))
        await interaction.response.send_message(f"zone {zone}", ephemeral=True)
        assert (await interaction.original_response()).content == f"zone {zone}"
        handled.set()

    async with connected(client):
        synced = await tree.sync()
        assert [c.name for c in synced] == ["tz"] and synced[0].id == int(fake.commands[0]["id"])
        assert (await tree.sync())[0].id == synced[0].id  # same name, same id
        await fake.dispatch("INTERACTION_CREATE", interaction_autocomplete("tz", None, "zone", "Jak"))
        await fake.wait_for_callback()
        await fake.dispatch("INTERACTION_CREATE", interaction_command("tz", options={"zone": "Asia/Jakarta"},
                                                                      guild_id=GUILD_ID, locale="id"))
        await asyncio.wait_for(handled.wait(), 5)
    assert seen == [("Asia/Jakarta", "id", GUILD_ID)]
    assert [(c.type, c.data) for c in fake.callbacks] == [
        (8, {"choices": [{"name": "Asia/Jakarta", "value": "Asia/Jakarta"}]}),
        (4, {"content": "zone Asia/Jakarta", "tts": False, "flags": 64})]


async def test_buttons_modals_and_selects_round_trip(fake: FakeDiscord) -> None:
    client = make_client()
    handled = asyncio.Event()

    class Form(discord.ui.Modal, title="Standup"):
        answer: discord.ui.TextInput[Form] = discord.ui.TextInput(label="Yesterday?", custom_id="yesterday")

        async def on_submit(self, interaction: discord.Interaction) -> None:
            await interaction.response.send_message(f"noted: {self.answer.value}")

    class Buttons(discord.ui.View):
        @discord.ui.button(label="Done", custom_id="done")
        async def done(self, interaction: discord.Interaction, button: discord.ui.Button[Buttons]) -> None:
            await interaction.response.edit_message(content="done!", view=None)
            handled.set()

        @discord.ui.button(label="Answer", custom_id="answer")
        async def answer(self, interaction: discord.Interaction, button: discord.ui.Button[Buttons]) -> None:
            await interaction.response.send_modal(Form(custom_id="standup-form"))

        @discord.ui.select(custom_id="day", options=[discord.SelectOption(label="Mon"),
                                                     discord.SelectOption(label="Tue")])
        async def day(self, interaction: discord.Interaction, select: discord.ui.Select[Buttons]) -> None:
            await interaction.response.send_message(f"day {select.values[0]}")

    async with connected(client):
        channel = client.get_partial_messageable(CHANNEL_ID, guild_id=GUILD_ID)
        sent = await channel.send("standup", view=Buttons())
        on_message = fake.messages[sent.id]
        for n, payload in enumerate([
            interaction_component("day", 3, ["Tue"], message=on_message, guild_id=GUILD_ID),
            interaction_component("answer", message=on_message, guild_id=GUILD_ID),
            interaction_modal_submit("standup-form", {"yesterday": "tests"}),
            interaction_component("done", message=on_message, guild_id=GUILD_ID),
        ], start=1):
            await fake.dispatch("INTERACTION_CREATE", payload)
            await fake.wait_for_callback(n)  # one at a time: discord.py runs each in its own task
        await asyncio.wait_for(handled.wait(), 5)
    assert [c.type for c in fake.callbacks] == [4, 9, 4, 7]
    assert fake.callbacks[0].data is not None and fake.callbacks[0].data["content"] == "day Tue"
    assert fake.callbacks[1].data is not None and fake.callbacks[1].data["custom_id"] == "standup-form"
    assert fake.callbacks[2].data is not None and fake.callbacks[2].data["content"] == "noted: tests"
    assert fake.messages[sent.id]["content"] == "done!" and fake.messages[sent.id]["components"] == []


async def test_a_second_callback_and_unknown_tokens_are_refused(fake: FakeDiscord) -> None:
    client = make_client()
    errors: list[int] = []
    handled = asyncio.Event()

    @client.event
    async def on_interaction(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("one")
        interaction.response._response_type = None  # pretend we forgot, as a buggy handler would
        for attempt in (interaction.response.send_message("two"), interaction.followup.send("late")):
            try:
                await attempt
            except discord.HTTPException as e:
                errors.append(e.code)
        handled.set()

    async with connected(client):
        await fake.dispatch("INTERACTION_CREATE", interaction_command("tz"))
        await asyncio.wait_for(handled.wait(), 5)
        async with aiohttp.ClientSession() as http, http.post(
                f"{fake.api_url}/interactions/1/nope/callback", json={"type": 5}) as r:
            assert (r.status, (await r.json())["code"]) == (404, 10062)
    assert errors == [40060] and len(fake.callbacks) == 1
    assert [c.status for c in fake.calls_to("POST", r"/webhooks/.+")] == [200]  # the late follow-up


async def test_message_create_in_a_dm_reaches_on_message(fake: FakeDiscord) -> None:
    client = make_client()
    messages = collect(client, "message")
    async with connected(client):
        await fake.dispatch("MESSAGE_CREATE", message_create("/tz set Jakarta", USER_ID))
        got = await next_of(messages)
        assert isinstance(got.channel, discord.DMChannel) and got.guild is None
        assert (got.content, got.author.id) == ("/tz set Jakarta", USER_ID)
        assert got.channel.id == dm_channel_id(USER_ID)
        await fake.dispatch("MESSAGE_CREATE", message_create("in #general", USER_ID, guild_id=GUILD_ID))
        in_guild = await next_of(messages)
        assert in_guild.guild.id == GUILD_ID and isinstance(in_guild.author, discord.Member)


# ----- reconnects and sharding


async def test_reconnect_resumes_and_replays_what_the_client_missed(fake: FakeDiscord) -> None:
    client = make_client()
    messages, resumed = collect(client, "message"), collect(client, "resumed")
    async with connected(client):
        await fake.request_reconnect()
        await fake.dispatch("MESSAGE_CREATE", message_create("while away"))  # lands in the replay
        (resume,) = await fake.resumed()
        await next_of(resumed)
        await fake.dispatch("MESSAGE_CREATE", message_create("after"))
        assert [(await next_of(messages)).content for _ in range(2)] == ["while away", "after"]
    assert resume.replayed == 1 and len(fake.identifies) == 1
    assert [c.path for c in fake.gateway.connections] == ["/gateway", "/resume"]
    session = fake.gateway.sessions[resume.session_id]
    assert [p["t"] for p in session.sent] == ["READY", "GUILD_CREATE", "MESSAGE_CREATE", "RESUMED",
                                              "MESSAGE_CREATE"]
    assert [p["s"] for p in session.sent] == [1, 2, 3, 4, 5]


async def test_a_resumable_close_code_also_resumes(fake: FakeDiscord) -> None:
    async with connected(make_client()):
        await fake.close_gateway(code=4000)
        await fake.resumed()
    assert len(fake.identifies) == 1


class NoIdentifyWait:
    """discord.py sleeps 5 s before every IDENTIFY but the first; a test has no identify rate limit."""

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None


class QuickClient(NoIdentifyWait, discord.Client):
    pass


class QuickShards(NoIdentifyWait, discord.AutoShardedClient):
    pass


async def test_members_intent_chunks_and_an_invalid_session_identifies_anew(fake: FakeDiscord) -> None:
    intents = discord.Intents.default()
    intents.members = True
    client = QuickClient(intents=intents, guild_ready_timeout=0.05)
    messages = collect(client, "message")
    async with connected(client):
        found = client.get_guild(GUILD_ID)
        assert found is not None and found.chunked and found.get_member(USER_ID) is not None
        (ayu,) = await found.query_members(user_ids=[USER_ID], cache=False)
        assert ayu.name == "ayu"
        await fake.invalidate_session()
        first, second = await fake.identified(count=2)
        assert first.intents == second.intents == intents.value
        await fake.dispatch("MESSAGE_CREATE", message_create("still here"))
        assert (await next_of(messages)).content == "still here"
    chunk_requests = [p["d"] for p in fake.gateway.received if p["op"] == 8]
    assert [(r.get("query"), r.get("user_ids")) for r in chunk_requests[:2]] == [("", None), (None, [USER_ID])]
    assert len(fake.gateway.sessions) == 2 and not fake.resumes


async def test_auto_sharded_client_asks_gateway_bot_and_identifies_each_shard() -> None:
    async with FakeDiscord(shards=2, guilds=[guild()]) as fake:
        client = make_client(QuickShards)
        messages = collect(client, "message")
        async with connected(client):
            assert client.shard_count == 2 and client.get_guild(GUILD_ID) is not None
            assert client.get_guild(GUILD_ID).shard_id == 1  # type: ignore[union-attr]
            await fake.ready(shard_id=1)
            await fake.dispatch("MESSAGE_CREATE", message_create("sharded", guild_id=GUILD_ID))
            assert (await next_of(messages)).content == "sharded"
        assert sorted(i.shard for i in fake.identifies if i.shard) == [(0, 2), (1, 2)]
        assert len(fake.calls_to("GET", "/gateway/bot")) == 1
        assert [p["t"] for p in fake.gateway.latest_session(1).sent][:3] == [  # type: ignore[union-attr]
            "READY", "GUILD_CREATE", "MESSAGE_CREATE"]
        assert [p["t"] for p in fake.gateway.latest_session(0).sent] == ["READY"]  # type: ignore[union-attr]


# ----- the gateway by hand


async def test_gateway_speaks_plain_json_or_zlib_stream_and_refuses_bad_identifies() -> None:
    async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
        fake.accepted_tokens = {TOKEN}
        async with http.ws_connect(f"{fake.gateway_url()}?v=10&encoding=json") as ws:
            hello = await ws.receive_json()
            assert (hello["op"], hello["d"]["heartbeat_interval"]) == (10, 41_250)
            await ws.send_json({"op": 1, "d": None})
            assert (await ws.receive_json())["op"] == 11
            await ws.send_json({"op": 2, "d": {"token": "wrong", "intents": 0, "properties": {}}})
            assert (await ws.receive()).type is aiohttp.WSMsgType.CLOSE and ws.close_code == 4004
        async with http.ws_connect(f"{fake.gateway_url()}?v=10&encoding=json&compress=zlib-stream") as ws:
            inflate = zlib.decompressobj()
            frame = await ws.receive_bytes()
            assert frame.endswith(b"\x00\x00\xff\xff") and json.loads(inflate.decompress(frame))["op"] == 10
            await ws.send_json({"op": 2, "d": {"token": TOKEN, "intents": 1 << 15, "properties": {},
                                               "shard": [0, 1]}})
            ready = json.loads(inflate.decompress(await ws.receive_bytes()))
            assert (ready["t"], ready["s"], ready["d"]["shard"]) == ("READY", 1, [0, 1])
            assert ready["d"]["resume_gateway_url"] == fake.ws_url("/resume")
        fake.gateway.allowed_intents = 0
        async with http.ws_connect(f"{fake.gateway_url()}?v=10&encoding=json") as ws:
            await ws.receive_json()
            await ws.send_json({"op": 2, "d": {"token": TOKEN, "intents": 1 << 15, "properties": {}}})
            assert (await ws.receive()).type is aiohttp.WSMsgType.CLOSE and ws.close_code == 4014


async def test_dispatch_without_a_client_fails_clearly(fake: FakeDiscord) -> None:
    with pytest.raises(AssertionError, match="a gateway session to send MESSAGE_CREATE"):
        await fake.dispatch("MESSAGE_CREATE", message_create("x"), timeout=0.05)
    with pytest.raises(AssertionError, match="a READY gateway session on shard 0"):
        await fake.ready(timeout=0.05)


# ----- patching


async def test_patching_points_discord_py_at_the_fake_and_restores_it() -> None:
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    fake = FakeDiscord(patch=False)
    with pytest.raises(RuntimeError, match="not started"):
        _ = fake.api_url
    await fake.start()
    try:
        assert base == discord.http.Route.BASE
        with fake.patched():
            assert fake.api_url == discord.http.Route.BASE and fake.api_url.startswith("http://127.0.0.1:")
            assert yarl.URL(fake.gateway_url()) == discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
            assert discord.http.Route("GET", "/users/@me").url == f"{fake.api_url}/users/@me"
        assert (base, gateway) == (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    finally:
        await fake.stop()
    async with FakeDiscord():
        assert base != discord.http.Route.BASE
    assert (base, gateway) == (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
