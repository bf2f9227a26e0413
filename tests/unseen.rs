//! Reports and rule files rimlig has never seen, written only from the data and language
//! contracts, the way a controller in another municipality would write them:
//!
//! - `tests/data/unseen/windows-1252/`: a driftsammandrag saved by Excel in Swedish
//!   (Windows-1252, `;`, CRLF) with one wrong avvikelse and two ±1 rounding differences;
//! - `tests/data/unseen/bom-tab/`: UTF-8 with BOM, tab-separated, no-break-space thousands,
//!   U+2212 / U+2013 minus signs, decimal commas, percents and the SCB symbols `-` `..` `.`
//!   `I.U.` `N/A`;
//! - `tests/data/unseen/language/`: a rule file using most of the language (table globs,
//!   `use`, `let`, groups with a total row each, `each … where`, `in … by`, `for`, `if … then`,
//!   tolerances, `is present`, `matches`, keyed and total references, functions).
//!
//! Every expected finding below was worked out by hand from the contracts before running
//! rimlig; the reasoning is in the comments.

use rimlig::eval::Stats;
use rimlig::problem::Severity;
use rimlig::run::{Run, check};
use std::path::{Path, PathBuf};

const UNSEEN: &str = "tests/data/unseen";

fn run(report: &str, rules: &[&str]) -> Run {
    let report = PathBuf::from(format!("{UNSEEN}/{report}"));
    let rules: Vec<PathBuf> = rules
        .iter()
        .map(|r| PathBuf::from(format!("{UNSEEN}/{r}")))
        .collect();
    check(&[report], &rules)
}

/// (rule, row key, column header, line) of every finding, sorted; duplicates kept.
fn findings(run: &Run) -> Vec<(String, String, String, usize)> {
    let mut v: Vec<_> = run
        .outcome
        .findings
        .iter()
        .map(|f| {
            (
                f.rule.to_string(),
                f.row_key.as_deref().unwrap_or_default().to_string(),
                f.column_name.as_deref().unwrap_or_default().to_string(),
                f.line,
            )
        })
        .collect();
    v.sort();
    v
}

fn expect(list: &[(&str, &str, &str, usize)]) -> Vec<(String, String, String, usize)> {
    let mut v: Vec<_> = list
        .iter()
        .map(|(r, k, c, l)| (r.to_string(), k.to_string(), c.to_string(), *l))
        .collect();
    v.sort();
    v
}

/// (passed, failed, not applicable) of one rule.
fn stats(run: &Run, rule: &str) -> (usize, usize, usize) {
    let st: &Stats = run
        .outcome
        .stats
        .iter()
        .find(|(r, _)| r == rule)
        .map(|(_, s)| s)
        .unwrap_or_else(|| panic!("no rule {rule}; rules: {:?}", run.outcome.stats));
    (st.passed, st.failed, st.not_applicable)
}

fn assert_stats(run: &Run, want: &[(&str, (usize, usize, usize))]) {
    let got: Vec<(String, (usize, usize, usize))> = run
        .outcome
        .stats
        .iter()
        .map(|(r, _)| (r.clone(), stats(run, r)))
        .collect();
    let want: Vec<(String, (usize, usize, usize))> =
        want.iter().map(|(r, s)| (r.to_string(), *s)).collect();
    assert_eq!(got, want, "(passed, failed, not applicable) per rule");
}

fn the_finding<'a>(run: &'a Run, rule: &str, row_key: &str) -> &'a rimlig::finding::Finding {
    let hits: Vec<_> = run
        .outcome
        .findings
        .iter()
        .filter(|f| f.rule == rule && f.row_key.as_deref() == Some(row_key))
        .collect();
    assert_eq!(hits.len(), 1, "one finding of {rule} at {row_key}");
    hits[0]
}

fn sides(f: &rimlig::finding::Finding) -> (&str, &str) {
    let v = f.values.as_ref().expect("a comparison finding has values");
    (v.left.as_str(), v.right.as_str())
}

