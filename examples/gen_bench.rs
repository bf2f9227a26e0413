//! Benchmark data for `bench/run.sh`: a large driftsammandrag and a tree of small reports,
//! with errors injected at deterministic places, and `truth.json` with the finding counts the
//! rules in `bench/rules/` must report.
//!
//! ```sh
//! cargo run --release --example gen_bench -- OUT_DIR [--rows N] [--tree N] [--seed S]
//! ```
//!
//! - `--rows N` (default 1 000 000; 0: none): `OUT_DIR/rows/driftsammandrag.csv`, N rows in
//!   groups (förvaltningar) of 8 unit rows and a `Summa` row, columns
//!   `forvaltning;verksamhet;redovisat;budget;avvikelse;foregaende_ar`, Swedish figures.
//!   About one row in 97 has an avvikelse that is not redovisat − budget (rule `r1-avvikelse`)
//!   and about one group in 41 a wrong figure in its Summa row (`r2-summa`).
//! - `--tree N` (default 10 000; 0: none): `OUT_DIR/tree/NNNNNN/` report folders, each a
//!   9-row `driftsammandrag.csv` and a 1-row `investeringar.csv` (`projekt;prognos;ram`), with
//!   the same kinds of errors and about one prognos in 13 above its ram (`r3-ram`).
//!
//! The expected counts are not copied from where errors were injected: they are worked out
//! again from the figures written, in integers, with the tolerances `within rounding` gives
//! (±1,5 for `a == b - c`, ±4,5 for a sum of 8 against its total), so `truth.json` is what an
//! exact checker must find.
//!
//! No dependencies: the numbers come from a 64-bit LCG, so the same seed gives the same files.

use std::fmt::Write as _;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Knuth's MMIX LCG; the high bits are the random ones.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    /// Uniform-ish in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }
    /// True with probability 1/n.
    fn one_in(&mut self, n: u64) -> bool {
        self.next().is_multiple_of(n)
    }
    /// A non-zero offset of size `lo..=hi`, either sign.
    fn offset(&mut self, lo: i64, hi: i64) -> i64 {
        let d = self.range(lo, hi);
        if self.one_in(2) { d } else { -d }
    }
}

/// `8486` → `8 486`, `-1116` → `-1 116`.
fn swedish(v: i64, out: &mut String) {
    if v < 0 {
        out.push('-');
    }
    let digits = v.unsigned_abs().to_string();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(ch);
    }
}

const UNITS_PER_GROUP: usize = 8;
/// Columns with figures: redovisat, budget, avvikelse, foregaende_ar.
const FIGURES: usize = 4;

/// One förvaltning: 8 unit rows and its Summa row, as figures.
struct Group {
    units: [[i64; FIGURES]; UNITS_PER_GROUP],
    total: [i64; FIGURES],
}

fn make_group(rng: &mut Lcg) -> Group {
    let mut units = [[0i64; FIGURES]; UNITS_PER_GROUP];
    for u in &mut units {
        let budget = rng.range(-20_000, 200_000);
        let redovisat = budget + rng.range(-5_000, 5_000);
        let mut avvikelse = redovisat - budget;
        // A typo in the avvikelse (the Summa row adds up the figures as written).
        if rng.one_in(97) {
            avvikelse += rng.offset(10, 999);
        }
        *u = [redovisat, budget, avvikelse, rng.range(-20_000, 200_000)];
    }
    let mut total = [0i64; FIGURES];
    for u in &units {
        for (t, v) in total.iter_mut().zip(u) {
            *t += v;
        }
    }
    // A wrong total in one column.
    if rng.one_in(41) {
        let c = rng.range(0, FIGURES as i64 - 1) as usize;
        total[c] += rng.offset(100, 9_999);
    }
    Group { units, total }
}

/// What the rules must find in one group: (r1 rows failing, r2 columns failing).
fn expected(g: &Group) -> (usize, usize) {
    let r1 = |row: &[i64; FIGURES]| (row[2] - (row[0] - row[1])).abs() * 2 > 3; // > 1,5
    let mut r1_failed = g.units.iter().filter(|u| r1(u)).count();
    if r1(&g.total) {
        r1_failed += 1;
    }
    let r2_failed = (0..FIGURES)
        .filter(|&c| {
            let sum: i64 = g.units.iter().map(|u| u[c]).sum();
            (sum - g.total[c]).abs() * 2 > 9 // > 4,5
        })
        .count();
    (r1_failed, r2_failed)
}

const HEADER: &str = "forvaltning;verksamhet;redovisat;budget;avvikelse;foregaende_ar\n";

