"""Validates a SARIF file against a JSON schema; exits 0 when valid, 3 with every error when not (any
other status is the validator failing, e.g. jsonschema missing).
Usage: python3 validate_sarif.py SCHEMA SARIF"""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
log = json.load(open(sys.argv[2]))
validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
for e in errors:
    print("/".join(str(p) for p in e.absolute_path) + ": " + e.message)
sys.exit(3 if errors else 0)
