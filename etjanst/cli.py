"""The `etjanst` command: up, mocks, token, contracts, record, call."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import re
import secrets
import shutil
import socket
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from contracts.registry import PRODUCED, UPSTREAMS
from contracts.runner import GATEWAY_SUITE, SUITE_KINDS
from etjanst.ports import LOOPBACK, PortUnavailable, listen
from gateway.auth import mint_staff_token, mint_token
from gateway.domain.identity import InvalidIdentityNumber, parse_identity
from gateway.domain.staff import Role
from gateway.settings import ConfigFileError, Settings, load_settings

# Processes rather than threads: the GIL makes threads of one process take turns, and measured
# on two cores, 4 workers x 4 threads served 12 % more gateway requests than 2 x 16.
# Capped: each worker holds its own clients and mocks, and this is a development server.
DEFAULT_WORKERS = max(2, min(8, 2 * (os.cpu_count() or 1)))
DURATION = re.compile(r"(\d+)([smhd]?)")
UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
ROLES = [r.value for r in Role]


class CliError(Exception):
    """A readable message for the user; the command exits with status 2."""


def duration(text: str) -> timedelta:
    match = DURATION.fullmatch(text.strip())
    if not match or int(match.group(1)) == 0:
        raise argparse.ArgumentTypeError("a duration such as 3600, 90s, 15m, 8h or 1d")
    return timedelta(seconds=int(match.group(1)) * UNITS[match.group(2)])


def port_number(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise argparse.ArgumentTypeError("a port number from 1 to 65535")
    return int(text)


def _settings(config: Path | None) -> Settings:
    """The command's settings: `etjanst` serves and mints for development, always."""
    try:
        return load_settings(config, environment="development")
    except ConfigFileError as exc:
        raise CliError(str(exc)) from exc


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve anywhere
        return False


def _guard_admin_api(settings: Settings, host: str) -> None:
    """The mocks' admin API rewrites what every client gets: beyond this machine, only with
    its credential."""
    if settings.mocks.admin_token or is_loopback(host):
        return
    raise CliError(
        f"--host {host} would open the mocks' admin API to the network: set "
        "mocks.admin_token (ETJANST_MOCKS__ADMIN_TOKEN, 16 characters or more) and send it "
        "as Authorization: Bearer <token>"
    )


def _serve(args: argparse.Namespace, mocks_only: bool) -> int:
    settings = _settings(args.config)
    _guard_admin_api(settings, args.host)
    listener = _listen(args.host, args.port)
    if not settings.mocks.admin_token:
        print(
            "etjanst: WARNING the mocks' admin API has no credential: anyone on this machine "
            "can change what the mocks answer (set mocks.admin_token to require one)",
            file=sys.stderr,
            flush=True,
        )
    # prometheus-client picks multiprocess mode when it is imported, so before anything is
    metrics_dir = tempfile.mkdtemp(prefix="etjanst-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir

    from etjanst.gunicorn_runner import run
    from etjanst.server import (
        combined_app,
        loopback_url,
        mocks_only_app,
        state_dir,
        uses_builtin_mocks,
    )

    mocks_dir = state_dir(settings)
    base_url = loopback_url(args.host, args.port)
    mocks_listener = None
    if mocks_only:
        what = f"mocks on {base_url}/mocks/" + _replayed(args.replay, settings, mocks_dir)
        build = lambda: mocks_only_app(settings, mocks_dir)  # noqa: E731
    else:
        builtin = ""
        mocks_url = base_url
        if uses_builtin_mocks(settings):
            # the gateway's calls to the built-in mocks: a listener and threads of their own
            mocks_listener = _listen(LOOPBACK, 0)
            mocks_url = loopback_url(LOOPBACK, mocks_listener.getsockname()[1])
            builtin = f" (upstreams: the built-in mocks, called on {mocks_url}/mocks/)"
        what = f"gateway on {base_url}/docs, mocks on {base_url}/mocks/{builtin}"
        build = lambda: combined_app(settings, mocks_url, mocks_dir)  # noqa: E731
    print(f"etjanst: {what}", file=sys.stderr, flush=True)
    try:
        run(
            build,
            listener,
            args.workers,
            args.threads,
            args.timeout,
            args.access_log,
            mocks_listener,
        )
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)
        if settings.mocks.state_dir is None:
            shutil.rmtree(mocks_dir, ignore_errors=True)
    return 0


