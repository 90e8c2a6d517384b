"""Run every benchmark, interleaving each comparison, and print a table and JSON.

    python benchmarks/run.py               # the full run (a minute or two)
    python benchmarks/run.py --smoke       # tiny sizes, one round: checks that it still works

Each time is a median over repeated runs in child processes; each ratio is the median of the ratios
of runs made side by side (see paired_ratio). The sandbox serves the Calendar in its
own process, so it does not compete with the app for the GIL. The package is compiled to bytecode
first, as pip compiles an installed package and Python a run one (unless PYTHONDONTWRITEBYTECODE is
set, as it may be on a CI machine): the references' libraries have their bytecode too.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tui

HERE = Path(__file__).parent
PROBES = HERE / "probes.py"
TARGETS = {
    "startup_ratio": 1.25,
    "throughput_ratio": 1.3,
    "peak_rss_mb_at_10000": 150.0,
    "key_p95_ms": 100.0,
    "sign_in_to_rows_ratio": 2.0,
    "merged_calendars_ratio": 1.5,
    "merged_calendars_key_p95_ms": 100.0,
    "merging_per_event_ratio": 1.0,
    "agenda_offline_ratio": 3.0,
    "restart_from_store_ratio": 1.3,
    "incremental_sync_bytes_share": 0.01,
    "incremental_sync_time_share": 0.1,
    "peak_rss_mb_store_100000": 150.0,
}


@dataclass(frozen=True)
class Emulator:
    api_root: str
    client_secrets: str
    credentials: str


@contextmanager
def emulator(
    events: int, page_size: int = 2500, latency: float = 0.0, calendars: int = 1, days: int = 30
) -> Iterator[Emulator]:
    with tempfile.TemporaryDirectory(prefix="gcal-tui-bench-") as directory:
        secrets, credentials = f"{directory}/client_secrets.json", f"{directory}/credentials.json"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tui.sandbox",
                "--client-secrets",
                secrets,
                "--credentials",
                credentials,
                "--bulk",
                str(events),
                "--page-size",
                str(page_size),
                "--latency",
                str(latency),
                "--calendars",
                str(calendars),
                "--bulk-days",
                str(days),
            ],
            stdout=subprocess.PIPE,
            text=True,
            cwd=HERE.parent,
        )
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            api_root = line.split()[2].rstrip(";")
            yield Emulator(api_root, secrets, credentials)
        finally:
            process.terminate()
            process.wait(timeout=30)


def probe(name: str, *arguments: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, str(PROBES), name, *arguments],
        capture_output=True,
        text=True,
        cwd=HERE.parent,
        timeout=600,
        check=False,
    )
    if result.returncode != 0 or not result.stdout.strip():
        raise RuntimeError(f"probe {name} failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def paired_ratio(
    runs: list[dict[str, float]], references: list[dict[str, float]], key: str = "seconds"
) -> float:
    """The median of each run's ratio to the reference run beside it: a slow moment of the machine
    falls on both runs of a pair, so it cancels, where a ratio of two medians can pair a slow app
    run with a fast reference run."""
    return statistics.median(
        run[key] / reference[key] for run, reference in zip(runs, references, strict=True)
    )


def startup(repeat: int) -> dict[str, float]:
    app, link, bare = [], [], []
    for _ in range(repeat):  # interleaved: the machine's noise falls on all alike
        app.append(probe("startup-app"))
        link.append(probe("startup-app-link"))
        bare.append(probe("startup-bare"))
    app_s, link_s, bare_s = median(app, "seconds"), median(link, "seconds"), median(bare, "seconds")
    return {
        "app_seconds": app_s,
        "app_link_shown_seconds": link_s,
        "bare_seconds": bare_s,
        "ratio": paired_ratio(app, bare),
        "link_shown_ratio": paired_ratio(link, bare),
    }


def beside_quickstart(
    events: int, repeat: int, app_probe: Callable[[Emulator], dict[str, float]]
) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """`repeat` runs of `app_probe`, each followed by one of the quickstart, on one emulator."""
    app, script = [], []
    with emulator(events) as served:
        for _ in range(repeat):
            app.append(app_probe(served))
            script.append(probe("quickstart", served.api_root, served.credentials))
    assert all(run["rows"] == events for run in app + script), "not every event arrived"
    return app, script


def throughput(events: int, repeat: int) -> dict[str, float]:
    app, script = beside_quickstart(
        events,
        repeat,
        lambda served: probe("table", served.api_root, served.client_secrets, served.credentials),
    )
    return {
        "events": events,
        "app_seconds": median(app, "seconds"),
        "quickstart_seconds": median(script, "seconds"),
        "ratio": paired_ratio(app, script),
        "app_from_process_start_seconds": median(app, "from_start_seconds"),
        "quickstart_from_process_start_seconds": median(script, "from_start_seconds"),
        "app_peak_rss_mb": median(app, "peak_rss_mb"),
        "quickstart_peak_rss_mb": median(script, "peak_rss_mb"),
    }


def sign_in(events: int, repeat: int) -> dict[str, float]:
    """A first sign-in, from the browser's redirect to every row on screen, against the quickstart's
    calls on the same emulator."""
    app, script = beside_quickstart(
        events, repeat, lambda served: probe("sign-in", served.api_root, served.client_secrets)
    )
    return {
        "events": events,
        "app_seconds": median(app, "seconds"),
        "quickstart_seconds": median(script, "seconds"),
        "ratio": paired_ratio(app, script),
    }


def responsiveness(events: int, page_size: int, latency: float, repeat: int) -> dict[str, float]:
    with emulator(events, page_size, latency) as served:
        runs = [
            probe("keys", served.api_root, served.client_secrets, served.credentials) for _ in range(repeat)
        ]
    return {
        "events": events,
        "latency_per_page_s": latency,
        "presses": sum(run["presses"] for run in runs),
        "p95_ms": 1000 * median(runs, "p95_seconds"),
        "handled_p95_ms": 1000 * median(runs, "handled_p95_seconds"),
        "max_ms": 1000 * max(run["max_seconds"] for run in runs),
    }


def merged(calendars: int, events: int, page_size: int, latency: float, repeat: int) -> dict[str, float]:
    """Every calendar merged into the agenda, against one of them alone, on the same emulator."""
    merged_runs, single_runs = [], []
    with emulator(events, page_size, latency, calendars) as served:
        arguments = (served.api_root, served.client_secrets, served.credentials)
        for _ in range(repeat):
            merged_runs.append(probe("table", *arguments))
            single_runs.append(probe("table", *arguments, "primary"))
        keys = [probe("keys", *arguments) for _ in range(repeat)]
    assert all(run["rows"] == events * calendars for run in merged_runs), "not every event arrived"
    assert all(run["rows"] == events for run in single_runs), "not every event arrived"
    return {
        "calendars": calendars,
        "events_per_calendar": events,
        "latency_per_page_s": latency,
        "merged_seconds": median(merged_runs, "seconds"),
        "one_calendar_seconds": median(single_runs, "seconds"),
        "ratio": paired_ratio(merged_runs, single_runs),
        "key_presses": sum(run["presses"] for run in keys),
        "key_p95_ms": 1000 * median(keys, "p95_seconds"),
    }


def merging(calendars: int, events: int, repeat: int) -> dict[str, float]:
    """The screen's work of merging `calendars` calendars of `events` events each, against one
    calendar holding as many events in all (no network: see the `merging` probe), in the UI
    thread's CPU time per event."""
    many, one = [], []
    for _ in range(repeat):
        many.append(probe("merging", str(calendars), str(events)))
        one.append(probe("merging", "1", str(calendars * events)))
    assert all(run["rows"] == calendars * events for run in many + one), "not every event was shown"
    total = calendars * events
    return {
        "calendars": calendars,
        "events_per_calendar": events,
        "per_event_us": 1e6 * median(many, "cpu_seconds") / total,
        "one_calendar_per_event_us": 1e6 * median(one, "cpu_seconds") / total,
        "ratio": paired_ratio(many, one, "cpu_seconds"),
        "wall_ratio": paired_ratio(many, one),
    }


