#!/usr/bin/python3
"""Prints ratchet bounds from an eval JSON: each metric rounded 0.01 towards the safe side.
Used by a developer after an improvement; a bound is only ever replaced by a tighter one."""
import json
import math
import sys

MIN = ["overall.fue_precision", "overall.fue_recall", "overall.fue_f1", "overall.fut_dice_mean",
       "overall.fut_band_recall", "overall.fut_free_clean_fraction"]
MAX = ["overall.fue_diameter_medabs_rel", "overall.fue_fp_per_scar_free_image",
       "overall.fut_length_medabs_rel", "overall.fut_width_medabs_rel", "overall.fut_area_medabs_rel",
       "overall.density_medabs_rel", "overall.calibration_medabs_rel"]
old = json.load(open(sys.argv[1]))
res = json.load(open(sys.argv[2]))
get = lambda p: float(eval("res" + "".join(f"[{k!r}]" for k in p.split("."))))
for p in MIN:
    v = math.floor(get(p) * 100 - 1) / 100
    old["min"][p] = max(old["min"].get(p, -1e9), v)
for p in MAX:
    v = math.ceil(get(p) * 100 + 1) / 100
    old["max"][p] = min(old["max"].get(p, 1e9), v)
print(json.dumps(old, indent=2))
