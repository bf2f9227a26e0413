//! Writes the workbook versions of the shipped CSV examples, and the workbook test corpus.
//!
//! ```sh
//! cargo run --example make_workbooks
//! ```
//!
//! - `examples/linkoping-vss-xlsx/2020-08.xlsx`, `2020-10.xlsx`: one sheet per CSV table of
//!   `examples/linkoping-vss/<period>/` (sheet = file stem). A cell that holds a plain figure in
//!   the CSV is a number here, with a number format that prints it as the CSV does (decimals,
//!   thousands grouping, `%`, `tkr`); text, dashes, `I.U.`, `N/A` and figures with footnote
//!   marks stay text. The `report.toml` of each period becomes a sidecar
//!   `<period>.report.toml`, `previous` pointing at the earlier workbook.
//! - `examples/linkoping-vss-ods/`: the same as OpenDocument spreadsheets (written directly as
//!   a zip of XML, no office suite needed).
//! - `tests/data/workbook/`: workbooks with merged header cells, hidden and empty sheets,
//!   formulas, errors, dates, a text-formatted number, a very wide row, a stray far cell, and
//!   files that only claim to be workbooks. (`legacy.xls` there comes from
//!   `tests/data/workbook/make_legacy_xls.py`: this crate writes no `.xls`.)
//!
//! The output is deterministic: the files only change when this generator or the CSV examples
//! do.

use rimlig::report::discover::load_report;
use rimlig::report::{CellValue, Report, Unit};
use rimlig::source::Sources;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, Formula, Workbook, Worksheet, XlsxError,
};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

