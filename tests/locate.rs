//! Error localisation and fix suggestions: on the shipped Linköping reports, and on reports
//! rimlig has never seen with one typo injected at a known cell, the cell rimlig names and
//! the value it suggests must be the injected truth.

mod common;

use common::assert_fix;
use rimlig::finding::Finding;
use rimlig::locate::{FixKind, FixStatus};
use rimlig::run::{Run, check};
use std::path::{Path, PathBuf};

fn finding<'a>(run: &'a Run, rule: &str, row_key: &str) -> &'a Finding {
    run.outcome
        .findings
        .iter()
        .find(|f| f.rule == rule && f.row_key.as_deref() == Some(row_key))
        .unwrap_or_else(|| panic!("no {rule} finding on {row_key}"))
}

#[test]
fn october_kontakt_linkoping_avvikelse_is_localised_with_1000() {
    let run = check(&[PathBuf::from("examples/linkoping-vss")], &[]);
    let f = finding(&run, "prognos-avvikelse", "Kontakt Linköping");
    let fix = f.fix.as_ref().expect("a fix");
    assert_eq!(fix.status, FixStatus::Localised);
    let [c] = fix.changes.as_slice() else {
        panic!("one cell: {:?}", fix.changes)
    };
    assert_eq!(
        (c.row_key.as_str(), c.column_name.as_str()),
        ("Kontakt Linköping", "Avvikelse")
    );
    assert_eq!((c.written.as_str(), c.suggested.as_str()), ("995", "1000"));
    assert_eq!(c.suggested_text, "1 000");
    assert_eq!((c.line, c.column), (6, 27));
    // The Avvikelse column then adds up to the Summa row exactly, not just within rounding.
    assert!(
        fix.exact.iter().any(|k| k == "prognos-summa[avvikelse]"),
        "{fix:?}"
    );
    let help = fix.summary();
    assert!(help.contains("995 is most likely 1 000"), "{help}");
    assert!(
        help.contains("that one change makes prognos-avvikelse"),
        "{help}"
    );
}

#[test]
fn shipped_examples_sign_errors_are_sign_flips() {
    let run = check(&[PathBuf::from("examples/linkoping-vss")], &[]);
    // Investeringar, netto: avvikelse written with the other sign than the other row.
    let f = finding(&run, "ekonomi-avvikelse", "Investeringar, netto");
    let c = &f.fix.as_ref().expect("a fix").changes[0];
    assert_eq!(
        (c.column_name.as_str(), c.suggested.as_str()),
        ("Avvikelse", "-15000")
    );
    assert_eq!(c.kind, FixKind::Sign);
    // October's "varav kostnader" has prognos and budget signed the other way than August:
    // both findings on the row are one problem, explained by two sign flips.
    let a = finding(&run, "prognos-avvikelse", "varav kostnader");
    let b = finding(&run, "prognos-tecken-stabilt", "varav kostnader");
    let (fa, fb) = (a.fix.as_ref().expect("fix"), b.fix.as_ref().expect("fix"));
    assert_eq!(fa.group, fb.group, "one group");
    assert_eq!(fa.explains.len(), 2);
    let cells: Vec<(&str, &str, FixKind)> = fa
        .changes
        .iter()
        .map(|c| (c.column_name.as_str(), c.suggested.as_str(), c.kind))
        .collect();
    assert_eq!(
        cells,
        vec![
            ("Prognos helår", "300314", FixKind::Sign),
            ("Budget 2020", "294028", FixKind::Sign)
        ]
    );
}

#[test]
fn findings_that_are_not_figure_comparisons_get_no_fix() {
    let run = check(&[PathBuf::from("examples/linkoping-vss")], &[]);
    // `mal is missing`: no value of the cell makes it hold.
    let f = finding(&run, "indikator-malvarde", "Män");
    assert!(f.fix.is_none(), "{:?}", f.fix);
}

// ---- Reports rimlig has never seen, with one injected typo each ----

