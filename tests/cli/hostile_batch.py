#!/usr/bin/python3
"""Hostile batch: the real `scarmap analyze` over a folder of everything a shared drive holds.

Usage: hostile_batch.py SCARMAP SOURCE_DIR

Every input file must get exactly one report with a precise status, the good photo's report must
match its ground truth, the exit code must be 1 ("some failed"), and nothing outside the output
folder may change. As root (where chmod 000 does not stop reading) the batch runs as `nobody`
through setpriv so that the unreadable file is really unreadable; without setpriv that one case
is skipped, with a message.
"""
import csv
import hashlib
import json
import os
import pathlib
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

FAILURES = []


def check(ok, what):
    if not ok:
        FAILURES.append(what)
        print("FAIL:", what)


def png(width, height, rgb=(190, 150, 130)):
    """A plain-colour 8-bit RGB PNG (zlib makes even 100000 x 2 tiny)."""
    row = b"\x00" + bytes(rgb) * width
    raw = row * height

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) +
            chunk(b"IEND", b""))


def snapshot(root, skip):
    """Path -> (kind, content hash or link target, mode) for everything below root but `skip`."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(os.fsencode(root)):
        dirnames[:] = [d for d in dirnames if os.path.join(dirpath, d) != os.fsencode(skip)]
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            if os.path.islink(p):
                out[p] = ("link", os.readlink(p), st.st_mode)
            elif os.path.isdir(p):
                out[p] = ("dir", b"", st.st_mode)
            else:
                try:
                    with open(p, "rb") as f:
                        digest = hashlib.sha256(f.read()).hexdigest()
                except PermissionError:
                    digest = "unreadable"
                out[p] = ("file", digest, st.st_mode, st.st_size, st.st_mtime_ns)
    return out


def report_text(path_bytes):
    """The text scarmap's JSON holds for a path: invalid UTF-8 bytes become U+FFFD."""
    return path_bytes.decode("utf-8", errors="replace")


def main(scarmap, source):
    work = pathlib.Path(tempfile.mkdtemp(prefix="scarmap_hostile_"))
    try:
        run(scarmap, pathlib.Path(source), work)
    finally:
        for p in work.rglob("*"):
            if not p.is_symlink():
                os.chmod(p, 0o755)
        shutil.rmtree(work)
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        return 1
    print("hostile batch: all checks passed")
    return 0


