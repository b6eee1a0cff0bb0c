#!/usr/bin/env python3
"""The operator's command line: the local stack, tenants and admin keys, demo data.

It talks to the same table as the running stack: with AWS_ENDPOINT_URL unset, or set to the
endpoint the local stack uses, it reads the local stack's ``.local/`` files; with another
endpoint (or real AWS credentials) it uses the environment alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import urllib.error
from typing import Any

import click

from tools.local_stack import CREDENTIALS_FILE, load_stack, run, serve_aws, stack_env

START_FIRST = "start `make run` first"


def _context() -> Any:
    """The services' context, pointed at the local stack unless the environment says otherwise.

    The stack's settings (its signing secret above all) apply when AWS_ENDPOINT_URL is unset
    or names the stack's own endpoint, as it does when `make run` itself had it preset.
    """
    preset = os.environ.get("AWS_ENDPOINT_URL")
    if CREDENTIALS_FILE.exists():
        creds = json.loads(CREDENTIALS_FILE.read_text())
        if not preset or preset.rstrip("/") == creds["awsEndpointUrl"].rstrip("/"):
            for name, value in stack_env(creds["awsEndpointUrl"], load_stack()).items():
                os.environ.setdefault(name, value)
    from chalicelib.context import get_context

    try:
        return get_context()
    except RuntimeError as exc:
        raise click.ClickException(f"{exc} (or {START_FIRST})") from None


def _emit(data: Any, as_json: bool, text: str) -> None:
    click.echo(json.dumps(data, indent=2) if as_json else text)


def _rows(rows: list[dict[str, Any]], columns: list[tuple[str, str, str]], as_json: bool) -> None:
    """``rows`` as JSON, or as a table of ``(heading, key, format)`` columns."""
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    widths = [re.match(r"[<>^]?\d*", spec).group() for _, _, spec in columns]
    click.echo(
        "".join(f"{head:{width}}" for (head, _, _), width in zip(columns, widths, strict=True))
    )
    for row in rows:
        click.echo("".join(f"{row[key]:{spec}}" for _, key, spec in columns))


def _guard(work: Any) -> Any:
    """Domain errors become a one-line message and exit status 1, not a traceback."""
    from botocore.exceptions import EndpointConnectionError

    from chalicelib.errors import FeatureboardError

    try:
        return work()
    except click.ClickException:
        raise
    except FeatureboardError as exc:
        raise click.ClickException(exc.message) from None
    except EndpointConnectionError as exc:
        raise click.ClickException(
            f"nothing answers at {exc.kwargs.get('endpoint_url', 'the local AWS endpoint')}: "
            f"{START_FIRST} (or point AWS_ENDPOINT_URL at a running emulator)"
        ) from None
    except (urllib.error.URLError, ConnectionError) as exc:
        raise click.ClickException(
            f"the local stack does not answer ({exc}): {START_FIRST}"
        ) from None
    except Exception as exc:  # the stack is not reachable, most often
        raise click.ClickException(f"{type(exc).__name__}: {exc}") from None


@click.group()
def cli() -> None:
    """Featureboard operations."""


@cli.group()
def tenant() -> None:
    """Tenants (companies)."""


@tenant.command("create")
@click.argument("name")
@click.option("--display-name", help="A human name; defaults to NAME.")
@click.option("--owner", "owner_email", help="Invite this address as the first owner.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def tenant_create(
    name: str, display_name: str | None, owner_email: str | None, as_json: bool
) -> None:
    """Create tenant NAME (2-40 of a-z, 0-9, -) and print its first admin key; with
    --owner, also invite that address as the first owner."""
    from chalicelib.services import tenants

    _check_address(owner_email)
    made = _guard(lambda: tenants.create_tenant(_context(), name, display_name))
    data = {"tenant": made["tenant"], "adminKey": made["adminKey"]}
    text = f"tenant {made['tenant']}\nadmin key (shown once): {made['adminKey']}"
    if owner_email:
        owner = _invite(made["tenant"], owner_email, "owner")
        data["owner"] = owner
        text += f"\n{_invited(owner)}"
    _emit(data, as_json, text)


@tenant.command("oidc")
@click.argument("tenant_id", metavar="TENANT")
@click.option(
    "--issuer", default="", help="The identity provider's issuer URL; empty: turn it off."
)
@click.option("--client-id", default="", help="This service's client id at the provider.")
@click.option(
    "--redirect-uri", "redirect_uris", multiple=True, help="The console's address (repeatable)."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def tenant_oidc(
    tenant_id: str, issuer: str, client_id: str, redirect_uris: tuple[str, ...], as_json: bool
) -> None:
    """Let TENANT's members sign in with their identity provider (OpenID Connect, PKCE)."""
    from chalicelib.services import oidc

    made = _guard(
        lambda: oidc.configure(_context(), tenant_id, issuer, client_id, list(redirect_uris))
    )
    _emit(made, as_json, f"{tenant_id}: {made['oidc']['issuer'] if made['oidc'] else 'no OIDC'}")