def timed_process(*command: str, environment: dict[str, str] | None = None) -> dict[str, float]:
    """A whole process, from start to exit, as a shell script runs it."""
    began = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=HERE.parent, env=environment, timeout=120)
    return {"seconds": time.perf_counter() - began}


@dataclass(frozen=True)
class StoredEmulator:
    served: Emulator
    agenda: list[str]  # `gcal-tui agenda --format json --days 7` on it
    environment: dict[str, str]  # with settings in a folder of their own


@contextmanager
def stored_emulator(events: int, **options: Any) -> Iterator[StoredEmulator]:
    """An emulator of `events` events (`options` as for `emulator`) whose store is filled: one
    `gcal-tui agenda` has synced it beside the emulator's credentials."""
    with emulator(events, **options) as served, tempfile.TemporaryDirectory(prefix="gcal-tui-bench-") as home:
        environment = {**os.environ, "XDG_CONFIG_HOME": f"{home}/config", "XDG_STATE_HOME": f"{home}/state"}
        command = [sys.executable, "-m", "tui", "agenda", "--format", "json", "--days", "7"]
        command += ["--credentials", served.credentials, "--client-secrets", served.client_secrets]
        command += ["--api-endpoint", served.api_root]
        timed_process(*command, environment=environment)  # the sync that fills the store
        yield StoredEmulator(served, command, environment)


