//! A workbook (`.xlsx`, `.xlsm`, `.xls`, `.ods`) → one [`Report`]: one table per visible
//! sheet, named by the sheet.
//!
//! Each sheet is rendered as text — one line per sheet row, so a diagnostic's line number is
//! the sheet's row number — and added to [`Sources`] as `<workbook>[<sheet>]`. Every header
//! and cell keeps its span in that text, and the text knows which cell each span is
//! ([`crate::source::CellMap`]), so findings can name the cell as `prognos!D6`.
//!
//! Numbers are shown as their number format prints them (decimals, grouping, `%`), read as
//! exact decimals from their shortest round-trip text; text cells are read as CSV cells are
//! ([`parse_cell`](super::number::parse_cell)); dates, times, booleans and errors are text, an
//! error also a data problem at its cell.

mod bounds;
mod format;
mod sheet;

use super::{Report, ReportMeta};
use crate::problem::{Problem, ProblemKind, Severity};
use crate::source::Sources;
use calamine::{
    Data, Dimensions, Ods, Range, Reader, SheetType, SheetVisible, Sheets, Xls, Xlsx,
    open_workbook_from_rs,
};
use std::ffi::OsStr;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

/// Sheets with more cells than this are not read: a sheet that size is no follow-up report
/// (a report's tables have hundreds or thousands of cells), and a workbook of a few
/// kilobytes can describe it. Read, a cell takes about 200 bytes on its way to a table (its
/// text, value and place, the sheet's text), so a sheet at the limit takes about 200 MB,
/// and several read at once, one per core, a multiple of that. A larger table is checked as
/// CSV, whose memory follows the file's size.
const MAX_SHEET_CELLS: u64 = 1_000_000;

/// Merged regions a sheet may have: finding the region of a header cell looks through them
/// all. Report sheets have tens.
pub(super) const MAX_MERGED_REGIONS: usize = 10_000;

/// The file name extensions read as workbooks.
const EXTENSIONS: [&str; 4] = ["xlsx", "xlsm", "xls", "ods"];

/// A workbook file by its name: `.xlsx`, `.xlsm`, `.xls` or `.ods` in any case; not a hidden
/// file, and not an Office lock file (`~$budget.xlsx`, written while a workbook is open).
pub fn is_workbook_file(name: &OsStr) -> bool {
    let bytes = name.as_encoded_bytes();
    if bytes.first() == Some(&b'.') || bytes.starts_with(b"~$") {
        return false;
    }
    Path::new(name)
        .extension()
        .and_then(OsStr::to_str)
        .is_some_and(|ext| EXTENSIONS.iter().any(|e| ext.eq_ignore_ascii_case(e)))
}

/// Read every visible sheet of the workbook at `path` (shown as `shown`) as a table.
///
/// Hidden sheets are skipped with a note; a file that is not a workbook, or a sheet that
/// cannot be read, is a data problem and the rest goes on. The report's metadata is left
/// empty: the caller reads it (from a `<stem>.report.toml` beside the workbook).
pub fn load_workbook(
    path: &Path,
    shown: &str,
    sources: &mut Sources,
    problems: &mut Vec<Problem>,
) -> Report {
    // Read whole (workbooks are zip or OLE containers), at most 256 MiB, as other single-file
    // reports are.
    match super::markdown::read_document(path, shown, super::markdown::MAX_DOCUMENT_BYTES, problems)
    {
        Some(bytes) => workbook_from_bytes(path, shown, bytes, sources, problems),
        None => Report {
            path: path.to_path_buf(),
            meta: ReportMeta::default(),
            tables: Vec::new(),
        },
    }
}

