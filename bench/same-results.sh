#!/bin/sh
# The dry run's messages.csv, spam.csv and duplicates.csv for each zip, verifying and --headers-only,
# into OUT/<zip name>/<mode>/, so that two builds can be compared with `diff -r OUT1 OUT2`. The zips are
# also run together under one --mailbox (duplicates across zips). CLI is a built cli.js.
#
#   bench/same-results.sh CLI OUT ZIP...
set -eu
cli=$1; out=$2; shift 2
mkdir -p "$out"
run() {
  name=$1; shift
  for mode in verify headers-only; do
    flag=""; [ "$mode" = headers-only ] && flag=--headers-only
    work=$(mktemp -d)
    node "$cli" "$@" --dry-run $flag --no-progress --state "$work/state" --report "$work/report" > /dev/null 2>&1 || true
    mkdir -p "$out/$name/$mode"
    for f in messages.csv spam.csv duplicates.csv; do
      [ -f "$work/report/$f" ] && cp "$work/report/$f" "$out/$name/$mode/$f"
    done
    rm -rf "$work"
  done
}
for zip in "$@"; do run "$(basename "$zip")" "$zip"; done
run all-as-one-mailbox "$@" --mailbox ann@example.com --archive-before 2020-01-01