def agenda_offline(events: int, repeat: int) -> dict[str, float]:
    """`gcal-tui agenda --offline --format json` for 7 days from a store of `events` events, against
    a Python that imports json and sqlite3 and exits."""
    with stored_emulator(events) as stored:
        offline, bare = [], []
        for _ in range(repeat):
            offline.append(timed_process(*stored.agenda, "--offline", environment=stored.environment))
            bare.append(timed_process(sys.executable, "-c", "import json, sqlite3"))
    return {
        "events_stored": events,
        "agenda_seconds": median(offline, "seconds"),
        "bare_python_seconds": median(bare, "seconds"),
        "ratio": paired_ratio(offline, bare),
    }


def restart_from_store(events: int, latency: float, repeat: int) -> dict[str, float]:
    """A start with `events` events stored and `latency` seconds on each answer from the emulator:
    to the frame with the stored agenda, against the bare Textual app's start-up."""
    with stored_emulator(events, latency=latency) as stored:
        served = stored.served
        arguments = (served.api_root, served.client_secrets, served.credentials)
        app, bare = [], []
        for _ in range(repeat):
            app.append(probe("restart", *arguments, "drawn"))
            bare.append(probe("startup-bare"))
    assert all(run["rows"] == events for run in app), "not every stored event was drawn"
    return {
        "events_stored": events,
        "latency_seconds": latency,
        "app_seconds": median(app, "seconds"),
        "bare_seconds": median(bare, "seconds"),
        "ratio": paired_ratio(app, bare),
        "first_days_seconds": median(app, "first_rows_seconds"),
        "first_days_ratio": statistics.median(
            run["first_rows_seconds"] / reference["seconds"] for run, reference in zip(app, bare, strict=True)
        ),
    }


def sync_cost(events: int, changes: int, repeat: int) -> dict[str, float]:
    """An incremental sync after `changes` changes, against the full sync of the same calendar."""
    runs = [probe("sync-cost", str(events), str(changes)) for _ in range(repeat)]
    return {
        "events": events,
        "changes": changes,
        "full_seconds": median(runs, "full_seconds"),
        "incremental_seconds": median(runs, "incremental_seconds"),
        "full_bytes": median(runs, "full_bytes"),
        "incremental_bytes": median(runs, "incremental_bytes"),
        "time_share": statistics.median(run["incremental_seconds"] / run["full_seconds"] for run in runs),
        "bytes_share": statistics.median(run["incremental_bytes"] / run["full_bytes"] for run in runs),
    }


def store_memory(events: int, days: int, repeat: int) -> dict[str, float]:
    """Peak RSS of the app open on its 30 days, with `events` events stored over `days` days, to
    the frame after its first sync."""
    with stored_emulator(events, days=days) as stored:
        served = stored.served
        runs = [
            probe("restart", served.api_root, served.client_secrets, served.credentials, "synced")
            for _ in range(repeat)
        ]
    return {
        "events_stored": events,
        "over_days": days,
        "rows": median(runs, "rows"),
        "peak_rss_mb": median(runs, "peak_rss_mb"),
    }


def print_row(
    label: str,
    app: float,
    reference: float | None = None,
    ratio: float | None = None,
    target: str = "",
    decimals: int = 3,
    ratio_decimals: int = 2,
) -> None:
    """One line of the table; a figure that has no reference or ratio leaves its column blank."""
    reference_text = f"{reference:>12.{decimals}f}" if reference is not None else f"{'':>12}"
    ratio_text = f"{ratio:>8.{ratio_decimals}f}" if ratio is not None else f"{'':>8}"
    print(f"{label:<44}{app:>12.{decimals}f}{reference_text}{ratio_text}{target:>10}".rstrip())


