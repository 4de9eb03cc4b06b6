#!/usr/bin/python3
"""Fails when any metric of an eval JSON falls behind the ratchet's recorded bound.

ratchet.json: {"min": {"path.to.metric": bound, ...}, "max": {...}}; a path is dotted into the
eval JSON (e.g. "overall.fue_f1", "by_skin_band.dark.fue_f1").
"""
import json
import sys


def get(doc, path):
    for key in path.split("."):
        doc = doc[key]
    return float(doc)


def main():
    ratchet = json.load(open(sys.argv[1]))
    result = json.load(open(sys.argv[2]))
    if not ratchet.get("min") and not ratchet.get("max"):
        # Arguments swapped, or an empty ratchet: nothing checked must not read as a pass.
        print(f"{sys.argv[1]}: no bounds (usage: check_ratchet.py RATCHET_JSON EVAL_JSON)")
        return 1
    failed = []
    for kind, cmp in (("min", lambda v, b: v >= b), ("max", lambda v, b: v <= b)):
        for path, bound in ratchet.get(kind, {}).items():
            try:
                value = get(result, path)
            except (KeyError, TypeError):
                failed.append(f"{path}: missing from the evaluation")
                continue
            ok = cmp(value, bound)
            print(f"{'ok  ' if ok else 'FAIL'} {path} = {value:.4f} ({kind} {bound})")
            if not ok:
                failed.append(f"{path} = {value:.4f}, ratchet {kind} {bound}")
    if failed:
        print("accuracy regressed:\n  " + "\n  ".join(failed))
        return 1
    print("accuracy ratchet: all metrics at or beyond their recorded bounds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
