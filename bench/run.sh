#!/usr/bin/env bash
# End-to-end benchmark of `rimlig check --format json` at national scale:
#   1 000 000-row driftsammandrag (R1 + R2), 100 000 rows (R1 + R2),
#   a tree of 10 000 small reports (R1 + R2 + R3);
# each with --no-fixes (the check alone), and 1M rows and the tree also as a plain check,
# which localises every finding after checking; 100 000 rows also as Windows-1252, as Excel
# saves a sheet with empty columns, and as a one-line JSON report; every other output format on 100 000 rows and on the tree.
# Builds release, generates the data once into $BENCH_DIR (default: a folder under /tmp),
# times each run (hyperfine when installed), measures peak memory, and checks the finding
# counts in the JSON against truth.json. Exits non-zero on a mismatch.
#
#   bash bench/run.sh                 # everything
#   BENCH_RUNS=3 bash bench/run.sh    # fewer timed runs
#   BENCH_ONLY=tree bash bench/run.sh # one of: 1m, 100k, tree, 1m-fixes, tree-fixes,
#                                     # 100k-1252, 100k-json, 100k-excel, formats
#   BENCH_ALTERNATIVES=1 bash bench/run.sh  # also time bench/alternatives/ (polars, DuckDB)
#
# The alternatives need Python with polars and duckdb (`pip install polars duckdb`, e.g. in a
# venv: BENCH_PYTHON=/path/to/venv/bin/python). They print failing counts only, checked
# against truth.json like rimlig's.
#
# hyperfine: `apt-get install -y hyperfine` (or `cargo install hyperfine`). Without it the
# script times one run with /usr/bin/time -v (apt-get install -y time), else bash's `time`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/rimlig-bench}
RUNS=${BENCH_RUNS:-5}
ONLY=${BENCH_ONLY:-}

cargo build --release --quiet
cargo build --release --quiet --example gen_bench
BIN=$ROOT/target/release/rimlig
GEN=$ROOT/target/release/examples/gen_bench

gen() { # name rows tree
    if [[ ! -f $BENCH_DIR/$1/truth.json ]]; then
        echo "generating $1 into $BENCH_DIR/$1"
        rm -rf "${BENCH_DIR:?}/$1"
        "$GEN" "$BENCH_DIR/$1" --rows "$2" --tree "$3" >/dev/null
    fi
}
gen 1m 1000000 0
gen 100k 100000 0
gen tree 0 10000

if command -v hyperfine >/dev/null; then
    HAVE_HYPERFINE=1
else
    HAVE_HYPERFINE=0
    echo "hyperfine not found (apt-get install -y hyperfine): timing single runs" >&2
fi

status=0
# name  truth-key  paths-and-rules…
bench() {
    local name=$1 key=$2
    shift 2
    [[ -n $ONLY && $ONLY != "$name" ]] && return 0
    local out=$BENCH_DIR/$name.out.json
    local cmd=("$BIN" check "$@" --format json --exit-zero --output "$out")
    echo "== $name: ${cmd[*]}"
    if [[ $HAVE_HYPERFINE == 1 ]]; then
        hyperfine --warmup 1 --runs "$RUNS" --export-json "$BENCH_DIR/$name.hyperfine.json" \
            "$(printf '%q ' "${cmd[@]}")"
    fi
    # Peak memory (and the time of one run when there is no hyperfine).
    if [[ -x /usr/bin/time ]]; then
        /usr/bin/time -v "${cmd[@]}" 2>"$BENCH_DIR/$name.time.txt"
        grep -E "Elapsed|Maximum resident" "$BENCH_DIR/$name.time.txt" | sed 's/^\s*/  /'
    else
        echo "  (/usr/bin/time missing: apt-get install -y time; peak RSS from /proc)"
        local peak=0
        time {
            "${cmd[@]}" &
            local pid=$!
            while kill -0 "$pid" 2>/dev/null; do
                local hwm
                hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
                [[ -n $hwm && $hwm -gt $peak ]] && peak=$hwm
                sleep 0.01
            done
            wait "$pid"
        }
        echo "  Maximum resident set size (kbytes, sampled): $peak"
    fi
    python3 - "$out" "$BENCH_DIR/$key/truth.json" "$key" <<'PY' || status=1
import json, sys
out, truth_path, key = sys.argv[1:]
doc = json.load(open(out))
truth = json.load(open(truth_path))
want = {}
for part in truth.values():
    for k, v in part.items():
        want[k] = want.get(k, 0) + v
got = {r["rule"]: r["failed"] for r in doc["rules"]}
bad = []
for rule in ("r1-avvikelse", "r2-summa", "r3-ram"):
    if want.get(rule, 0) != got.get(rule, 0):
        bad.append(f"{rule}: expected {want.get(rule, 0)} findings, got {got.get(rule, 0)}")
# Findings beyond `[check] max_findings_per_rule` are counted in `unlisted`, not listed.
listed = len(doc["findings"]) + sum(doc.get("unlisted", {}).values())
if want["findings"] != listed:
    bad.append(f"findings: expected {want['findings']}, JSON lists {len(doc['findings'])}")
# (Info is expected: "data::windows-1252" says how a file was read.)
unexpected = [p["code"] for p in doc["problems"] if p["severity"] != "info"]
if unexpected:
    bad.append(f"unexpected problems: {unexpected}")
if bad:
    print("  MISMATCH against truth.json:\n    " + "\n    ".join(bad))
    sys.exit(1)
print(f"  findings match truth.json: {want['findings']} ({', '.join(f'{k} {v}' for k, v in sorted(got.items()))})")
PY
}

