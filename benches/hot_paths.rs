//! Micro-benchmarks of the hot paths: figure parsing, CSV loading, evaluation.
//! `cargo bench --bench hot_paths`; the end-to-end numbers are `bench/run.sh`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rimlig::report::csv::load_csv;
use rimlig::report::number::parse_cell;
use rimlig::source::Sources;
use std::hint::black_box;
use std::path::PathBuf;

/// A driftsammandrag of `groups` förvaltningar (8 rows and a Summa row each), a few figures
/// off, like `examples/gen_bench.rs` writes.
fn driftsammandrag(groups: usize) -> String {
    let mut s = String::from("forvaltning;verksamhet;redovisat;budget;avvikelse;foregaende_ar\n");
    let mut x: u64 = 7;
    let mut next = |m: i64| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((x >> 33) % m as u64) as i64
    };
    let fmt = |v: i64| {
        let d = v.unsigned_abs().to_string();
        let mut o = String::from(if v < 0 { "-" } else { "" });
        for (i, c) in d.chars().enumerate() {
            if i > 0 && (d.len() - i).is_multiple_of(3) {
                o.push(' ');
            }
            o.push(c);
        }
        o
    };
    for g in 0..groups {
        let mut tot = [0i64; 4];
        for u in 0..8 {
            let b = next(200_000) - 20_000;
            let r = b + next(10_000) - 5_000;
            let a = r - b + if next(97) == 0 { 17 } else { 0 };
            let f = next(200_000);
            for (t, v) in tot.iter_mut().zip([r, b, a, f]) {
                *t += v;
            }
            s.push_str(&format!(
                "Förvaltning {g};Verksamhet {u};{};{};{};{}\n",
                fmt(r),
                fmt(b),
                fmt(a),
                fmt(f)
            ));
        }
        if next(41) == 0 {
            tot[0] += 500;
        }
        s.push_str(&format!(
            "Förvaltning {g};Summa;{};{};{};{}\n",
            fmt(tot[0]),
            fmt(tot[1]),
            fmt(tot[2]),
            fmt(tot[3])
        ));
    }
    s
}

fn parsing(c: &mut Criterion) {
    let cells = [
        "8 486",
        "-1 116",
        "4,3 %",
        "6,3 mkr",
        "165 616*",
        "–",
        "..",
        "Verksamhet 1",
        "0",
        "12 345 678",
        "−2 930",
        "1,50",
    ];
    let mut g = c.benchmark_group("parse_cell");
    g.throughput(Throughput::Elements(cells.len() as u64));
    g.bench_function("mixed", |b| {
        b.iter(|| {
            for cell in &cells {
                black_box(parse_cell(black_box(cell)));
            }
        })
    });
    g.finish();
}

fn loading(c: &mut Criterion) {
    let text = driftsammandrag(1_000); // 9 000 rows
    let mut g = c.benchmark_group("load_csv");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("driftsammandrag_9000_rows", |b| {
        b.iter(|| {
            let mut sources = Sources::default();
            let mut problems = Vec::new();
            let t = load_csv(
                "driftsammandrag.csv",
                "driftsammandrag",
                black_box(text.as_bytes()),
                &mut sources,
                &mut problems,
            );
            black_box(t.map(|t| t.rows.len()))
        })
    });
    g.finish();
}

fn evaluation(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("rimlig-bench-eval-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("driftsammandrag.csv"), driftsammandrag(1_000)).expect("write");
    let rules = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bench/rules/drift.rules");
    let mut g = c.benchmark_group("check");
    g.sample_size(20);
    g.bench_function("driftsammandrag_9000_rows_r1_r2", |b| {
        b.iter(|| {
            let run = rimlig::run::check(std::slice::from_ref(&dir), std::slice::from_ref(&rules));
            assert!(run.problems.is_empty());
            black_box(run.outcome.findings.len())
        })
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, parsing, loading, evaluation);
criterion_main!(benches);
