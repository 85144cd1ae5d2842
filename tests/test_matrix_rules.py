"""The Matrix adapter's pure rules: rendering without pings, reaction keys, moderators."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.adapters.matrix.power import RoomAuthority
from bot.adapters.matrix.render import (
    Target,
    choice_index,
    neutralise,
    notice_content,
    strip_reply_fallback,
)
from bot.core.replies import ChoiceSet, Field, Reply
from tests.harness import SHIPPED_CONTENT


def test_core_text_is_escaped_and_cannot_ping_anyone() -> None:
    """Markup in core text is escaped in formatted_body; @room and @user are made inert;
    every notice says it mentions nobody."""
    reply = Reply(
        title="<b>Title</b>",
        text="Hello @room & <script>x</script> @alice:example.org",
        fields=(Field("a<b", "c>d"),),
    )
    content = notice_content(reply)
    assert content is not None
    assert content["msgtype"] == "m.notice"
    assert "<script>" not in content["formatted_body"]
    assert "&lt;script&gt;" in content["formatted_body"]
    assert "&lt;b&gt;Title&lt;/b&gt;" in content["formatted_body"]
    assert "@room" not in content["body"] and "@room" not in content["formatted_body"]
    assert "@alice" not in content["body"]
    assert content["m.mentions"] == {}
    assert neutralise("mail me: a@b.org") == "mail me: a@b.org"
    assert "@room" not in neutralise("(x@room) @ROOM")


def test_thread_target_and_choices_render() -> None:
    """A thread target relates the notice to the thread root and the command event."""
    reply = Reply(text="Q?", choices=ChoiceSet(("yes", "no"), "answer", "t1"))
    content = notice_content(reply, Target("$root", "$cmd"))
    assert content is not None
    assert content["m.relates_to"]["rel_type"] == "m.thread"
    assert content["m.relates_to"]["m.in_reply_to"] == {"event_id": "$cmd"}
    assert "🇦 A) yes" in content["body"] and "🇧 B) no" in content["body"]


def test_reaction_keys_and_reply_fallbacks() -> None:
    assert choice_index("🇦") == 0
    assert choice_index("🇩") == 3
    assert choice_index("b") == 1
    assert choice_index("👍") is None
    assert strip_reply_fallback("> <@a:x> earlier\n> more\n\n!summary 15") == "!summary 15"
    assert strip_reply_fallback("!help") == "!help"


def test_room_v12_creators_have_unlimited_power_and_earlier_versions_use_levels() -> None:
    """v12: the create sender and additional creators moderate without being in the users
    map; v10: only the users map (or the creator's 100 when there are no power levels)."""
    create12 = {
        "type": "m.room.create",
        "sender": "@owner:x",
        "content": {"room_version": "12", "additional_creators": ["@co:x"]},
    }
    levels = {"users": {"@mod:x": 50}, "users_default": 0}
    v12 = RoomAuthority.from_state(create12, levels)
    assert v12.is_moderator("@owner:x", 50) and v12.is_moderator("@co:x", 50)
    assert v12.is_moderator("@mod:x", 50) and not v12.is_moderator("@bob:x", 50)

    create10 = {"type": "m.room.create", "sender": "@owner:x", "content": {"room_version": "10"}}
    v10 = RoomAuthority.from_state(create10, {"users": {"@mod:x": 50}})
    assert not v10.is_moderator("@owner:x", 50) and v10.is_moderator("@mod:x", 50)
    assert RoomAuthority.from_state(create10, None).is_moderator("@owner:x", 50)
    assert not v10.with_power_levels({"users": {}}).is_moderator("@mod:x", 50)
    assert RoomAuthority.from_state(create10, {"users_default": 60}).is_moderator("@bob:x", 50)


def test_run_without_matrix_credentials_exits_2_with_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m bot run` with the matrix adapter but no token or password: exit code 2
    and a message naming both variables; nothing is tried against a server."""
    monkeypatch.delenv("MATRIX_ACCESS_TOKEN", raising=False)
    monkeypatch.delenv("MATRIX_PASSWORD", raising=False)
    config = tmp_path / "config.yaml"
    config.write_text(
        f"database: {tmp_path / 'k.sqlite3'}\n"
        f"content: {SHIPPED_CONTENT}\n"
        "adapters: [matrix]\n"
        "matrix:\n"
        "  user_id: '@kruzhok:example.org'\n"
        f"  store_dir: {tmp_path / 'store'}\n"
    )
    assert main(["run", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "MATRIX_ACCESS_TOKEN" in err and "MATRIX_PASSWORD" in err
    assert "Traceback" not in err
