"""What counts as one plain email address: the single rule for every address we accept.

An address ends up in an email's ``To`` header and in SES's ``Destinations``, so anything
a header can carry besides one mailbox (line breaks, a second address after a comma, a
display name in angle brackets, a group ``:`` … ``;``, comments in parentheses, quoting)
is refused here, wherever the address comes from: a body, a header, a user token's claim.
"""

from __future__ import annotations

import re

__all__ = ["ADDRESS_PATTERN", "ADDRESS_MAX", "is_plain_address"]

ADDRESS_MAX = 254
_PART = r"[^@\s<>\"',;:()\[\]\\\x00-\x1f\x7f-\x9f]+"
ADDRESS_PATTERN = rf"^{_PART}@{_PART}\.{_PART}$"
_ADDRESS = re.compile(ADDRESS_PATTERN)


def is_plain_address(value: object) -> bool:
    """One ``local@domain.tld`` with nothing a mail header could read as more."""
    return (
        isinstance(value, str)
        and len(value) <= ADDRESS_MAX
        and _ADDRESS.fullmatch(value) is not None
    )
