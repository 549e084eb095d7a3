"""Secret tokens that travel in links (share links, invitations) and the digest the
database keeps of them: the token itself is shown once and never stored."""

from __future__ import annotations

import hashlib
import secrets

# 32 random bytes: 256 bits of entropy, 43 URL-safe characters.
TOKEN_BYTES = 32
# Longer input is not a token; refusing it early bounds the hashing work per request.
MAX_TOKEN_CHARS = 128


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
