"""slack_sdk's own installation and OAuth state stores work on Rekan's migrated tables (SQLite and PostgreSQL)."""

from __future__ import annotations

from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore

from storage.session import Database


def installation(team: str, token: str) -> Installation:
    return Installation(app_id="A0REKAN", enterprise_id=None, team_id=team, team_name="Acme",
                        bot_token=token, bot_id="B0REKAN", bot_user_id="U0REKAN",
                        bot_scopes="commands,chat:write", user_id="U0AYU", token_type="bot")


async def test_an_installation_is_saved_found_and_deleted_per_team(db: Database) -> None:
    store = AsyncSQLAlchemyInstallationStore(client_id="111.222", engine=db.engine)
    await store.async_save(installation("T0ACME", "xoxb-acme"))
    await store.async_save(installation("T0OTHER", "xoxb-other"))
    bot = await store.async_find_bot(enterprise_id=None, team_id="T0ACME")
    assert bot is not None and bot.bot_token == "xoxb-acme"
    await store.async_delete_bot(enterprise_id=None, team_id="T0ACME")
    await store.async_delete_all(enterprise_id=None, team_id="T0ACME")
    assert await store.async_find_bot(enterprise_id=None, team_id="T0ACME") is None
    other = await store.async_find_bot(enterprise_id=None, team_id="T0OTHER")
    assert other is not None and other.bot_token == "xoxb-other"  # one workspace's uninstall is its own


async def test_an_oauth_state_is_issued_and_consumed_once(db: Database) -> None:
    states = AsyncSQLAlchemyOAuthStateStore(expiration_seconds=600, engine=db.engine)
    state = await states.async_issue()
    assert await states.async_consume(state) is True
    assert await states.async_consume(state) is False
