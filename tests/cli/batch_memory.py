#!/usr/bin/python3
"""Batch memory: the real `scarmap analyze --jobs 2` over generated 12 MP photos stays under the
peak RSS target of issue #9 / the batch issue (400 MB), and each photo gets an ok report.

Usage: batch_memory.py SCARMAP [N]

The photos are the first N (default 6) of `bench/rss.sh`'s batch (seed 9, 4000 x 3000, 12-30
px/mm): several of the heaviest photos of that batch are among them (photos 1 and 4 hold more
than 230 MB each on their own). The whole 100-photo batch is `bench/rss.sh build 100` (a few
minutes: too long for every test run). The peak is the analysis process's own maximum resident
set (getrusage of a child that runs only `scarmap analyze`), not the generator's.
"""
import json
import pathlib
import resource
import subprocess
import sys
import tempfile

TARGET_MB = 400


def measure(argv):
    """Runs argv, prints its peak RSS in kB (Linux ru_maxrss) and returns its exit code."""
    code = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
    print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return code


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--measure":
        sys.exit(measure(sys.argv[2:]))
    scarmap = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 6
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        photos, out = tmp / "photos", tmp / "out"
        subprocess.run([scarmap, "synth", "--out", str(photos), "--n", str(n), "--seed", "9",
                        "--size", "4000x3000", "--px-per-mm", "12:30"],
                       check=True, stderr=subprocess.DEVNULL)
        run = subprocess.run([sys.executable, __file__, "--measure", scarmap, "analyze",
                              str(photos), "-o", str(out), "-q", "--jobs", "2", "--min-dpi", "1"],
                             capture_output=True, text=True)
        peak_mb = int(run.stdout.strip().splitlines()[-1]) / 1024
        failures = []
        if run.returncode != 0:
            failures.append(f"analyze exited {run.returncode}")
        for p in sorted(photos.glob("*.jpg")):
            rep = out / (p.stem + ".json")
            if not rep.exists():
                failures.append(f"no report for {p.name}")
            elif json.loads(rep.read_text())["status"]["code"] != "ok":
                failures.append(f"{p.name}: status {json.loads(rep.read_text())['status']}")
        print(f"{n} photos of 12 MP, --jobs 2: peak RSS {peak_mb:.0f} MB (target {TARGET_MB} MB)")
        if peak_mb >= TARGET_MB:
            failures.append(f"peak RSS {peak_mb:.0f} MB >= {TARGET_MB} MB")
        for f in failures:
            print("FAIL:", f)
        sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