fn write_group(name: &str, g: &Group, line: &mut String) {
    let row = |verksamhet: &str, figures: &[i64; FIGURES], line: &mut String| {
        line.push_str(name);
        line.push(';');
        line.push_str(verksamhet);
        for v in figures {
            line.push(';');
            swedish(*v, line);
        }
        line.push('\n');
    };
    for (i, u) in g.units.iter().enumerate() {
        row(&format!("Verksamhet {}", i + 1), u, line);
    }
    row("Summa", &g.total, line);
}

#[derive(Default)]
struct Truth {
    reports: usize,
    rows: usize,
    r1: usize,
    r2: usize,
    r3: usize,
}

impl Truth {
    fn json(&self) -> String {
        format!(
            "{{\"reports\": {}, \"rows\": {}, \"r1-avvikelse\": {}, \"r2-summa\": {}, \"r3-ram\": {}, \"findings\": {}}}",
            self.reports,
            self.rows,
            self.r1,
            self.r2,
            self.r3,
            self.r1 + self.r2 + self.r3
        )
    }
}

fn big_table(dir: &Path, rows: usize, rng: &mut Lcg) -> std::io::Result<Truth> {
    fs::create_dir_all(dir)?;
    let mut out =
        BufWriter::with_capacity(1 << 20, fs::File::create(dir.join("driftsammandrag.csv"))?);
    out.write_all(HEADER.as_bytes())?;
    let groups = rows / (UNITS_PER_GROUP + 1);
    let mut truth = Truth {
        reports: 1,
        rows: groups * (UNITS_PER_GROUP + 1),
        ..Truth::default()
    };
    let mut text = String::with_capacity(1024);
    for i in 0..groups {
        let g = make_group(rng);
        let (r1, r2) = expected(&g);
        truth.r1 += r1;
        truth.r2 += r2;
        text.clear();
        write_group(&format!("Förvaltning {i:06}"), &g, &mut text);
        out.write_all(text.as_bytes())?;
    }
    out.flush()?;
    Ok(truth)
}

fn tree(dir: &Path, reports: usize, rng: &mut Lcg) -> std::io::Result<Truth> {
    let mut truth = Truth {
        reports,
        ..Truth::default()
    };
    let mut text = String::new();
    for i in 0..reports {
        let folder = dir.join(format!("{i:06}"));
        fs::create_dir_all(&folder)?;
        let g = make_group(rng);
        let (r1, r2) = expected(&g);
        truth.r1 += r1;
        truth.r2 += r2;
        truth.rows += UNITS_PER_GROUP + 2;
        text.clear();
        text.push_str(HEADER);
        write_group(&format!("Förvaltning {i:06}"), &g, &mut text);
        fs::write(folder.join("driftsammandrag.csv"), &text)?;

        let ram = rng.range(1_000, 90_000);
        let prognos = if rng.one_in(13) {
            ram + rng.range(1, 5_000)
        } else {
            ram - rng.range(0, 1_000)
        };
        if prognos > ram {
            truth.r3 += 1;
        }
        text.clear();
        text.push_str("projekt;prognos;ram\n");
        let _ = write!(text, "Projekt {i:06};");
        swedish(prognos, &mut text);
        text.push(';');
        swedish(ram, &mut text);
        text.push('\n');
        fs::write(folder.join("investeringar.csv"), &text)?;
    }
    Ok(truth)
}

fn usage() -> ! {
    eprintln!("usage: gen_bench OUT_DIR [--rows N] [--tree N] [--seed S]");
    std::process::exit(2)
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut out: Option<PathBuf> = None;
    let mut rows = 1_000_000usize;
    let mut reports = 10_000usize;
    let mut seed = 20_201_031u64;
    while let Some(a) = args.next() {
        let mut number = || {
            args.next()
                .and_then(|v| v.replace('_', "").parse::<u64>().ok())
                .unwrap_or_else(|| usage())
        };
        match a.as_str() {
            "--rows" => rows = number() as usize,
            "--tree" => reports = number() as usize,
            "--seed" => seed = number(),
            "-h" | "--help" => usage(),
            _ if out.is_none() && !a.starts_with('-') => out = Some(PathBuf::from(a)),
            _ => usage(),
        }
    }
    let out = out.unwrap_or_else(|| usage());
    fs::create_dir_all(&out)?;
    let mut rng = Lcg(seed);
    let mut parts = Vec::new();
    if rows > 0 {
        let t = big_table(&out.join("rows"), rows, &mut rng)?;
        parts.push(format!("  \"rows\": {}", t.json()));
    }
    if reports > 0 {
        let t = tree(&out.join("tree"), reports, &mut rng)?;
        parts.push(format!("  \"tree\": {}", t.json()));
    }
    let truth = format!("{{\n{}\n}}\n", parts.join(",\n"));
    fs::write(out.join("truth.json"), &truth)?;
    print!("{truth}");
    Ok(())
}