# The check alone (--no-fixes), as the alternatives below do it: they count failures only.
bench 1m 1m "$BENCH_DIR/1m/rows/driftsammandrag.csv" --rules bench/rules/drift.rules --no-fixes
bench 100k 100k "$BENCH_DIR/100k/rows/driftsammandrag.csv" --rules bench/rules/drift.rules --no-fixes
bench tree tree "$BENCH_DIR/tree/tree" --rules bench/rules --no-fixes
# A plain `rimlig check`: the check, then error localisation of every finding.
bench 1m-fixes 1m "$BENCH_DIR/1m/rows/driftsammandrag.csv" --rules bench/rules/drift.rules
bench tree-fixes tree "$BENCH_DIR/tree/tree" --rules bench/rules

# The same 100 000 rows as people also have them: saved by Excel as Windows-1252, and as a
# JSON report written on one line. Both once took minutes where UTF-8 CSV took a tenth of a
# second (spans and columns were counted from the start of the file for every finding).
# And as Excel saves a sheet whose three columns after the table were once touched: every
# line ends in `;;;` and CRLF (once read field by field, at twice the time).
VARIANTS=$BENCH_DIR/100k-variants
if [[ ! -f $VARIANTS/done-excel && ( -z $ONLY || $ONLY == 100k-* ) ]]; then
    mkdir -p "$VARIANTS/1252" "$VARIANTS/json" "$VARIANTS/excel"
    python3 - "$BENCH_DIR/100k/rows/driftsammandrag.csv" "$VARIANTS" <<'PY'
import csv, json, sys
src, out = sys.argv[1:]
text = open(src, encoding="utf-8").read()
open(f"{out}/1252/driftsammandrag.csv", "w", encoding="cp1252", newline="").write(text)
rows = list(csv.reader(text.splitlines(), delimiter=";"))
doc = {"tables": {"driftsammandrag": {"columns": rows[0], "rows": rows[1:]}}}
with open(f"{out}/json/driftsammandrag.json", "w", encoding="utf-8") as f:
    json.dump(doc, f, ensure_ascii=False)
excel = "".join(line + ";;;\r\n" for line in text.splitlines())
open(f"{out}/excel/driftsammandrag.csv", "w", encoding="cp1252", newline="").write(excel)
PY
    touch "$VARIANTS/done-excel"
fi
bench 100k-1252 100k "$VARIANTS/1252" --rules bench/rules/drift.rules --no-fixes
bench 100k-json 100k "$VARIANTS/json" --rules bench/rules/drift.rules --no-fixes
bench 100k-excel 100k "$VARIANTS/excel" --rules bench/rules/drift.rules --no-fixes

# Every other output format: 100 000 rows checked as a controller runs it (with fixes), and
# the tree. The counts are those of the JSON runs above; here only the time is taken.
formats() { # name args…
    local name=$1
    shift
    [[ -n $ONLY && $ONLY != formats ]] && return 0
    for format in human sarif junit github gitlab html; do
        local cmd=("$BIN" check "$@" --format "$format" --color never --exit-zero)
        echo "== $name as $format: ${cmd[*]}"
        if [[ $HAVE_HYPERFINE == 1 ]]; then
            hyperfine --warmup 1 --runs "$RUNS" --output null \
                --export-json "$BENCH_DIR/$name-$format.hyperfine.json" "$(printf '%q ' "${cmd[@]}")"
        else
            time "${cmd[@]}" >/dev/null
        fi
    done
}
formats 100k-fixes "$BENCH_DIR/100k/rows/driftsammandrag.csv" --rules bench/rules/drift.rules
formats tree "$BENCH_DIR/tree/tree" --rules bench/rules --no-fixes

# Side by side: the same rules written by hand in polars and in DuckDB SQL.
alternative() { # name truth-key mode path
    local name=$1 key=$2 mode=$3 path=$4
    [[ -n $ONLY && $ONLY != "$name" ]] && return 0
    local py=${BENCH_PYTHON:-python3}
    for tool in polars duckdb; do
        local cmd=("$py" "$ROOT/bench/alternatives/${tool}_check.py" "$mode" "$path")
        echo "== $name with $tool: ${cmd[*]}"
        if [[ $HAVE_HYPERFINE == 1 ]]; then
            hyperfine --warmup 1 --runs "$RUNS" \
                --export-json "$BENCH_DIR/$name.$tool.hyperfine.json" "$(printf '%q ' "${cmd[@]}")"
        fi
        local counts
        if [[ -x /usr/bin/time ]]; then
            counts=$(/usr/bin/time -v "${cmd[@]}" 2>"$BENCH_DIR/$name.$tool.time.txt")
            grep -E "Maximum resident" "$BENCH_DIR/$name.$tool.time.txt" | sed 's/^\s*/  /'
        else
            counts=$("${cmd[@]}")
        fi
        python3 - "$counts" "$BENCH_DIR/$key/truth.json" <<'PY' || status=1
import json, sys
got = json.loads(sys.argv[1])
want = {}
for part in json.load(open(sys.argv[2])).values():
    for k, v in part.items():
        want[k] = want.get(k, 0) + v
bad = [k for k in ("r1-avvikelse", "r2-summa", "r3-ram", "findings") if got.get(k, 0) != want.get(k, 0)]
if bad:
    print(f"  MISMATCH against truth.json: {got}")
    sys.exit(1)
print(f"  counts match truth.json: {got['findings']}")
PY
    done
}

if [[ ${BENCH_ALTERNATIVES:-0} == 1 ]]; then
    alternative 1m 1m rows "$BENCH_DIR/1m/rows/driftsammandrag.csv"
    alternative 100k 100k rows "$BENCH_DIR/100k/rows/driftsammandrag.csv"
    alternative tree tree tree "$BENCH_DIR/tree/tree"
fi

exit $status