const PERIODS: [&str; 2] = ["2020-08", "2020-10"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let csv_root = root.join("examples/linkoping-vss");
    let xlsx_dir = root.join("examples/linkoping-vss-xlsx");
    let ods_dir = root.join("examples/linkoping-vss-ods");
    std::fs::create_dir_all(&xlsx_dir)?;
    std::fs::create_dir_all(&ods_dir)?;

    for period in PERIODS {
        let mut sources = Sources::default();
        let mut problems = Vec::new();
        let report = load_report(&csv_root.join(period), &mut sources, &mut problems);
        if !problems.is_empty() {
            return Err(format!("the CSV example {period} has problems: {problems:?}").into());
        }
        write_xlsx(&report, &xlsx_dir.join(format!("{period}.xlsx")))?;
        write_sidecar(&csv_root.join(period), &xlsx_dir, period, "xlsx")?;
        write_ods_report(&report, &ods_dir.join(format!("{period}.ods")))?;
        write_sidecar(&csv_root.join(period), &ods_dir, period, "ods")?;
    }

    let corpus = root.join("tests/data/workbook");
    std::fs::create_dir_all(&corpus)?;
    write_corpus(&corpus)?;
    println!(
        "wrote {}, {} and {}",
        xlsx_dir.display(),
        ods_dir.display(),
        corpus.display()
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The examples

/// How a CSV cell goes into a workbook.
enum Out {
    Empty,
    Text(String),
    /// A number and the format code that prints it as the CSV did.
    Number(f64, String),
}

/// A plain figure (`-1 100`, `4,3`, `166760`, `74 %`, `8 486 tkr`) becomes a number; anything
/// else (footnote marks, dashes, `I.U.`, words) stays text.
fn cell_out(raw: &str, value: &CellValue) -> Out {
    let raw = raw.trim();
    if raw.is_empty() {
        return Out::Empty;
    }
    let CellValue::Number(figure) = value else {
        return Out::Text(raw.to_string());
    };
    let Some(decimals) = figure.decimals else {
        return Out::Text(raw.to_string()); // a lone dash
    };
    if raw.ends_with(['*', '†', '¹', '²', '³']) || raw.starts_with('+') || raw.contains('<') {
        return Out::Text(raw.to_string());
    }
    let number_part = raw
        .trim_end_matches(|c: char| c.is_alphabetic() || c == '%')
        .trim();
    let grouped = number_part.contains(' ') || figure.value.abs() < 1000.into();
    let mut code = String::from(if grouped { "#,##0" } else { "0" });
    if decimals > 0 {
        code.push('.');
        code.push_str(&"0".repeat(decimals as usize));
    }
    let mut value = figure.value;
    match figure.unit {
        None => {}
        Some(Unit::Pct) => {
            value /= rust_decimal::Decimal::ONE_HUNDRED;
            code.push('%');
        }
        Some(Unit::Tkr) => code.push_str("\" tkr\""),
        Some(Unit::Mkr) => code.push_str("\" mkr\""),
        Some(Unit::Kr) => code.push_str("\" kr\""),
        Some(Unit::Count) => return Out::Text(raw.to_string()),
    }
    // The decimal's own text, read as the nearest double: no arithmetic in floating point.
    match value.to_string().parse::<f64>() {
        Ok(f) => Out::Number(f, code),
        Err(_) => Out::Text(raw.to_string()),
    }
}

fn fixed_properties() -> DocProperties {
    let created = ExcelDateTime::from_ymd(2020, 11, 1).expect("a valid date");
    DocProperties::new()
        .set_author("rimlig make_workbooks")
        .set_creation_datetime(&created)
}

fn write_xlsx(report: &Report, path: &Path) -> Result<(), XlsxError> {
    let mut workbook = Workbook::new();
    workbook.set_properties(&fixed_properties());
    let bold = Format::new().set_bold().set_text_wrap();
    for table in &report.tables {
        let sheet = workbook.add_worksheet();
        sheet.set_name(&table.name)?;
        for (c, header) in table.headers.iter().enumerate() {
            let col = c as u16;
            sheet.write_string_with_format(0, col, &header.text, &bold)?;
            sheet.set_column_width(col, if c == 0 { 34 } else { 16 })?;
        }
        for (r, row) in table.iter_rows().enumerate() {
            let row_index = r as u32 + 1;
            for (c, cell) in row.cells.iter().enumerate() {
                let col = c as u16;
                match cell_out(cell.raw(table), &cell.value(table)) {
                    Out::Empty => {}
                    Out::Text(t) => {
                        sheet.write_string(row_index, col, t)?;
                    }
                    Out::Number(f, code) => {
                        let format = Format::new().set_num_format(code);
                        sheet.write_number_with_format(row_index, col, f, &format)?;
                    }
                }
            }
        }
    }
    workbook.save(path)
}

fn write_sidecar(csv_dir: &Path, out_dir: &Path, period: &str, ext: &str) -> std::io::Result<()> {
    let toml = std::fs::read_to_string(csv_dir.join("report.toml"))?;
    let mut out = String::new();
    for line in toml.lines() {
        if let Some(rest) = line.strip_prefix("previous = \"../") {
            let previous = rest.trim_end_matches('"');
            let _ = writeln!(out, "previous = \"{previous}.{ext}\"");
        } else {
            let _ = writeln!(out, "{line}");
        }
    }
    std::fs::write(out_dir.join(format!("{period}.report.toml")), out)
}

// ---------------------------------------------------------------------------------------------
// OpenDocument spreadsheets, written as the zip of XML they are

enum OdsCell {
    Empty,
    Text(String),
    /// The value as a plain decimal, and the text shown.
    Float(String, String),
}

struct OdsSheet {
    name: String,
    hidden: bool,
    rows: Vec<Vec<OdsCell>>,
}

fn write_ods_report(report: &Report, path: &Path) -> std::io::Result<()> {
    let sheets = report
        .tables
        .iter()
        .map(|table| {
            let mut rows = vec![
                table
                    .headers
                    .iter()
                    .map(|h| OdsCell::Text(h.text.clone()))
                    .collect::<Vec<_>>(),
            ];
            for row in table.iter_rows() {
                rows.push(
                    row.cells
                        .iter()
                        .map(|cell| match cell_out(cell.raw(table), &cell.value(table)) {
                            Out::Empty => OdsCell::Empty,
                            // Units and percentages as text: calamine gives an .ods number
                            // without its format.
                            Out::Number(_, code) if code.contains(['%', '"']) => {
                                OdsCell::Text(cell.raw(table).trim().to_string())
                            }
                            Out::Number(f, _) => {
                                OdsCell::Float(format!("{f}"), cell.raw(table).trim().to_string())
                            }
                            Out::Text(t) => OdsCell::Text(t),
                        })
                        .collect(),
                );
            }
            OdsSheet {
                name: table.name.clone(),
                hidden: false,
                rows,
            }
        })
        .collect::<Vec<_>>();
    write_ods(&sheets, path)
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn write_ods(sheets: &[OdsSheet], path: &Path) -> std::io::Result<()> {
    let mut content = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?>"#,
        "\n",
        r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" "#,
        r#"xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" "#,
        r#"xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" "#,
        r#"xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2">"#,
        "\n<office:automatic-styles>",
        r#"<style:style style:name="ta1" style:family="table"><style:table-properties table:display="true"/></style:style>"#,
        r#"<style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style>"#,
        "</office:automatic-styles>\n<office:body><office:spreadsheet>\n",
    ));
    for sheet in sheets {
        let style = if sheet.hidden { "ta2" } else { "ta1" };
        let _ = writeln!(
            content,
            r#"<table:table table:name="{}" table:style-name="{style}">"#,
            xml_escape(&sheet.name)
        );
        for row in &sheet.rows {
            content.push_str("<table:table-row>");
            for cell in row {
                match cell {
                    OdsCell::Empty => content.push_str("<table:table-cell/>"),
                    OdsCell::Text(t) => {
                        let _ = write!(
                            content,
                            r#"<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>"#,
                            xml_escape(t)
                        );
                    }
                    OdsCell::Float(v, shown) => {
                        let _ = write!(
                            content,
                            r#"<table:table-cell office:value-type="float" office:value="{v}"><text:p>{}</text:p></table:table-cell>"#,
                            xml_escape(shown)
                        );
                    }
                }
            }
            content.push_str("</table:table-row>\n");
        }
        content.push_str("</table:table>\n");
    }
    content.push_str("</office:spreadsheet></office:body></office:document-content>\n");

    let manifest = concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?>"#,
        "\n",
        r#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">"#,
        r#"<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>"#,
        r#"<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>"#,
        "</manifest:manifest>\n"
    );

    let file = std::fs::File::create(path)?;
    let mut zip = zip::ZipWriter::new(file);
    let when =
        zip::DateTime::from_date_and_time(2020, 11, 1, 0, 0, 0).map_err(std::io::Error::other)?;
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(when);
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(when);
    zip.start_file("mimetype", stored)?;
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")?;
    zip.start_file("META-INF/manifest.xml", deflated)?;
    zip.write_all(manifest.as_bytes())?;
    zip.start_file("content.xml", deflated)?;
    zip.write_all(content.as_bytes())?;
    zip.finish()?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The test corpus

fn write_corpus(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    write_nasty_xlsx(&dir.join("nasty.xlsx"))?;
    write_nasty_ods(&dir.join("nasty.ods"))?;
    write_far_xlsx(&dir.join("far.xlsx"))?;
    // Not workbooks, whatever their names say.
    let mut garbage = Vec::with_capacity(4096);
    let mut x: u32 = 0x1234_5678;
    for _ in 0..4096 {
        // A fixed pseudo-random sequence (xorshift), so the file never changes.
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        garbage.push((x & 0xff) as u8);
    }
    std::fs::write(dir.join("garbage.xlsx"), &garbage)?;
    std::fs::write(dir.join("empty.xlsx"), b"")?;
    std::fs::write(
        dir.join("really-a-csv.xlsx"),
        "Verksamhet;Prognos\nA;1\n".as_bytes(),
    )?;
    // A zip that is no workbook.
    let file = std::fs::File::create(dir.join("zip-not-workbook.ods"))?;
    let mut zip = zip::ZipWriter::new(file);
    let when =
        zip::DateTime::from_date_and_time(2020, 11, 1, 0, 0, 0).map_err(std::io::Error::other)?;
    zip.start_file(
        "hello.txt",
        zip::write::SimpleFileOptions::default().last_modified_time(when),
    )?;
    zip.write_all(b"hej")?;
    zip.finish()?;
    Ok(())
}

fn write_nasty_xlsx(path: &Path) -> Result<(), XlsxError> {
    let mut workbook = Workbook::new();
    workbook.set_properties(&fixed_properties());
    let center = Format::new().set_bold().set_align(FormatAlign::Center);
    let int = Format::new().set_num_format("#,##0");
    let one = Format::new().set_num_format("#,##0.0");
    let pct = Format::new().set_num_format("0.0%");
    let dash_zero = Format::new().set_num_format("#,##0;-#,##0;\"-\"");
    let text_format = Format::new().set_num_format("@");
    let date = Format::new().set_num_format("yyyy-mm-dd");

    // Two header rows with merged cells: "Redovisat jan-okt 2020" over Utgifter/Inkomster.
    {
        let s = workbook.add_worksheet();
        s.set_name("sammanslagen")?;
        s.merge_range(0, 0, 1, 0, "Projekt", &center)?;
        s.merge_range(0, 1, 0, 2, "Redovisat jan-okt 2020", &center)?;
        s.merge_range(0, 3, 0, 4, "Prognos 2020", &center)?;
        s.merge_range(0, 5, 1, 5, "Ram", &center)?;
        for (c, t) in ["Utgifter", "Inkomster", "Utgifter", "Inkomster"]
            .iter()
            .enumerate()
        {
            s.write_string_with_format(1, c as u16 + 1, *t, &center)?;
        }
        let rows: [(&str, [f64; 5]); 2] = [
            ("IT-utrustning", [32054.0, 0.0, 45000.0, 0.0, 60000.0]),
            ("Lokaler", [1200.0, -200.0, 1500.0, -200.0, 1300.0]),
        ];
        for (r, (key, values)) in rows.iter().enumerate() {
            let row = r as u32 + 2;
            s.write_string(row, 0, *key)?;
            for (c, v) in values.iter().enumerate() {
                s.write_number_with_format(row, c as u16 + 1, *v, &int)?;
            }
        }
    }

    // The same layout without merged cells (centred across the columns instead).
    {
        let s = workbook.add_worksheet();
        s.set_name("utan sammanslagning")?;
        s.write_string(0, 0, "Projekt")?;
        s.write_string(0, 1, "Redovisat jan-okt 2020")?;
        s.write_string(0, 3, "Prognos 2020")?;
        for (c, t) in ["Utgifter", "Inkomster", "Utgifter", "Inkomster"]
            .iter()
            .enumerate()
        {
            s.write_string(1, c as u16 + 1, *t)?;
        }
        s.write_string(2, 0, "IT-utrustning")?;
        for (c, v) in [32054.0, 0.0, 45000.0, 0.0].iter().enumerate() {
            s.write_number_with_format(2, c as u16 + 1, *v, &int)?;
        }
    }

    // Formulas with cached values, an error, a date, a text "1 000", formats of all kinds.
    {
        let s = workbook.add_worksheet();
        s.set_name("formler")?;
        for (c, t) in ["Rad", "Belopp", "Andel", "Datum"].iter().enumerate() {
            s.write_string(0, c as u16, *t)?;
        }
        s.write_string(1, 0, "A")?;
        s.write_number_with_format(1, 1, 1200.0, &int)?;
        s.write_number_with_format(1, 2, 0.043, &pct)?;
        s.write_datetime_with_format(
            1,
            3,
            ExcelDateTime::from_ymd(2020, 10, 31).expect("a valid date"),
            &date,
        )?;
        s.write_string(2, 0, "B")?;
        s.write_string_with_format(2, 1, "1 000", &text_format)?;
        s.write_number_with_format(2, 2, 0.0, &dash_zero)?;
        s.write_string(3, 0, "Summa")?;
        s.write_formula_with_format(3, 1, Formula::new("=B2+B3").set_result("2200"), &int)?;
        s.write_formula(3, 2, Formula::new("=C2/C3").set_result("#DIV/0!"))?;
        s.write_string(4, 0, "Kvot")?;
        s.write_formula_with_format(
            4,
            1,
            Formula::new("=B4/3").set_result("733.333333333333"),
            &one,
        )?;
        s.write_boolean(4, 2, true)?;
    }

    // Hidden sheets are skipped.
    {
        let s = workbook.add_worksheet();
        s.set_name("dold")?;
        s.write_string(0, 0, "Hemligt")?;
        s.write_number(1, 0, 1.0)?;
        s.set_hidden(true);
    }
    {
        let s = workbook.add_worksheet();
        s.set_name("mycket dold")?;
        s.write_string(0, 0, "Hemligt")?;
        s.set_very_hidden(true);
    }

    // An empty sheet, and one with a header only.
    workbook.add_worksheet().set_name("tom")?;
    {
        let s = workbook.add_worksheet();
        s.set_name("bara rubrik")?;
        for (c, t) in ["Verksamhet", "Prognos helår", "Budget 2020"]
            .iter()
            .enumerate()
        {
            s.write_string(0, c as u16, *t)?;
        }
    }

    // A very wide row, starting below a title and an empty row, one column in.
    {
        let s = workbook.add_worksheet();
        s.set_name("bred")?;
        s.write_string(0, 1, "Bred tabell")?;
        wide_rows(s)?;
    }
    workbook.save(path)
}

/// A table in A1:B2 and a stray value in the last cell of the sheet, XFD1048576.
fn write_far_xlsx(path: &Path) -> Result<(), XlsxError> {
    let mut workbook = Workbook::new();
    workbook.set_properties(&fixed_properties());
    let s = workbook.add_worksheet();
    s.set_name("data")?;
    s.write_string(0, 0, "Verksamhet")?;
    s.write_string(0, 1, "Belopp")?;
    s.write_string(1, 0, "A")?;
    s.write_number(1, 1, 1.0)?;
    s.write_string(1_048_575, 16_383, "slut")?;
    workbook.save(path)
}

/// 300 columns from column B on rows 3 and 4: `Nyckel`, `K1` … and `rad`, 1 … 299.
fn wide_rows(s: &mut Worksheet) -> Result<(), XlsxError> {
    s.write_string(2, 1, "Nyckel")?;
    s.write_string(3, 1, "rad")?;
    for c in 1..300u16 {
        s.write_string(2, c + 1, format!("K{c}"))?;
        s.write_number(3, c + 1, f64::from(c))?;
    }
    Ok(())
}

fn write_nasty_ods(path: &Path) -> std::io::Result<()> {
    let t = |s: &str| OdsCell::Text(s.to_string());
    let f = |v: &str, shown: &str| OdsCell::Float(v.to_string(), shown.to_string());
    let sheets = vec![
        OdsSheet {
            name: "prognos".into(),
            hidden: false,
            rows: vec![
                vec![
                    t("Verksamhet"),
                    t("Prognos helår"),
                    t("Budget 2020"),
                    t("Avvikelse"),
                ],
                vec![
                    t("HR service"),
                    f("200", "200"),
                    f("0", "0"),
                    f("200", "200"),
                ],
                vec![
                    t("Kontakt Linköping"),
                    f("1000", "1 000"),
                    f("0", "0"),
                    f("995", "995"),
                ],
                vec![t("Sjukfrånvaro"), f("4.3", "4,3"), t("I.U."), t("1 000")],
            ],
        },
        OdsSheet {
            name: "investeringar".into(),
            hidden: false,
            rows: vec![
                vec![t("Projekt"), t("Redovisat jan-okt 2020"), OdsCell::Empty],
                vec![OdsCell::Empty, t("Utgifter"), t("Inkomster")],
                vec![t("IT-utrustning"), f("32054", "32 054"), f("0", "0")],
                // Errors as LibreOffice writes them: the text the cell shows.
                vec![t("Lokaler"), t("#DIV/0!"), t("Err:502")],
            ],
        },
        OdsSheet {
            name: "dold".into(),
            hidden: true,
            rows: vec![vec![t("Hemligt")], vec![f("1", "1")]],
        },
    ];
    write_ods(&sheets, path)
}