/// The bytes the finding's span covers in the file on disk.
fn span_in_file(f: &rimlig::finding::Finding) -> Vec<u8> {
    let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(&f.file)).unwrap();
    bytes
        .get(f.span.offset..f.span.offset + f.span.length)
        .unwrap_or_else(|| panic!("span {:?} outside {}", f.span, f.file))
        .to_vec()
}

fn human(run: &Run) -> String {
    rimlig::render::human::render(
        run,
        rimlig::render::human::Style {
            color: false,
            width: 100,
            verbose: true,
        },
    )
}

// ------------------------------------------------------------------ (a) Windows-1252, CRLF

const CP1252_FILE: &str = "tests/data/unseen/windows-1252/report/driftsammandrag.csv";

#[test]
fn windows_1252_fixture_is_what_excel_writes() {
    let bytes = std::fs::read(CP1252_FILE).unwrap();
    assert!(std::str::from_utf8(&bytes).is_err(), "not UTF-8");
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(has(b"F\xf6rvaltning \xd6st"), "ö and Ö as single bytes");
    assert!(has(b"K\xf6k och st\xe4d"), "ö and ä as single bytes");
    let lines = bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .count();
    let crlf = bytes.windows(2).filter(|w| w == b"\r\n").count();
    assert_eq!((lines, crlf), (6, 6), "CRLF on every line");
    assert!(!bytes.contains(&b'\t'));
}

#[test]
fn windows_1252_driftsammandrag() {
    let r = run("windows-1252/report", &["windows-1252/drift.rules"]);
    // Rows (redovisat; budget; avvikelse; samma period):
    //   Förvaltning Öst    1 200; 1 000;  200; 1 100   200 = 1 200 − 1 000
    //   Äldreomsorg Söder  2 500; 2 600; −100; 2 400   −100 = 2 500 − 2 600
    //   Öppen förskola       851;   700;  150;   600   851 − 700 = 151, printed 150: rounding
    //   Kök och städ         400;   450;   30;   380   400 − 450 = −50, printed 30: WRONG
    //   Summa              4 951; 4 750;  201; 4 481
    // drift-summa: redovisat 4 951 ✓, budget 4 750 ✓, samma period 4 480 vs 4 481 (four
    //   rounded rows ± 2, total ± 0,5) ✓, avvikelse 200 − 100 + 150 + 30 = 280 vs 201 ✗.
    // drift-avvikelse: every row, the total included: Kök och städ ✗, Summa 4 951 − 4 750 = 201 ✓.
    assert_eq!(
        findings(&r),
        expect(&[
            ("drift-avvikelse", "Kök och städ", "Avvikelse", 5),
            ("drift-summa", "Summa", "Avvikelse", 6),
        ])
    );
    assert_stats(
        &r,
        &[
            ("drift-summa", (3, 1, 0)),
            ("drift-avvikelse", (4, 1, 0)),
            ("nycklar", (3, 0, 0)),
        ],
    );
    assert_eq!(
        sides(the_finding(&r, "drift-avvikelse", "Kök och städ")),
        ("30", "-50")
    );
    let summa = the_finding(&r, "drift-summa", "Summa");
    assert_eq!(summa.bindings, [("c".to_string(), "avvikelse".to_string())]);
    assert_eq!(summa.instance_name(), "drift-summa[avvikelse]");

    // data.md: Windows-1252 is decoded, and rimlig says so in a note — not an error.
    let problems: Vec<_> = r.problems.iter().map(|p| (p.code, p.severity)).collect();
    assert_eq!(problems, [("data::windows-1252", Severity::Info)]);
    assert_eq!(r.exit_code(false), 1);

    // The source shown to the user is decoded, never mangled.
    let text = human(&r);
    assert!(text.contains("Kök och städ;400;450;30;380"), "{text}");
    assert!(!text.contains('\u{FFFD}'), "{text}");
    assert!(
        !text.contains('\r'),
        "no carriage returns in the terminal output:\n{text}"
    );
}