def _check_address(email: str | None) -> None:
    from chalicelib.addresses import is_plain_address

    if email is not None and not (is_plain_address(email) and email.isascii()):
        raise click.BadParameter(f"{email!r} is not one plain address, like ada@example.com")


def _invite(tenant_id: str, email: str, role: str) -> dict[str, Any]:
    from chalicelib.services import team

    return _guard(lambda: team.add_member(_context(), tenant_id, email, role, "operator"))


def _invited(member: dict[str, Any]) -> str:
    sent = "invitation sent" if member["invitationSent"] else "invitation NOT sent (see the log)"
    return f"member {member['id']} {member['email']} ({member['role']}): {sent}"


@tenant.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def tenant_list(as_json: bool) -> None:
    """List every tenant."""
    from chalicelib.services import tenants

    found = _guard(lambda: tenants.list_tenants(_context()))
    _emit(
        found,
        as_json,
        "\n".join(f"{t['tenant']}\t{t['name']}\t{t['createdAt']}" for t in found) or "no tenants",
    )


@cli.group()
def member() -> None:
    """The team: people who sign in to the console by emailed link, with a role."""


@member.command("add")
@click.argument("tenant_id", metavar="TENANT")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(["owner", "admin", "moderator", "viewer"]),
    default="viewer",
    show_default=True,
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def member_add(tenant_id: str, email: str, role: str, as_json: bool) -> None:
    """Invite EMAIL to TENANT's team: it gets a one-time sign-in link by email."""
    _check_address(email)
    made = _invite(tenant_id, email, role)
    _emit(made, as_json, _invited(made))


@member.command("list")
@click.argument("tenant_id", metavar="TENANT")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def member_list(tenant_id: str, as_json: bool) -> None:
    """List TENANT's members."""
    from chalicelib.services import team

    found = _guard(lambda: team.list_members(_context(), tenant_id))["items"]
    _emit(
        found,
        as_json,
        "\n".join(f"{m['id']}\t{m['role']}\t{m['status']}\t{m['email']}" for m in found)
        or "no members",
    )


