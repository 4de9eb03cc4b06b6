#!/usr/bin/python3
"""Validates scarmap reports against schemas/scarmap.report.v1.json.

Usage: validate_schema.py SCHEMA [--documented] PATH...   (PATH: a report or a folder of reports)
       validate_schema.py SCHEMA --expect-invalid FILE...  (each file must be rejected)
--documented: also every field of every report must be described in the schema (a field the
schema does not list, or lists without a "description", fails), and so must every property the
schema itself lists.
Exit 0 when every file is as expected.
"""
import json
import pathlib
import sys

import jsonschema


def branch_for(node, value):
    """The oneOf branch of `node` whose "type" property admits value["type"], else None."""
    for b in node.get("oneOf", []):
        t = b.get("properties", {}).get("type", {})
        if isinstance(value, dict) and (t.get("const") == value.get("type") or
                                        value.get("type") in t.get("enum", [])):
            return b
    return None


def undocumented_fields(node, value, path=""):
    """Fields of `value` that `node` (a schema) does not describe."""
    out = []
    if "oneOf" in node and branch_for(node, value) is not None:
        node = branch_for(node, value)
    if isinstance(value, dict) and "properties" in node:
        for key, sub in value.items():
            prop = node["properties"].get(key)
            if prop is None:
                out.append(f"{path}/{key}: not in the schema")
                continue
            if "description" not in prop:
                out.append(f"{path}/{key}: no description")
            out += undocumented_fields(prop, sub, f"{path}/{key}")
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for i, sub in enumerate(value[:3]):
            out += undocumented_fields(node["items"], sub, f"{path}/{i}")
    return out


def undescribed_properties(node, path=""):
    """Properties the schema lists without a description."""
    out = []
    for key, prop in node.get("properties", {}).items():
        if "description" not in prop:
            out.append(f"{path}/{key}")
        out += undescribed_properties(prop, f"{path}/{key}")
    for key in ("items",):
        if isinstance(node.get(key), dict):
            out += undescribed_properties(node[key], path + "/" + key)
    for i, b in enumerate(node.get("oneOf", [])):
        out += undescribed_properties(b, f"{path}/oneOf{i}")
    return out


def main(argv):
    schema = json.loads(pathlib.Path(argv[1]).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    expect_invalid = "--expect-invalid" in argv
    documented = "--documented" in argv
    bad = 0
    schema_ok = True
    if documented:
        for p in undescribed_properties(schema):
            print(f"schema: {p}: no description")
            schema_ok = False
    paths = []
    for arg in argv[2:]:
        if arg in ("--expect-invalid", "--documented"):
            continue
        p = pathlib.Path(arg)
        paths += sorted(p.glob("*.json")) if p.is_dir() else [p]
    paths = [p for p in paths if not p.name.endswith(".truth.json")]
    if not paths:
        print("no reports to validate")
        return 1
    for p in paths:
        report = json.loads(p.read_text())
        errors = list(validator.iter_errors(report))
        if documented and not expect_invalid:
            missing = undocumented_fields(schema, report)
            for f in missing:
                print(f"{p}: {f}")
            if missing and not errors:
                bad += 1
        if expect_invalid and not errors:
            print(f"{p}: accepted but should be rejected")
            bad += 1
        elif not expect_invalid and errors:
            bad += 1
            for e in errors[:5]:
                print(f"{p}: {'/'.join(map(str, e.path))}: {e.message}")
    print(f"{len(paths) - bad} of {len(paths)} reports as expected")
    return 1 if bad or not schema_ok else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
