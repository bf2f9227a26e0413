//! The fuzz targets' bodies (`fuzz/bodies/`) on the inputs their corpora are seeded from
//! (`fuzz/seed.sh`). The fuzz crate needs nightly and libFuzzer, so CI does not build it;
//! here a change that breaks a target, or an input it panics on, shows in `cargo test`.

#[path = "../fuzz/bodies/check.rs"]
mod check;
#[path = "../fuzz/bodies/csv.rs"]
mod csv;
#[path = "../fuzz/bodies/number.rs"]
mod number;
#[path = "../fuzz/bodies/parse_rules.rs"]
mod parse_rules;
#[path = "../fuzz/bodies/workbook.rs"]
mod workbook;
#[path = "../fuzz/bodies/workbook_parts.rs"]
mod workbook_parts;

use std::path::{Path, PathBuf};

/// The files under `dir` whose names end with one of `ends`, in order.
/// The files of the examples and the test data whose names end with one of `ends`: what
/// `fuzz/seed.sh` seeds a target's corpus with.
fn seeds(ends: &[&str]) -> Vec<PathBuf> {
    [files("examples", ends), files("tests/data", ends)].concat()
}

fn files(dir: &str, ends: &[&str]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.is_file())
        .filter(|p| ends.iter().any(|e| p.to_string_lossy().ends_with(e)))
        .collect();
    out.sort();
    out
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("a seed file")
}

#[test]
fn parse_rules_runs_on_every_rule_file() {
    let seeds = [
        files("rules", &[".rules"]),
        files("tests/data", &[".rules"]),
    ]
    .concat();
    assert!(seeds.len() > 10, "{} rule files", seeds.len());
    for f in seeds {
        parse_rules::run(&read(&f));
    }
}

#[test]
fn csv_runs_on_every_example_and_test_table() {
    let seeds = seeds(&[".csv", ".tsv"]);
    assert!(seeds.len() > 10, "{} tables", seeds.len());
    for f in seeds {
        csv::run(&read(&f));
    }
}

#[test]
fn number_runs_on_every_cell_of_the_examples() {
    let mut cells = 0;
    for f in files("examples/linkoping-vss", &[".csv"]) {
        let text = String::from_utf8_lossy(&read(&f)).into_owned();
        for cell in text.lines().flat_map(|l| l.split([';', '\t'])) {
            number::run(cell.as_bytes());
            cells += 1;
        }
    }
    assert!(cells > 100, "{cells} cells");
}

/// Inputs the `check` target reported (`tests/data/fuzz/check/`, as libFuzzer wrote them),
/// run again here on every change.
#[test]
fn check_runs_on_what_the_fuzzer_reported() {
    replay("tests/data/fuzz/check", check::run);
}

/// Run a target's body on each input libFuzzer reported for it, kept in `dir`.
fn replay(dir: &str, run: fn(&[u8])) {
    let found = files(dir, &[".bin"]);
    assert!(!found.is_empty(), "the reported inputs in {dir}");
    for path in found {
        run(&read(&path));
    }
}

#[test]
fn check_runs_on_every_semantics_case() {
    let mut cases = 0;
    for dir in std::fs::read_dir("tests/data/semantics").expect("the cases") {
        let dir = dir.expect("a case").path();
        let dir = dir.to_string_lossy();
        let (Some(rules), Some(table)) = (
            files(&dir, &[".rules"]).into_iter().next(),
            files(&dir, &[".csv"]).into_iter().next(),
        ) else {
            continue;
        };
        // The rules, a NUL byte, then the table: the input `fuzz/seed.sh` writes.
        let mut input = read(&rules);
        input.push(0);
        input.extend(read(&table));
        check::run(&input);
        cases += 1;
    }
    assert!(cases > 5, "{cases} cases");
}

#[test]
fn workbook_runs_on_every_example_and_test_workbook() {
    let seeds = seeds(&[".xlsx", ".xls", ".ods"]);
    assert!(seeds.len() > 8, "{} workbooks", seeds.len());
    for f in seeds {
        workbook::run(&read(&f));
    }
}

/// Inputs the `workbook` target reported (`tests/data/fuzz/workbook/`), run again here.
#[test]
fn workbook_runs_on_what_the_fuzzer_reported() {
    replay("tests/data/fuzz/workbook", workbook::run);
}

/// The parts of the zipped workbook `bytes` as `workbook_parts` reads its input (as
/// `fuzz/seed.sh` writes them): path, line feed, content; a NUL byte between.
fn parts_of(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut parts: Vec<Vec<u8>> = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).expect("a part");
        let mut part = file.name().expect("a name").as_bytes().to_vec();
        part.push(b'\n');
        file.read_to_end(&mut part).expect("its content");
        parts.push(part);
    }
    parts.join(&0u8)
}

/// What a workbook reads as: each table's name and the text of every cell.
fn read_as(name: &str, bytes: Vec<u8>) -> Vec<(String, Vec<String>)> {
    let mut sources = rimlig::source::Sources::default();
    let report = rimlig::report::workbook::workbook_from_bytes(
        Path::new(name),
        name,
        bytes,
        &mut sources,
        &mut Vec::new(),
    );
    report
        .tables
        .iter()
        .map(|t| {
            let file = sources.get(t.source);
            let cells = t
                .iter_rows()
                .flat_map(|r| r.cells)
                .map(|c| file.slice(c.span()).to_string())
                .collect();
            (t.name.clone(), cells)
        })
        .collect()
}

#[test]
fn workbook_parts_put_together_read_as_the_workbook_they_came_from() {
    let seeds = seeds(&[".xlsx", ".ods"]);
    let mut read = 0;
    for f in seeds {
        let bytes = std::fs::read(&f).expect("a workbook");
        // A test workbook that is damaged on purpose is no zip to take apart.
        if zip::ZipArchive::new(std::io::Cursor::new(&bytes)).is_err() {
            continue;
        }
        let parts = parts_of(&bytes);
        workbook::run(&workbook_parts::zip_of(&parts));
        let name = f
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        let original = read_as(&name, bytes);
        // The archive made of the parts, stored rather than compressed, reads the same.
        assert_eq!(
            read_as(&name, workbook_parts::zip_of(&parts)),
            original,
            "{name}"
        );
        read += usize::from(!original.is_empty());
    }
    assert!(read > 4, "{read} workbooks with tables");
}

/// Inputs the `workbook_parts` target reported (`tests/data/fuzz/workbook_parts/`), run again
/// here: an `.ods` whose content ends inside a sheet kept calamine reading without end.
#[test]
fn workbook_parts_runs_on_what_the_fuzzer_reported() {
    replay("tests/data/fuzz/workbook_parts", |input| {
        workbook::run(&workbook_parts::zip_of(input))
    });
}

#[test]
fn workbook_parts_takes_any_bytes() {
    for input in [
        &b""[..],
        b"\0\0\0",
        b"no line feed",
        b"xl/a.xml\n<x/>\0xl/a.xml\nthe same path again",
        b"\n\xff\xfe",
    ] {
        workbook::run(&workbook_parts::zip_of(input));
    }
}
