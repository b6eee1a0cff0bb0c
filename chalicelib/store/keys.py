"""Key formats: the only place that knows them. Nothing outside ``chalicelib.store``
builds a key; the layout is in the package's docstring."""

from __future__ import annotations

TOP_UNIT = 10**13  # one vote in the ``top`` sort number; below it, the creation time in ms


class Keys:
    """Pure key builders: the only place that knows the key formats."""

    @staticmethod
    def registry(tenant: str) -> dict[str, str]:
        return {"pk": "REGISTRY", "sk": f"TENANT#{tenant}"}

    @staticmethod
    def tenant(tenant: str) -> dict[str, str]:
        return {"pk": f"T#{tenant}#TENANT", "sk": "META"}

    @staticmethod
    def admin_keys(tenant: str) -> str:
        return f"T#{tenant}#KEYS"

    @staticmethod
    def admin_key(tenant: str, key_id: str) -> dict[str, str]:
        return {"pk": Keys.admin_keys(tenant), "sk": f"KEY#{key_id}"}

    @staticmethod
    def apps(tenant: str) -> str:
        return f"T#{tenant}#APPS"

    @staticmethod
    def app(tenant: str, app: str) -> dict[str, str]:
        return {"pk": Keys.apps(tenant), "sk": f"APP#{app}"}

    @staticmethod
    def app_prefix(tenant: str, app: str) -> str:
        return f"T#{tenant}#A#{app}"

    @staticmethod
    def requests(tenant: str, app: str, tag: str | None = None, board: str = "general") -> str:
        """A board's requests (or one tag's copies of them). Board ``general`` keeps the keys
        from before boards, so items written then list with no re-keying."""
        base = Keys.app_prefix(tenant, app)
        if board != "general":
            base = f"{base}#B#{board}"
        return f"{base}#TAG#{tag}" if tag else f"{base}#REQS"

    @staticmethod
    def request(
        tenant: str, app: str, request_id: str, tag: str | None = None, board: str = "general"
    ) -> dict[str, str]:
        return {"pk": Keys.requests(tenant, app, tag, board), "sk": f"R#{request_id}"}

    @staticmethod
    def request_id(sk: str) -> str:
        """The request id in the sort key of a request or a tag copy."""
        return sk.removeprefix("R#")

    @staticmethod
    def is_request_partition(rest: str) -> bool:
        """Whether ``rest`` (of ``scope``) is a board's request partition, not a tag's."""
        return rest == "REQS" or (
            rest.startswith("B#") and rest.count("#") == 2 and rest.endswith("#REQS")
        )

    @staticmethod
    def status_list(
        tenant: str, app: str, status: str, tag: str | None = None, board: str = "general"
    ) -> str:
        return f"{Keys.requests(tenant, app, tag, board)}#ST#{status}"

    @staticmethod
    def request_children(tenant: str, app: str, request_id: str) -> str:
        return f"{Keys.app_prefix(tenant, app)}#R#{request_id}"

    @staticmethod
    def vote(tenant: str, app: str, request_id: str, user: str, moved: bool = False) -> dict:
        prefix = "M#" if moved else "V#"
        return {"pk": Keys.request_children(tenant, app, request_id), "sk": prefix + user}

    @staticmethod
    def counter(tenant: str, app: str, request_id: str) -> dict[str, str]:
        """A request's exact vote count (and its merge step): the small item a vote updates,
        so the request and its tag copies are not rewritten by every vote."""
        return {"pk": Keys.request_children(tenant, app, request_id), "sk": "N"}

    @staticmethod
    def voted(tenant: str, app: str, user: str) -> dict[str, str]:
        """The set of requests one user votes for: a list page reads it in one GetItem."""
        return {"pk": Keys.user(tenant, app, user), "sk": "VOTED"}

    @staticmethod
    def subscription(tenant: str, app: str, request_id: str, user: str) -> dict[str, str]:
        return {"pk": Keys.request_children(tenant, app, request_id), "sk": f"S#{user}"}

    @staticmethod
    def comment(tenant: str, app: str, request_id: str, comment_id: str) -> dict[str, str]:
        return {"pk": Keys.request_children(tenant, app, request_id), "sk": f"C#{comment_id}"}

    @staticmethod
    def reactions(tenant: str, app: str, request_id: str, user: str, comment_id: str) -> dict:
        """One user's reactions to one comment (a string set): user first, so the caller's
        reactions to a page of comments are one Query between two keys."""
        return {
            "pk": Keys.request_children(tenant, app, request_id),
            "sk": f"X#{user}#{comment_id}",
        }

    @staticmethod
    def held_comment(tenant: str, app: str, request_id: str, user: str, comment_id: str) -> dict:
        """Its author's copy of a comment awaiting moderation, beside the author's reactions:
        the Query of a page's reactions (``viewer_window``) brings it along."""
        return {
            "pk": Keys.request_children(tenant, app, request_id),
            "sk": f"X#{user}#{comment_id}#held",
        }

    @staticmethod
    def viewer_window(
        tenant: str, app: str, request_id: str, user: str, after: str, upto: str | None
    ) -> tuple[str, str, str]:
        """``(pk, low, high)``: one user's reactions and held comments for the comment ids
        from ``after`` ("": the first) up to ``upto`` (None: the last)."""
        return (
            Keys.request_children(tenant, app, request_id),
            f"X#{user}#{after}",
            f"X#{user}#{upto if upto is not None else '~'}",  # "~" sorts after any id
        )

    @staticmethod
    def user(tenant: str, app: str, user: str) -> str:
        return f"{Keys.app_prefix(tenant, app)}#U#{user}"

    @staticmethod
    def moderation_queue(tenant: str, app: str) -> str:
        """What awaits moderation (``Q#id``, oldest first) and the decisions made (``D#id``)."""
        return f"{Keys.app_prefix(tenant, app)}#MOD"

    @staticmethod
    def pending(tenant: str, app: str, item_id: str) -> dict[str, str]:
        """A request or comment awaiting moderation; ids sort by creation time."""
        return {"pk": Keys.moderation_queue(tenant, app), "sk": f"Q#{item_id}"}

    @staticmethod
    def decision(tenant: str, app: str, item_id: str) -> dict[str, str]:
        """A moderator's approve or reject (TTL): its event, and the answer to a repeat."""
        return {"pk": Keys.moderation_queue(tenant, app), "sk": f"D#{item_id}"}

    @staticmethod
    def standing(tenant: str, app: str, user: str) -> dict[str, str]:
        """One user's ban and moderation record in an app: what every write checks."""
        return {"pk": Keys.user(tenant, app, user), "sk": "STANDING"}

    @staticmethod
    def feedback(tenant: str, app: str, feedback_id: str = "") -> dict[str, str]:
        return {"pk": f"{Keys.app_prefix(tenant, app)}#FB", "sk": f"F#{feedback_id}"}

    @staticmethod
    def changelog(tenant: str, app: str, entry_id: str = "") -> dict[str, str]:
        return {"pk": f"{Keys.app_prefix(tenant, app)}#CL", "sk": f"E#{entry_id}"}

    @staticmethod
    def changelog_list(tenant: str, app: str, status: str) -> str:
        """Drafts (by creation) or published entries (by publishing), on ``byStatusTop``."""
        return f"{Keys.app_prefix(tenant, app)}#CL#{status}"

    @staticmethod
    def link(tenant: str, app: str, request_id: str, ref: str) -> dict[str, str]:
        """An issue linked to a request; ``ref`` is ``provider#owner/name#number``."""
        return {"pk": Keys.request_children(tenant, app, request_id), "sk": f"L#{ref}"}

    @staticmethod
    def linked(tenant: str, app: str, ref: str) -> dict[str, str]:
        """Which request an issue belongs to: what a webhook from its tracker looks up."""
        return {"pk": f"{Keys.app_prefix(tenant, app)}#LINKS", "sk": ref}

    @staticmethod
    def idempotency(tenant: str, app: str, scope: str) -> dict[str, str]:
        return {"pk": f"{Keys.app_prefix(tenant, app)}#IDEM", "sk": scope}

    @staticmethod
    def rate(tenant: str, subject: str, window: int) -> dict[str, str]:
        return {"pk": f"T#{tenant}#RL#{subject}", "sk": str(window)}

    @staticmethod
    def top(votes: int, created_ms: int) -> int:
        return votes * TOP_UNIT + created_ms

    @staticmethod
    def marker(tenant: str, event_id: str, consumer: str) -> dict[str, str]:
        return {"pk": f"T#{tenant}#EVT#{event_id}", "sk": consumer}

    @staticmethod
    def insights(tenant: str, app: str) -> dict[str, str]:
        return {"pk": f"{Keys.app_prefix(tenant, app)}#INSIGHTS", "sk": "LATEST"}

    @staticmethod
    def search_shard(tenant: str, app: str, shard: int) -> dict[str, str]:
        return {"pk": f"{Keys.app_prefix(tenant, app)}#SEARCH", "sk": f"T#{shard}"}

    @staticmethod
    def search_versions(tenant: str, app: str) -> dict[str, str]:
        """How often each title index shard changed (``s<n>``), for the caches that hold it."""
        return {"pk": f"{Keys.app_prefix(tenant, app)}#SEARCH", "sk": "VERSIONS"}

    @staticmethod
    def old_search_shard(tenant: str, app: str, shard: int) -> dict[str, str]:
        """The title index's four shards of older versions (deleted by reindex)."""
        return {"pk": f"{Keys.app_prefix(tenant, app)}#SEARCH", "sk": f"S#{shard}"}

    @staticmethod
    def term(tenant: str, app: str, term: str) -> str:
        """One term's partition of the full-text index: its postings and its head."""
        return f"{Keys.app_prefix(tenant, app)}#W#{term}"

    @staticmethod
    def term_list(tenant: str, app: str, term: str, board: str, part: int) -> dict[str, str]:
        """One part of a term's posting list on one board: part 0 holds the best postings,
        parts 1… the rest by request id range (``services/fulltext.py``)."""
        return {"pk": f"{Keys.app_prefix(tenant, app)}#WL#{term}", "sk": f"{board}#{part:03d}"}

    @staticmethod
    def vocabulary_band(tenant: str, app: str, first: str) -> dict[str, str]:
        """The app's terms that begin with one character: where a misspelt query term finds
        its neighbours (a typo in the first letter is not forgiven)."""
        return {"pk": f"{Keys.app_prefix(tenant, app)}#VOCAB", "sk": f"C#{first}"}

    @staticmethod
    def posting(tenant: str, app: str, term: str, impact: int, request_id: str) -> dict:
        """Older indexes' request under a term (one item a posting); only reindex, which
        deletes them, still writes this key."""
        return {"pk": Keys.term(tenant, app, term), "sk": f"P#{impact:05d}#{request_id}"}

    @staticmethod
    def term_head(tenant: str, app: str, term: str) -> dict[str, str]:
        """Older indexes' count of a term's requests (deleted by reindex)."""
        return {"pk": Keys.term(tenant, app, term), "sk": "~"}

    @staticmethod
    def indexed(tenant: str, app: str, request_id: str) -> dict[str, str]:
        """What the full-text index holds of one request: its terms' impacts and facets."""
        return {"pk": f"{Keys.app_prefix(tenant, app)}#SDOC", "sk": f"R#{request_id}"}

    @staticmethod
    def vocabulary(tenant: str, app: str, length: int) -> dict[str, str]:
        """Older indexes' terms of one length (deleted by reindex)."""
        return {"pk": f"{Keys.app_prefix(tenant, app)}#VOCAB", "sk": f"L#{length:03d}"}

    @staticmethod
    def vector(tenant: str, app: str, request_id: str = "") -> dict[str, str]:
        return {"pk": f"{Keys.app_prefix(tenant, app)}#VEC", "sk": f"V#{request_id}"}

    @staticmethod
    def activity(tenant: str, app: str, day: str, request_id: str) -> dict[str, str]:
        """The votes and comments one request got on one UTC day (``2026-11-28``): a small
        item, so its write costs the same however busy the day. Older code wrote a day's
        requests together, as ``D#<day>`` then as shards ``D#<day>#<0-3>`` (read only now);
        all sort within the day's range."""
        return {"pk": f"{Keys.app_prefix(tenant, app)}#ACT", "sk": f"D#{day}#R#{request_id}"}

    @staticmethod
    def activity_days(tenant: str, app: str, first: str, last: str) -> tuple[str, str, str]:
        """The partition and the sort-key range of every request's item from day ``first``
        to ``last`` (and of older code's whole-day items and shards)."""
        return f"{Keys.app_prefix(tenant, app)}#ACT", f"D#{first}", f"D#{last}#~"

    @staticmethod
    def activity_day(sk: str) -> str:
        return sk[2:12]

    @staticmethod
    def audit(tenant: str) -> str:
        return f"T#{tenant}#AUDIT"

    @staticmethod
    def team(tenant: str) -> str:
        """The team's partition: ``META`` (the owner count), ``M#id`` members, ``E#email``."""
        return f"T#{tenant}#TEAM"

    @staticmethod
    def team_meta(tenant: str) -> dict[str, str]:
        return {"pk": Keys.team(tenant), "sk": "META"}

    @staticmethod
    def member(tenant: str, member_id: str = "") -> dict[str, str]:
        return {"pk": Keys.team(tenant), "sk": f"M#{member_id}"}

    @staticmethod
    def member_email(tenant: str, email: str) -> dict[str, str]:
        return {"pk": Keys.team(tenant), "sk": f"E#{email.lower()}"}

    @staticmethod
    def signin(tenant: str, token_hash: str) -> dict[str, str]:
        return {"pk": f"T#{tenant}#SIGNIN", "sk": f"K#{token_hash}"}

    @staticmethod
    def oidc_flow(tenant: str, state_hash: str) -> dict[str, str]:
        return {"pk": f"T#{tenant}#SIGNIN", "sk": f"O#{state_hash}"}

    @staticmethod
    def session(tenant: str, session_id: str) -> dict[str, str]:
        return {"pk": f"T#{tenant}#SESS", "sk": f"S#{session_id}"}

    @staticmethod
    def stats(tenant: str, app: str, part: str = "SUM") -> dict[str, str]:
        """One item of an app's statistics: ``G#tag`` one tag's requests, ``W#week`` what
        creates and deletes of that week's requests counted, ``SUM`` the other events' counters.
        ``TOTALS``, written by older code with every counter in it, is only read: each
        figure is the sum over all of them."""
        return {"pk": f"{Keys.app_prefix(tenant, app)}#STATS", "sk": part}

    @staticmethod
    def usage(tenant: str, day: str) -> dict[str, str]:
        """One tenant's usage of one UTC day (``2026-11-28``)."""
        return {"pk": f"T#{tenant}#USAGE", "sk": f"D#{day}"}

    @staticmethod
    def deliveries(tenant: str, app: str) -> str:
        return f"{Keys.app_prefix(tenant, app)}#WH"

    @staticmethod
    def opt_out(tenant: str, app: str, recipient: str) -> dict[str, str]:
        return {"pk": Keys.user(tenant, app, recipient), "sk": "OPTOUT"}

    @staticmethod
    def scope(pk: str) -> tuple[str, str | None, str]:
        """``(tenant, app or None, rest)`` of a partition key: how a stream record is placed."""
        parts = pk.split("#")
        if len(parts) < 3 or parts[0] != "T":
            return "", None, pk
        if parts[2] == "A" and len(parts) >= 4:
            return parts[1], parts[3], "#".join(parts[4:])
        return parts[1], None, "#".join(parts[2:])
