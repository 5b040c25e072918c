"""Who can see a Discord channel, in Discord's own order of roles and overwrites."""

from __future__ import annotations

import pytest

from adapters.discord.directory import can_view

GUILD, ROLE, USER = "100", "200", "300"
VIEW, ADMIN = 1 << 10, 1 << 3


def member(*roles: str) -> dict[str, object]:
    return {"user": {"id": USER}, "roles": list(roles)}


def overwrite(target: str, allow: int = 0, deny: int = 0) -> dict[str, object]:
    return {"id": target, "allow": str(allow), "deny": str(deny)}


@pytest.mark.parametrize(("roles", "perms", "overwrites", "sees"), [
    ((), {GUILD: VIEW}, [], True),                                              # @everyone may view
    ((), {GUILD: 0}, [], False),
    ((), {GUILD: VIEW}, [overwrite(GUILD, deny=VIEW)], False),                  # a private channel
    ((ROLE,), {GUILD: VIEW, ROLE: 0}, [overwrite(GUILD, deny=VIEW), overwrite(ROLE, allow=VIEW)], True),
    ((ROLE,), {GUILD: VIEW, ROLE: 0}, [overwrite(ROLE, deny=VIEW), overwrite(USER, allow=VIEW)], True),
    ((ROLE,), {GUILD: 0, ROLE: ADMIN}, [overwrite(GUILD, deny=VIEW), overwrite(USER, deny=VIEW)], True),
    ((), {GUILD: VIEW}, [overwrite(USER, deny=VIEW)], False),                   # the member's own deny wins
])
def test_can_view(roles: tuple[str, ...], perms: dict[str, int], overwrites: list[dict[str, object]],
                  sees: bool) -> None:
    assert can_view(member(*roles), perms, overwrites, GUILD) is sees
