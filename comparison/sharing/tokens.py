"""A share link's token and the digest the database keeps of it."""

from __future__ import annotations

import hashlib

# 32 random bytes: 256 bits of entropy, 43 URL-safe characters.
TOKEN_BYTES = 32
# Longer input is not a token; refusing it early bounds the hashing work per request.
MAX_TOKEN_CHARS = 128


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