/// A clean driftsammandrag of a culture department (figures in tkr): redovisat, budget,
/// avvikelse = redovisat − budget, last year; a Summa row.
const UNITS: [(&str, i64, i64, i64); 8] = [
    ("Kulturförvaltningens ledning", -2_431, -2_500, -2_380),
    ("Bibliotek", 18_412, 17_950, 17_663),
    ("Kulturskolan", 9_734, 10_100, 9_512),
    ("Museer", 6_018, 5_800, 5_907),
    ("Allmänkultur", 3_205, 3_205, 3_011),
    ("Fritidsgårdar", 12_876, 13_420, 12_240),
    ("Idrottsanläggningar", 21_309, 20_660, 20_874),
    ("Föreningsbidrag", 7_450, 7_450, 7_330),
];

/// The figure as a Swedish report writes it: `-2 431`.
fn kr(x: i64) -> String {
    let digits = x.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(ch);
    }
    if x < 0 { format!("-{out}") } else { out }
}

/// The table as rows of cells, Summa last.
fn clean() -> Vec<[String; 5]> {
    let mut rows: Vec<[String; 5]> = Vec::new();
    let (mut r, mut b, mut p) = (0, 0, 0);
    for (name, red, bud, prev) in UNITS {
        rows.push([name.into(), kr(red), kr(bud), kr(red - bud), kr(prev)]);
        (r, b, p) = (r + red, b + bud, p + prev);
    }
    rows.push(["Summa".into(), kr(r), kr(b), kr(r - b), kr(p)]);
    rows
}

fn write_report(name: &str, rows: &[[String; 5]]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rimlig-locate-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut csv = String::from(
        "Verksamhet;Redovisat jan-sep 2021;Budget jan-sep 2021;Avvikelse;Redovisat samma period föregående år\r\n",
    );
    for row in rows {
        csv.push_str(&row.join(";"));
        csv.push_str("\r\n");
    }
    // As Excel saves it in Swedish: Windows-1252.
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&csv);
    std::fs::write(dir.join("driftsammandrag.csv"), bytes).expect("write");
    std::fs::write(
        dir.join("report.toml"),
        "unit = \"Kultur- och fritidsförvaltningen\"\nperiod = \"2021-09\"\n",
    )
    .expect("write");
    dir
}

/// Check the report `rows` make, with the built-in rules.
fn check_rows(name: &str, rows: &[[String; 5]]) -> Run {
    let dir = write_report(name, rows);
    let run = check(std::slice::from_ref(&dir), &[]);
    let _ = std::fs::remove_dir_all(&dir);
    run
}

fn errors(run: &Run) -> Vec<&Finding> {
    run.outcome
        .findings
        .iter()
        .filter(|f| f.severity == rimlig::problem::Severity::Error)
        .collect()
}

/// Check a report with one cell replaced; the one fix rimlig suggests.
fn fix_for(name: &str, row: usize, col: usize, written: &str) -> (Run, rimlig::locate::Fix) {
    let mut rows = clean();
    rows[row][col] = written.to_string();
    let run = check_rows(name, &rows);
    let errors = errors(&run);
    assert!(!errors.is_empty(), "{name}: the typo is found");
    let fix = errors[0].fix.clone().expect("a fix");
    for f in &errors {
        let g = f.fix.as_ref().expect("every error has a fix");
        assert_eq!(
            g.group, fix.group,
            "{name}: one problem, one group: {}",
            f.message
        );
    }
    assert_eq!(fix.explains.len(), errors.len(), "{name}");
    (run, (*fix).clone())
}