def print_table(results: dict[str, Any]) -> None:
    start, growth, keys = results["startup"], results["growth"], results["responsiveness"]
    print(f"{'benchmark':<44}{'gcal-tui':>12}{'reference':>12}{'ratio':>8}{'target':>10}")
    print_row(
        "start-up to sign-in screen painted (s)",
        start["app_seconds"],
        start["bare_seconds"],
        start["ratio"],
        "≤ 1.25",
    )
    print_row(
        "start-up to sign-in link shown (s)",
        start["app_link_shown_seconds"],
        start["bare_seconds"],
        start["link_shown_ratio"],
    )
    for row in growth:
        print_row(
            f"{row['events']:,} events to table, vs quickstart (s)",
            row["app_seconds"],
            row["quickstart_seconds"],
            row["ratio"],
            "≤ 1.3" if row["events"] == 10000 else "",
        )
    for row in growth:
        print_row(
            f"peak RSS at {row['events']:,} events (MB)",
            row["app_peak_rss_mb"],
            row["quickstart_peak_rss_mb"],
            None,
            "≤ 150" if row["events"] == 10000 else "",
            1,
        )
    row = growth[1] if len(growth) > 1 else growth[0]
    print_row(
        f"{row['events']:,} events, from process start (s)",
        row["app_from_process_start_seconds"],
        row["quickstart_from_process_start_seconds"],
    )
    first = results["sign_in"]
    print_row(
        f"redirect to {first['events']:,} rows, vs quickstart (s)",
        first["app_seconds"],
        first["quickstart_seconds"],
        first["ratio"],
        "≤ 2",
    )
    both = results["merged"]
    print_row(
        f"{both['calendars']} calendars merged, vs 1 alone (s)",
        both["merged_seconds"],
        both["one_calendar_seconds"],
        both["ratio"],
        "≤ 1.5",
    )
    print_row(
        f"keys while {both['calendars']} calendars load, p95 (ms)",
        both["key_p95_ms"],
        target="≤ 100",
        decimals=1,
    )
    mixed = results["merging"]
    print_row(
        f"{mixed['calendars']}x{mixed['events_per_calendar']} merged, vs 1 calendar (µs/event)",
        mixed["per_event_us"],
        mixed["one_calendar_per_event_us"],
        mixed["ratio"],
        "≤ 1.0",
        1,
    )
    script = results["agenda_offline"]
    print_row(
        f"agenda --offline, {script['events_stored']:,} stored (s)",
        script["agenda_seconds"],
        script["bare_python_seconds"],
        script["ratio"],
        "≤ 3",
    )
    again = results["restart"]
    print_row(
        f"restart, {again['events_stored']:,} stored, {again['latency_seconds']:g} s latency (s)",
        again["app_seconds"],
        again["bare_seconds"],
        again["ratio"],
        "≤ 1.3",
    )
    print_row(
        "restart, the range's first 2 days drawn (s)",
        again["first_days_seconds"],
        again["bare_seconds"],
        again["first_days_ratio"],
    )
    cost = results["sync_cost"]
    print_row(
        f"incremental sync, {cost['changes']} of {cost['events']:,} changed (s)",
        cost["incremental_seconds"],
        cost["full_seconds"],
        cost["time_share"],
        "≤ 0.1",
    )
    print_row(
        "incremental sync, bytes (kB)",
        cost["incremental_bytes"] / 1000,
        cost["full_bytes"] / 1000,
        cost["bytes_share"],
        "≤ 0.01",
        decimals=1,
        ratio_decimals=4,
    )
    held = results["store_memory"]
    print_row(
        f"peak RSS, {held['events_stored']:,} stored, agenda open (MB)",
        held["peak_rss_mb"],
        target="≤ 150",
        decimals=1,
    )
    print_row("keys while pages stream, p95 to paint (ms)", keys["p95_ms"], target="≤ 100", decimals=1)
    print_row("keys while pages stream, p95 handled (ms)", keys["handled_p95_ms"], decimals=1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one round")
    parser.add_argument("--json", type=Path, default=HERE / "results.json", help="where to write the figures")
    args = parser.parse_args()
    compileall.compile_dir(Path(tui.__file__).parent, quiet=1)  # the package the probes import
    sizes, repeat, keys_events, keys_page = ([1000, 10000, 100000], 7, 10000, 2500)
    if args.smoke:
        sizes, repeat, keys_events, keys_page = ([60, 120], 1, 100, 25)
    results: dict[str, object] = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "processor": platform.machine(),
            "cpus": os.cpu_count(),
        },
        "startup": startup(11 if not args.smoke else 1),  # a short figure, and noisy: more runs
        "growth": [throughput(size, repeat if size <= 10000 else 2) for size in sizes],
        "sign_in": sign_in(sizes[1], 7 if not args.smoke else 1),
        "merged": merged(10, 1000, 250, 0.3, 3) if not args.smoke else merged(3, 50, 25, 0.05, 1),
        "merging": merging(100, 100, 11) if not args.smoke else merging(5, 20, 1),
        "agenda_offline": agenda_offline(10000, 11) if not args.smoke else agenda_offline(100, 1),
        "restart": restart_from_store(10000, 1.0, 11) if not args.smoke else restart_from_store(60, 0.1, 1),
        "sync_cost": sync_cost(10000, 10, 3) if not args.smoke else sync_cost(200, 2, 1),
        "store_memory": store_memory(100000, 1095, 1) if not args.smoke else store_memory(300, 90, 1),
        "responsiveness": responsiveness(
            keys_events, keys_page, 0.05 if args.smoke else 0.3, 1 if args.smoke else 3
        ),
        "targets": TARGETS,
    }
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
