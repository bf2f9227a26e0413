"""R1 + R2 (+ R3 on a tree) of bench/rules in DuckDB SQL, for a side-by-side timing with
rimlig (bench/run.sh with BENCH_ALTERNATIVES=1).

    python3 duckdb_check.py rows PATH/driftsammandrag.csv
    python3 duckdb_check.py tree PATH/tree

Prints the failing counts as JSON, to compare with truth.json. The rules are those of
polars_check.py (see there): whole tkr, exact integers, `within rounding` as ±0,5 a figure.
"""
import json
import sys

import duckdb

COLS = ["redovisat", "budget", "avvikelse", "foregaende_ar"]


def fig(c: str) -> str:
    return f"CAST(replace({c}, ' ', '') AS BIGINT) AS {c}"


def drift_counts(con, source: str, report: str):
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE d AS
            SELECT {report} AS report, forvaltning, verksamhet, {', '.join(fig(c) for c in COLS)}
            FROM {source}"""
    )
    r1 = con.execute(
        "SELECT count(*) FROM d WHERE abs(avvikelse - (redovisat - budget)) * 2 > 3"
    ).fetchone()[0]
    fails = " + ".join(
        f"CAST(abs(s.{c} - t.{c}) * 2 > s.n + 1 AS INTEGER)" for c in COLS
    )
    r2 = con.execute(
        f"""WITH s AS (
                SELECT report, forvaltning, count(*) AS n, {', '.join(f'sum({c}) AS {c}' for c in COLS)}
                FROM d WHERE verksamhet NOT LIKE 'Summa%' GROUP BY report, forvaltning),
            t AS (SELECT * FROM d WHERE verksamhet LIKE 'Summa%')
            SELECT coalesce(sum({fails}), 0) FROM s JOIN t USING (report, forvaltning)"""
    ).fetchone()[0]
    return int(r1), int(r2)


def main():
    mode, path = sys.argv[1], sys.argv[2]
    con = duckdb.connect()
    csv = "read_csv({}, delim=';', header=true, all_varchar=true{})"
    if mode == "rows":
        r1, r2 = drift_counts(con, csv.format(f"'{path}'", ""), "''")
        counts = {"r1-avvikelse": r1, "r2-summa": r2, "r3-ram": 0}
    else:
        src = csv.format(f"'{path}/*/driftsammandrag.csv'", ", filename=true")
        r1, r2 = drift_counts(con, src, "filename")
        r3 = con.execute(
            f"""SELECT count(*) FROM {csv.format(f"'{path}/*/investeringar.csv'", "")}
                WHERE CAST(replace(prognos, ' ', '') AS BIGINT) > CAST(replace(ram, ' ', '') AS BIGINT)"""
        ).fetchone()[0]
        counts = {"r1-avvikelse": r1, "r2-summa": r2, "r3-ram": int(r3)}
    counts["findings"] = sum(counts.values())
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
