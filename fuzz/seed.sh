#!/bin/sh
# Seed corpora for the fuzz targets from the rule library, the examples and the test data.
# Run from anywhere; writes fuzz/corpus/<target>/ (ignored by git).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
c="$here/corpus"
mkdir -p "$c/parse_rules" "$c/number" "$c/csv" "$c/check" "$c/workbook" "$c/workbook_parts"
n=0
find "$root/rules" "$root/tests/data" -name '*.rules' -size -64k | sort | while IFS= read -r f; do
  n=$((n + 1)); cp "$f" "$c/parse_rules/seed-$n.rules"
done
n=0
find "$root/examples" "$root/tests/data" \( -name '*.csv' -o -name '*.tsv' \) -size -64k | sort |
while IFS= read -r f; do
  n=$((n + 1)); cp "$f" "$c/csv/seed-$n.csv"
done
# number: every distinct cell of the example CSV files, one file each (at most 500).
n=0
find "$root/examples/linkoping-vss" -name '*.csv' -exec cat {} + | tr ';' '\n' | sort -u | head -500 |
while IFS= read -r cell; do
  n=$((n + 1)); printf '%s' "$cell" > "$c/number/seed-$n"
done
# check: each test-data case's rules, a NUL byte, then one of its tables.
n=0
for d in "$root"/tests/data/semantics/*/; do
  r=$(find "$d" -maxdepth 1 -name '*.rules' | head -1)
  t=$(find "$d" -name '*.csv' | head -1)
  [ -n "$r" ] && [ -n "$t" ] || continue
  n=$((n + 1)); { cat "$r"; printf '\0'; cat "$t"; } > "$c/check/seed-$n"
done
for f in "$root"/rules/*.rules; do
  for t in "$root"/examples/linkoping-vss/2020-10/*.csv; do
    n=$((n + 1)); { cat "$f"; printf '\0'; cat "$t"; } > "$c/check/seed-$n"
  done
done
# workbook: every workbook of the examples and the test corpus.
n=0
find "$root/examples" "$root/tests/data" \( -name '*.xlsx' -o -name '*.xls' -o -name '*.ods' \) -size -256k | sort |
while IFS= read -r f; do
  n=$((n + 1)); cp "$f" "$c/workbook/seed-$n"
done
# workbook_parts: the parts of every zipped workbook (.xlsx, .ods), each its path, a line
# feed and its content, a NUL byte between (as fuzz/bodies/workbook_parts.rs reads them).
find "$root/examples" "$root/tests/data" \( -name '*.xlsx' -o -name '*.ods' \) -size -256k | sort |
python3 -c '
import sys, zipfile
out = sys.argv[1]
for n, path in enumerate(sys.stdin.read().split("\n")):
    if not path:
        continue
    try:
        z = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        continue
    parts = [i.filename.encode() + b"\n" + z.read(i) for i in z.infolist()]
    with open(f"{out}/seed-{n + 1}", "wb") as f:
        f.write(b"\0".join(parts))
' "$c/workbook_parts"
for t in parse_rules number csv check workbook workbook_parts; do
  echo "$t: $(ls "$c/$t" | wc -l) seeds"
done