#[test]
fn a_clean_report_has_no_findings_to_fix() {
    let dir = write_report("clean", &clean());
    let run = check(std::slice::from_ref(&dir), &[]);
    let _ = std::fs::remove_dir_all(&dir);
    let errors: Vec<_> = run
        .outcome
        .findings
        .iter()
        .filter(|f| f.severity == rimlig::problem::Severity::Error)
        .map(|f| f.message.clone())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn transposed_avvikelse() {
    // Bibliotek: 18 412 − 17 950 = 462, written 426.
    let (_, fix) = fix_for("transposed", 1, 3, "426");
    assert_fix(
        &fix,
        "Bibliotek",
        "Avvikelse",
        "462",
        FixKind::Transposition,
    );
}

#[test]
fn flipped_sign_of_a_budget() {
    // Kulturskolan's budget 10 100 written -10 100: the row and the budget column break.
    let (_, fix) = fix_for("sign", 2, 2, "-10 100");
    assert_fix(
        &fix,
        "Kulturskolan",
        "Budget jan-sep 2021",
        "10100",
        FixKind::Sign,
    );
}

#[test]
fn dropped_digit_in_redovisat() {
    // Museer's redovisat 6 018 written 618.
    let (_, fix) = fix_for("dropped", 3, 1, "618");
    assert_fix(
        &fix,
        "Museer",
        "Redovisat jan-sep 2021",
        "6018",
        FixKind::DroppedDigit,
    );
}

#[test]
fn doubled_digit_in_redovisat() {
    // Fritidsgårdar's redovisat 12 876 written 128 876.
    let (_, fix) = fix_for("doubled", 5, 1, "128 876");
    assert_fix(
        &fix,
        "Fritidsgårdar",
        "Redovisat jan-sep 2021",
        "12876",
        FixKind::ExtraDigit,
    );
}

#[test]
fn wrong_total() {
    // The Summa of redovisat is 76 573; written 76 873 (one digit wrong). The column sum and
    // the Summa row's own avvikelse both break: the Summa cell explains both.
    let total: i64 = UNITS.iter().map(|u| u.1).sum();
    assert_eq!(total, 76_573);
    let (_, fix) = fix_for("total", 8, 1, "76 873");
    assert_fix(
        &fix,
        "Summa",
        "Redovisat jan-sep 2021",
        "76573",
        FixKind::Digit,
    );
}

#[test]
fn kr_written_for_tkr() {
    // Allmänkultur's budget 3 205 tkr written in kr: 3 205 000.
    let (_, fix) = fix_for("thousands", 4, 2, "3 205 000");
    assert_fix(
        &fix,
        "Allmänkultur",
        "Budget jan-sep 2021",
        "3205",
        FixKind::Thousands,
    );
}

#[test]
fn fixes_are_in_the_json_output() {
    let run = check(&[PathBuf::from("examples/linkoping-vss")], &[]);
    let json = rimlig::render::json::render(&run, rimlig::run::Gate::default());
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    let f = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "prognos-avvikelse" && f["row_key"] == "Kontakt Linköping")
        .expect("the finding");
    let fix = &f["fix"];
    assert_eq!(fix["status"], "localised");
    assert_eq!(fix["changes"][0]["suggested"], "1000");
    assert_eq!(fix["changes"][0]["current"], "995");
    assert_eq!(fix["changes"][0]["kind"], "value");
    assert_eq!(
        fix["changes"][0]["file"],
        "examples/linkoping-vss/2020-10/prognos.csv"
    );
    assert!(
        fix["fixes"]
            .as_array()
            .expect("fixes")
            .iter()
            .any(|x| x == "prognos-avvikelse (Kontakt Linköping)")
    );
    assert_eq!(fix["explains"][0], f["fingerprint"]);
}

#[test]
fn localisation_of_the_workbook_names_the_sheet_cell() {
    let path = Path::new("examples/linkoping-vss-xlsx");
    if !path.exists() {
        return;
    }
    let run = check(&[path.to_path_buf()], &[]);
    let f = finding(&run, "prognos-avvikelse", "Kontakt Linköping");
    let c = &f.fix.as_ref().expect("a fix").changes[0];
    assert_eq!(c.suggested, "1000");
    assert!(
        c.cell.as_deref().is_some_and(|x| x.ends_with("D6")),
        "{:?}",
        c.cell
    );
}

#[test]
fn two_typos_in_one_row_need_two_cells() {
    // Idrottsanläggningar: redovisat 21 309 written 21 390 and budget 20 660 written 20 606.
    // The row identity and both column sums break; no one cell explains all three.
    let mut rows = clean();
    rows[6][1] = "21 390".into();
    rows[6][2] = "20 606".into();
    let dir = write_report("two", &rows);
    let run = check(std::slice::from_ref(&dir), &[]);
    let _ = std::fs::remove_dir_all(&dir);
    let f = finding(&run, "drift-avvikelse", "Idrottsanläggningar");
    let fix = f.fix.as_ref().expect("a fix");
    let mut cells: Vec<(&str, &str, FixKind)> = fix
        .changes
        .iter()
        .map(|c| (c.column_name.as_str(), c.suggested.as_str(), c.kind))
        .collect();
    cells.sort();
    assert_eq!(
        cells,
        vec![
            ("Budget jan-sep 2021", "20660", FixKind::Transposition),
            ("Redovisat jan-sep 2021", "21309", FixKind::Transposition),
        ],
        "{}",
        fix.summary()
    );
}