def _listen(host: str, port: int) -> socket.socket:
    try:
        return listen(host, port)
    except PortUnavailable as exc:
        raise CliError(str(exc)) from exc


def _replayed(recording: Path | None, settings: Settings, mocks_dir: Path) -> str:
    """Load a recording into the mocks' stubs before the workers start."""
    if recording is None:
        return ""
    if not recording.is_dir():
        raise CliError(f"--replay {recording}: no such folder")
    from etjanst.recording import replay
    from etjanst.server import mock_config
    from mocks.kit.store import MockStore

    loaded = replay(recording, MockStore(mock_config(settings, mocks_dir).state_path))
    return f", replaying {loaded} recorded exchange(s) from {recording}"


def _record(args: argparse.Namespace) -> int:
    settings = _settings(args.config)
    upstream = next(u for u in UPSTREAMS if u.name == args.upstream)
    from etjanst.gunicorn_runner import run
    from etjanst.recording import Recorder
    from etjanst.server import loopback_url

    try:
        recorder = Recorder(upstream, settings.upstream(upstream.name), args.out)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    listener = _listen(args.host, args.port)
    proxy = loopback_url(args.host, args.port)
    print(
        f"etjanst record: {upstream.name} at {settings.upstream(upstream.name).url}, recorded "
        f"into {args.out}; point upstreams.{upstream.name}.url at {proxy}",
        file=sys.stderr,
        flush=True,
    )
    run(lambda: recorder, listener, 1, 8, args.timeout, access_log=False)
    return 0


def _token(args: argparse.Namespace) -> int:
    settings = _settings(args.config)
    if not settings.auth.hs256_secret:
        raise CliError("auth.hs256_secret is not set: development tokens are signed with it")
    if args.ttl.total_seconds() > settings.auth.max_lifetime_s:
        raise CliError(
            f"--ttl is longer than auth.max_lifetime_s ({settings.auth.max_lifetime_s} s): "
            "the gateway would refuse the token"
        )
    if args.staff is not None:
        return _staff_token(args, settings.auth.hs256_secret)
    if args.identity is None:
        raise CliError("give an identity number, or --staff HSA-ID for a staff token")
    for label, number in (("the identity number", args.identity), ("--act-for", args.act_for)):
        if number is None:
            continue
        try:
            parse_identity(number)
        except InvalidIdentityNumber as exc:  # never echo the number back
            raise CliError(
                f"{label} is not a valid personnummer or samordningsnummer: {exc}"
            ) from exc
    print(mint_token(settings.auth.hs256_secret, args.identity, args.act_for, args.ttl, args.name))
    return 0


def _staff_token(args: argparse.Namespace, secret: str) -> int:
    if args.identity is not None or args.act_for is not None:
        raise CliError("--staff takes no identity number and no --act-for")
    try:
        print(mint_staff_token(secret, args.staff, args.unit, args.role or ["staff"], args.ttl))
    except ValueError as exc:
        raise CliError(f"--staff and --unit are HSA-ids, --role one of {ROLES}: {exc}") from exc
    return 0


def _contracts(args: argparse.Namespace) -> int:
    from contracts.runner import run_suites
    from etjanst.server import RunningServer, combined_app, serve_in_thread

    def start_mocks(settings: Settings, state: Path) -> RunningServer:
        """The mocks, and the gateway beside them (the producer of eoffering) as `etjanst up`
        runs it for development, on loopback, its store in the run's private state."""
        store = settings.store.model_copy(update={"url": None, "sqlite_path": state / "gw.db"})
        auth = settings.auth.model_copy(update={"hs256_secret": secrets.token_urlsafe(32)})
        ours = settings.model_copy(
            update={"store": store, "auth": auth, "environment": "development"}
        )
        return serve_in_thread(lambda url: combined_app(ours, url, state))

    return run_suites(
        args.target,
        args.junit,
        args.pytest_args,
        start_mocks,
        args.upstream,
        kind=args.suite,
        html=args.html,
        data=args.data,
        report=args.report,
        fail_on_drift=args.fail_on_drift,
        producer_url=args.producer_url,
    )