/// [`load_workbook`] of the file's `bytes`; `path` gives the report's path and, by its
/// extension, the kind of workbook to try first.
pub fn workbook_from_bytes(
    path: &Path,
    shown: &str,
    bytes: Vec<u8>,
    sources: &mut Sources,
    problems: &mut Vec<Problem>,
) -> Report {
    let mut report = Report {
        path: path.to_path_buf(),
        meta: ReportMeta::default(),
        tables: Vec::new(),
    };
    let named = Kind::of(path);
    let Some((mut workbook, scanned)) = open_sniffed(bytes, named, shown, problems) else {
        return report;
    };

    let sheets = workbook.sheets_metadata().to_vec();
    // A workbook without sheets has nothing to check, which a run must not pass as checked.
    if sheets.is_empty() {
        problems.push(not_a_workbook(
            shown,
            named,
            "it has no sheets (the list of its sheets is missing or empty)",
        ));
        return report;
    }
    // An `.ods` file is read whole as it is opened, and the reader holds the cells of every
    // sheet until it is dropped: its sheets are all taken as grids first, so that no cell is
    // held three times over (the reader's, the grid's, the table's) on the way to a table.
    // Other workbooks are read a sheet at a time.
    let holds_every_sheet = matches!(workbook, Sheets::Ods(_));
    let mut grids = Vec::new();
    for (i, meta) in sheets.iter().enumerate() {
        let name = meta.name.clone();
        // calamine finds a sheet by its name: a second sheet of the same name would be the
        // first read again, and its own cells never.
        if let Some(first) = sheets[..i].iter().position(|m| m.name == name) {
            problems.push(
                Problem::new(
                    ProblemKind::Data,
                    Severity::Error,
                    "data::unreadable-sheet",
                    format!(
                        "sheet {} of {shown} is named '{name}' as sheet {} is; it is not read",
                        i + 1,
                        first + 1
                    ),
                )
                .with_path(format!("{shown}[{name}]"))
                .with_help(
                    "two sheets of a workbook cannot have the same name, so the file is damaged: open it in Excel or LibreOffice, rename one of them and save it again",
                ),
            );
            continue;
        }
        if meta.typ != SheetType::WorkSheet {
            continue; // chart sheets, dialog sheets, macros: no cells
        }
        if meta.visible != SheetVisible::Visible {
            problems.push(
                Problem::new(
                    ProblemKind::Data,
                    Severity::Info,
                    "data::hidden-sheet",
                    format!("sheet '{name}' of {shown} is hidden; it is not checked"),
                )
                .with_path(format!("{shown}[{name}]"))
                .with_help("show the sheet in the workbook (Unhide) to have its table checked"),
            );
            continue;
        }
        let Some(grid) = read_sheet(&mut workbook, &name, &scanned, shown, problems) else {
            continue;
        };
        if holds_every_sheet {
            grids.push((name, grid, problems.len()));
        } else if let Some(table) = sheet::load_sheet(shown, &name, grid, sources, problems) {
            report.tables.push(table);
        }
    }
    // The reader's copy of every sheet is let go before the grids become tables.
    drop(workbook);
    // Each sheet's problems go where they would have gone read sheet by sheet: after those
    // met reading it.
    let mut read = std::mem::take(problems);
    let mut moved = 0;
    for (name, grid, at) in grids {
        problems.extend(read.drain(..at - moved));
        moved = at;
        if let Some(table) = sheet::load_sheet(shown, &name, grid, sources, problems) {
            report.tables.push(table);
        }
    }
    problems.extend(read);
    report
}

/// The kinds of workbook, by file name extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Xlsx,
    Xls,
    Ods,
}

impl Kind {
    fn of(path: &Path) -> Kind {
        let ext = path
            .extension()
            .and_then(OsStr::to_str)
            .unwrap_or_default()
            .to_ascii_lowercase();
        match ext.as_str() {
            "xls" => Kind::Xls,
            "ods" => Kind::Ods,
            _ => Kind::Xlsx,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Kind::Xlsx => "an Excel workbook (.xlsx)",
            Kind::Xls => "an Excel 97–2003 workbook (.xls)",
            Kind::Ods => "an OpenDocument spreadsheet (.ods)",
        }
    }
}

type Book = Sheets<Cursor<Vec<u8>>>;