#[test]
fn three_slips_in_one_column_are_localised_one_cell_at_a_time() {
    // Three avvikelse figures wrong: every row identity breaks and so does the column sum,
    // which ties them into one problem that no one or two cells explain. Cell by cell, each
    // slip is found with its own fix.
    let mut rows = clean();
    rows[0][3] = "96".into(); // -2 431 − -2 500 = 69
    rows[1][3] = "426".into(); // 462
    rows[3][3] = "281".into(); // 218
    let dir = write_report("three", &rows);
    let run = check(std::slice::from_ref(&dir), &[]);
    let _ = std::fs::remove_dir_all(&dir);
    let mut got: Vec<(String, String, FixKind, usize)> = Vec::new();
    for key in ["Kulturförvaltningens ledning", "Bibliotek", "Museer"] {
        let f = finding(&run, "drift-avvikelse", key);
        let fix = f.fix.as_ref().expect("a fix");
        assert_eq!(fix.status, FixStatus::Localised, "{}", fix.summary());
        let [c] = fix.changes.as_slice() else {
            panic!("one cell: {}", fix.summary())
        };
        assert_eq!(
            (c.row_key.as_str(), c.column_name.as_str()),
            (key, "Avvikelse")
        );
        got.push((key.to_string(), c.suggested.clone(), c.kind, fix.group));
    }
    assert_eq!(
        got.iter()
            .map(|(k, v, kind, _)| (k.as_str(), v.as_str(), *kind))
            .collect::<Vec<_>>(),
        vec![
            ("Kulturförvaltningens ledning", "69", FixKind::Transposition),
            ("Bibliotek", "462", FixKind::Transposition),
            ("Museer", "218", FixKind::Transposition),
        ]
    );
    // Three problems, three groups.
    let mut groups: Vec<usize> = got.iter().map(|g| g.3).collect();
    groups.dedup();
    assert_eq!(groups.len(), 3);
}

