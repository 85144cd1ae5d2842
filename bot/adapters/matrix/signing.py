"""Ed25519 signing keys and signed JSON as Matrix defines them: a signature covers the
canonical JSON of an object without its `signatures` and `unsigned` members, and a key is
named `ed25519:<unpadded base64 of its public key>`."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from canonicaljson import encode_canonical_json
from Crypto.PublicKey import ECC
from Crypto.Signature import eddsa


def unpadded_b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def b64_bytes(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def signable(obj: Mapping[str, Any]) -> bytes:
    """The bytes a signature of `obj` covers."""
    return bytes(
        encode_canonical_json({k: v for k, v in obj.items() if k not in ("signatures", "unsigned")})
    )


class SigningKey:
    """One Ed25519 key pair, kept as its 32-byte seed."""

    def __init__(self, seed: bytes) -> None:
        if len(seed) != 32:
            raise ValueError("an Ed25519 seed is 32 bytes")
        self.seed = seed
        self._key = eddsa.import_private_key(seed)
        self.public = unpadded_b64(self._key.public_key().export_key(format="raw"))

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(bytes(ECC.generate(curve="ed25519").seed))

    @classmethod
    def from_b64(cls, seed: str) -> SigningKey:
        return cls(b64_bytes(seed))

    def seed_b64(self) -> str:
        return unpadded_b64(self.seed)

    @property
    def key_id(self) -> str:
        return f"ed25519:{self.public}"

    def sign(self, obj: Mapping[str, Any]) -> str:
        """The unpadded base64 signature of `obj` (its signatures and unsigned left out)."""
        return unpadded_b64(eddsa.new(self._key, "rfc8032").sign(signable(obj)))


def with_signature(
    obj: Mapping[str, Any], user_id: str, key_id: str, signature: str
) -> dict[str, Any]:
    """A copy of `obj` without `unsigned` whose `signatures` hold only this one."""
    out = {k: v for k, v in obj.items() if k not in ("signatures", "unsigned")}
    out["signatures"] = {user_id: {key_id: signature}}
    return out