/// What the first bytes of a file say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Content {
    Empty,
    /// A zip archive: `.xlsx`, `.xlsm` or `.ods` (or something else zipped).
    Zip,
    /// An OLE compound file: `.xls`.
    Compound,
    /// Text: a CSV file or a web page under a workbook's name.
    Text,
    Other,
}

fn sniff(bytes: &[u8]) -> Content {
    if bytes.is_empty() {
        Content::Empty
    } else if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        Content::Zip
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Content::Compound
    } else {
        let head = &bytes[..bytes.len().min(4096)];
        // Byte by byte: UTF-8 or Windows-1252 text has no control characters but line ends.
        let total = head.len();
        let control = head
            .iter()
            .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
            .count();
        if control * 100 < total {
            Content::Text
        } else {
            Content::Other
        }
    }
}

/// Open the workbook as what its bytes are (an `.xls` named `.xlsx` is read, with a note);
/// `None`, with a problem, if it is no workbook.
fn open_sniffed(
    bytes: Vec<u8>,
    named: Kind,
    shown: &str,
    problems: &mut Vec<Problem>,
) -> Option<(Book, bounds::Scanned)> {
    let content = sniff(&bytes);
    match content {
        Content::Empty => {
            problems.push(not_a_workbook(shown, named, "the file is empty"));
            return None;
        }
        Content::Text => {
            problems.push(not_a_workbook(shown, named, "it is a text file").with_help(
                "if it holds comma- or semicolon-separated values, rename it to .csv; if it is a web page saved under a workbook's name, open it in Excel or LibreOffice and save it as .xlsx",
            ));
            return None;
        }
        Content::Other => {
            problems.push(not_a_workbook(
                shown,
                named,
                "its content is neither a zipped workbook (.xlsx, .xlsm, .ods) nor an Excel 97–2003 workbook (.xls)",
            ));
            return None;
        }
        Content::Zip | Content::Compound => {}
    }
    // What the file describes is counted before calamine builds it (see `bounds`).
    let bounded = guarded(|| match content {
        Content::Zip => bounds::check_zipped(&bytes, bounds::Limits::READ),
        _ => bounds::check_compound(&bytes, bounds::Limits::READ),
    });
    let scanned = match bounded {
        Some(Ok(scanned)) => scanned,
        Some(Err(bounds::Refused::TooLarge(reason))) => {
            problems.push(too_large(shown, &reason));
            return None;
        }
        Some(Err(bounds::Refused::Damaged(reason))) => {
            problems.push(not_a_workbook(shown, named, &reason));
            return None;
        }
        None => {
            problems.push(not_a_workbook(shown, named, "its container is damaged"));
            return None;
        }
    };
    {
        let uncomputed = &scanned.uncomputed;
        {
            if let Some((part, cell)) = &uncomputed.first {
                problems.push(
                    Problem::new(
                        ProblemKind::Data,
                        Severity::Warning,
                        "data::formula-without-value",
                        format!(
                            "{shown} has {} with a formula but no computed value (the first is \
                             {cell} in {part}): {} as empty",
                            if uncomputed.cells == 1 {
                                "a cell".to_string()
                            } else {
                                format!("{} cells", uncomputed.cells)
                            },
                            if uncomputed.cells == 1 { "it reads" } else { "they read" }
                        ),
                    )
                    .with_path(shown)
                    .with_help(
                        "the file was written by a program that does not compute formulas: open it in Excel or LibreOffice and save it, so that the values are stored",
                    ),
                );
            }
        }
    }
    // The kinds to try: what the content is, the one the name says first.
    let tries: Vec<Kind> = match (content, named) {
        // An encrypted .xlsx is a compound file too: its reader says so.
        (Content::Compound, _) => vec![Kind::Xls, Kind::Xlsx],
        (Content::Zip, Kind::Ods) => vec![Kind::Ods, Kind::Xlsx],
        (_, _) => vec![Kind::Xlsx, Kind::Ods],
    };
    let mut first_error = None;
    for kind in tries {
        match guarded(|| open(bytes.clone(), kind)) {
            Some(Ok(book)) => {
                if kind != named {
                    problems.push(
                        Problem::new(
                            ProblemKind::Data,
                            Severity::Info,
                            "data::workbook-kind",
                            format!(
                                "{shown} is {} under another name; it was read as one",
                                kind.describe()
                            ),
                        )
                        .with_path(shown),
                    );
                }
                return Some((book, scanned));
            }
            Some(Err(message)) if message.to_lowercase().contains("password") => {
                first_error = Some(message);
            }
            Some(Err(message)) => {
                first_error.get_or_insert(message);
            }
            None => {
                first_error.get_or_insert_with(|| "the reader failed on its contents".to_string());
            }
        }
    }
    let message = first_error.unwrap_or_default();
    let mut problem = not_a_workbook(shown, named, &message);
    if message.to_lowercase().contains("password") {
        problem = problem.with_help(
            "remove the password to open (in Excel: File › Info › Protect Workbook › Encrypt with Password) and save the workbook again",
        );
    }
    problems.push(problem);
    None
}

