#!/usr/bin/python3
"""Interrupted batch: the real `scarmap analyze` stopped midway by SIGINT, and killed by SIGKILL.

Usage: interrupt_batch.py SCARMAP

After either, every report on disk must be complete (parses, whole structure) and no temporary
may pass for a report; SIGINT must stop cleanly (exit 130, a message, no temporaries, no tables);
then `--resume` must finish the batch, keep the reports already there untouched, and leave no
temporary behind.
"""
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time

FAILURES = []
N = 8


def check(ok, what):
    if not ok:
        FAILURES.append(what)
        print("FAIL:", what)


def reports(out):
    """stem -> bytes of every *.json in `out`; each must be a complete report."""
    found = {}
    for p in sorted(out.glob("*.json")):
        data = p.read_bytes()
        try:
            rep = json.loads(data)
            complete = (rep["schema"] == "scarmap.report/1" and "code" in rep["status"] and
                        "summary" in rep and "smp_plan" in rep and rep["image"]["path"])
        except (ValueError, KeyError, TypeError):
            complete = False
        check(complete, f"{p.name} is partial or corrupt")
        found[p.stem] = data
    return found


def start(scarmap, inp, out, extra=()):
    return subprocess.Popen([scarmap, "analyze", str(inp), "-o", str(out), "--jobs", "2",
                             "--min-dpi", "1", "--masks", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def wait_for_first_report(proc, out, timeout=600):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if any(out.glob("*.json")):
            return True
        time.sleep(0.01)
    return False


def interrupt(scarmap, inp, out, sig):
    proc = start(scarmap, inp, out)
    check(wait_for_first_report(proc, out), f"{sig.name}: no report appeared while running")
    proc.send_signal(sig)
    output, _ = proc.communicate(timeout=600)
    text = output.decode(errors="replace")
    done = reports(out)
    print(f"{sig.name}: exit {proc.returncode}, {len(done)} of {N} reports on disk")
    check(0 < len(done) < N, f"{sig.name}: {len(done)} of {N} reports: not stopped midway")
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".tmp.")]
    check(not any(n.endswith(".json") for n in leftovers), f"temporaries named like reports")
    if sig == signal.SIGINT:
        check(proc.returncode == 130, f"SIGINT: exit {proc.returncode}, expected 130\n{text}")
        check("interrupted" in text and "--resume" in text, f"SIGINT: no stop message\n{text}")
        check(not leftovers, f"SIGINT left temporaries {leftovers}")
        check(not (out / "summary.csv").exists(), "SIGINT: summary.csv written for half a batch")
    else:
        check(proc.returncode == -signal.SIGKILL, f"SIGKILL: returncode {proc.returncode}")
    return done


def resume(scarmap, inp, out, before, name):
    proc = start(scarmap, inp, out, ["--resume"])
    output, _ = proc.communicate(timeout=900)
    text = output.decode(errors="replace")
    check(proc.returncode == 0, f"{name} --resume: exit {proc.returncode}\n{text}")
    after = reports(out)
    check(len(after) == N, f"{name} --resume: {len(after)} of {N} reports")
    for stem, data in before.items():
        check(after.get(stem) == data, f"{name} --resume rewrote the complete report {stem}")
    for stem in after:
        check((out / (stem + ".mask.png")).exists(), f"{name} --resume: {stem}.mask.png missing")
    check((out / "summary.csv").exists(), f"{name} --resume: no summary.csv")
    left = [p.name for p in out.iterdir() if p.name.startswith(".tmp.")]
    check(not left, f"{name} --resume left temporaries {left}")


def main(scarmap):
    work = pathlib.Path(tempfile.mkdtemp(prefix="scarmap_interrupt_"))
    try:
        inp = work / "in"
        subprocess.run([scarmap, "synth", "--out", str(inp), "--n", str(N), "--seed", "31",
                        "--megapixels", "0.5:0.5", "--px-per-mm", "12:12", "--marker-prob", "0",
                        "--background-prob", "0"], check=True, stderr=subprocess.DEVNULL)
        for sig in (signal.SIGINT, signal.SIGKILL):
            out = work / ("out_" + sig.name)
            done = interrupt(scarmap, inp, out, sig)
            resume(scarmap, inp, out, done, sig.name)
    finally:
        shutil.rmtree(work)
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        return 1
    print("interrupted batch: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
