#!/usr/bin/python3
"""Validates newswire records (one JSON document per line) against a schema.

usage: validate.py {newswire|ninjs} FILE...

`newswire` checks against config/newswire-ninjs.schema.json (the extension
schema, which allOf's IPTC's ninjs 2.2 type); `ninjs` against IPTC's plain
ninjs 2.2 schema. Exits 1 listing every invalid record, 0 when all are valid
and at least one record was read.
"""
import json
import os
import sys

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIG = os.path.join(HERE, "..", "..", "config")


def load(path):
    with open(path, encoding="utf-8") as fp:
        return json.load(fp)


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("newswire", "ninjs"):
        print(__doc__, file=sys.stderr)
        return 2
    iptc = load(os.path.join(CONFIG, "ninjs", "ninjs-schema_2.2.json"))
    ext = load(os.path.join(CONFIG, "newswire-ninjs.schema.json"))
    store = {iptc["$id"].rstrip("#"): iptc, iptc["$id"]: iptc, ext["$id"]: ext}
    schema = ext if sys.argv[1] == "newswire" else iptc
    resolver = jsonschema.RefResolver.from_schema(schema, store=store)
    cls = jsonschema.Draft202012Validator
    cls.check_schema(schema)
    validator = cls(schema, resolver=resolver, format_checker=cls.FORMAT_CHECKER)
    count = bad = 0
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as fp:
            for lineno, line in enumerate(fp, 1):
                if not line.strip():
                    continue
                count += 1
                record = json.loads(line)
                errors = sorted(validator.iter_errors(record), key=lambda e: list(e.path))
                for e in errors:
                    bad += 1
                    where = "/".join(str(p) for p in e.path)
                    print(f"{path}:{lineno}: {where}: {e.message}", file=sys.stderr)
    if count == 0:
        print("validate.py: no records to validate", file=sys.stderr)
        return 1
    print(f"validate.py: {count} records, {bad} errors ({sys.argv[1]} schema)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