fn open(bytes: Vec<u8>, kind: Kind) -> Result<Book, String> {
    let cursor = Cursor::new(bytes);
    match kind {
        Kind::Xlsx => open_workbook_from_rs::<Xlsx<_>, _>(cursor)
            .map(Sheets::Xlsx)
            .map_err(|e| damaged(&e.to_string())),
        Kind::Xls => open_workbook_from_rs::<Xls<_>, _>(cursor)
            .map(Sheets::Xls)
            .map_err(|e| damaged(&e.to_string())),
        Kind::Ods => open_workbook_from_rs::<Ods<_>, _>(cursor)
            .map(Sheets::Ods)
            .map_err(|e| damaged(&e.to_string())),
    }
}

/// The reader's words for what it failed on (`Relationship not found`, `Parse float error`,
/// `DIFAT refers to sector …`) tell a reader little: the file is damaged, and saving it
/// again in an office program mends it. Its words are kept, short, for whoever looks closer;
/// a password is said as it is. (What to do about it is the problem's help.)
fn damaged(reader_says: &str) -> String {
    let said = reader_says.trim();
    if said.to_lowercase().contains("password") {
        return said.to_string();
    }
    // (UTF-16 text read as UTF-8 is full of NUL bytes.)
    let plain: String = said.chars().filter(|c| !c.is_control()).collect();
    let short: String = plain.chars().take(80).collect();
    let cut = if short.len() < plain.len() { "…" } else { "" };
    format!("the file is damaged (the reader says: {short}{cut})")
}

/// Run a call into the workbook reader; `None` if it panicked (a reader bug on a malformed
/// file must not end the run).
fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    catch_unwind(AssertUnwindSafe(f)).ok()
}

/// A workbook, or one of its sheets (`shown` as `book.xlsx[sheet]`), not read because it
/// holds or describes more than rimlig reads.
fn too_large(shown: &str, reason: &str) -> Problem {
    Problem::too_large(format!("{shown} is not read: {reason}"),
    )
    .with_path(shown)
    .with_help(
        "a follow-up report is far smaller: open the workbook in Excel or LibreOffice, delete what lies outside its tables and save it again, or export its tables as CSV files into a report folder",
    )
}

fn not_a_workbook(shown: &str, kind: Kind, reason: &str) -> Problem {
    Problem::new(
        ProblemKind::Data,
        Severity::Error,
        "data::not-a-workbook",
        format!(
            "{shown} cannot be read as {}: {}",
            kind.describe(),
            reason.trim()
        ),
    )
    .with_path(shown)
    .with_help(
        "open it in Excel or LibreOffice and save it again as a workbook, or export its sheets as CSV files into a report folder",
    )
}

/// Why a sheet's cells are not read.
enum Unread {
    /// The file is damaged at the sheet: what the reader says.
    Damaged(String),
    /// The sheet is larger than rimlig reads: no fault of the file, and saving it again does
    /// not help.
    TooLarge(String),
}

