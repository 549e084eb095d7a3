"""Share links: read-only access to one report for people without an account.

A link is an unguessable token (`secrets.token_urlsafe(32)`: 256 bits) of which only the
SHA-256 is stored, so a copy of the database opens nothing. Whoever holds the token reads
that one report until the link expires or is revoked; every bad case (unknown, forged,
expired, revoked, a report that is no longer finished) looks the same from outside.

`services` write and check the editor role; `selectors` read and scope by the caller's
workspaces; `rate_limit` is the one budget of failed token lookups every entry point
spends from; `tokens` holds the token's size and digest. The names below are the
package's public interface.
"""

from comparison.sharing.rate_limit import share_lookup_failed, share_lookups_exhausted
from comparison.sharing.selectors import (
    LinkStatus,
    share_link_active,
    share_link_for_token,
    share_link_status,
    share_links_for,
    shared_report_for_token,
)
from comparison.sharing.services import (
    DEFAULT_EXPIRY_DAYS,
    EXPIRY_RANGE_MESSAGE,
    MAX_EXPIRY_DAYS,
    MIN_EXPIRY_DAYS,
    share_link_create,
    share_link_record_view,
    share_link_revoke,
)

__all__ = [
    "DEFAULT_EXPIRY_DAYS",
    "EXPIRY_RANGE_MESSAGE",
    "MAX_EXPIRY_DAYS",
    "MIN_EXPIRY_DAYS",
    "LinkStatus",
    "share_link_active",
    "share_link_create",
    "share_link_for_token",
    "share_link_record_view",
    "share_link_revoke",
    "share_link_status",
    "share_links_for",
    "share_lookup_failed",
    "share_lookups_exhausted",
    "shared_report_for_token",
]
