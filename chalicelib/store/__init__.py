"""The one DynamoDB table. Every key format and index name lives in this package and nowhere
else: ``keys.py`` builds them, ``table.py`` makes the calls, one module per aggregate
(``requests``, with its codec ``request_items``, its lists ``request_lists`` and its board
moves ``request_moves``; ``votes``, ``merges``, ``comments``, ``apps``, ``feedback``,
``events``, ``search``, ``fulltext``, ``rankings``, ``privacy``, ``audit``, ``limits``,
``deliveries``, ``portable``, ``members``, ``changelog``, ``links``, ``standing``,
``moderation``) holds its writes and reads, and ``Store`` is all of them over one client.

Layout (``t`` tenant, ``a`` app, ``r`` request id, ``u`` user id):

============================  ================  =========================================
pk                            sk                what
============================  ================  =========================================
REGISTRY                      TENANT#t          the operator's list of tenants
T#t#TENANT                    META              a tenant
T#t#KEYS                      KEY#keyid         an admin key (hash only)
T#t#APPS                      APP#a             an app (publishable key hash, settings)
T#t#A#a#REQS                  R#r               a feature request (newest first by sk)
T#t#A#a#TAG#tag               R#r               a copy of the request per tag, for tag lists
T#t#A#a#R#r                   V#u / M#u         a vote / a vote moved away by a merge
T#t#A#a#R#r                   S#u / C#id        a subscription / a comment
T#t#A#a#R#r                   X#u#id            one user's reactions to one comment
T#t#A#a#R#r                   N                 the request's vote counter (and merge step)
T#t#A#a#FB                    F#id              feedback
T#t#A#a#CL                    E#id              a changelog entry (lk: T#t#A#a#CL#status)
T#t#A#a#R#r                   L#ref             an issue linked to the request
T#t#A#a#LINKS                 ref               the request an issue (github#o/n#7) is linked to
T#t#A#a#IDEM                  scope             an idempotent response, 24 h TTL
T#t#A#a#MOD                   Q#id / D#id       a request or comment awaiting moderation / a decision
T#t#A#a#U#u                   STANDING          a user's ban and approved/rejected counts
T#t#A#a#ACT                   D#day#R#id        one request's votes and comments that day, TTL
T#t#A#a#SEARCH                T#n (S#n older)   "did you mean" titles, 96 shards
T#t#A#a#WL#term               board#000 / #001… a term's posting list on a board: its head
                                                (best 100) / parts by request id range
T#t#A#a#SDOC                  R#r               the terms and facets a request is indexed by
T#t#A#a#VOCAB                 C#letter          the app's terms by first letter (typos)
T#t#A#a#W#term, VOCAB L#len   P#impact#r / ~    older indexes' items, deleted by reindex
T#t#RL#subject                window            a rate-limit counter, TTL
T#t#TEAM                      META / M#id / E#  owners, OIDC settings / a member / its address
T#t#SIGNIN                    K#hash            a one-time sign-in token (hash only), TTL
T#t#SIGNIN                    O#hash            an OpenID Connect sign-in under way, TTL
T#t#SESS                      S#id              a member's session (hash only), TTL
============================  ================  =========================================

Indexes: ``byStatus`` (lk, sk) and ``byStatusTop`` (lk, top) list one status, ``byTop``
(pk, top) lists all statuses by votes; ``top`` is votes * 10^13 + created ms, so ties go
to the newest. ``byUser`` (uk, sk) finds everything of one user in an app. A vote writes
the counter ``N``, not the request: the stream gives the request and its copies the new
count (``reorder``), so the lists ordered by votes follow within a batch.
Every list the API offers is one Query on one of these: its cost does not grow with the
table. Counters change only inside transactions with the item that justifies them.
While a merge runs, its source carries ``mergeStep`` and ``mergeTarget`` and its target
holds the source's id in ``mergesIn`` (see ``begin_merge``).
"""

from __future__ import annotations

from .apps import Apps
from .audit import Audit
from .changelog import Changelog
from .comments import Comments
from .deliveries import Deliveries
from .events import Events
from .feedback import Feedbacks
from .fulltext import FullText
from .keys import TOP_UNIT, Keys
from .limits import Limits
from .links import Links
from .members import LastOwnerError, Members
from .merges import MOVE_CHUNK, Merges
from .moderation import Moderation
from .portable import Portable
from .privacy import Privacy
from .rankings import Activity, Rankings
from .search import Search
from .standing import banned_at_end
from .stream import Change, change_from_stream, reorder_from_stream
from .table import ConditionFailedError, Page, meter, metered_apart, reset_meter
from .usage import Usage
from .vectors import Vectors

__all__ = [
    "Activity",
    "Keys",
    "Store",
    "ConditionFailedError",
    "Page",
    "Change",
    "change_from_stream",
    "reorder_from_stream",
    "meter",
    "reset_meter",
    "metered_apart",
    "TOP_UNIT",
    "MOVE_CHUNK",
    "LastOwnerError",
    "banned_at_end",
]


class Store(
    Moderation,
    Merges,
    Comments,
    Portable,
    Apps,
    Feedbacks,
    Events,
    Limits,
    Deliveries,
    Search,
    FullText,
    Rankings,
    Vectors,
    Privacy,
    Audit,
    Usage,
    Members,
    Changelog,
    Links,
):
    """Intent-level access to the table; hides pagination, conditions and key formats. Each
    base is one aggregate's repository over the same ``Table``."""