impl From<String> for Unread {
    fn from(reason: String) -> Unread {
        Unread::Damaged(reason)
    }
}

/// A sheet's cells as shown, with its merged regions; `None` (with a problem) if the sheet
/// cannot be read.
fn read_sheet(
    workbook: &mut Book,
    name: &str,
    scanned: &bounds::Scanned,
    shown: &str,
    problems: &mut Vec<Problem>,
) -> Option<sheet::Grid> {
    let sheet_problem = |reason: &str| {
        Problem::new(
            ProblemKind::Data,
            Severity::Error,
            "data::unreadable-sheet",
            format!(
                "sheet '{name}' of {shown} cannot be read: {}",
                reason.trim()
            ),
        )
        .with_path(format!("{shown}[{name}]"))
        .with_help("open the workbook in Excel or LibreOffice and save it again")
    };
    let cells = match guarded(|| used_cells(workbook, name, scanned, shown, problems)) {
        Some(Ok(cells)) => cells,
        Some(Err(Unread::TooLarge(reason))) => {
            problems.push(too_large(&format!("{shown}[{name}]"), &reason));
            return None;
        }
        Some(Err(Unread::Damaged(reason))) => {
            problems.push(sheet_problem(&reason));
            return None;
        }
        None => {
            problems.push(sheet_problem("the reader failed on its contents"));
            return None;
        }
    };
    let merges: Vec<Dimensions> =
        guarded(|| merged_regions(workbook, name, scanned)).unwrap_or_default();
    let at = format!("{shown}[{name}]");
    if merges.len() > MAX_MERGED_REGIONS {
        problems.push(too_large(
            &at,
            &format!(
                "the sheet has {} merged regions, more than the {} rimlig reads",
                merges.len(),
                bounds::grouped(MAX_MERGED_REGIONS)
            ),
        ));
        return None;
    }
    let mut cells = cells;
    cells.sort_by_key(|&(r, c, _)| (r, c));
    let laid_out = grid_size(&cells);
    if laid_out > MAX_SHEET_CELLS {
        let far = cells
            .iter()
            .max_by_key(|&&(r, c, _)| (c, r))
            .map(|&(r, c, _)| crate::source::a1(r, c))
            .unwrap_or_default();
        problems.push(too_large(
            &at,
            &format!(
                "its cells, laid out in rows from the first used row and column to the last cell of each row, would be {} cells (the farthest is {far}), more than the {} rimlig reads",
                bounds::grouped(laid_out),
                bounds::grouped(MAX_SHEET_CELLS)
            ),
        ));
        return None;
    }
    Some(grid_of(cells, merges))
}

/// The cells of the grid [`grid_of`] makes of `cells` (sorted by row, then column): each row
/// as long as from the first used column to its last cell. A value far to the right on each
/// of many rows would make a grid of billions of empty cells. The rows between are empty
/// slots of a few bytes, and no sheet has more than 1 048 576 of them (a reference past that
/// is refused before the sheet is read): a value alone in the last row costs one cell.
fn grid_size(cells: &[(u32, u32, format::Shown)]) -> u64 {
    let Some(last) = cells.last() else {
        return 0;
    };
    let first_col = cells.iter().map(|c| c.1).min().unwrap_or(0);
    // Each row's last cell is the one before the next row starts.
    cells
        .windows(2)
        .filter(|w| w[0].0 != w[1].0)
        .map(|w| u64::from(w[0].1 - first_col) + 1)
        .sum::<u64>()
        + u64::from(last.1 - first_col)
        + 1
}