#[test]
fn windows_1252_driftsammandrag_with_the_builtin_rules() {
    // The shipped library declares the same driftsammandrag: same two findings; the rules
    // about other tables are not applicable to this report and find nothing.
    let r = run("windows-1252/report", &[]);
    assert_eq!(
        findings(&r),
        expect(&[
            ("drift-avvikelse", "Kök och städ", "Avvikelse", 5),
            ("drift-summa", "Summa", "Avvikelse", 6),
        ])
    );
    assert_eq!(stats(&r, "drift-summa"), (3, 1, 0));
    assert_eq!(stats(&r, "drift-avvikelse"), (4, 1, 0));
}

#[test]
fn windows_1252_span_is_the_cells_bytes_in_the_file() {
    let r = run("windows-1252/report", &["windows-1252/drift.rules"]);
    let f = the_finding(&r, "drift-avvikelse", "Kök och städ");
    assert_eq!(span_in_file(f), b"30");
    let f = the_finding(&r, "drift-summa", "Summa");
    assert_eq!(span_in_file(f), b"201");
}

// ------------------------------------------------------------------ (b) BOM, tabs, symbols

#[test]
fn bom_tab_fixture_has_the_swedish_export_quirks() {
    let eko = std::fs::read(format!("{UNSEEN}/bom-tab/report/ekonomi.csv")).unwrap();
    let per = std::fs::read(format!("{UNSEEN}/bom-tab/report/personal.csv")).unwrap();
    for bytes in [&eko, &per] {
        assert!(bytes.starts_with(b"\xef\xbb\xbf"), "UTF-8 byte order mark");
        assert!(!bytes.contains(&b';') && !bytes.contains(&b'\r'));
        assert_eq!(
            bytes.iter().filter(|&&b| b == b'\t').count() % 3,
            0,
            "four columns, tabs"
        );
    }
    let eko = String::from_utf8(eko[3..].to_vec()).unwrap();
    for quirk in [
        "12\u{A0}345",          // no-break space as thousands separator
        "\u{2212}2\u{202F}400", // U+2212 minus, narrow no-break space
        "\u{2212} 1 116",       // minus followed by a space
        "\u{2013}9\u{A0}000",   // en dash as minus
        "\t-\t",                // lone dash: an exact zero
        "\t\u{2013}\t",         // lone en dash: an exact zero
        "\t..\t",               // not available
        "\tI.U.\n",             // ingen uppgift
    ] {
        assert!(eko.contains(quirk), "ekonomi.csv lacks {quirk:?}");
    }
    let per = String::from_utf8(per[3..].to_vec()).unwrap();
    for quirk in [
        "\t5,2\t", "\t74 %\t", "\t71%\t", "\t.\n", "\tN/A\n", "\tI.U.\t",
    ] {
        assert!(per.contains(quirk), "personal.csv lacks {quirk:?}");
    }
}

