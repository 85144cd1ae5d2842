"""What the bot answered to one interaction the fake injected."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.discord_fake.payloads import APP_ID

LOADING = 1 << 7

if TYPE_CHECKING:
    from tests.discord_fake.server import FakeDiscord, Recorded


class Interaction:
    """What the bot answered to one injected interaction."""

    def __init__(self, fake: FakeDiscord, iid: str, token: str) -> None:
        self.fake = fake
        self.id = iid
        self.token = token

    def callback(self) -> Recorded | None:
        found = self.fake.find("POST", rf"/interactions/{self.id}/{self.token}/callback")
        return found[0] if found else None

    def message_id(self) -> int:
        """The id of the message the callback created."""
        callback = self.callback()
        assert callback is not None and callback.response is not None
        return int(callback.response["interaction"]["response_message_id"])

    def followups(self) -> list[Recorded]:
        return self.fake.find("POST", rf"/webhooks/{APP_ID}/{self.token}")

    def edits(self) -> list[Recorded]:
        """Edits of the original response (a deferred one is filled in so) and follow-ups."""
        return self.fake.find("PATCH", rf"/webhooks/{APP_ID}/{self.token}/messages/[^/]+")

    def sent(self) -> list[dict[str, Any]]:
        """The message bodies the bot sent in answer: the callback's, then follow-ups'."""
        result = []
        callback = self.callback()
        if callback is not None and callback.body and callback.body.get("type") == 4:
            result.append(callback.body["data"])
        result.extend(r.body for r in self.followups() if r.body)
        return result

    def messages(self) -> list[dict[str, Any]]:
        """The messages the member sees in answer, as they stand now (after edits, without
        deleted ones or a "thinking..." still loading), oldest first."""
        found = [
            m
            for m in self.fake.messages.values()
            if (m.get("interaction_metadata") or {}).get("id") == self.id
            and not int(m.get("flags") or 0) & LOADING
        ]
        return sorted(found, key=lambda m: int(m["id"]))

    def files(self) -> list[tuple[str, bytes]]:
        """Files attached to the callback, the follow-ups and the edits."""
        records = [r for r in [self.callback(), *self.followups(), *self.edits()] if r is not None]
        return [f for r in records for f in r.files]

    def text(self) -> str:
        """Everything the member sees: contents and embed texts, joined."""
        parts: list[str] = []
        for message in self.messages():
            parts.append(message.get("content") or "")
            for embed in message.get("embeds") or []:
                parts.extend([embed.get("title") or "", embed.get("description") or ""])
                for f in embed.get("fields") or []:
                    parts.extend([f["name"], f["value"]])
        return "\n".join(p for p in parts if p)

    def ephemeral(self) -> bool:
        messages = self.messages()
        return bool(messages) and all(int(m.get("flags") or 0) & 64 for m in messages)
