"""The end-to-end key steps that follow each sync (for the bot and the test members)."""

from __future__ import annotations

from nio import AsyncClient


async def exchange_keys(client: AsyncClient) -> None:
    """After a sync: send pending to-device messages, upload, query and claim keys (e2e)."""
    if client.olm is None:
        return
    await client.send_to_device_messages()
    if client.should_upload_keys:
        await client.keys_upload()
    if client.should_query_keys:
        await client.keys_query()
    if client.should_claim_keys:
        await client.keys_claim(client.get_users_for_key_claiming())
