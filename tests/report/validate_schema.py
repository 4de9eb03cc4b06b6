#!/usr/bin/python3
"""Validates scarmap reports against schemas/scarmap.report.v1.json.

Usage: validate_schema.py SCHEMA PATH...   (PATH: a report file or a folder of *.json reports)
       validate_schema.py SCHEMA --expect-invalid FILE...  (each file must be rejected)
Exit 0 when every file is as expected.
"""
import json
import pathlib
import sys

import jsonschema


def main(argv):
    schema = json.loads(pathlib.Path(argv[1]).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    expect_invalid = "--expect-invalid" in argv
    paths = []
    for arg in argv[2:]:
        if arg == "--expect-invalid":
            continue
        p = pathlib.Path(arg)
        paths += sorted(p.glob("*.json")) if p.is_dir() else [p]
    paths = [p for p in paths if not p.name.endswith(".truth.json")]
    if not paths:
        print("no reports to validate")
        return 1
    bad = 0
    for p in paths:
        errors = list(validator.iter_errors(json.loads(p.read_text())))
        if expect_invalid and not errors:
            print(f"{p}: accepted but should be rejected")
            bad += 1
        elif not expect_invalid and errors:
            bad += 1
            for e in errors[:5]:
                print(f"{p}: {'/'.join(map(str, e.path))}: {e.message}")
    print(f"{len(paths) - bad} of {len(paths)} reports as expected")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