#[test]
fn bom_tab_report_with_swedish_figures() {
    let r = run("bom-tab/report", &["bom-tab/formats.rules"]);
    // ekonomi (prognos; budget; avvikelse), total row "Resultat":
    //   Intäkter           12 345;  12 000;    345   ✓
    //   Personalkostnader  −9 800;  −9 000;   −800   ✓ (budget with an en dash)
    //   Lokalkostnader    − 1 116;       -; −1 116   ✓ only if "-" is an exact zero
    //   Övriga kostnader   −2 400;  −2 600;   −200   −2 400 + 2 600 = +200: WRONG sign
    //   Covidkostnader         ..;       –;   I.U.   missing: not applicable
    //   Resultat             −971;     400; −1 371   ✓ (−971 − 400)
    // eko-summa: budget 12 000 − 9 000 + 0 − 2 600 + 0 = 400 ✓; prognos and avvikelse have a
    //   missing cell, so their sums are not applicable (language.md, Semantics).
    // streck: both dashes are 0, `..` and `I.U.` are missing: 4 ✓.
    // kvot: prognos / budget with budget "-" = 0: division by zero, not applicable.
    // personal (Utfall 2021; Utfall 2020; Mål):
    //   Sjukfrånvaro totalt   5,2; 6,1; 4,5
    //   Sjukfrånvaro kvinnor  5,0; 6,0; .
    //   Sjukfrånvaro män      2,9; 3,1; N/A
    //   Andel heltid          74 %; 71%; 80 %
    //   Medarbetarindex       I.U.; 78; 80
    // kon, 2021: 5,2 ∈ [5,15; 5,25] cannot meet max 5,0 ∈ [4,95; 5,05] ✗.
    //      2020: 6,1 ∈ [6,05; 6,15] meets max 6,0 ∈ [5,95; 6,05] at 6,05 ✓ (rounding).
    // heltid: 74 % ≤ 80 % ✓ and 74 % − 71 % = 3 ✓.
    // narvaro: Medarbetarindex I.U. ✗, the other four ✓.
    // mal-sjuk: totalt 5,2 > 4,5 ✗; kvinnor and män have no Mål: not applicable.
    assert_eq!(
        findings(&r),
        expect(&[
            ("eko-avvikelse", "Övriga kostnader", "Avvikelse", 5),
            ("kon", "Sjukfrånvaro totalt", "Utfall 2021", 2),
            ("narvaro", "Medarbetarindex", "Utfall 2021", 6),
            ("mal-sjuk", "Sjukfrånvaro totalt", "Utfall 2021", 2),
        ])
    );
    assert_stats(
        &r,
        &[
            ("eko-summa", (1, 0, 2)),
            ("eko-avvikelse", (4, 1, 1)),
            ("streck", (4, 0, 0)),
            ("kon", (1, 1, 0)),
            ("heltid", (2, 0, 0)),
            ("narvaro", (4, 1, 0)),
            ("mal-sjuk", (0, 1, 2)),
            ("kvot", (0, 0, 1)),
        ],
    );
    assert_eq!(
        sides(the_finding(&r, "eko-avvikelse", "Övriga kostnader")),
        ("-200", "200")
    );
    assert_eq!(
        sides(the_finding(&r, "kon", "Sjukfrånvaro totalt")).0,
        "5.2"
    );
    assert_eq!(
        sides(the_finding(&r, "mal-sjuk", "Sjukfrånvaro totalt")),
        ("5.2", "4.5")
    );

    // The not-applicable instances say which cell was missing.
    let na: Vec<(&str, &str)> = r
        .outcome
        .not_applicable
        .iter()
        .map(|n| (n.rule.as_str(), n.reason.as_str()))
        .collect();
    assert_eq!(na.len(), 6, "{na:#?}");
    assert!(
        na.iter()
            .any(|(rule, why)| *rule == "eko-summa[prognos]" && why.contains("Covidkostnader")),
        "{na:#?}"
    );
    assert!(
        na.iter()
            .any(|(rule, why)| *rule == "kvot" && why.contains("division by zero")),
        "{na:#?}"
    );

    // A BOM and tabs are read without comment; only the findings make it fail.
    assert!(
        r.problems.is_empty(),
        "{:?}",
        r.problems.iter().map(|p| &p.message).collect::<Vec<_>>()
    );
    assert_eq!(r.exit_code(false), 1);
    assert!(!human(&r).contains('\u{FEFF}'));
}

#[test]
fn bom_span_is_the_cells_bytes_in_the_file() {
    let r = run("bom-tab/report", &["bom-tab/formats.rules"]);
    let f = the_finding(&r, "eko-avvikelse", "Övriga kostnader");
    assert_eq!(String::from_utf8(span_in_file(f)).unwrap(), "\u{2212}200");
    let f = the_finding(&r, "narvaro", "Medarbetarindex");
    assert_eq!(span_in_file(f), b"I.U.");
}