/// The non-empty cells of a sheet as shown: `(row, column, cell)`, 0-based.
///
/// An `.xlsx` sheet is read cell by cell, with each cell's number format, and never as the
/// rectangle of its used range: a stray value in `XFD1048576` costs one cell, not a
/// rectangle of 17 billion. Other workbooks are read through their used range, refused when
/// it is larger than [`MAX_SHEET_CELLS`]; an `.ods` cell holding a percentage, and an `.xls`
/// cell with a percent number format, is shown as per cent, and a filled `.ods` cell that a
/// merged region covers is left out.
fn used_cells(
    workbook: &mut Book,
    name: &str,
    scanned: &bounds::Scanned,
    shown: &str,
    problems: &mut Vec<Problem>,
) -> Result<Vec<(u32, u32, format::Shown)>, Unread> {
    let bad = scanned.bad_cells_of(name);
    let mut cells = Vec::new();
    if let Sheets::Xlsx(x) = workbook {
        let mut reader = x
            .worksheet_cells_reader(name)
            .map_err(|e| damaged(&e.to_string()))?;
        // The cells calamine would read as another value than the one written are passed
        // by, each a data error; where it fails on one, that one is the reason.
        // calamine reads `<c>` elements one by one, as the look through the file counted
        // them; one it fails on at the cell itself has been read past, and it goes on from
        // the next (a bad row reference it fails on before any cell of the row: it stops).
        let mut bad = bad.iter().peekable();
        let mut nth = 0u64;
        loop {
            // A reader that panics (a number that overflows) is left where it is: it stops.
            let next = guarded(|| reader.next_cell_with_style_id());
            let this = nth;
            nth += 1;
            let known = bad.next_if(|b| b.nth == this);
            let read = match next {
                Some(Ok(Some(read))) => Some(read),
                Some(Ok(None)) => break,
                Some(Err(_)) if known.is_some_and(bounds::BadCell::read_past) => None,
                failed => {
                    let first = known.or_else(|| bad.find(|b| b.nth >= this));
                    return Err(Unread::Damaged(match (first, failed) {
                        (Some(b), _) => format!("at cell {}, {}", b.at, b.describe()),
                        (None, Some(Err(e))) => damaged(&e.to_string()),
                        (None, _) => damaged("it failed on the sheet's contents"),
                    }));
                }
            };
            if let Some(b) = known {
                match (&b.what, b.position) {
                    // An error value calamine does not know is an error at its cell all the
                    // same.
                    (bounds::BadValue::Error(value), Some((row, col))) => {
                        cells.push((row, col, format::show_error_text(value)));
                    }
                    _ => problems.push(bad_cell(shown, name, b)),
                }
                continue;
            }
            let Some((cell, style)) = read else { continue };
            let data = Data::from(cell.get_value().clone());
            if data == Data::Empty {
                continue;
            }
            let code = reader
                .styles()
                .get(style)
                .and_then(|s| s.number_format.as_ref())
                .map(|f| f.format_code.as_str());
            let shown = format::show(&data, code);
            if shown.is_empty() && shown.error.is_none() {
                continue;
            }
            if cells.len() as u64 >= MAX_SHEET_CELLS {
                return Err(Unread::TooLarge(format!(
                    "sheet '{name}' has more than {} cells, the most rimlig reads",
                    bounds::grouped(MAX_SHEET_CELLS)
                )));
            }
            let (row, col) = cell.get_position();
            cells.push((row, col, shown));
        }
        cells.shrink_to_fit();
        return Ok(cells);
    }
    // An `.xls` sheet's percentages are known by its place in the list of sheets: calamine
    // keeps the last sheet of a name.
    let xls_sheet = match workbook {
        Sheets::Xls(_) => workbook
            .sheets_metadata()
            .iter()
            .rposition(|m| m.name == name),
        _ => None,
    };
    let range: Range<Data> = workbook
        .worksheet_range(name)
        .map_err(|e| damaged(&e.to_string()))?;
    let (height, width) = range.get_size();
    if (height as u64).saturating_mul(width as u64) > MAX_SHEET_CELLS {
        return Err(Unread::TooLarge(format!(
            "sheet '{name}' spans {} rows and {} columns, more than the {} cells rimlig reads",
            bounds::grouped(height),
            bounds::grouped(width),
            bounds::grouped(MAX_SHEET_CELLS)
        )));
    }
    let is_ods = matches!(workbook, Sheets::Ods(_));
    let start = range.start().unwrap_or((0, 0));
    cells.reserve_exact(range.used_cells().count());
    for (row, col, data) in range.used_cells() {
        let row = start
            .0
            .saturating_add(u32::try_from(row).unwrap_or(u32::MAX));
        let col = start
            .1
            .saturating_add(u32::try_from(col).unwrap_or(u32::MAX));
        // What a merged region covers is not shown, whatever the file keeps there.
        if is_ods && scanned.covered_at(name, row, col) {
            continue;
        }
        let percent = match xls_sheet {
            Some(sheet) => scanned.xls_percentage_at(sheet, row, col),
            None => scanned.percentage_at(name, row, col).filter(|_| is_ods),
        };
        let shown = match percent {
            Some(decimals) => format::show_percent(data, decimals),
            None => format::show(data, None),
        };
        if !shown.is_empty() || shown.error.is_some() {
            cells.push((row, col, shown));
        }
    }
    Ok(cells)
}