def run(scarmap, source, work):
    as_root = os.geteuid() == 0
    setpriv = shutil.which("setpriv")
    as_nobody = as_root and setpriv is not None
    can_lock = not as_root or as_nobody
    if not can_lock:
        print("SKIP the unreadable-file case: running as root without setpriv, and root reads "
              "any file whatever its permissions")

    # The good photo, with exact truth (synth states its scale in the JFIF header): an ordinary
    # photo without long hair or distractors, since this test is about the batch surviving its
    # neighbours, not about the detectors' hard cases (the accuracy ratchet tracks those).
    synth = work / "synth"
    subprocess.run([scarmap, "synth", "--out", str(synth), "--n", "1", "--seed", "3",
                    "--megapixels", "0.8:0.8", "--px-per-mm", "12:12", "--fut-prob", "1",
                    "--fue-prob", "1", "--marker-prob", "0", "--background-prob", "0",
                    "--long-hair-prob", "0", "--distractor-prob", "0"],
                   check=True, stderr=subprocess.DEVNULL)
    truth = work / "truth"
    truth.mkdir()
    for p in synth.glob("scalp_0000.truth.*"):
        shutil.copy(p, truth / p.name)
    good = (synth / "scalp_0000.jpg").read_bytes()

    inp = work / "in"
    (inp / "a").mkdir(parents=True)
    (inp / "b").mkdir()
    small_png = png(64, 64)
    files = {  # name (bytes) -> content; expected (code, message part) below
        b"scalp_0000.jpg": good,
        b"empty.jpg": b"",
        b"truncated.jpg": good[: len(good) // 2],
        b"truncated.png": small_png[: len(small_png) // 2],
        b"text.jpg": b"Patient list, do not delete.\n",
        b"one-pixel.png": png(1, 1),
        b"strip.png": png(100000, 2),
        b"a/scan.png": small_png,
        b"b/scan.png": png(64, 64, (180, 140, 120)),
        ".. spaced ünïcødé ..\\..\\escape.png".encode(): small_png[:100],
        b"new\nline.png": png(1, 1),
        b"caf\xe9 latin1.png": png(1, 1),
    }
    bomb = bytearray(png(1, 1))  # IHDR says 100000 x 100000; the file is 69 bytes
    bomb[16:24] = struct.pack(">II", 100000, 100000)
    files[b"bomb.png"] = bytes(bomb)
    if can_lock:
        files[b"locked.jpg"] = good
    for name, data in files.items():
        with open(os.path.join(os.fsencode(inp), name), "wb") as f:
            f.write(data)
    os.symlink("loop.jpg", inp / "loop.jpg")  # a link to itself
    os.symlink(".", inp / "a" / "loopdir")    # a folder loop: must not be walked forever
    expected = {
        b"scalp_0000.jpg": ("ok", ""),
        b"empty.jpg": ("unreadable", "empty file"),
        b"truncated.jpg": ("unreadable", "truncated JPEG"),
        b"truncated.png": ("unreadable", "truncated PNG"),
        b"text.jpg": ("unreadable", "not an image"),
        b"one-pixel.png": ("too_small", "1x1 pixels"),
        b"strip.png": ("too_small", "100000x2 pixels"),
        b"a/scan.png": ("no_scalp", "no scalp"),
        b"b/scan.png": ("no_scalp", "no scalp"),
        ".. spaced ünïcødé ..\\..\\escape.png".encode(): ("unreadable", "truncated PNG"),
        b"new\nline.png": ("too_small", "1x1 pixels"),
        b"caf\xe9 latin1.png": ("too_small", "1x1 pixels"),
        b"bomb.png": ("too_large", "100000x100000"),
        b"loop.jpg": ("unreadable", "symbolic link loop"),
    }
    for p in inp.rglob("*"):  # readable by anyone (whatever the umask) but the locked file
        if not p.is_symlink():
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
    if can_lock:
        expected[b"locked.jpg"] = ("unreadable", "permission denied")
        os.chmod(inp / "locked.jpg", 0)

    out = work / "out"
    binary = scarmap
    env = dict(os.environ)
    prefix = []
    if as_nobody:
        # nobody must reach the binary, read the inputs and write the output folder.
        os.chmod(work, 0o755)
        (work / "bin").mkdir()
        binary = str(work / "bin" / "scarmap")
        shutil.copy(scarmap, binary)
        os.chmod(binary, 0o755)
        out.mkdir()
        shutil.chown(out, "nobody", "nogroup")
        lsan = env.get("LSAN_OPTIONS", "")
        if "suppressions=" in lsan:  # the sanitizer job: nobody may not reach the checkout
            supp = lsan.split("suppressions=")[1].split(":")[0]
            shutil.copy(supp, work / "bin" / "lsan.supp")
            os.chmod(work / "bin" / "lsan.supp", 0o644)
            env["LSAN_OPTIONS"] = lsan.replace(supp, str(work / "bin" / "lsan.supp"))
        prefix = [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]

    before = snapshot(work, out)
    # The folder, plus one photo named again through "..": it must still get one report.
    dotted = str(inp / "a" / ".." / "one-pixel.png")
    cmd = prefix + [binary, "analyze", str(inp), dotted, "-o", str(out), "--recursive",
                    "--jobs", "2", "--min-dpi", "1", "--quiet"]
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=900)
    print(proc.stdout.decode(errors="replace")[-3000:])
    check(proc.returncode == 1, f"exit code {proc.returncode}, expected 1 (some failed)")

    # Nothing outside the output folder changed.
    after = snapshot(work, out)
    changed = sorted(set(before) ^ set(after)) + sorted(
        p for p in set(before) & set(after) if before[p] != after[p])
    check(not changed, f"changed outside the output folder: {changed[:5]}")

    # Exactly one report per input file, with the expected status.
    reports = {}
    names = sorted(os.listdir(os.fsencode(out)))
    for name in names:
        p = os.path.join(os.fsencode(out), name)
        check(not os.path.islink(p) and not os.path.isdir(p), f"unexpected entry {name!r}")
        check(not name.startswith(b".tmp."), f"temporary file left: {name!r}")
        if not name.endswith(b".json"):
            continue
        with open(p, "rb") as f:
            rep = json.loads(f.read())
        key = os.path.normpath(rep["image"]["path"])
        check(key not in reports, f"two reports for {key!r}")
        reports[key] = rep
    want = {os.path.normpath(report_text(os.path.join(os.fsencode(inp), k))): v
            for k, v in expected.items()}
    check(set(reports) == set(want),
          f"reports for {sorted(set(reports) ^ set(want))!r} (missing or unexpected)")
    for path, (code, says) in want.items():
        rep = reports.get(path)
        if rep is None:
            continue
        got = rep["status"]
        check(got["code"] == code and says in got["message"],
              f"{path!r}: {got['code']} ({got['message']!r}), expected {code} ({says!r})")
        check(rep["schema"] == "scarmap.report/1", f"{path!r}: schema {rep.get('schema')}")
    check(b"scan.json" in names and b"scan__b.json" in names,
          f"same-stem photos: names {[n for n in names if n.startswith(b'scan')]}")
    check(subprocess.run([sys.executable, str(source / "tests/report/validate_schema.py"),
                          str(source / "schemas/scarmap.report.v1.json"), str(out)]).returncode == 0,
          "reports do not validate against the schema")

    # summary.csv: one row per input.
    with open(out / "summary.csv", newline="", encoding="utf-8", errors="replace") as f:
        rows = list(csv.DictReader(f))
    check(len(rows) == len(want), f"summary.csv has {len(rows)} rows, expected {len(want)}")

    # The good photo's report is right (counts and scale against its truth).
    good_rep = reports.get(os.path.normpath(str(inp / "scalp_0000.jpg")), {})
    if good_rep:
        t = json.loads((truth / "scalp_0000.truth.json").read_text())
        s = good_rep["summary"]
        check(abs(good_rep["calibration"]["px_per_mm"] - 12.0) < 0.05,
              f"good photo scale {good_rep['calibration']}")
        check(s["fut_count"] == len(t["fut"]), f"FUT count {s['fut_count']} vs {len(t['fut'])}")
        check(abs(s["fue_count"] - len(t["fue"])) <= 0.15 * len(t["fue"]),
              f"FUE count {s['fue_count']} vs truth {len(t['fue'])}")
        ev = work / "eval.json"
        subprocess.run([scarmap, "eval", "--truth", str(truth), "--pred", str(out), "--json",
                        str(ev)], check=True, stdout=subprocess.DEVNULL)
        o = json.loads(ev.read_text())["overall"]
        check(o["fue_f1"] >= 0.8, f"good photo FUE F1 {o['fue_f1']:.3f} < 0.8")
        check(o["fut_band_recall"] == 1.0, f"good photo FUT bands found {o['fut_band_recall']}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