def _call(args: argparse.Namespace) -> int:
    from etjanst.calling import CallRefused, choose, patient, perform
    from etjanst.server import mocks_only_app, serve_in_thread, state_dir, with_builtin_upstreams
    from gateway.domain.units import MalformedUnitId, normalise_unit_id
    from gateway.upstreams.calls import CallInput

    settings = _settings(args.config)
    try:
        chosen = choose(args.upstream, args.operation)
        who = patient(args.patient, settings.today_date())
    except CallRefused as exc:
        raise CliError(str(exc)) from exc
    try:
        given = CallInput(who, normalise_unit_id(args.unit), settings.today_date())
    except MalformedUnitId as exc:
        raise CliError(f"--unit: {exc}") from exc
    name = chosen.upstream.name
    if args.config is not None:  # a real upstream: as the settings file places it
        if not (settings.upstream(name).url or settings.upstream(name).endpoints):
            raise CliError(f"{args.config} gives no url for upstreams.{name}")
        return _perform_call(perform, chosen, settings, given, args.show_identities)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the mocks' request lines
    mocks_dir = state_dir(settings)
    mocks = serve_in_thread(lambda url: mocks_only_app(settings, mocks_dir))
    try:
        target = with_builtin_upstreams(settings, mocks.url)
        return _perform_call(perform, chosen, target, given, args.show_identities)
    finally:
        mocks.stop()
        if settings.mocks.state_dir is None:
            shutil.rmtree(mocks_dir, ignore_errors=True)