@member.command("remove")
@click.argument("tenant_id", metavar="TENANT")
@click.argument("member_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def member_remove(tenant_id: str, member_id: str, as_json: bool) -> None:
    """Remove member MEMBER_ID from TENANT; its sessions end at once."""
    from chalicelib.services import team

    _guard(lambda: team.remove_member(_context(), tenant_id, member_id))
    _emit({"tenant": tenant_id, "memberId": member_id, "removed": True}, as_json, "removed")


@cli.group()
def key() -> None:
    """Admin keys of a tenant."""


@key.command("create")
@click.argument("tenant_id", metavar="TENANT")
@click.option("--label", default="", help="What the key is for.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def key_create(tenant_id: str, label: str, as_json: bool) -> None:
    """Make another admin key for TENANT (printed once)."""
    from chalicelib.services import tenants

    made = _guard(lambda: tenants.create_key(_context(), tenant_id, label))
    _emit(
        {"tenant": tenant_id, **made},
        as_json,
        f"key id {made['keyId']}\nadmin key (shown once): {made['adminKey']}",
    )


@key.command("list")
@click.argument("tenant_id", metavar="TENANT")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def key_list(tenant_id: str, as_json: bool) -> None:
    """List TENANT's admin keys (ids only; keys are never stored)."""
    from chalicelib.services import tenants

    found = _guard(lambda: tenants.list_keys(_context(), tenant_id))
    _emit(
        found,
        as_json,
        "\n".join(
            f"{k['keyId']}\t{'revoked' if k['revoked'] else 'active'}\t{k['label']}" for k in found
        )
        or "no keys",
    )


@key.command("revoke")
@click.argument("tenant_id", metavar="TENANT")
@click.argument("key_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def key_revoke(tenant_id: str, key_id: str, as_json: bool) -> None:
    """Revoke admin key KEY_ID of TENANT; it stops working at once."""
    from chalicelib.services import tenants

    _guard(lambda: tenants.revoke_key(_context(), tenant_id, key_id))
    _emit({"tenant": tenant_id, "keyId": key_id, "revoked": True}, as_json, f"revoked {key_id}")


@cli.command()
@click.option("--tenant", "tenant_id", default="demo", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def seed(tenant_id: str, as_json: bool) -> None:
    """Create a demo tenant with an app `web`, requests, votes, comments and feedback
    (on an emulator quietly, as `import` loads: no email or webhook goes out)."""
    from tools.seed import seed_demo

    ctx = _context()
    made = _guard(
        lambda: seed_demo(
            ctx,
            tenant_id,
            progress=lambda m: click.echo(m, err=True),
            quiet=bool(ctx.settings.aws_endpoint_url),  # a scratch table: fine on an emulator
        )
    )
    _emit(made, as_json, json.dumps(made, indent=2))


@cli.command()
@click.option("--to", "address", help="Only emails to this address.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def emails(address: str | None, as_json: bool) -> None:
    """List the emails the local stack has sent (to, subject, text), oldest first."""
    from chalicelib.notify.outbox import sent_emails

    ctx = _context()
    endpoint = ctx.settings.aws_endpoint_url
    if not endpoint:
        raise click.ClickException("no local stack: start it with `make run`")
    found = _guard(lambda: sent_emails(endpoint))
    found = [e for e in found if not address or address.lower() in e["to"].lower()]
    rows = [{"to": e["to"], "subject": e["subject"], "text": e["text"]} for e in found]
    _emit(rows, as_json, "\n".join(f"{r['to']}\t{r['subject']}" for r in rows) or "no emails")


def _open_out(out: str) -> Any:
    if out == "-":
        return click.get_text_stream("stdout")
    return open(out, "w", encoding="utf-8", newline="")


@cli.command("export")
@click.argument("tenant_id", metavar="TENANT")
@click.argument("app_id", metavar="APP")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json", "jsonl"]), default="csv", show_default=True
)
@click.option(
    "--full",
    is_flag=True,
    help="Everything of the app (requests, votes, followers, comments, feedback) as JSON lines:"
    " what `import` and tools/postgres read.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True),
    required=True,
    help="The file to write (use - for standard output).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def export_app(tenant_id: str, app_id: str, fmt: str, full: bool, out: str, as_json: bool) -> None:
    """Export APP of TENANT to a file, page by page, with a progress bar."""
    from chalicelib.export import chunks

    if full and fmt != "jsonl":
        raise click.ClickException("--full writes JSON lines: add --format jsonl")
    ctx = _context()
    if _guard(lambda: ctx.store.get_app(tenant_id, app_id)) is None:
        raise click.ClickException(f"no app {app_id!r} in tenant {tenant_id!r}")
    total = ctx.store.get_stats(tenant_id, app_id).get("requests", 0)
    count, kinds = 0, {}
    with (
        _open_out(out) as stream,
        click.progressbar(
            length=max(total, 1), label=f"exporting {app_id}", file=sys.stderr
        ) as bar,
    ):

        def counted():
            nonlocal count
            rows = (
                ctx.store.dump_app(tenant_id, app_id)
                if full
                else ctx.store.iter_requests(tenant_id, app_id)
            )
            for row in rows:
                kind = row["kind"] if full else "request"
                kinds[kind] = kinds.get(kind, 0) + 1
                if kind == "request":
                    count += 1
                    bar.update(1)
                yield row

        for piece in chunks("full" if full else fmt, counted()):
            stream.write(piece)
    summary = {"tenant": tenant_id, "app": app_id, "format": fmt, "requests": count, "out": out}
    if full:
        summary["records"] = kinds
    _emit(summary, as_json, f"wrote {count} requests to {out}")


def _tenant_app(value: str) -> tuple[str, str]:
    tenant_id, _, app_id = value.partition("/")
    if not (tenant_id and app_id):
        raise click.BadParameter("write it TENANT/APP")
    return tenant_id, app_id


@cli.command("import")
@click.argument("tenant_id", metavar="TENANT")
@click.argument("app_id", metavar="APP")
@click.argument("source")
@click.option(
    "--from-app",
    "from_app",
    help="With a postgresql:// SOURCE: which app's rows, as TENANT/APP (default: TENANT/APP).",
)
@click.option(
    "--from",
    "tool",
    type=click.Choice(["canny", "fider", "uservoice", "github", "csv"]),
    help="SOURCE is that tool's export (tools/importers/README.md): its posts, votes and"
    " comments become requests; a second run adds nothing.",
)
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="With --from csv: the column holding FIELD (id, title, created, description, status,"
    " tags, author_id, author_name, author_email, voters, comment, comment_author,"
    " comment_created); repeat it.",
)
@click.option("--dry-run", is_flag=True, help="With --from: check and count, write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def import_app(
    tenant_id: str,
    app_id: str,
    source: str,
    from_app: str | None,
    tool: str | None,
    mapping: tuple[str, ...],
    dry_run: bool,
    as_json: bool,
) -> None:
    """Load records into APP of TENANT from SOURCE: a file `export --full` wrote, a
    postgresql:// database holding tools/postgres/schema.sql, or with --from another tool's
    export. Ids are kept (or made from the source's); running it again writes nothing new.
    No email or webhook goes out for what it loads."""
    if tool:
        _import_from(tool, tenant_id, app_id, source, mapping, dry_run, as_json)
        return
    if mapping or dry_run:
        raise click.UsageError("--map and --dry-run go with --from")
    ctx = _context()
    if _guard(lambda: ctx.store.get_app(tenant_id, app_id)) is None:
        raise click.ClickException(f"no app {app_id!r} in tenant {tenant_id!r}: create it first")

    def records(lines: Any) -> Any:
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError:
                    raise click.ClickException(f"line {number} is not JSON") from None
                if number % 1000 == 0:
                    click.echo(f"{number} records…", err=True)

    with contextlib.ExitStack() as opened:
        if source.startswith(("postgresql://", "postgres://")):
            from tools.postgres import unload

            lines = unload(source, *(_tenant_app(from_app) if from_app else (tenant_id, app_id)))
        else:
            lines = opened.enter_context(open(source, encoding="utf-8"))
        counts = _guard(
            lambda: ctx.store.load_app(
                tenant_id, app_id, records(lines), ctx.settings.feedback_retention_days
            )
        )
    _emit(
        {"tenant": tenant_id, "app": app_id, "records": counts},
        as_json,
        f"imported {sum(counts.values())} records into {tenant_id}/{app_id}: {counts}",
    )


def _import_from(
    tool: str,
    tenant_id: str,
    app_id: str,
    source: str,
    mapping: tuple[str, ...],
    dry_run: bool,
    as_json: bool,
) -> None:
    """`import --from TOOL`: check the whole file first, then load it with a progress bar."""
    from pathlib import Path

    from tools import importers

    fields = dict(m.partition("=")[::2] for m in mapping)
    if any(not k or not v for k, v in fields.items()) or len(fields) != len(mapping):
        raise click.UsageError("write --map FIELD=COLUMN, once per field")
    if fields and tool != "csv":
        raise click.UsageError("--map goes with --from csv")
    ctx = _context()

    def prepare() -> Any:
        try:
            return importers.prepare(ctx, tool, Path(source), tenant_id, app_id, fields)
        except importers.ImportSourceError as exc:
            raise click.ClickException(str(exc)) from None

    made = _guard(prepare)
    summary = {**made.summary, "dryRun": dry_run}
    if not dry_run:
        total = summary["created"]["requests"]
        with click.progressbar(length=total, label=f"importing {tool}", file=sys.stderr) as bar:
            _guard(lambda: importers.load(ctx, made, lambda: bar.update(1)))
    created, skipped = summary["created"], summary["skipped"]
    text = (
        f"{'would create' if dry_run else 'created'} {created['requests']} requests,"
        f" {created['votes']} votes, {created['comments']} comments in {tenant_id}/{app_id}"
        f" ({summary['users']} {tool} users in the file); skipped {skipped['requests']}"
        f" requests and {skipped['duplicateVotes']} repeated votes"
    )
    _emit(summary, as_json, text)


@cli.group()
def postgres() -> None:
    """An app's records in PostgreSQL (tools/postgres/schema.sql)."""


@postgres.command("load")
@click.argument("dump", type=click.Path(exists=True, dir_okay=False))
@click.option("--dsn", required=True, help="postgresql://user@host/db")
@click.option("--app", "target", required=True, help="The rows' TENANT/APP.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def postgres_load(dump: str, dsn: str, target: str, as_json: bool) -> None:
    """Load a file `export --full` wrote into PostgreSQL, replacing that app's rows."""
    from tools.postgres import load

    tenant_id, app_id = _tenant_app(target)
    with open(dump, encoding="utf-8") as lines:
        count = _guard(lambda: load(dsn, tenant_id, app_id, lines))
    _emit(
        {"tenant": tenant_id, "app": app_id, "lines": count},
        as_json,
        f"loaded {count} lines into PostgreSQL as {target}",
    )


@cli.group()
def schedule() -> None:
    """Scheduled jobs, fired now instead of waiting for their time."""


@schedule.command("run")
@click.argument("name", type=click.Choice(["nightly-export", "nightly-insights"]))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def schedule_run(name: str, as_json: bool) -> None:
    """Run the scheduled job NAME against the stack, as EventBridge would."""
    from chalicelib.services import exports, insights

    ctx = _context()
    if name == "nightly-insights":
        count = _guard(lambda: insights.nightly(ctx))
        _emit({"schedule": name, "apps": count}, as_json, f"{name}: {count} apps analysed")
        return
    done = _guard(
        lambda: exports.nightly(
            ctx,
            progress=lambda m: click.echo(
                f"exported {m['tenant']}/{m['appId']}: {m['files'][0]['requests']} requests",
                err=True,
            ),
        )
    )
    _emit(done, as_json, f"{name}: {len(done)} apps exported to s3://{ctx.settings.export_bucket}")


@cli.command()
@click.option(
    "--requests",
    "volume",
    default=1_000_000,
    show_default=True,
    type=int,
    help="Requests a month for the forecast.",
)
@click.option(
    "--mix",
    default="reads=80,votes=15,creates=5",
    show_default=True,
    help="Shares of reads, votes, creates, comments, feedback.",
)
@click.option(
    "--rounds", default=10, show_default=True, type=int, help="How many of each request to run."
)
@click.option(
    "--stage",
    type=click.Choice(["dev", "prod"]),
    default="prod",
    show_default=True,
    help="Which stage's package to price.",
)
@click.option(
    "--no-build",
    is_flag=True,
    help="Price build/STAGE/package/sam.json as it is (refuses when there is none).",
)
@click.option(
    "--from-logs",
    "log_file",
    type=click.Path(exists=True, dir_okay=False),
    help="Count, latency and cost by route from exported request lines; nothing else.",
)
@click.option(
    "--by-tenant",
    "by_tenant",
    is_flag=True,
    help="Each tenant's API usage (requests, units, messages, $) as kept by day; nothing else.",
)
@click.option("--days", default=30, show_default=True, type=int, help="With --by-tenant.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def cost(
    volume: int,
    mix: str,
    rounds: int,
    stage: str,
    no_build: bool,
    log_file: str | None,
    by_tenant: bool,
    days: int,
    as_json: bool,
) -> None:
    """Price every billed line of the package from a local run; months from 1K to 10M."""
    from pathlib import Path

    from tools import cost as costs

    if by_tenant:
        columns = [("tenant", "tenant", "<24"), ("requests", "requests", ">10")]
        columns += [("read units", "readUnits", ">12.1f"), ("write units", "writeUnits", ">13.1f")]
        columns += [("messages", "messages", ">10"), ("$", "dollars", ">12.6f")]
        _rows(costs.by_tenant(_context().store, days), columns, as_json)
        return
    if log_file:
        columns = [("route", "route", "<24"), ("calls", "count", ">8")]
        columns += [("avg ms", "avgMs", ">9.1f"), ("p95 ms", "p95Ms", ">9.1f")]
        columns += [("5xx", "errors", ">5"), ("$", "dollars", ">10.6f")]
        columns += [("$ / million", "perMillion", ">13.2f")]
        _rows(costs.from_logs(Path(log_file)), columns, as_json)
        return
    try:
        shares = {k.strip(): float(v) for k, v in (p.split("=") for p in mix.split(","))}
    except ValueError:
        raise click.ClickException("--mix looks like reads=80,votes=15,creates=5") from None
    try:
        click.echo(f"{'reading' if no_build else 'building'} the {stage} package…", err=True)
        stack = costs.stack_of(stage, build=not no_build)
    except costs.NoPackageError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("measuring requests against a local stack…", err=True)
    kinds = costs.measure(stack, rounds)
    try:
        plan = costs.month(kinds, stack, volume, shares)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    months = {v: costs.month(kinds, stack, v, shares) for v in costs.VOLUMES}
    free = {v: costs.month(kinds, stack, v, shares, free_tier=True) for v in costs.VOLUMES}
    idle = costs.idle_month(stack)
    idle_free = costs.idle_month(stack, free_tier=True)
    data = {
        "pricesAsOf": idle["pricesAsOf"],
        "template": stack.path,
        "customMetrics": stack.metrics,
        "alarms": {"essential": stack.alarm_count(False), "all": stack.alarm_count(True)},
        "measured": [costs.as_dict(k, stack) for k in kinds],
        "forecast": plan,
        "months": [months[v] for v in costs.VOLUMES],
        "monthsFreeTier": [free[v] for v in costs.VOLUMES],
        "idle": idle,
        "idleFreeTier": idle_free,
        "comparison": costs.compare(kinds, stack, shares),
    }
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
        return
    click.echo(f"Prices: us-east-1 on demand, as of {idle['pricesAsOf']} (chalicelib/pricing.py)")
    click.echo(
        f"Package: {stack.path}; {len(stack.metrics)} custom metrics; alarms "
        f"{stack.alarm_count(False)} essential, {stack.alarm_count(True)} with the optional "
        f"ones ({'on' if stack.optional_alarms_default else 'off'} by default); tracing "
        f"{stack.tracing_default}; {stack.secrets} Secrets Manager secrets"
    )
    click.echo("\n1. Per request, priced from the items it touched and the lines it logged")
    click.echo(
        f"   {'kind':<22}{'RRU':>6}{'WRU':>6}{'ms':>7}{'log B':>7}{'events':>7}"
        f"{'consumers':>11}{'ev. RRU':>8}{'ev. WRU':>8}{'$ / million':>13}"
    )
    for k in kinds:
        invoked = f"{k.invocations:.1f}/{k.invocations_unfiltered:.0f}"
        per_million = k.cost(128, stack.tracing_default == "Active", stack.platform_logs) * 1e6
        click.echo(
            f"   {k.name:<22}{k.read_units:>6.1f}{k.write_units:>6.1f}{k.ms:>7.1f}"
            f"{k.log_bytes:>7.0f}{k.events:>7.1f}{invoked:>11}{k.event_read_units:>8.1f}"
            f"{k.event_write_units:>8.1f}{per_million:>13.2f}"
        )
    click.echo("   (consumers: invoked after the filter policies / before them)")
    click.echo(f"\n2. A month, mix {mix}, no free tier (tracing {stack.tracing_default})")
    click.echo(f"   {'line':<44}" + "".join(f"{v:>12,}" for v in costs.VOLUMES))
    for line in months[costs.VOLUMES[0]]["lines"]:
        click.echo(
            f"   {line:<44}" + "".join(f"{months[v]['lines'][line]:>12.2f}" for v in costs.VOLUMES)
        )
    click.echo(f"   {'total':<44}" + "".join(f"{months[v]['month']:>12.2f}" for v in costs.VOLUMES))
    click.echo(
        f"   {'total with the always-free tier':<44}"
        + "".join(f"{free[v]['month']:>12.2f}" for v in costs.VOLUMES)
    )
    click.echo(
        f"   {'$ per million requests (idle lines apart)':<44}"
        + "".join(f"{months[v]['perMillion']:>12.2f}" for v in costs.VOLUMES)
    )
    click.echo(f"\n3. Idle month ({stack.path})")
    click.echo(f"   {'line':<50}{'count':>6}{'no free tier':>14}{'free tier':>11}")
    for row, with_free in zip(idle["rows"], idle_free["rows"], strict=True):
        click.echo(
            f"   {row['item']:<50}{row['count']:>6}{row['month']:>14.3f}{with_free['month']:>11.3f}"
        )
    click.echo(f"   {'total':<56}{idle['month']:>14.2f}{idle_free['month']:>11.2f}")
    click.echo("\n4. Side by side, per month")
    for row in data["comparison"]:
        seed = f", seed estimate ${row['seedEstimate']:.2f}" if "seedEstimate" in row else ""
        other = f", other design ${row['seedOtherDesign']:.2f}" if "seedOtherDesign" in row else ""
        click.echo(
            f"   {row['requestsPerMonth']:>10,} requests: ours ${row['ours']:.2f}"
            f" (${row['oursFreeTier']:.2f} with the free tier){seed}{other},"
            f" Fider server ${row['fider']}"
        )


STAGE = click.Choice(["dev", "prod"])


@cli.command()
@click.argument("stage", type=STAGE)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def publish(stage: str, as_json: bool) -> None:
    """Upload the board, console and widget to STAGE's site (after `make deploy`)."""
    from tools.deploy import publish_site

    done = _guard(lambda: publish_site(stage, progress=lambda m: click.echo(m, err=True)))
    _emit(done, as_json, f"published {done['files']} files; the site is {done['site']}")


@cli.command()
@click.argument("stage", type=STAGE)
@click.option("--to", "version", help="The API function version to serve (default: the previous).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def rollback(stage: str, version: str | None, as_json: bool) -> None:
    """Put STAGE's API back on the code it ran before (stops a release in progress)."""
    from tools.deploy import rollback as roll_back

    done = _guard(lambda: roll_back(stage, version))
    text = (
        f"stopped release {done['stoppedDeployment']}; CodeDeploy moves the alias back"
        if "stoppedDeployment" in done
        else f"{stage}: live alias moved from version {done['from']} to {done['to']}"
    )
    _emit(done, as_json, text)


@cli.group()
def restore() -> None:
    """Disaster recovery: the table from a point in time, or apps from full dumps."""


def _moment(value: str | None) -> Any:
    from datetime import UTC, datetime

    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter("write it as 2026-11-28T19:30:00Z") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


@restore.command("point-in-time")
@click.argument("stage", type=STAGE)
@click.option("--to", "moment", help="A UTC time, 2026-11-28T19:30:00Z (default: the latest).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def restore_point_in_time(stage: str, moment: str | None, as_json: bool) -> None:
    """Restore STAGE's table as it was at a moment into a new table, then switch the stage's
    functions and stream mappings to it. See docs/operations.md, 'Disaster recovery'."""
    from tools.restore import point_in_time

    when = _moment(moment)
    done = _guard(lambda: point_in_time(stage, when, progress=lambda m: click.echo(m, err=True)))
    text = "\n".join(
        [
            f"{stage}: {done['from']} restored to {done['restoredTo']} as {done['to']}",
            f"{len(done['functions'])} functions and {len(done['streamMappings'])} stream"
            f" mappings switched in {done['seconds']['switch']} s"
            f" (restore took {done['seconds']['restore']} s)",
            *(f"next: {step}" for step in done["next"]),
        ]
    )
    _emit(done, as_json, text)


@cli.command("reindex")
@click.argument("tenant_id", metavar="TENANT")
@click.argument("app_id", metavar="APP")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def reindex(tenant_id: str, app_id: str, as_json: bool) -> None:
    """Bring every request of APP into the full-text search index and the "did you mean"
    title index: once after upgrading to the version that has them, or to the packed
    posting lists and the 96-shard title index (it migrates older indexes and deletes their
    items; later writes keep them through the stream). Safe to repeat."""
    from chalicelib.services import fulltext, search

    ctx = _context()

    def both() -> int:
        search.reindex_titles(ctx, tenant_id, app_id)
        return fulltext.reindex(ctx, tenant_id, app_id)

    count = _guard(both)
    _emit({"requests": count}, as_json, f"{count} requests of {tenant_id}/{app_id} indexed")


@restore.command("dump")
@click.argument("tenant_id", metavar="TENANT")
@click.argument("app_id", metavar="APP")
@click.argument("dump", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def restore_dump(tenant_id: str, app_id: str, dump: str, as_json: bool) -> None:
    """Restore APP of TENANT from DUMP (a file `export --full` wrote) into a table that does
    not hold it (an empty one): the tenant and app are made with new keys when missing."""
    from tools.restore import from_dump

    ctx = _context()

    def records(lines: Any) -> Any:
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError:
                    raise click.ClickException(f"line {number} is not JSON") from None
            if number % 1000 == 0:
                click.echo(f"{number} records…", err=True)

    with open(dump, encoding="utf-8") as lines:
        done = _guard(
            lambda: from_dump(
                ctx, tenant_id, app_id, records(lines), progress=lambda m: click.echo(m, err=True)
            )
        )
    made = done["made"]
    text = [f"restored {sum(done['records'].values())} records into {tenant_id}/{app_id}"]
    if "tenant" in made:
        text.append(f"new admin key (shown once): {made['tenant']['adminKey']}")
    if "app" in made:
        text.append(f"new publishable key (shown once): {made['app']['publishableKey']}")
        text.append(f"new user-token secret (shown once): {made['app']['userTokenSecret']}")
    _emit(done, as_json, "\n".join(text))


@cli.group()
def local() -> None:
    """The local stack (moto + chalice local)."""


@local.command("run")
@click.option(
    "--port",
    default=lambda: int(os.environ.get("PORT", "8000")),
    type=int,
    show_default="8000 or $PORT",
)
def local_run(port: int) -> None:
    """Start moto, create the table, seed the demo, serve the API until Ctrl-C."""
    sys.exit(run(port))


@local.command("aws")
@click.option("--port", default=5000, type=int, show_default=True)
def local_aws(port: int) -> None:
    """Only the local AWS (moto with this project's fixes) on 127.0.0.1:PORT, until Ctrl-C.

    For AWS_ENDPOINT_URL=http://127.0.0.1:PORT: a plain `moto_server` copies the whole table
    in every transaction and slows to a crawl past a few thousand items.
    """
    sys.exit(serve_aws(port))


if __name__ == "__main__":
    cli()
