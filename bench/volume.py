"""A real inbox's volume: tick CPU and Gmail units with many interviews and much mail, a burst
under the per-minute quota, the cold idle tick against the client's import floor, and the
daemon's memory over many ticks; every figure side by side in one run.

Scale: N interviews (all on Wednesday, so nothing is due), a first tick on Monday 09:00, then
M new messages of which 50 are from interviewers (they matter) and the rest list mail; the
tick at 12:00 is measured: CPU of the thread running the engine (the sandbox serves from its
own threads and is not counted), Gmail units, `messages.get` calls.

Burst: five interviews end Monday 15:00; 5,000 list mails arrive before 19:00; the sandbox
enforces 6,000 units a minute; ticks at 19:05, 19:06, 19:07 (the daemon's pace after a stop).

Cold: `followup tick` as cron and the systemd unit run it (the installed `followup` console
script beside this interpreter, else `python -m agent.cli.main`), a fresh process on an idle
home, against `python -c "import googleapiclient.discovery"`: CPU (user+sys) of --runs runs
each, interleaved; the median, the spread (lowest to highest) and the per-run ratios.

Daemon: a real `followup run` process ticking every 30 ms on an idle home for --daemon-ticks
ticks; its resident memory (VmRSS) sampled along the way.

Usage: .venv/bin/python bench/volume.py [--runs 15] [--daemon-ticks 10000] [--quick] [--cold]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from email.utils import format_datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import tests.e2e.world as world_module
from agent.core.settings import DaemonSettings
from agent.engine.tick import tick
from bench.requests_per_tick import MONDAY, WEDNESDAY, Bench, at
from tests.e2e.world import USER, make_world

# The sandbox searches thousands of messages for hundreds of senders slowly (it is not
# Gmail's index): give each request time, the agent's own CPU is what is measured.
world_module.CONFIG = world_module.CONFIG.replace("timeout_seconds = 5", "timeout_seconds = 300")

MATTER = 50
QUOTA = 6000
DEFAULT_INTERVAL_MINUTES = DaemonSettings().interval_minutes


def deliver_list_mail(bench: Bench, count: int, start, end) -> None:
    """`count` list mails spread between two moments (complete, so the sandbox parses once)."""
    step = (end - start) / max(count, 1)
    for i in range(count):
        when = start + step * i
        raw = (
            f"From: Digest <digest{i % 7}@lists.example.org>\r\nTo: {USER}\r\n"
            f"Subject: Digest #{i}\r\nDate: {format_datetime(when)}\r\n"
            f"Message-ID: <digest-{i}@lists.example.org>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\nUnrelated news.\r\n"
        )
        bench.world.sandbox.deliver(raw.encode(), internal_date=when)


def deliver_mail_that_matters(bench: Bench, count: int, when) -> None:
    """Messages from `count` interviewers (Company000 ... ) before their interviews."""
    for i in range(count):
        raw = (
            f"From: Person {i} <person{i}@company{i:03d}.com>\r\nTo: {USER}\r\n"
            f"Subject: Looking forward to Wednesday\r\nDate: {format_datetime(when)}\r\n"
            f"Message-ID: <matter-{i}@company{i:03d}.com>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\nSee you then.\r\n"
        )
        bench.world.sandbox.deliver(raw.encode(), internal_date=when)


def scale(interviews: int, mail: int, folder: Path) -> dict[str, float]:
    """One busy tick: N interviews, M new messages of which 50 matter."""
    bench = Bench(folder, [WEDNESDAY] * interviews)
    try:
        bench.tick(at(9))
        deliver_mail_that_matters(bench, MATTER, at(10))
        deliver_list_mail(bench, mail - MATTER, at(10), at(11, 50))
        bench.world.at(at(12))
        bench.world.sandbox.clear_log()
        session = bench.session()
        started = time.thread_time()
        tick(session, at(12))
        cpu = time.thread_time() - started
        used = bench.world.sandbox.units()
        gets = sum(1 for r in bench.world.sandbox.request_log()
                   if r.method == "gmail.users.messages.get")
        session = bench.session()
        idle_started = time.thread_time()
        tick(session, at(12, 5))
        idle_cpu = time.thread_time() - idle_started
    finally:
        bench.close()
    by_method = used["by_method"]
    unrelated = by_method.get("gmail.users.history.list", 0) + by_method.get(
        "gmail.users.messages.list", 0
    )
    return {"cpu": cpu, "units": used["total"], "gets": gets, "unrelated": unrelated,
            "idle_cpu": idle_cpu}


def burst(mail: int, folder: Path) -> list[tuple[str, int, int, int]]:
    """(tick, units, refused requests, thank-yous drafted so far) for three ticks."""
    bench = Bench(folder, [MONDAY] * 5)
    rows = []
    try:
        bench.tick(at(9))
        deliver_list_mail(bench, mail, at(15, 1), at(18, 50))
        bench.world.sandbox.set_quota(QUOTA)
        drafted = 0
        for minute in (5, 6, 7):
            _, made = bench.tick(at(19, minute))
            drafted += made
            log = bench.world.sandbox.request_log()
            refused = sum(1 for r in log if r.refused)
            used = bench.world.sandbox.units()["total"]
            rows.append((f"19:{minute:02d}", used, refused, drafted))
    finally:
        bench.close()
    return rows


def child_cpu(args: list[str], env: dict[str, str], expect: str = "") -> float:
    """CPU seconds (user + sys) of one child process (whose output must contain `expect`)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(args, env=env, check=True, stdout=subprocess.PIPE, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if expect not in done.stdout:
        raise SystemExit(f"{' '.join(args)} printed {done.stdout!r}, not {expect!r}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def followup_command() -> list[str]:
    """What cron and the systemd unit run: the console script beside this interpreter."""
    script = Path(sys.executable).with_name("followup")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "agent.cli.main"]


def cold(folder: Path, runs: int) -> tuple[list[float], list[float]]:
    """CPU of cold idle `followup tick` runs and of importing googleapiclient.discovery."""
    folder.mkdir(parents=True)
    world = make_world(folder, MONDAY)
    try:
        for i in range(5):
            world.add_interview(summary=f"Interview with Company{i}", start=WEDNESDAY)
        world.tick(at(9))
        world.at(at(12))
        env = dict(os.environ)
        env.update({k: v for k, v in world.env().items() if v})
        env.pop("FOLLOWUP_GOOGLE_ENDPOINT", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode cached, as pip installs the client
        exe = [*followup_command(), "tick"]
        floor = [sys.executable, "-c", "import googleapiclient.discovery"]
        child_cpu(exe, env, "nothing to do")
        ticks, floors = [], []
        for _ in range(runs):  # interleaved: a change in the machine's load hits both alike
            ticks.append(child_cpu(exe, env, "nothing to do"))  # idle, or it is not measured
            floors.append(child_cpu(floor, env))
    finally:
        world.server.stop()
    return ticks, floors


def cold_lines(ticks: list[float], floors: list[float]) -> list[str]:
    """The cold figures: median and spread of each, and the tick over the floor."""
    tick, floor = statistics.median(ticks), statistics.median(floors)
    ratios = sorted(t / f for t, f in zip(ticks, floors, strict=True))
    quartiles = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
    return [
        f"import googleapiclient.discovery  {floor:.3f} s CPU  "
        f"(spread {min(floors):.3f}-{max(floors):.3f})",
        f"followup tick                     {tick:.3f} s CPU  "
        f"(spread {min(ticks):.3f}-{max(ticks):.3f})",
        f"followup tick / floor             {tick / floor:.2f}x (median over median); "
        f"per run {ratios[0]:.2f}-{ratios[-1]:.2f}x, middle half "
        f"{quartiles[0]:.2f}-{quartiles[2]:.2f}x",
    ]


def rss_mb(pid: int) -> float:
    """A process's resident memory now, in MB."""
    with open(f"/proc/{pid}/status") as f:
        line = next(x for x in f if x.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def cpu_seconds(pid: int) -> float:
    """A process's CPU time so far (user + system), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def daemon(folder: Path, ticks: int) -> tuple[list[tuple[int, float]], float]:
    """(ticks done, RSS MB) of a real `followup run` process ticking every 30 ms, and its CPU
    per idle tick (after its start-up)."""
    folder.mkdir(parents=True)
    world = make_world(folder, MONDAY)
    samples: list[tuple[int, float]] = []
    try:
        for i in range(5):
            world.add_interview(summary=f"Interview with Company{i}", start=WEDNESDAY)
        world.tick(at(9))
        world.at(at(12))
        env = dict(os.environ)
        env.pop("FOLLOWUP_GOOGLE_ENDPOINT", None)
        env.update({k: v for k, v in world.env().items() if v})
        proc = subprocess.Popen(
            [*followup_command(), "run", "--interval", "0.0005"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        done = 0
        step = max(ticks // 10, 1)
        first: tuple[int, float] | None = None
        try:
            while done < ticks and proc.poll() is None:
                time.sleep(0.5)
                done += world.sandbox.counts().get("calendar.events.list", 0)
                world.sandbox.clear_log()
                if not samples or done - samples[-1][0] >= step or done >= ticks:
                    samples.append((done, rss_mb(proc.pid)))
                if first is None and done:
                    first = (done, cpu_seconds(proc.pid))
                last = (done, cpu_seconds(proc.pid))
        finally:
            proc.terminate()
            proc.communicate(timeout=60)
    finally:
        world.server.stop()
    per_tick = (last[1] - first[1]) / max(last[0] - first[0], 1) if first else 0.0
    return samples, per_tick


def main() -> None:
    """Measure every figure, then print them side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="cold runs of each (interleaved)")
    parser.add_argument("--daemon-ticks", type=int, default=10000)
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run)")
    parser.add_argument("--cold", action="store_true", help="only the cold tick and its floor")
    args = parser.parse_args()
    if args.cold:
        with tempfile.TemporaryDirectory(prefix="followup-bench-") as tmp:
            ticks, floors = cold(Path(tmp) / "cold", args.runs)
        print(f"== cold idle `{' '.join(followup_command())} tick` ({args.runs} runs each)")
        print("\n".join(cold_lines(ticks, floors)))
        return
    sizes = [(100, 500), (100, 5000), (1000, 500), (1000, 5000)]
    burst_mail = 5000
    if args.quick:
        sizes, burst_mail, args.daemon_ticks = [(100, 500), (200, 1000)], 1000, 200
    with tempfile.TemporaryDirectory(prefix="followup-bench-") as tmp:
        root = Path(tmp)
        scaled = {(n, m): scale(n, m, root / f"scale-{n}-{m}") for n, m in sizes}
        bursts = burst(burst_mail, root / "burst")
        ticks, floors = cold(root / "cold", args.runs)
        memory, per_tick = daemon(root / "daemon", args.daemon_ticks)

    print(f"== one busy tick: {MATTER} messages matter, the rest is list mail")
    print(f"{'interviews':>10} {'new mail':>8} {'tick CPU s':>10} {'units':>6} "
          f"{'gets':>5} {'units on unrelated':>18} {'idle tick CPU s':>15}")
    for (n, m), r in scaled.items():
        print(f"{n:>10} {m:>8} {r['cpu']:>10.3f} {r['units']:>6} {r['gets']:>5} "
              f"{r['unrelated']:>18} {r['idle_cpu']:>15.3f}")
    print(f"\n== burst of {burst_mail} list mails, quota {QUOTA}/min, budget 3000/tick")
    print(f"{'tick':>6} {'units':>6} {'refused':>7} {'thank-yous drafted':>18}")
    for name, used, refused, drafted in bursts:
        print(f"{name:>6} {used:>6} {refused:>7} {drafted:>18}")
    print(f"\n== cold idle `{' '.join(followup_command())} tick` ({args.runs} runs each)")
    print("\n".join(cold_lines(ticks, floors)))
    print(f"\n== daemon memory over {args.daemon_ticks} idle ticks")
    print("  ".join(f"{n}:{mb:.1f}MB" for n, mb in memory))
    per_day = per_tick * 24 * 60 / DEFAULT_INTERVAL_MINUTES
    print(f"daemon CPU per idle tick {per_tick * 1000:.1f} ms; at the default interval "
          f"({DEFAULT_INTERVAL_MINUTES:g} min) {per_day:.1f} s of CPU per day")


if __name__ == "__main__":
    main()