def _perform_call(perform: Any, *arguments: Any) -> int:
    from etjanst.calling import CallRefused

    try:
        status: int = perform(*arguments[:3], sys.stdout, arguments[3])
    except CallRefused as exc:
        raise CliError(str(exc)) from exc
    return status


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="etjanst", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)

    # different default ports, so the mocks alone can run beside `etjanst up`
    for name, help_text, port in (
        ("up", "gateway and all mocks on one port", 8000),
        ("mocks", "the mocks alone, for people building their own clients", 8001),
    ):
        serve = commands.add_parser(name, help=help_text)
        serve.add_argument("--host", default="127.0.0.1")
        serve.add_argument("--port", type=port_number, default=port, help=f"default: {port}")
        serve.add_argument("--config", type=Path, help="TOML settings file")
        serve.add_argument(
            "--workers",
            type=int,
            default=DEFAULT_WORKERS,
            help="gunicorn worker processes (default: two per CPU)",
        )
        serve.add_argument("--threads", type=int, default=8, help="threads per worker")
        serve.add_argument("--timeout", type=int, default=60, help="worker timeout, seconds")
        serve.add_argument("--access-log", action="store_true", help="log every request")
        serve.add_argument(
            "--log-level",
            default="info",
            choices=["debug", "info", "warning", "error"],
            help="debug also logs every upstream envelope (identity numbers masked)",
        )
        if name == "mocks":
            serve.add_argument(
                "--replay", type=Path, help="serve a recording (etjanst record) through the stubs"
            )
        else:
            serve.set_defaults(replay=None)
        serve.set_defaults(run=lambda a, m=(name == "mocks"): _serve(a, m))

    record = commands.add_parser(
        "record", help="a recording proxy in front of a real upstream (pseudonymised)"
    )
    record.add_argument("--upstream", required=True, choices=[u.name for u in UPSTREAMS])
    record.add_argument("--config", type=Path, help="TOML settings file naming the upstream's url")
    record.add_argument("--out", type=Path, required=True, help="the recording's folder")
    record.add_argument("--host", default="127.0.0.1")
    record.add_argument("--port", type=port_number, default=8002, help="default: 8002")
    record.add_argument("--timeout", type=int, default=60, help="worker timeout, seconds")
    record.set_defaults(run=_record)

    token = commands.add_parser("token", help="print a development JWT (HS256)")
    token.add_argument("identity", nargs="?", help="12-digit personnummer or samordningsnummer")
    token.add_argument("--act-for", help="the child's number, when acting as guardian/proxy")
    token.add_argument("--name", help="the citizen's name (the optional `name` claim)")
    token.add_argument("--ttl", type=duration, default=timedelta(hours=1), help="e.g. 15m, 8h")
    token.add_argument("--config", type=Path, help="TOML settings file")
    token.add_argument("--staff", metavar="HSA-ID", help="a staff token for this person instead")
    token.add_argument("--unit", action="append", default=[], help="with --staff (repeatable)")
    token.add_argument("--role", action="append", choices=ROLES, help="with --staff (repeatable)")
    token.set_defaults(run=_token)

    contracts = commands.add_parser("contracts", help="run the contract suites")
    contracts.add_argument(
        "--target", default="mocks", help="'mocks' (built-in, started here) or a TOML settings file"
    )
    contracts.add_argument(
        "--suite",
        default="consumer",
        choices=SUITE_KINDS,
        help="consumer: what the gateway relies on (default); producer: the contract owners' "
        "producer test suite",
    )
    contracts.add_argument(
        "--upstream",
        action="append",
        default=[],
        choices=[
            *(u.name for u in UPSTREAMS if u.suite or u.producer_suite),
            *(p.name for p in PRODUCED),
            GATEWAY_SUITE,
        ],
        help="only this upstream's suite (repeatable; default: every upstream's and the "
        "gateway's own checks), or with --suite producer a contract the gateway produces "
        "(eoffering)",
    )
    contracts.add_argument(
        "--producer-url",
        help="with --suite producer: the endpoint of another producer of a contract the gateway "
        "produces (default: the gateway started here)",
    )
    contracts.add_argument("--junit", type=Path, help="write JUnit XML here")
    contracts.add_argument("--html", type=Path, help="write an HTML report here (one page)")
    contracts.add_argument(
        "--report",
        type=Path,
        metavar="FILE.html",
        help="write the contract report here (one page: outcomes and drift per upstream and "
        "operation) and its JSON twin beside it (FILE.json)",
    )
    contracts.add_argument(
        "--fail-on-drift", action="store_true", help="exit 1 when an answer showed drift"
    )
    contracts.add_argument(
        "--data", type=Path, help="the producer suite's test data, for a real producer (TOML)"
    )
    contracts.add_argument(
        "pytest_args", nargs=argparse.REMAINDER, help="after --: extra pytest arguments"
    )
    contracts.set_defaults(run=_contracts)

    call = commands.add_parser(
        "call",
        help="one upstream call with the gateway's client: the raw exchange, timing and result",
    )
    call.add_argument("upstream", help="e.g. cosmic, frikort, population, ehm_nll")
    call.add_argument("operation", help="e.g. GetMedicationHistory")
    call.add_argument(
        "--patient",
        default="adult-rules",
        help="a label of the mock population or a 12-digit number (default: adult-rules)",
    )
    call.add_argument(
        "--unit", default="SE2321000057-5VTN", help="HSA-id of the unit or facility (Tenhult)"
    )
    call.add_argument(
        "--config", type=Path, help="TOML settings naming the upstream (default: built-in mocks)"
    )
    call.add_argument(
        "--show-identities", action="store_true", help="print identity numbers unmasked"
    )
    call.set_defaults(run=_call, log_level="warning")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    level = getattr(logging, getattr(args, "log_level", "info").upper())
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    for chatty in ("urllib3", "zeep"):  # their DEBUG lines add nothing to ours
        logging.getLogger(chatty).setLevel(max(level, logging.INFO))
    logging.getLogger("alembic").setLevel(max(level, logging.WARNING))  # nor alembic's INFO
    try:
        return args.run(args)
    except CliError as exc:
        print(f"etjanst {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