#[test]
fn rules_no_data_can_satisfy_are_not_localised() {
    // `a >= 5` and `a <= 3` cannot both hold: no value of any cell makes both pass.
    let dir = std::env::temp_dir().join(format!("rimlig-locate-{}-never", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("r")).expect("dir");
    std::fs::write(dir.join("r/t.csv"), "namn;a;b\nx;4;1\n").expect("write");
    std::fs::write(
        dir.join("never.rules"),
        "rule low { each t: a >= 5 }\nrule high { each t: a <= 3 }\n",
    )
    .expect("write");
    let run = check(&[dir.join("r")], &[dir.join("never.rules")]);
    let _ = std::fs::remove_dir_all(&dir);
    let f = finding(&run, "low", "x");
    let fix = f.fix.as_ref().expect("a fix");
    assert_eq!(fix.status, FixStatus::NotLocalised, "{}", fix.summary());
    assert!(
        fix.summary().starts_with("could not localise: "),
        "{}",
        fix.summary()
    );
    assert!(fix.changes.is_empty());
    assert_eq!(fix.explains.len(), 2, "both findings are one problem");
}

/// The typos a hand makes, applied to a figure as written: `None` where the kind does not
/// apply (no two different adjacent digits to swap …).
fn slip(x: i64, kind: FixKind) -> Option<i64> {
    let neg = x < 0;
    let d: Vec<u8> = x.unsigned_abs().to_string().into_bytes();
    let back = |d: Vec<u8>| -> Option<i64> {
        let v: i64 = String::from_utf8(d).ok()?.parse().ok()?;
        Some(if neg { -v } else { v })
    };
    match kind {
        FixKind::Sign => (x != 0).then_some(-x),
        FixKind::Thousands => Some(x * 1000),
        FixKind::Transposition => {
            let i = (0..d.len().saturating_sub(1))
                .rev()
                .find(|&i| d[i] != d[i + 1])?;
            let mut e = d.clone();
            e.swap(i, i + 1);
            (e[0] != b'0').then_some(())?;
            back(e)
        }
        FixKind::DroppedDigit if d.len() >= 3 => {
            let mut e = d.clone();
            e.remove(1);
            back(e)
        }
        FixKind::ExtraDigit => {
            let mut e = d.clone();
            e.insert(1, d[1.min(d.len() - 1)]);
            back(e)
        }
        FixKind::Digit => {
            let mut e = d.clone();
            let last = e.len() - 1;
            let i = last.saturating_sub(1);
            e[i] = if e[i] == b'7' { b'2' } else { b'7' };
            back(e)
        }
        _ => None,
    }
}

#[test]
fn every_kind_of_slip_in_every_column_is_found_and_undone() {
    // Each slip in its own copy of the report, over the rows and figure columns in turn.
    let kinds = [
        FixKind::Transposition,
        FixKind::Sign,
        FixKind::DroppedDigit,
        FixKind::ExtraDigit,
        FixKind::Digit,
        FixKind::Thousands,
    ];
    let mut wrong = Vec::new();
    let mut tried = 0;
    for (n, kind) in kinds.iter().cycle().take(36).enumerate() {
        let row = (n * 5) % 9; // every row, the Summa row too
        let col = 1 + (n * 7) % 4;
        let base = clean();
        let written: i64 = base[row][col].replace(' ', "").parse().expect("figure");
        let Some(slipped) = slip(written, *kind) else {
            continue;
        };
        tried += 1;
        let mut rows = base.clone();
        rows[row][col] = kr(slipped);
        let run = check_rows(&format!("slip-{n}"), &rows);
        let errors = errors(&run);
        let ok = !errors.is_empty()
            && errors.iter().all(|f| {
                f.fix.as_ref().is_some_and(|fix| {
                    fix.status == FixStatus::Localised
                        && matches!(fix.changes.as_slice(), [c]
                            if c.line == row + 2
                            && c.suggested == written.to_string())
                })
            });
        if !ok {
            wrong.push(format!(
                "{kind:?} in row {row} column {col}: {written} written {slipped}: {:?}",
                errors
                    .iter()
                    .map(|f| f.fix.as_ref().map(|x| x.summary()))
                    .collect::<Vec<_>>()
            ));
        }
    }
    assert!(tried >= 30, "{tried}");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn one_cell_explaining_two_findings_is_shown_once_above_them() {
    // Bibliotek's avvikelse 462 written 426 (Windows-1252, as Excel saves it): the row
    // identity and the column sum fail, and the change is shown once, above both.
    let run = check(&[PathBuf::from("tests/data/locate/kultur-2021-09")], &[]);
    let style = rimlig::render::human::Style {
        color: false,
        width: 100,
        verbose: false,
    };
    let text = rimlig::render::human::render(&run, style);
    let head = text
        .find("one cell explains the next 2 findings")
        .expect("the head");
    let sum = text.find("× drift-summa[avvikelse]").expect("the sum");
    let row = text.find("× drift-avvikelse").expect("the row");
    assert!(head < sum && head < row);
    insta::assert_snapshot!("one_cell_two_findings", text);
}

#[test]
fn fixes_can_be_switched_off_in_rimlig_toml() {
    let dir = std::env::temp_dir().join(format!("rimlig-locate-{}-off", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("rimlig.toml"), "[check]\nfixes = false\n").expect("write");
    let choice = rimlig::config::Choice::File(dir.join("rimlig.toml"));
    let run = rimlig::run::check_configured(
        &[PathBuf::from("tests/data/locate/kultur-2021-09")],
        &[],
        &choice,
        &rimlig::progress::Quiet,
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(run.outcome.findings.len(), 2);
    assert!(run.outcome.findings.iter().all(|f| f.fix.is_none()));
}

#[test]
fn fixes_can_be_switched_off_on_the_command_line() {
    let run = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "tests/data/locate/kultur-2021-09",
            "--format",
            "json",
        ];
        args.extend(extra);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_rimlig"))
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("rimlig runs");
        assert_eq!(out.status.code(), Some(1));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| !f["fix"].is_null())
            .collect::<Vec<bool>>()
    };
    assert_eq!(run(&[]), [true, true]);
    assert_eq!(run(&["--no-fixes"]), [false, false]);
}

#[test]
fn a_slip_beside_published_rounding_is_still_undone() {
    // The published Summa of last year is one off the rows' sum (rounding, within the
    // tolerance). Museer's 5 907 written 5 097: the exact value would be 5 906, but the
    // slip the report shows is a transposition of 5 907, and that is what rimlig suggests.
    let mut rows = clean();
    let p: i64 = UNITS.iter().map(|u| u.3).sum();
    rows[8][4] = kr(p + 1);
    rows[3][4] = "5 097".into();
    let dir = write_report("rounded", &rows);
    let run = check(std::slice::from_ref(&dir), &[]);
    let _ = std::fs::remove_dir_all(&dir);
    let f = finding(&run, "drift-summa", "Summa");
    let fix = f.fix.as_ref().expect("a fix");
    assert_fix(
        fix,
        "Museer",
        "Redovisat samma period föregående år",
        "5907",
        FixKind::Transposition,
    );
}

#[test]
fn a_slip_carried_into_the_total_is_two_cells_of_one_problem() {
    // Bibliotek's avvikelse 462 written 426, and the Summa's avvikelse worked out from the
    // wrong figure: the column still sums, but Bibliotek's row and the Summa row both break.
    // Neither cell explains both rows; the two together do.
    let mut rows = clean();
    rows[1][3] = "426".into();
    let total: i64 = UNITS.iter().map(|u| u.1 - u.2).sum();
    rows[8][3] = kr(total - 36);
    let dir = write_report("carried", &rows);
    let run = check(std::slice::from_ref(&dir), &[]);
    let _ = std::fs::remove_dir_all(&dir);
    let a = finding(&run, "drift-avvikelse", "Bibliotek");
    let b = finding(&run, "drift-avvikelse", "Summa");
    let (fa, fb) = (a.fix.as_ref().expect("fix"), b.fix.as_ref().expect("fix"));
    assert_eq!(fa.group, fb.group, "{}", fa.summary());
    let mut cells: Vec<(&str, String)> = fa
        .changes
        .iter()
        .map(|c| (c.row_key.as_str(), c.suggested.clone()))
        .collect();
    cells.sort();
    assert_eq!(
        cells,
        vec![
            ("Bibliotek", "462".to_string()),
            ("Summa", total.to_string())
        ],
        "{}",
        fa.summary()
    );
}

/// Hundreds of slips in one column, tied together by its sum: every finding carries its fix,
/// and a fix listing all the findings it explains made each finding list them all (a
/// quadratic output: gigabytes of JSON from a table of 30 000 such rows). Each list of a fix
/// holds at most `LISTED_PER_FIX` entries, and `unlisted` counts the findings left out.
#[test]
fn a_fix_explaining_hundreds_of_findings_lists_the_first_and_counts_the_rest() {
    let mut rows: Vec<[String; 5]> = Vec::new();
    let n = 300;
    for i in 0..n {
        // Every third row has its avvikelse written wrong.
        let avvikelse = if i % 3 == 0 { 50 } else { 10 };
        rows.push([format!("Enhet {i}"), kr(110), kr(100), kr(avvikelse), kr(5)]);
    }
    rows.push([
        "Summa".into(),
        kr(110 * n),
        kr(100 * n),
        kr(10 * n),
        kr(5 * n),
    ]);
    let run = check_rows("many-slips", &rows);
    let findings = errors(&run);
    assert!(findings.len() > 100, "{} findings", findings.len());
    let mut per_group: std::collections::HashMap<usize, usize> = Default::default();
    for f in &findings {
        let fix = f.fix.as_ref().expect("every finding has a fix");
        *per_group.entry(fix.group).or_default() += 1;
    }
    let limit = rimlig::locate::LISTED_PER_FIX;
    let mut capped = 0;
    for f in &findings {
        let fix = f.fix.as_ref().expect("a fix");
        for list in [&fix.explains, &fix.fixes, &fix.keeps, &fix.exact] {
            assert!(list.len() <= limit, "{} entries", list.len());
        }
        assert_eq!(
            fix.explains.len() + fix.unlisted,
            per_group[&fix.group],
            "the findings of the fix, listed or counted"
        );
        assert!(fix.explains.contains(&f.fingerprint()) || fix.unlisted > 0);
        capped += usize::from(fix.unlisted > 0);
    }
    assert!(capped > 0, "some fix explains more findings than it lists");
    let json = rimlig::render::json::render(&run, rimlig::run::Gate::default());
    assert!(json.contains("\"unlisted\": "), "the count is in the JSON");
}
