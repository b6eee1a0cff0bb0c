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
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def tenant_create(name: str, display_name: str | None, as_json: bool) -> None:
    """Create tenant NAME (2-40 of a-z, 0-9, -) and print its first admin key."""
    from chalicelib.services import tenants

    made = _guard(lambda: tenants.create_tenant(_context(), name, display_name))
    _emit(
        {"tenant": made["tenant"], "adminKey": made["adminKey"]},
        as_json,
        f"tenant {made['tenant']}\nadmin key (shown once): {made['adminKey']}",
    )


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
            length=total or None, label=f"exporting {app_id}", file=sys.stderr
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
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def import_app(
    tenant_id: str, app_id: str, source: str, from_app: str | None, as_json: bool
) -> None:
    """Load records into APP of TENANT from SOURCE: a file `export --full` wrote, or a
    postgresql:// database holding tools/postgres/schema.sql. Ids are kept; running it
    again writes the same items. No email or webhook goes out for what it loads."""
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
    "--rounds", default=20, show_default=True, type=int, help="How many of each request to measure."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def cost(volume: int, mix: str, rounds: int, as_json: bool) -> None:
    """Measure each request's cost on a local run, forecast a month, compare."""
    from tools import cost as costs

    try:
        shares = {k.strip(): float(v) for k, v in (p.split("=") for p in mix.split(","))}
    except ValueError:
        raise click.ClickException("--mix looks like reads=80,votes=15,creates=5") from None
    click.echo("measuring requests against a local stack…", err=True)
    kinds, per_event = costs.measure(rounds)
    try:
        plan = costs.forecast(kinds, per_event, volume, shares)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    idle = costs.idle_month()
    versus = costs.compare(kinds, per_event, shares)
    data = {
        "pricesAsOf": idle["pricesAsOf"],
        "perEvent": per_event,
        "measured": [
            {**k.__dict__, "cost": k.cost(per_event), "perMillion": k.cost(per_event) * 1e6}
            for k in kinds
        ],
        "forecast": plan,
        "idle": idle,
        "comparison": versus,
    }
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"Prices: us-east-1 on demand, as of {idle['pricesAsOf']} (chalicelib/pricing.py)")
    click.echo(
        "\n1. Measured per request (API Gateway HTTP API + Lambda 128 MB + DynamoDB"
        " + its events downstream)"
    )
    click.echo(f"   {'kind':<24}{'DDB calls':>10}{'RRU':>7}{'WRU':>7}{'ms':>8}{'$ / million':>14}")
    for k in kinds:
        click.echo(
            f"   {k.name:<24}{k.calls:>10.1f}{k.read_units:>7.1f}{k.write_units:>7.1f}"
            f"{k.ms:>8.1f}{k.cost(per_event) * 1e6:>14.2f}"
        )
    click.echo(
        f"   one event downstream (SNS + 5 consumers + their table work): "
        f"${per_event * 1e6:.2f} per million events"
    )
    click.echo(f"\n2. Forecast: {volume:,} requests a month, mix {mix}")
    for row in plan["rows"]:
        click.echo(
            f"   {row['kind']:<10}{row['share']:>6.0%}  ${row['perMillion']:>8.2f} per M"
            f"  ${row['month']:>10.2f}"
        )
    click.echo(f"   total ${plan['month']:.2f} a month (${plan['perMillion']:.2f} per million)")
    click.echo("\n3. Idle month (resources in the packaged template)")
    for row in idle["rows"]:
        click.echo(f"   {row['item']:<46}{row['count']:>4}  ${row['month']:.2f}")
    click.echo(f"   total ${idle['month']:.2f}")
    click.echo("\n4. Side by side, per month (ours = forecast + idle)")
    for row in versus:
        other = f"  other design ${row['seedOtherDesign']:.2f}" if "seedOtherDesign" in row else ""
        click.echo(
            f"   {row['requestsPerMonth']:>9,} requests: ours ${row['ours']:.2f}, "
            f"seed estimate ${row['seedEstimate']:.2f}, Fider server ${row['fider']}{other}"
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
