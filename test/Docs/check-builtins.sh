#!/usr/bin/env bash
# Every built-in (dlc --list-builtins) is named, in code style, in the
# language reference: `name(...)`, `name`, or inside a list like `exp log`.
# Prints the missing ones; exits 1 if any.
reference=$1
missing=0
for name in $(dlc --list-builtins | cut -d'(' -f1); do
  if ! grep -qE "\`([a-z0-9_]+ )*${name}[\` (]" "$reference"; then
    echo "not documented: $name"
    missing=1
  fi
done
exit $missing
