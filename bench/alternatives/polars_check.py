"""R1 + R2 (+ R3 on a tree) of bench/rules, written by hand in polars, for a side-by-side
timing with rimlig (bench/run.sh with BENCH_ALTERNATIVES=1).

    python3 polars_check.py rows PATH/driftsammandrag.csv
    python3 polars_check.py tree PATH/tree

Prints the failing counts as JSON, to compare with truth.json. The rules, as in
bench/rules/*.rules with `within rounding` worked out for whole tkr (each figure stands for
±0,5):
  r1-avvikelse  every row:   |avvikelse − (redovisat − budget)| > 1,5
  r2-summa      per förvaltning and column: |Σ verksamheter − Summa row| > 0,5 · (rows + 1)
  r3-ram        every investering: prognos > ram
Figures are parsed exactly as integers (thousands separated by spaces); no floats.
"""
import json
import sys

import polars as pl

COLS = ["redovisat", "budget", "avvikelse", "foregaende_ar"]


def figures(lf: pl.LazyFrame, cols) -> pl.LazyFrame:
    return lf.with_columns(
        [pl.col(c).str.replace_all(" ", "", literal=True).cast(pl.Int64) for c in cols]
    )


def drift(lf: pl.LazyFrame, report: list[str]):
    lf = figures(lf, COLS)
    r1 = lf.filter(
        (pl.col("avvikelse") - (pl.col("redovisat") - pl.col("budget"))).abs() * 2 > 3
    ).select(pl.len())
    parts = lf.filter(~pl.col("verksamhet").str.starts_with("Summa"))
    totals = lf.filter(pl.col("verksamhet").str.starts_with("Summa"))
    keys = report + ["forvaltning"]
    sums = parts.group_by(keys).agg([pl.col(c).sum() for c in COLS] + [pl.len().alias("n")])
    joined = sums.join(totals.select(keys + COLS), on=keys, suffix="_total")
    # |Σ − total| > (n + 1) / 2  ⇔  2·|Σ − total| > n + 1, in integers.
    r2 = joined.select(
        pl.sum_horizontal(
            [
                ((pl.col(c) - pl.col(f"{c}_total")).abs() * 2 > pl.col("n") + 1).cast(pl.Int64)
                for c in COLS
            ]
        ).sum()
    )
    return r1, r2


def main():
    mode, path = sys.argv[1], sys.argv[2]
    opts = dict(separator=";", infer_schema=False)
    if mode == "rows":
        r1, r2 = drift(pl.scan_csv(path, **opts), [])
        r1, r2 = pl.collect_all([r1, r2])
        counts = {"r1-avvikelse": r1.item(), "r2-summa": r2.item(), "r3-ram": 0}
    else:
        lf = pl.scan_csv(f"{path}/*/driftsammandrag.csv", include_file_paths="file", **opts)
        r1, r2 = drift(lf, ["file"])
        inv = figures(
            pl.scan_csv(f"{path}/*/investeringar.csv", **opts), ["prognos", "ram"]
        )
        r3 = inv.filter(pl.col("prognos") > pl.col("ram")).select(pl.len())
        r1, r2, r3 = pl.collect_all([r1, r2, r3])
        counts = {"r1-avvikelse": r1.item(), "r2-summa": r2.item(), "r3-ram": r3.item()}
    counts["findings"] = sum(counts.values())
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