#[test]
fn division_by_zero_note_quotes_the_expression() {
    let r = run("bom-tab/report", &["bom-tab/formats.rules"]);
    let why: Vec<&str> = r
        .outcome
        .not_applicable
        .iter()
        .filter(|n| n.rule == "kvot")
        .map(|n| n.reason.as_str())
        .collect();
    assert_eq!(why, ["division by zero in `prognos / budget`"]);
}

/// A text met where a figure is divided names the column, not the rule's `for` variable: a
/// controller reading "`c` is the text …" cannot tell which column is meant.
#[test]
fn a_text_in_a_for_column_is_named_by_its_column() {
    let dir = std::env::temp_dir().join(format!("rimlig-for-text-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("driftsammandrag.csv"),
        "verksamhet;redovisat;budget\nA;10;8\nB;x;4\nSumma;15;12\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("andel.rules"),
        "table drift \"driftsammandrag*\" {\n  key verksamhet \"verksamhet\"\n  \
         column redovisat \"redovisat\" tkr\n  column budget \"budget\" tkr\n  total \"Summa*\"\n}\n\
         rule andel \"andel\" {\n  each drift: for c in [redovisat, budget]: c / budget <= 200 %\n}\n",
    )
    .unwrap();
    let r = check(
        &[dir.join("driftsammandrag.csv")],
        &[dir.join("andel.rules")],
    );
    let why: Vec<(&str, &str)> = r
        .outcome
        .not_applicable
        .iter()
        .map(|n| (n.rule.as_str(), n.reason.as_str()))
        .collect();
    assert_eq!(
        why,
        [(
            "andel[redovisat]",
            "`redovisat` is the text \"x\", not a figure"
        )]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

// ------------------------------------------------------------------ (c) the language

/// Findings of language.rules on language/report, worked out by hand:
///
/// driftredovisning (förvaltning; verksamhet; redovisat; budget; avvikelse), line:
///   2 Utbildning Grundskola 5 000; 4 800; 200      6 Omsorg Särskilt boende 4 000; 3 900; 100
///   3 Utbildning Gymnasium  3 001; 3 000;   1      7 Omsorg varav lokaler   900;   900;   0
///   4 Utbildning Summa      8 000; 7 800; 201      8 Omsorg Summa         6 100; 6 000;   0
///   5 Omsorg Hemtjänst      2 000; 2 100; −100     9 Kultur Bibliotek       500;   450;  60
///                                                 10 Kultur Summa           500;   450;  60
/// - grupp-summa (by förvaltning × 3 columns = 9): Utbildning redovisat 8 001 vs 8 000 is
///   rounding ✓; Omsorg redovisat 6 000 vs 6 100 ✗ (varav lokaler is skipped); the rest ✓.
/// - grupp-budget (declared `group`): 3 ✓. grupp-antal: 2, 2, 1 rows (varav skipped) ≤ 2: 3 ✓.
/// - avvikelse (`where not … matches "summa"`, 6 rows): Bibliotek 500 − 450 = 50, printed 60 ✗.
/// - mot-sammandrag (3 Summa rows × 2 columns): Kultur budget 450 vs sammandrag 460 ✗.
///
/// sammandrag (redovisat; budget; förbrukat), total "Summa kommunen" 14 600; 14 260; 102 %:
///   Utbildning 8 000; 7 800; 103 % (102,56 → 103 ✓)   Omsorg 6 100; 6 000; 102 % (101,67 → 102 ✓)
///   Kultur 500; 460; 108 % (108,70 → 109 ✗)           Summa 14 600 / 14 260 = 102,38 → 102 ✓
/// - sammandrag-summa: 2 sums ✓ and count(redovisat) = 3 ✓. kommunen: |14 260 − 14 600| = 340 ✓.
///
/// nyckeltal (utfall; prognos; mål):
///   2 Antal ärenden 1 030; 1 000; 1 100      4 Väntetid dagar 12; 9; 10
///   3 Kostnad per ärende 52; 50; 48          5 Handläggningstid ärende I.U.; 20; ..
/// - inom-2: 30 ✗, 2 ✓ (the edge), 3 ✗, I.U. not applicable.
/// - inom-5 (5 % of prognos): 30 ≤ 50 ✓, 2 ≤ 2,5 ✓, 3 > 0,45 ✗, not applicable.
/// - inom-2-tecken: inom-2 twice per row (`± 2` and `+- 2`).
/// - mal (warning; `if mål is present and namn matches "*ÄRENDE*"`): Antal ✓, Kostnad 52 > 48 ✗,
///   Väntetid does not match, Handläggningstid has no mål: neither is counted.
/// - narvaro: Handläggningstid I.U. ✗. literaler: 1_030 and −30: 2 ✓.
///
/// sjukfrånvaro (`2020`; `2021`): Totalt 6,2; 4,3  Kvinnor 6,0; 5,0  Män 3,1; 2,9
/// - kon: 2020: 6,2 above max 6,0 beyond rounding ✗; 2021: 2,9 ≤ 4,3 ≤ 5,0 ✓.
fn assert_language_outcome(r: &Run) {
    assert_eq!(
        findings(r),
        expect(&[
            ("grupp-summa", "Summa", "Redovisat", 8),
            ("avvikelse", "Bibliotek", "Avvikelse", 9),
            ("mot-sammandrag", "Summa", "Budget", 10),
            ("forbrukat", "Kultur", "Förbrukat", 4),
            ("inom-2", "Antal ärenden", "Utfall", 2),
            ("inom-2", "Väntetid dagar", "Utfall", 4),
            ("inom-5", "Väntetid dagar", "Utfall", 4),
            ("mal", "Kostnad per ärende", "Utfall", 3),
            ("narvaro", "Handläggningstid ärende", "Utfall", 5),
            ("kon", "Totalt", "2020", 2),
            ("inom-2-tecken", "Antal ärenden", "Utfall", 2),
            ("inom-2-tecken", "Antal ärenden", "Utfall", 2),
            ("inom-2-tecken", "Väntetid dagar", "Utfall", 4),
            ("inom-2-tecken", "Väntetid dagar", "Utfall", 4),
        ])
    );
    assert_stats(
        r,
        &[
            ("grupp-summa", (8, 1, 0)),
            ("grupp-budget", (3, 0, 0)),
            ("grupp-antal", (3, 0, 0)),
            ("avvikelse", (5, 1, 0)),
            ("mot-sammandrag", (5, 1, 0)),
            ("sammandrag-summa", (3, 0, 0)),
            ("forbrukat", (3, 1, 0)),
            ("kommunen", (1, 0, 0)),
            ("inom-2", (1, 2, 1)),
            ("inom-5", (2, 1, 1)),
            ("mal", (1, 1, 0)),
            ("narvaro", (3, 1, 0)),
            ("kon", (1, 1, 0)),
            ("inom-2-tecken", (2, 4, 2)),
            ("literaler", (2, 0, 0)),
        ],
    );
    let severities: Vec<(&str, Severity)> = r
        .outcome
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Error)
        .map(|f| (f.rule.as_str(), f.severity))
        .collect();
    assert_eq!(severities, [("mal", Severity::Warning)]);
    assert!(
        r.problems.is_empty(),
        "{:?}",
        r.problems.iter().map(|p| &p.message).collect::<Vec<_>>()
    );
    assert_eq!(r.exit_code(false), 1);
}

#[test]
fn language_features_from_the_contract() {
    // language.rules pulls the table declarations in with `use "tabeller.rules"`.
    let r = run("language/report", &["language/language.rules"]);
    assert_language_outcome(&r);

    let summa = the_finding(&r, "grupp-summa", "Summa");
    assert_eq!(
        sides(summa),
        ("6000", "6100"),
        "sum(redovisat) of Omsorg vs its Summa row"
    );
    assert_eq!(summa.bindings, [("c".to_string(), "redovisat".to_string())]);
    assert_eq!(
        sides(the_finding(&r, "avvikelse", "Bibliotek")),
        ("60", "50")
    );
    assert_eq!(
        sides(the_finding(&r, "mot-sammandrag", "Summa")),
        ("450", "460")
    );
    assert_eq!(
        sides(the_finding(&r, "forbrukat", "Kultur")),
        ("108", "109")
    );
    assert_eq!(
        sides(the_finding(&r, "inom-5", "Väntetid dagar")),
        ("12", "9")
    );
    assert_eq!(
        sides(the_finding(&r, "mal", "Kostnad per ärende")),
        ("52", "48")
    );
    let kon = the_finding(&r, "kon", "Totalt");
    assert_eq!(sides(kon).0, "6.2");
    assert_eq!(kon.bindings, [("y".to_string(), "2020".to_string())]);
}

#[test]
fn language_rules_folder_loads_the_used_file_once() {
    // Given the folder, both files are loaded; `use` of a file already loaded declares
    // nothing twice.
    let r = run("language/report", &["language"]);
    assert_language_outcome(&r);
}

#[test]
fn findings_point_at_the_offending_cell() {
    let r = run("language/report", &["language/language.rules"]);
    for f in &r.outcome.findings {
        let cell = String::from_utf8(span_in_file(f)).unwrap();
        let normalised: String = cell
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '%')
            .map(|c| if c == ',' { '.' } else { c })
            .collect();
        match &f.values {
            // `sum(c) == total.c`: the cell is the total, the right-hand side.
            Some(v) if f.rule == "grupp-summa" => assert_eq!(normalised, v.right, "{f:?}"),
            Some(v) => assert_eq!(normalised, v.left, "{f:?}"),
            None => assert_eq!(cell, "I.U.", "{f:?}"),
        }
    }
}

// ------------------------------------------------------------------ previous report

#[test]
fn previous_report_of_the_same_unit() {
    // 2021-10/report.toml says previous = "../2021-08". Bokslut 2020 (last year's accounts)
    // must be the same in both: Stab 250 = 250 ✓; IT 300 vs −300 ✗ (sign flipped, as in
    // the Linköping example's "varav kostnader"); Summa 550 vs −50 ✗. August has no previous
    // report: its three instances cannot be decided.
    let r = run("previous", &["previous/previous.rules"]);
    assert_eq!(r.reports.len(), 2);
    assert_eq!(
        findings(&r),
        expect(&[
            ("bokslut-samma", "IT", "Bokslut 2020", 3),
            ("bokslut-samma", "Summa", "Bokslut 2020", 4),
        ])
    );
    assert!(
        r.outcome
            .findings
            .iter()
            .all(|f| f.file.ends_with("2021-10/prognos.csv"))
    );
    assert_stats(
        &r,
        &[
            ("prognos-avvikelse", (6, 0, 0)),
            ("bokslut-samma", (1, 2, 3)),
        ],
    );
}

#[test]
fn previous_report_fixture_is_consistent_within_each_report() {
    // Guard for the test above: each report on its own is clean, so a finding there can only
    // come from comparing the two.
    let r = run("previous", &["previous/previous.rules"]);
    assert_eq!(r.reports.len(), 2);
    assert!(
        r.problems.is_empty(),
        "{:?}",
        r.problems.iter().map(|p| &p.message).collect::<Vec<_>>()
    );
    assert_eq!(stats(&r, "prognos-avvikelse"), (6, 0, 0));
}