/// A cell calamine would read as another value than the one written: a data error naming it.
fn bad_cell(shown: &str, name: &str, b: &bounds::BadCell) -> Problem {
    Problem::new(
        ProblemKind::Data,
        Severity::Error,
        "data::unreadable-cell",
        format!(
            "{}!{} of {shown} is not read: {}",
            sheet::sheet_ref(name),
            b.at,
            b.describe()
        ),
    )
    .with_path(format!("{shown}[{name}]"))
    .with_help(
        "the file is damaged at this cell: open the workbook in Excel or LibreOffice, check the cell and save the workbook again",
    )
}

/// The grid of a sheet's cells, from its first used row and column; each row as long as its
/// last cell.
/// `cells` must be sorted by row, then column.
fn grid_of(cells: Vec<(u32, u32, format::Shown)>, merges: Vec<Dimensions>) -> sheet::Grid {
    let first_row = cells.first().map_or(0, |c| c.0);
    let first_col = cells.iter().map(|c| c.1).min().unwrap_or(0);
    let last_row = cells.last().map_or(0, |c| c.0);
    let height = if cells.is_empty() {
        0
    } else {
        (last_row - first_row) as usize + 1
    };
    // The cells are taken from the end, so each row is met first at its last cell and made
    // at its length at once; the list gives back its room as it empties. A sheet of millions
    // of cells is then never held twice over (the list and the grid), nor in rows grown cell
    // by cell with up to twice the room they need.
    let mut cells = cells;
    let mut rows: Vec<Vec<format::Shown>> = Vec::new();
    rows.resize_with(height, Vec::new);
    while let Some((r, c, shown)) = cells.pop() {
        let row = &mut rows[(r - first_row) as usize];
        let at = (c - first_col) as usize;
        if row.len() <= at {
            row.reserve_exact(at + 1 - row.len());
            row.resize_with(at + 1, format::Shown::empty);
        }
        row[at] = shown;
        if cells.len() < cells.capacity() / 2 {
            cells.shrink_to_fit();
        }
    }
    sheet::Grid {
        start: (first_row, first_col),
        rows,
        merges,
    }
}

/// The merged regions of sheet `name`: calamine's for `.xlsx` and `.xls`, the look-through's
/// for `.ods` (calamine reads none there).
fn merged_regions(workbook: &mut Book, name: &str, scanned: &bounds::Scanned) -> Vec<Dimensions> {
    match workbook {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        Sheets::Ods(_) => scanned.ods_merges.get(name).cloned().unwrap_or_default(),
        Sheets::Xlsb(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workbook_files_by_name() {
        for yes in [
            "a.xlsx",
            "B.XLSX",
            "c.xlsm",
            "d.xls",
            "e.ods",
            "2020-10.Xlsx",
        ] {
            assert!(is_workbook_file(OsStr::new(yes)), "{yes}");
        }
        for no in [
            "a.csv",
            ".hidden.xlsx",
            "~$a.xlsx",
            "a.xlsb",
            "xlsx",
            "a.xlsx.bak",
        ] {
            assert!(!is_workbook_file(OsStr::new(no)), "{no}");
        }
    }
}
