//! What a workbook would cost to read, worked out before calamine opens it.
//!
//! calamine builds a sheet in memory the way the file describes it, and a file of a few
//! kilobytes can describe billions of cells: a zipped part that inflates to gigabytes, an
//! OpenDocument row whose cell is repeated across a million rows, an `.xls` record that
//! claims a sheet of two billion rows (calamine reserves room for it, and a reservation that
//! large ends the process). So the file is looked through first, without building anything,
//! and refused with the reason when reading it would go past what rimlig reads.
//!
//! The counts follow calamine 0.38's readers (`ods.rs`, `xls.rs`): where they cannot be
//! exact they count more, never less.

use super::MAX_SHEET_CELLS;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::io::{BufReader, Cursor, Read};

/// Why a workbook is not handed to calamine.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Refused {
    /// Its container is broken in a way calamine would not survive.
    Damaged(String),
    /// It holds or describes more than rimlig reads.
    TooLarge(String),
}

/// How much a workbook may hold or describe.
#[derive(Clone, Copy, Debug)]
pub(super) struct Limits {
    /// Bytes of a zipped workbook's parts, unzipped, all together.
    pub unzipped: u64,
    /// Texts in a workbook's shared-strings table: calamine keeps every one of them.
    pub shared_texts: u64,
    /// Cell formats (`xf`) and number formats declared. Excel itself allows about 64 000.
    pub formats: u64,
    /// Cells of one sheet as calamine lays it out.
    pub sheet_cells: u64,
    /// Cells of all the sheets of an OpenDocument spreadsheet together: calamine lays out
    /// every sheet (hidden ones too) when it opens the file, before one is read, so twenty
    /// sheets each just under [`Limits::sheet_cells`] would take twenty times the memory.
    pub workbook_cells: u64,
    /// Bytes of the text of one cell, as written in the XML.
    pub cell_text: u64,
    /// Bytes of the texts of all cells together, as written in the XML: calamine copies a
    /// shared text into every cell that uses it, and a repeated OpenDocument cell into
    /// every column and row it is repeated over, so each use counts.
    pub texts: u64,
}

impl Limits {
    /// Parts unzipped as large as a CSV file may be, and as many shared texts as a sheet may
    /// have cells.
    pub const READ: Limits = Limits {
        unzipped: 256 << 20,
        shared_texts: MAX_SHEET_CELLS,
        formats: 1_000_000,
        sheet_cells: MAX_SHEET_CELLS,
        // A follow-up report's sheets together are far smaller than one sheet may be.
        workbook_cells: MAX_SHEET_CELLS,
        // An Excel cell holds at most 32 767 characters, which as XML (`&amp;`, `&#x1F600;`)
        // take less than this.
        cell_text: 256 << 10,
        // Read, a text takes about ten times its size in memory: 64 MiB of it about as much
        // as a table file of 256 MiB.
        texts: 64 << 20,
    };
}

/// Parts a zipped workbook may have. A workbook has tens (a few per sheet); a zip of half a
/// million empty parts took 1,5 s and 300 MB only to open.
const MAX_PARTS: u64 = 10_000;

/// The number of parts the end record of a zip archive gives (the last record starting with
/// `PK\x05\x06`, within the 64 KiB a trailing comment may take). `0xFFFF` there means a
/// zip64 archive, which holds at least as many. `None` if there is no end record.
fn declared_parts(bytes: &[u8]) -> Option<u64> {
    let tail_from = bytes.len().saturating_sub(22 + 0xFFFF);
    let tail = bytes.get(tail_from..)?;
    let at = memchr::memmem::rfind(tail, b"PK\x05\x06")?;
    u16_at(tail, at + 10)
}

/// Columns of an OpenDocument row as calamine reads it: it stops repeating a cell there.
const ODS_MAX_COLUMNS: u64 = 16_384;

/// An `.xls` sheet's size in BIFF8: 65 536 rows of 256 columns. calamine reserves room for
/// the rectangle a sheet's DIMENSIONS record claims; one that claims more is damaged.
const XLS_MAX_CLAIMED: u64 = 65_536 * 256;

/// `Err(reason)` if the workbook in `bytes` (a zip archive: `.xlsx`, `.ods`) would take more
/// than rimlig reads; `Ok` if not, and also if it is no archive (calamine then says why).
pub(super) fn check_zipped(bytes: &[u8], limits: Limits) -> Result<Scanned, Refused> {
    // The list of parts is read whole when the archive is opened, here and by calamine.
    if let Some(parts) = declared_parts(bytes)
        && parts > MAX_PARTS
    {
        let at_least = if parts == 0xFFFF { "at least " } else { "" };
        return Err(Refused::TooLarge(format!(
            "it is a zip archive of {at_least}{} parts, more than the {} rimlig reads",
            grouped(parts),
            grouped(MAX_PARTS)
        )));
    }
    // A workbook is a zip archive whose list of parts is at its end: a file cut short (an
    // unfinished download or copy) has none, and the reader's own words for it ("Could not
    // find EOCD") tell a reader nothing.
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => archive,
        Err(zip::result::ZipError::UnsupportedArchive(what)) => {
            return Err(Refused::Damaged(format!(
                "its zip container uses what rimlig cannot unpack ({what})"
            )));
        }
        Err(_) => {
            return Err(Refused::Damaged(
                "its zip container is damaged or cut short (the list of its parts, at the end \
                 of the file, is missing or unreadable); was the file copied or downloaded whole?"
                    .to_string(),
            ));
        }
    };
    let mut tally = Tally::default();
    for i in 0..archive.len() {
        let Ok(entry) = archive.by_index(i) else {
            continue;
        };
        let ods_content = entry.name().is_ok_and(|n| n == "content.xml");
        tally.part = entry.name().map(|n| n.to_string()).unwrap_or_default();
        let xml = tally.part.ends_with(".xml") || tally.part.ends_with(".rels");
        let mut counted = Counted {
            inner: entry,
            read: tally.unzipped,
            limit: limits.unzipped,
            since_markup: 0,
            max_run: xml.then_some(MAX_RUN_WITHOUT_MARKUP),
            overlong: false,
        };
        // An entry that is no XML, or stops being XML, is read to its end all the same: its
        // bytes count.
        let scanned = scan_xml(&mut counted, ods_content, limits, &mut tally);
        // The XML reader holds a whole text in memory: one of a hundred megabytes (a few
        // hundred kilobytes zipped) would take that much before any count could refuse it.
        if counted.overlong {
            return Err(Refused::TooLarge(format!(
                "{} holds a text of more than {} MiB (a cell holds at most 32 767 characters)",
                tally.part,
                MAX_RUN_WITHOUT_MARKUP >> 20
            )));
        }
        counted.max_run = None;
        if scanned.is_ok() {
            let _ = std::io::copy(&mut counted, &mut std::io::sink());
        }
        tally.unzipped = counted.read;
        if tally.unzipped > limits.unzipped {
            return Err(Refused::TooLarge(format!(
                "unzipped, its parts take more than {} MiB",
                limits.unzipped >> 20
            )));
        }
        scanned.map_err(Refused::TooLarge)?;
    }
    if let Some(claimed) = tally.shared_claimed {
        let held = tally.texts.shared.len() as u64;
        if claimed > held.saturating_add(SHARED_CLAIM_SLACK) {
            return Err(Refused::Damaged(format!(
                "the file is damaged: its list of shared texts says it holds {}, but it holds {}",
                grouped(claimed),
                grouped(held),
            )));
        }
    }
    if let Some(reason) = tally.unreadable.take() {
        return Err(Refused::Damaged(reason));
    }
    let texts = tally.texts.total();
    if texts > limits.texts {
        return Err(Refused::TooLarge(too_much_text(texts, limits)));
    }
    Ok(tally.scanned())
}

/// What the look through a workbook found besides its size.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Scanned {
    pub uncomputed: Uncomputed,
    /// Cells of an `.xlsx` sheet that calamine would read as another value than the one
    /// written, or fail on, by the part that holds them (`xl/worksheets/sheet1.xml`), in the
    /// order they are written there.
    pub bad_cells: HashMap<String, Vec<BadCell>>,
    /// The sheets the workbook part lists: name and the part that holds its cells.
    pub sheet_parts: Vec<(String, String)>,
    /// The cells of each sheet of an OpenDocument spreadsheet that hold a percentage
    /// (`office:value-type="percentage"`), by sheet name: calamine reads them as the bare
    /// fraction (0,08 for 8 %), and does not say which they are.
    pub percentages: HashMap<String, Vec<PercentRun>>,
    /// The filled cells of each sheet of an OpenDocument spreadsheet that a merged region
    /// covers (`table:covered-table-cell`), by sheet name: a spreadsheet shows the region's
    /// first cell across it and not what these hold, but calamine reads them as any cell.
    pub covered: HashMap<String, Vec<CellRun>>,
    /// The merged regions of each sheet of an OpenDocument spreadsheet, by sheet name, from
    /// the cells that span columns or rows (`table:number-columns-spanned`): calamine reads
    /// an `.xlsx` workbook's merged regions but not these. At most one more than a sheet may
    /// have (`MAX_MERGED_REGIONS`), so that a sheet with too many is told.
    pub ods_merges: HashMap<String, Vec<calamine::Dimensions>>,
    /// The cells of each sheet of an `.xls` workbook whose number format shows per cent, by
    /// the sheet's place in the workbook's list of sheets: calamine reads them as the bare
    /// fraction (0,08 for 8 %). Each is `row << 16 | column` (16 bits each, as BIFF8 writes
    /// them), in order, with the decimals its format shows (`None` where it cannot be told).
    pub xls_percentages: Vec<XlsPercentages>,
}

/// The cells of an `.xls` sheet with a percent number format (see
/// [`Scanned::xls_percentages`]).
pub(super) type XlsPercentages = Vec<(u32, Option<u8>)>;

/// Cells of an OpenDocument sheet: `rows` rows from `row` and `cols` columns from `col`
/// (0-based, repeats counted as calamine counts them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct CellRun {
    pub row: u32,
    pub rows: u32,
    pub col: u32,
    pub cols: u32,
}

impl CellRun {
    fn holds(&self, row: u32, col: u32) -> bool {
        self.row <= row
            && u64::from(self.row) + u64::from(self.rows) > u64::from(row)
            && self.col <= col
            && u64::from(self.col) + u64::from(self.cols) > u64::from(col)
    }
}

/// The run of `runs` (in the order of the file: by row, then column, none overlapping) that
/// holds the cell at 0-based (`row`, `col`).
fn run_at<T>(runs: &[T], place: impl Fn(&T) -> CellRun, row: u32, col: u32) -> Option<&T> {
    let from = runs.partition_point(|r| {
        let r = place(r);
        u64::from(r.row) + u64::from(r.rows) <= u64::from(row)
    });
    runs[from..]
        .iter()
        .take_while(|r| place(r).row <= row)
        .find(|r| place(r).holds(row, col))
}

/// Cells of an OpenDocument sheet that hold percentages: `rows` rows from `row` and `cols`
/// columns from `col` (0-based, repeats counted as calamine counts them), shown with
/// `decimals` decimals (`None` where the file does not say).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct PercentRun {
    pub row: u32,
    pub rows: u32,
    pub col: u32,
    pub cols: u32,
    pub decimals: Option<u32>,
}

impl Scanned {
    /// The cells of sheet `name` that cannot be read as written.
    pub fn bad_cells_of(&self, name: &str) -> &[BadCell] {
        self.sheet_parts
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, part)| self.bad_cells.get(part))
            .map_or(&[], Vec::as_slice)
    }

    /// The decimals a percentage shows if the cell at 0-based (`row`, `col`) of the
    /// OpenDocument sheet `name` holds one: `Some(None)` where the file does not say how
    /// many; `None` if it holds no percentage.
    pub fn percentage_at(&self, name: &str, row: u32, col: u32) -> Option<Option<u32>> {
        let runs = self.percentages.get(name)?;
        let place = |r: &PercentRun| CellRun {
            row: r.row,
            rows: r.rows,
            col: r.col,
            cols: r.cols,
        };
        run_at(runs, place, row, col).map(|r| r.decimals)
    }

    /// Whether the cell at 0-based (`row`, `col`) of the OpenDocument sheet `name` is filled
    /// and covered by a merged region.
    pub fn covered_at(&self, name: &str, row: u32, col: u32) -> bool {
        self.covered
            .get(name)
            .is_some_and(|runs| run_at(runs, |r| *r, row, col).is_some())
    }

    /// The decimals a percentage shows if the cell at 0-based (`row`, `col`) of the sheet
    /// at place `sheet` (from 0) in an `.xls` workbook's list of sheets has a percent number
    /// format: `Some(None)` where its format does not tell; `None` if it has none.
    pub fn xls_percentage_at(&self, sheet: usize, row: u32, col: u32) -> Option<Option<u32>> {
        let cells = self.xls_percentages.get(sheet)?;
        let key = biff_place(u64::from(row), u64::from(col))?;
        let at = cells.binary_search_by_key(&key, |&(k, _)| k).ok()?;
        Some(cells[at].1.map(u32::from))
    }
}

/// A cell of an `.xlsx` sheet that cannot be read as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct BadCell {
    /// Which `<c>` element of its part it is, from 0: calamine reads them one by one, in
    /// the same order.
    pub nth: u64,
    /// Its reference, as written (or where it would be, if it has none).
    pub at: String,
    /// Its 0-based row and column, if it has a place in the sheet.
    pub position: Option<(u32, u32)>,
    pub what: BadValue,
}

impl BadCell {
    /// Whether calamine, failing on the cell, has read past it and reads on from the next.
    pub fn read_past(&self) -> bool {
        match &self.what {
            BadValue::Damaged { at_cell, .. } => *at_cell,
            BadValue::Error(_) => true,
        }
    }

    /// What is wrong with it, in words.
    pub fn describe(&self) -> String {
        match &self.what {
            BadValue::Damaged { reason, .. } => format!("the file is damaged there ({reason})"),
            BadValue::Error(value) => format!(
                "it holds the error value {value}, which rimlig cannot read; replace the \
                 formula result with a figure or empty the cell"
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum BadValue {
    /// The file is damaged at the cell: why, in words. `at_cell` if it is the cell's own
    /// reference or value, which calamine has begun to read when it fails (not its row's).
    Damaged { reason: String, at_cell: bool },
    /// An error value calamine does not know (`#SPILL!`, from a newer Excel), as written.
    Error(String),
}

/// Cells reported per part, at most: the first few say enough.
const MAX_BAD_CELLS: usize = 100;

/// Excel's last row and column (`XFD`).
const XLSX_ROWS: u64 = 1_048_576;
const XLSX_COLUMNS: u64 = 16_384;

/// `Ok((row, column))`, 1-based, of an `.xlsx` cell reference (`D6`, as calamine reads it,
/// also in lower case); `Err(reason)` for one that is no reference or lies beyond the sheet.
fn cell_position(r: &str) -> Result<(u64, u64), String> {
    let letters = r.bytes().take_while(u8::is_ascii_alphabetic).count();
    let digits = &r[letters..];
    if letters == 0 || digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "its position is written '{r}', which is no cell reference (such as D6)"
        ));
    }
    let col = r[..letters].bytes().fold(0u64, |c, b| {
        c.saturating_mul(26)
            .saturating_add(u64::from(b.to_ascii_uppercase() - b'A') + 1)
    });
    let row = digits.trim_start_matches('0').parse::<u64>().unwrap_or(
        if digits.trim_start_matches('0').is_empty() {
            0
        } else {
            u64::MAX
        },
    );
    if row == 0 {
        return Err(format!(
            "its position is written '{r}', and there is no row 0"
        ));
    }
    if row > XLSX_ROWS || col > XLSX_COLUMNS {
        return Err(format!(
            "its position {r} lies beyond the last row (1 048 576) or column (XFD) of a sheet"
        ));
    }
    Ok((row, col))
}

/// The column letters of 1-based column `col`.
fn column_letters(mut col: u64) -> String {
    let mut letters = Vec::new();
    while col > 0 {
        let rem = (col - 1) % 26;
        letters.push(b'A' + rem as u8);
        col = (col - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// The `.xlsx` cell being read in [`scan_xml`].
struct XCell {
    nth: u64,
    at: String,
    /// Its type (`t`): `s` a shared text, `e` an error.
    typ: String,
    /// The text of its `<v>`, as written (`s` and `e` only), and whether an entity was in it.
    value: String,
    entity: bool,
    position: Option<(u32, u32)>,
    /// Already known not to be readable.
    bad: Option<BadValue>,
}

/// Where the cells of the current part are, for [`scan_xml`].
#[derive(Default)]
struct Positions {
    /// `<c>` elements so far.
    cells: u64,
    /// 1-based row and column of the last cell; whether the row's own reference is bad.
    row: u64,
    col: u64,
    bad_row: Option<String>,
    /// The highest shared text a cell uses: its number, and the cell.
    highest_shared: Option<Shared>,
}

/// A shared text's number, and the `nth`, reference and position of the cell using it.
type Shared = (u64, u64, String, Option<(u32, u32)>);

/// Cells of an `.xlsx` file that hold a formula but no value computed from it (a file written
/// by a program that does not compute, and not opened and saved in Excel since): calamine
/// reads them as empty.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Uncomputed {
    pub cells: u64,
    /// The part (`xl/worksheets/sheet6.xml`) and the cell (`D6`) of the first.
    pub first: Option<(String, String)>,
}

pub(super) use crate::report::number::grouped;

fn too_much_text(bytes: u64, limits: Limits) -> String {
    format!(
        "its cells would hold {} MiB of text or more (a text that fills several cells counts \
         in each), more than the {} MiB rimlig reads",
        bytes >> 20,
        limits.texts >> 20
    )
}

/// What the parts of a zipped workbook hold, so far.
#[derive(Default)]
struct Tally {
    unzipped: u64,
    shared_texts: u64,
    formats: u64,
    /// Cells of the OpenDocument sheets read so far, as calamine lays them out.
    ods_cells: u64,
    texts: Texts,
    /// The name of the part being read.
    part: String,
    uncomputed: Uncomputed,
    bad_cells: HashMap<String, Vec<BadCell>>,
    /// The highest shared text used in each part: its number, the cell's `nth`, reference
    /// and position.
    highest_shared: HashMap<String, Shared>,
    /// `<sheet>` elements: the part listing them, the sheet's name and relationship id.
    sheets: Vec<(String, String, String)>,
    /// Relationships: the `.rels` part, the id and the target.
    relationships: Vec<(String, String, String)>,
    /// OpenDocument cells holding percentages, by sheet name, before their styles are known.
    ods_percent: HashMap<String, Vec<OdsPercent>>,
    /// Filled OpenDocument cells covered by a merged region, by sheet name.
    ods_covered: HashMap<String, Vec<CellRun>>,
    /// OpenDocument merged regions, by sheet name.
    ods_merges: HashMap<String, Vec<calamine::Dimensions>>,
    /// OpenDocument style names used by percentage cells and columns, numbered.
    style_ids: HashMap<String, u32>,
    /// OpenDocument cell styles (`style:style`): their number format (`style:data-style-name`)
    /// and the style they are based on (`style:parent-style-name`).
    cell_styles: HashMap<String, (Option<String>, Option<String>)>,
    /// OpenDocument percentage formats (`number:percentage-style`): their decimals.
    percent_formats: HashMap<String, u32>,
    /// The first value of an OpenDocument sheet that calamine would fail on, and with it on
    /// the whole workbook: why, in words.
    unreadable: Option<String>,
    /// How many shared texts an `.xlsx` says it holds (`<sst uniqueCount=…>`): calamine makes
    /// room for that many at once, whatever the part holds.
    shared_claimed: Option<u64>,
}

/// Shared texts an `.xlsx` may say it holds beyond those it does, before it is refused: a
/// count a little off is harmless, one of four billion took calamine 100 GB and ended the
/// process.
const SHARED_CLAIM_SLACK: u64 = 1_000_000;

/// A run of OpenDocument percentage cells as the content gives it: its style by number.
#[derive(Debug, Clone, Copy)]
struct OdsPercent {
    row: u32,
    rows: u32,
    col: u32,
    cols: u32,
    style: Option<u32>,
}

/// Percentage cells kept, at most: each is a filled cell, which the sheets' limits count.
const MAX_PERCENT_RUNS: usize = MAX_SHEET_CELLS as usize;

impl Tally {
    /// The number of OpenDocument style `name`.
    fn style_id(&mut self, name: String) -> u32 {
        let next = u32::try_from(self.style_ids.len()).unwrap_or(u32::MAX);
        *self.style_ids.entry(name).or_insert(next)
    }

    /// Cells `run` of OpenDocument sheet `sheet` hold percentages.
    fn percent(&mut self, sheet: &str, run: OdsPercent) {
        let runs = self.ods_percent.entry(sheet.to_string()).or_default();
        if let Some(last) = runs.last_mut()
            && (last.row, last.rows, last.style) == (run.row, run.rows, run.style)
            && u64::from(last.col) + u64::from(last.cols) == u64::from(run.col)
        {
            last.cols = last.cols.saturating_add(run.cols);
            return;
        }
        if runs.len() < MAX_PERCENT_RUNS {
            runs.push(run);
        }
    }

    /// Cells `run` of OpenDocument sheet `sheet` are filled and covered by a merged region.
    /// The merged region of the OpenDocument cell `e` at 0-based (`row`, `col`) of `sheet`,
    /// if it spans more than itself. A spanning cell in a repeated row or column is taken
    /// once: a region repeated is no layout a report's header has.
    fn merge(&mut self, sheet: &str, e: &BytesStart<'_>, row: u64, col: u64) {
        let columns = repeats(e, "table:number-columns-spanned").max(1);
        let rows = repeats(e, "table:number-rows-spanned").max(1);
        if (columns, rows) == (1, 1) || col >= ODS_MAX_COLUMNS {
            return;
        }
        let at = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        let last = |first: u64, n: u64| at(first.saturating_add(n - 1));
        let merges = self.ods_merges.entry(sheet.to_string()).or_default();
        if merges.len() <= super::MAX_MERGED_REGIONS {
            merges.push(calamine::Dimensions::new(
                (at(row), at(col)),
                (last(row, rows), last(col, columns)),
            ));
        }
    }

    fn covered(&mut self, sheet: &str, run: CellRun) {
        let runs = self.ods_covered.entry(sheet.to_string()).or_default();
        if let Some(last) = runs.last_mut()
            && (last.row, last.rows) == (run.row, run.rows)
            && u64::from(last.col) + u64::from(last.cols) == u64::from(run.col)
        {
            last.cols = last.cols.saturating_add(run.cols);
            return;
        }
        // Each is a filled cell, which the sheets' limits count.
        if runs.len() < MAX_PERCENT_RUNS {
            runs.push(run);
        }
    }

    /// The decimals OpenDocument cell style number `id` shows a percentage with, if it says.
    fn percent_decimals(&self, names: &[&str], id: Option<u32>) -> Option<u32> {
        let mut style = *names.get(usize::try_from(id?).ok()?)?;
        // A style without a number format of its own has that of the style it is based on.
        for _ in 0..16 {
            let (format, parent) = self.cell_styles.get(style)?;
            if let Some(format) = format {
                return self.percent_formats.get(format).copied();
            }
            style = parent.as_deref()?;
        }
        None
    }

    fn bad_cell(&mut self, nth: u64, at: String, position: Option<(u32, u32)>, what: BadValue) {
        let list = self.bad_cells.entry(self.part.clone()).or_default();
        // Past the first hundred, a cell calamine would misread is still passed by; only its
        // words are not kept. An error value is a cell of its own, always kept.
        if list.len() < MAX_BAD_CELLS || matches!(what, BadValue::Error(_)) {
            list.push(BadCell {
                nth,
                at,
                position,
                what,
            });
        }
    }

    /// What was found, once every part is read: a shared text past the end of the
    /// shared-strings table is a bad cell, and each sheet is found its part.
    fn scanned(mut self) -> Scanned {
        let count = self.texts.shared.len() as u64;
        let mut highest: Vec<_> = std::mem::take(&mut self.highest_shared)
            .into_iter()
            .collect();
        highest.sort();
        for (part, (index, nth, at, position)) in highest {
            if index >= count {
                self.part = part;
                let reason = format!(
                    "it shows shared text number {index}, but the workbook has {}",
                    match count {
                        0 => "no shared texts".to_string(),
                        1 => "only one".to_string(),
                        n => format!("only {n}"),
                    }
                );
                let what = BadValue::Damaged {
                    reason,
                    at_cell: true,
                };
                self.bad_cell(nth, at, position, what);
            }
        }
        for list in self.bad_cells.values_mut() {
            list.sort_by_key(|b| b.nth);
        }
        let sheet_parts = self
            .sheets
            .iter()
            .map(|(listing, name, id)| {
                let (dir, file) = listing.rsplit_once('/').unwrap_or(("", listing));
                let rels = if dir.is_empty() {
                    format!("_rels/{file}.rels")
                } else {
                    format!("{dir}/_rels/{file}.rels")
                };
                let target = self
                    .relationships
                    .iter()
                    .find(|(part, rid, _)| *part == rels && rid == id)
                    .map(|(_, _, target)| target.as_str())
                    .unwrap_or_default();
                // As calamine finds it: from the archive's root if absolute, else beside the
                // workbook part.
                let part = match target.strip_prefix('/') {
                    Some(absolute) => absolute.to_string(),
                    None if dir.is_empty() => target.to_string(),
                    None => format!("{dir}/{target}"),
                };
                (name.clone(), part)
            })
            .collect();
        let mut names = vec![""; self.style_ids.len()];
        for (name, &id) in &self.style_ids {
            if let Some(slot) = usize::try_from(id).ok().and_then(|i| names.get_mut(i)) {
                *slot = name.as_str();
            }
        }
        let percentages = self
            .ods_percent
            .iter()
            .map(|(sheet, runs)| {
                let runs = runs
                    .iter()
                    .map(|r| PercentRun {
                        row: r.row,
                        rows: r.rows,
                        col: r.col,
                        cols: r.cols,
                        decimals: self.percent_decimals(&names, r.style),
                    })
                    .collect();
                (sheet.clone(), runs)
            })
            .collect();
        Scanned {
            uncomputed: self.uncomputed,
            bad_cells: self.bad_cells,
            sheet_parts,
            percentages,
            covered: self.ods_covered,
            ods_merges: self.ods_merges,
            xls_percentages: Vec::new(),
        }
    }
}

/// The text the cells of a zipped workbook would hold once read.
#[derive(Default)]
struct Texts {
    /// Bytes of each shared text, in order (each at most [`Limits::cell_text`]).
    shared: Vec<u32>,
    /// How many cells use each shared text, by its index (a cell may come before the text).
    uses: Vec<u32>,
    /// Bytes of the texts written in cells (inline, a formula's text, an OpenDocument cell),
    /// repeats counted.
    direct: u64,
}

impl Texts {
    fn total(&self) -> u64 {
        let shared = self
            .shared
            .iter()
            .zip(&self.uses)
            .fold(0u64, |sum, (&len, &uses)| {
                sum.saturating_add(u64::from(len) * u64::from(uses))
            });
        shared.saturating_add(self.direct)
    }

    /// A cell uses shared text `index` (as written; one calamine cannot read is passed by).
    fn use_shared(&mut self, index: &str, limit: u64) {
        let Some(i) = index
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|&i| i < limit)
            .and_then(|i| usize::try_from(i).ok())
        else {
            return;
        };
        if self.uses.len() <= i {
            self.uses.resize(i + 1, 0);
        }
        self.uses[i] = self.uses[i].saturating_add(1);
    }
}

/// The cell or shared text whose text is being read, in [`scan_xml`].
enum InText {
    None,
    /// A shared text (`<si>`): its bytes so far.
    Shared(u64),
    /// An `.xlsx` cell of a shared text (`t="s"`): its `<v>` is the index.
    SharedCell,
    /// A cell with its text written in it: how many cells it stands for, its bytes so far.
    Cell(u64, u64),
}

/// `Err` for a text of `len` bytes, past `limit`.
fn one_text(len: u64, limit: u64) -> Result<(), String> {
    if len > limit {
        return Err(format!(
            "a cell holds a text of {} KiB, more than the {} KiB rimlig reads (a cell in Excel \
             holds at most 32 767 characters)",
            len >> 10,
            limit >> 10
        ));
    }
    Ok(())
}

/// A reader that counts the bytes read through it and fails once they pass `limit`, so a
/// part that inflates without end is read no further.
/// Bytes of an XML part read without a `<` or `>`, before the scan stops.
const MAX_RUN_WITHOUT_MARKUP: u64 = 4 << 20;

struct Counted<R> {
    inner: R,
    read: u64,
    limit: u64,
    /// Bytes since the last `<` or `>`, and at most how many there may be (XML parts only,
    /// while they are scanned).
    since_markup: u64,
    max_run: Option<u64>,
    /// Set when `max_run` was passed.
    overlong: bool,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.read > self.limit {
            return Err(std::io::Error::other("too large unzipped"));
        }
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if let Some(max) = self.max_run {
            let read = &buf[..n];
            self.since_markup = match memchr::memrchr2(b'<', b'>', read) {
                Some(at) => (n - at - 1) as u64,
                None => self.since_markup + n as u64,
            };
            if self.since_markup > max {
                self.overlong = true;
                return Err(std::io::Error::other("a text too long"));
            }
        }
        Ok(n)
    }
}

/// Go through the XML of one part: count shared texts and formats, and for the content of an
/// OpenDocument spreadsheet (`ods_content`), the cells calamine would make of each sheet.
/// `Err(reason)` once a count passes its limit; `Ok` at the end or at the first thing that
/// is not XML.
fn scan_xml(
    part: impl Read,
    ods_content: bool,
    limits: Limits,
    tally: &mut Tally,
) -> Result<(), String> {
    let mut reader = Reader::from_reader(BufReader::new(part));
    reader.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    let mut sheet: Option<OdsSheet> = None;
    let mut in_text = InText::None;
    let mut in_value = false;
    // The `.xlsx` cell being read: its reference, and whether it has a formula and a value.
    let mut cell: Option<(String, bool, bool)> = None;
    let mut positions = Positions::default();
    let mut xcell: Option<XCell> = None;
    let is_rels = tally.part.ends_with(".rels");
    // The OpenDocument sheet being read: its name, and its columns' default cell styles
    // (first column, how many, style).
    let mut sheet_name = String::new();
    let mut column_styles: Vec<(u64, u64, Option<u32>)> = Vec::new();
    let mut next_column = 0u64;
    // The OpenDocument percentage format being read.
    let mut percent_format: Option<String> = None;
    // The OpenDocument sheet and comment open at this point, by their start. calamine reads
    // each until its end tag, and one that never comes (a part cut short) it waits for
    // without end.
    let mut open_sheet: Option<String> = None;
    let mut open_comment = false;
    let mut styles = StyleCopies::default();
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) => {
                if ods_content && tally.unreadable.is_none() {
                    tally.unreadable = cut_short(open_sheet.as_deref(), open_comment);
                }
                break;
            }
            Err(_) => break,
            Ok(event) => event,
        };
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let has_content = matches!(event, Event::Start(_));
                if !ods_content {
                    styles.start(e, has_content)?;
                    match e.local_name().into_inner() {
                        "row" => positions.row_start(&attribute(e, "r")),
                        "c" => {
                            let c = positions.cell_start(&attribute(e, "r"), attribute(e, "t"));
                            if has_content {
                                xcell = Some(c);
                            } else {
                                c.end(&mut positions, tally);
                            }
                        }
                        "sheet" => {
                            let name = attribute_text(e, "name");
                            let id = e
                                .attributes()
                                .flatten()
                                .find(|a| a.key.local_name().into_inner() == "id")
                                .and_then(|a| {
                                    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                        .ok()
                                        .map(|v| v.into_owned())
                                });
                            if let (Some(name), Some(id)) = (name, id) {
                                tally.sheets.push((tally.part.clone(), name, id));
                            }
                        }
                        "sst" => {
                            // calamine makes room by the first list's claim; a second list
                            // must not hide it, so the largest claim is the one weighed.
                            let claimed = attribute(e, "uniqueCount");
                            let claimed =
                                claimed.trim().trim_start_matches('+').parse::<u64>().ok();
                            tally.shared_claimed = tally.shared_claimed.max(claimed);
                        }
                        "Relationship" if is_rels => {
                            if let (Some(id), Some(target)) =
                                (attribute_text(e, "Id"), attribute_text(e, "Target"))
                            {
                                tally.relationships.push((tally.part.clone(), id, target));
                            }
                        }
                        _ => {}
                    }
                }
                match e.local_name().into_inner() {
                    "si" if has_content => in_text = InText::Shared(0),
                    "si" => tally.texts.shared.push(0),
                    "c" if has_content && !ods_content => {
                        cell = Some((attribute(e, "r"), false, false));
                        in_text = match attribute(e, "t").as_str() {
                            "s" => InText::SharedCell,
                            "inlineStr" | "str" | "d" => InText::Cell(1, 0),
                            _ => InText::None,
                        };
                    }
                    "v" => {
                        in_value = has_content;
                        if let Some(c) = cell.as_mut() {
                            c.2 = true;
                        }
                    }
                    "f" => {
                        if let Some(c) = cell.as_mut() {
                            c.1 = true;
                        }
                    }
                    _ => {}
                }
                match e.name().into_inner() {
                    "style:style" => {
                        if let Some(name) = attribute_text(e, "style:name")
                            && (tally.cell_styles.len() as u64) < limits.formats
                        {
                            let format = attribute_text(e, "style:data-style-name");
                            let parent = attribute_text(e, "style:parent-style-name");
                            tally.cell_styles.insert(name, (format, parent));
                        }
                    }
                    "number:percentage-style" if has_content => {
                        percent_format = attribute_text(e, "style:name");
                    }
                    "number:number" => {
                        if let Some(format) = percent_format.take()
                            && (tally.percent_formats.len() as u64) < limits.formats
                        {
                            let decimals = attribute(e, "number:decimal-places")
                                .trim()
                                .parse::<u32>()
                                .unwrap_or(0)
                                .min(28);
                            tally.percent_formats.insert(format, decimals);
                        }
                    }
                    _ => {}
                }
                match e.local_name().into_inner() {
                    "si" => {
                        tally.shared_texts += 1;
                        if tally.shared_texts > limits.shared_texts {
                            return Err(format!(
                                "it has more than {} shared texts",
                                grouped(limits.shared_texts)
                            ));
                        }
                    }
                    "xf" | "numFmt" => {
                        tally.formats += 1;
                        if tally.formats > limits.formats {
                            return Err(format!(
                                "it declares more than {} formats",
                                grouped(limits.formats)
                            ));
                        }
                    }
                    _ => {}
                }
                if ods_content {
                    match e.name().into_inner() {
                        "table:table" if has_content => {
                            open_sheet = Some(attribute(e, "table:name"));
                            sheet = Some(OdsSheet::new(
                                attribute(e, "table:name"),
                                limits.sheet_cells,
                            ));
                            // calamine keeps the last sheet of a name.
                            sheet_name = attribute_text(e, "table:name").unwrap_or_default();
                            tally.ods_percent.remove(&sheet_name);
                            tally.ods_covered.remove(&sheet_name);
                            tally.ods_merges.remove(&sheet_name);
                            column_styles.clear();
                            next_column = 0;
                        }
                        "office:annotation" if has_content => open_comment = true,
                        // A run of spaces, `text:c` of them: calamine writes out as many as
                        // it says, so a count of billions would take that many bytes at once.
                        "text:s" => {
                            if let Ok(n) = attribute(e, "text:c").trim().parse::<u64>() {
                                one_text(n, limits.cell_text)?;
                                in_text.grow(n, limits)?;
                            }
                        }
                        "table:table-column" if sheet.is_some() => {
                            let count = repeats(e, "table:number-columns-repeated").max(1);
                            if next_column < ODS_MAX_COLUMNS {
                                let style = attribute_text(e, "table:default-cell-style-name")
                                    .map(|name| tally.style_id(name));
                                column_styles.push((next_column, count, style));
                            }
                            next_column = next_column.saturating_add(count);
                        }
                        "table:table-row" => {
                            if let Some(s) = sheet.as_mut() {
                                if tally.unreadable.is_none()
                                    && let Some(count) =
                                        attribute_text(e, "table:number-rows-repeated")
                                    && count.parse::<usize>().is_err()
                                {
                                    tally.unreadable = Some(format!(
                                        "row {} of sheet '{sheet_name}' is stored as repeated \
                                         '{}' times, which is not a whole number, so no sheet \
                                         of the workbook can be read",
                                        s.rows_above.saturating_add(1),
                                        shorten(&count)
                                    ));
                                }
                                if has_content {
                                    s.row_start(repeats(e, "table:number-rows-repeated"));
                                }
                            }
                        }
                        "table:table-cell" | "table:covered-table-cell" => {
                            if let Some(s) = sheet.as_mut() {
                                let filled = has_content
                                    || e.attributes().flatten().any(|a| {
                                        matches!(
                                            a.key.into_inner(),
                                            "office:value-type" | "table:formula"
                                        )
                                    });
                                let columns = repeats(e, "table:number-columns-repeated");
                                if tally.unreadable.is_none() {
                                    let at = format!(
                                        "{}!{}{}",
                                        super::sheet::sheet_ref(&sheet_name),
                                        column_letters(s.row.1.saturating_add(1)),
                                        s.rows_above.saturating_add(1)
                                    );
                                    tally.unreadable = unreadable_ods_cell(e, &at);
                                }
                                let at = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
                                let cols = |col: u64| {
                                    columns.max(1).min(ODS_MAX_COLUMNS.saturating_sub(col))
                                };
                                // A cell that calamine reads as empty is empty whether covered
                                // or not: only filled ones are kept.
                                if filled
                                    && e.name().into_inner() == "table:covered-table-cell"
                                    && cols(s.row.1) > 0
                                {
                                    let run = CellRun {
                                        row: at(s.rows_above),
                                        rows: at(s.row.0),
                                        col: at(s.row.1),
                                        cols: at(cols(s.row.1)),
                                    };
                                    tally.covered(&sheet_name, run);
                                }
                                if e.name().into_inner() == "table:table-cell" {
                                    tally.merge(&sheet_name, e, s.rows_above, s.row.1);
                                }
                                if attribute(e, "office:value-type") == "percentage" {
                                    let col = s.row.1;
                                    let style = match attribute_text(e, "table:style-name") {
                                        Some(name) => Some(tally.style_id(name)),
                                        None => column_style(&column_styles, col),
                                    };
                                    let cols = cols(col);
                                    let run = OdsPercent {
                                        row: at(s.rows_above),
                                        rows: at(s.row.0),
                                        col: at(col),
                                        cols: at(cols),
                                        style,
                                    };
                                    if cols > 0 {
                                        tally.percent(&sheet_name, run);
                                    }
                                }
                                s.cell(columns, filled);
                                // A figure, a date or a truth value is read from its
                                // `office:value`, not from the text shown.
                                let text = matches!(
                                    attribute(e, "office:value-type").as_str(),
                                    "" | "string"
                                );
                                in_text = if has_content && text {
                                    let cells =
                                        columns.clamp(1, ODS_MAX_COLUMNS).saturating_mul(s.row.0);
                                    let value = attribute(e, "office:string-value").len() as u64;
                                    InText::Cell(cells, value)
                                } else {
                                    InText::None
                                };
                            }
                        }
                        _ => {}
                    }
                }
            }
            Event::Text(t) => {
                if let Some(c) = xcell.as_mut().filter(|_| in_value) {
                    c.value_text(&t[..]);
                }
                in_text.read(&t[..], in_value, limits, tally)?;
            }
            Event::CData(t) => {
                if let Some(c) = xcell.as_mut().filter(|_| in_value) {
                    c.value_text(&t[..]);
                }
                in_text.read(&t[..], in_value, limits, tally)?;
            }
            Event::GeneralRef(_) => {
                if let Some(c) = xcell.as_mut().filter(|_| in_value) {
                    c.entity = true;
                }
            }
            Event::End(e) => {
                if !ods_content {
                    styles.end(e.local_name().into_inner());
                }
                if !ods_content
                    && e.local_name().into_inner() == "c"
                    && let Some(c) = xcell.take()
                {
                    c.end(&mut positions, tally);
                }
                match e.local_name().into_inner() {
                    "si" | "c" | "table-cell" | "covered-table-cell" => {
                        in_text.end(tally, limits)?;
                        in_text = InText::None;
                        if let Some((at, true, false)) = cell.take() {
                            let u = &mut tally.uncomputed;
                            u.cells += 1;
                            u.first.get_or_insert_with(|| (tally.part.clone(), at));
                        }
                    }
                    "v" => in_value = false,
                    _ => {}
                }
                if e.name().into_inner() == "number:percentage-style" {
                    percent_format = None;
                }
                if ods_content {
                    match e.name().into_inner() {
                        "table:table" => open_sheet = None,
                        "office:annotation" => open_comment = false,
                        _ => {}
                    }
                    ods_end(e.name().into_inner(), &mut sheet, limits, tally)?;
                }
            }
            _ => {}
        }
        buf.clear();
    }
    if let Some(highest) = positions.highest_shared {
        tally.highest_shared.insert(tally.part.clone(), highest);
    }
    Ok(())
}

impl Positions {
    /// A `<row>` whose reference is `r` (empty if none).
    fn row_start(&mut self, r: &str) {
        self.col = 0;
        self.bad_row = None;
        if r.is_empty() {
            self.row += 1;
            return;
        }
        match cell_position(&format!("A{}", r.trim())) {
            Ok((row, _)) => self.row = row,
            Err(_) => {
                self.row += 1;
                self.bad_row = Some(format!(
                    "its row is numbered '{r}', which is no row of a sheet (1 to 1 048 576)"
                ));
            }
        }
    }

    /// A `<c>` whose reference is `r` (empty if none) and type `typ`.
    fn cell_start(&mut self, r: &str, typ: String) -> XCell {
        let nth = self.cells;
        self.cells += 1;
        let (at, bad) = if r.is_empty() {
            self.col += 1;
            let bad = self.bad_row.clone().map(|reason| BadValue::Damaged {
                reason,
                at_cell: false,
            });
            (format!("{}{}", column_letters(self.col), self.row), bad)
        } else {
            match cell_position(r) {
                Ok((row, col)) => {
                    (self.row, self.col) = (row, col);
                    (r.to_string(), None)
                }
                Err(reason) => {
                    self.col += 1;
                    let bad = BadValue::Damaged {
                        reason,
                        at_cell: true,
                    };
                    (r.to_string(), Some(bad))
                }
            }
        };
        // Row and column count from 1; a cell met before any row (row 0) has no position.
        let position = (bad.is_none() && self.row <= XLSX_ROWS && self.col <= XLSX_COLUMNS)
            .then(|| {
                let row = u32::try_from(self.row).ok()?.checked_sub(1)?;
                let col = u32::try_from(self.col).ok()?.checked_sub(1)?;
                Some((row, col))
            })
            .flatten();
        XCell {
            nth,
            at,
            position,
            typ,
            value: String::new(),
            entity: false,
            bad,
        }
    }
}

/// A shared text's number, or an error value, is a few characters: a longer one is wrong
/// whatever the rest.
const MAX_VALUE_KEPT: usize = 64;

impl XCell {
    fn value_text(&mut self, text: &str) {
        if matches!(self.typ.as_str(), "s" | "e") && self.value.len() < MAX_VALUE_KEPT {
            self.value.push_str(text);
        }
    }

    /// The end of the cell: a bad one is noted; a shared text's number kept if the highest.
    fn end(self, positions: &mut Positions, tally: &mut Tally) {
        let XCell {
            nth,
            at,
            position,
            typ,
            value,
            entity,
            bad,
        } = self;
        if let Some(what) = bad {
            tally.bad_cell(nth, at, position, what);
            return;
        }
        if value.is_empty() && !entity {
            return;
        }
        match typ.as_str() {
            // calamine reads a number it cannot read (`4x`, `-1`, `5.0`) as text number 0,
            // another text of the workbook.
            "s" => {
                let index = (!entity && value.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| value.parse::<u64>().ok())
                    .flatten()
                    .filter(|&i| usize::try_from(i).is_ok());
                match index {
                    Some(i) => {
                        if positions.highest_shared.as_ref().is_none_or(|h| i > h.0) {
                            positions.highest_shared = Some((i, nth, at, position));
                        }
                    }
                    None => {
                        let reason = format!(
                            "its text is kept in the workbook's list of texts under the number \
                             '{}', which is no such number",
                            value.chars().take(MAX_VALUE_KEPT).collect::<String>()
                        );
                        let what = BadValue::Damaged {
                            reason,
                            at_cell: true,
                        };
                        tally.bad_cell(nth, at, position, what);
                    }
                }
            }
            // calamine refuses the whole sheet for an error value it does not know.
            "e" if value.parse::<calamine::CellErrorType>().is_err() => {
                let value = value.chars().take(MAX_VALUE_KEPT).collect();
                tally.bad_cell(nth, at, position, BadValue::Error(value));
            }
            _ => {}
        }
    }
}

/// Why calamine would fail on OpenDocument cell `e` (at `at`, such as `u!B2`), and with it on
/// the whole workbook: a stored value that is no number (`1,5`), or a repeat count that is
/// not a whole number. `None` if it would not.
fn unreadable_ods_cell(e: &BytesStart<'_>, at: &str) -> Option<String> {
    let columns = attribute(e, "table:number-columns-repeated");
    if !columns.is_empty() && columns.parse::<usize>().is_err() {
        return Some(format!(
            "cell {at} is stored as repeated '{}' times across columns, which is not a whole \
             number, so no sheet of the workbook can be read",
            shorten(&columns)
        ));
    }
    // calamine reads the first of the value attributes only.
    let value = e.attributes().flatten().find(|a| {
        matches!(
            a.key.into_inner(),
            "office:value"
                | "office:string-value"
                | "office:date-value"
                | "office:time-value"
                | "office:boolean-value"
        )
    })?;
    if value.key.into_inner() != "office:value" {
        return None;
    }
    let written = value.value.to_string();
    if written.parse::<f64>().is_ok() {
        return None;
    }
    Some(format!(
        "cell {at} holds the stored value '{}', which is no number (the file must store a \
         number such as 1.5, with a point), so no sheet of the workbook can be read; type the \
         figure in that cell again in LibreOffice and save the workbook",
        shorten(&written)
    ))
}

/// A value from the file, as a message quotes it: on one line, at most 40 characters.
fn shorten(value: &str) -> String {
    let plain: String = value.chars().filter(|c| !c.is_control()).collect();
    let short: String = plain.chars().take(40).collect();
    if short.len() < plain.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// The default cell style of column `col` (0-based) of an OpenDocument sheet whose columns
/// are `columns` (first column, how many, style; in order).
fn column_style(columns: &[(u64, u64, Option<u32>)], col: u64) -> Option<u32> {
    let after = columns.partition_point(|&(first, _, _)| first <= col);
    let &(first, count, style) = columns.get(after.checked_sub(1)?)?;
    (col - first < count).then_some(style).flatten()
}

/// The end of an element of an OpenDocument spreadsheet's content named `name`.
fn ods_end(
    name: &str,
    sheet: &mut Option<OdsSheet>,
    limits: Limits,
    tally: &mut Tally,
) -> Result<(), String> {
    match name {
        "table:table-row" => {
            if let Some(s) = sheet.as_mut() {
                s.row_end()?;
            }
        }
        "table:table" => {
            if let Some(s) = sheet.take() {
                tally.ods_cells = tally.ods_cells.saturating_add(s.end()?);
                if tally.ods_cells > limits.workbook_cells {
                    return Err(format!(
                        "its sheets together would be {} cells or more as they are written \
                         (rows and cells repeated, empty ones too), more than the {} rimlig \
                         reads in one workbook",
                        grouped(tally.ods_cells),
                        grouped(limits.workbook_cells)
                    ));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// Bytes of number formats and fonts that calamine copies into the styles of an `.xlsx`
/// workbook's cell formats, at most.
const MAX_STYLE_COPIES: u64 = 64 << 20;

/// What calamine copies for each cell format (`<xf>`) of an `.xlsx` workbook's styles: the
/// text of its number format and its font. A format code of 3 MB used by 10 000 formats took
/// 30 GB; the count of formats alone did not tell.
#[derive(Default)]
struct StyleCopies {
    /// Each number format's code length, by its id.
    formats: HashMap<String, u64>,
    /// Each font's bytes (its attributes' values), in order, while in `<fonts>`.
    fonts: Vec<u64>,
    in_fonts: bool,
    in_cell_formats: bool,
    copied: u64,
}

impl StyleCopies {
    fn start(&mut self, e: &BytesStart<'_>, has_content: bool) -> Result<(), String> {
        match e.local_name().into_inner() {
            "numFmt" => {
                let code = attribute(e, "formatCode").len() as u64;
                self.formats.insert(attribute(e, "numFmtId"), code);
            }
            "fonts" => self.in_fonts = has_content,
            "font" if self.in_fonts => self.fonts.push(0),
            "cellXfs" => self.in_cell_formats = has_content,
            "xf" if self.in_cell_formats => {
                let format = self.formats.get(&attribute(e, "numFmtId")).copied();
                let font = attribute(e, "fontId")
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| self.fonts.get(i).copied());
                self.copied = self
                    .copied
                    .saturating_add(format.unwrap_or(0))
                    .saturating_add(font.unwrap_or(0));
                if self.copied > MAX_STYLE_COPIES {
                    return Err(format!(
                        "its cell formats repeat long number formats or font names so often \
                         that reading them would take more than {} MiB",
                        MAX_STYLE_COPIES >> 20
                    ));
                }
            }
            // A font's part (its name, size, colour): its attributes count towards the font.
            _ => self.font_part(e),
        }
        Ok(())
    }

    fn font_part(&mut self, e: &BytesStart<'_>) {
        if let Some(font) = self.fonts.last_mut().filter(|_| self.in_fonts) {
            let bytes: usize = e.attributes().flatten().map(|a| a.value.len()).sum();
            *font = font.saturating_add(bytes as u64);
        }
    }

    fn end(&mut self, name: &str) {
        match name {
            "fonts" => self.in_fonts = false,
            "cellXfs" => self.in_cell_formats = false,
            _ => {}
        }
    }
}

/// Why an OpenDocument spreadsheet's content that ended with `sheet` (its name) or a comment
/// still open cannot be read: `None` if neither is.
fn cut_short(sheet: Option<&str>, comment: bool) -> Option<String> {
    let what = if comment {
        "a comment".to_string()
    } else {
        format!("sheet '{}'", shorten(sheet?))
    };
    Some(format!(
        "the file is damaged or cut short: its content (content.xml) ends inside {what}, \
         before the end the spreadsheet writes for it"
    ))
}

impl InText {
    /// Text (`text`, as written) inside the element being read; `in_value` inside a `<v>`.
    fn read(
        &mut self,
        text: &str,
        in_value: bool,
        limits: Limits,
        tally: &mut Tally,
    ) -> Result<(), String> {
        match self {
            InText::None => {}
            InText::Shared(_) | InText::Cell(..) => self.grow(text.len() as u64, limits)?,
            InText::SharedCell if in_value => tally.texts.use_shared(text, limits.shared_texts),
            InText::SharedCell => {}
        }
        Ok(())
    }

    /// `n` bytes more of the text being read.
    fn grow(&mut self, n: u64, limits: Limits) -> Result<(), String> {
        if let InText::Shared(len) | InText::Cell(_, len) = self {
            *len = len.saturating_add(n);
            one_text(*len, limits.cell_text)?;
        }
        Ok(())
    }

    /// The end of the shared text or cell.
    fn end(&self, tally: &mut Tally, limits: Limits) -> Result<(), String> {
        match *self {
            InText::Shared(len) => {
                one_text(len, limits.cell_text)?;
                // (At most `cell_text` bytes.)
                tally
                    .texts
                    .shared
                    .push(u32::try_from(len).unwrap_or(u32::MAX));
            }
            InText::Cell(cells, len) => {
                one_text(len, limits.cell_text)?;
                tally.texts.direct = tally.texts.direct.saturating_add(cells.saturating_mul(len));
                if tally.texts.direct > limits.texts {
                    return Err(too_much_text(tally.texts.direct, limits));
                }
            }
            InText::None | InText::SharedCell => {}
        }
        Ok(())
    }
}

/// The value of attribute `key` of `e`, as written.
fn attribute(e: &BytesStart<'_>, key: &str) -> String {
    e.attributes()
        .flatten()
        .find(|a| a.key.into_inner() == key)
        .map(|a| a.value.into_owned())
        .unwrap_or_default()
}

/// The value of attribute `key` of `e`, its entities read (`&amp;` is `&`); `None` if it has
/// none.
fn attribute_text(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.into_inner() == key)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// A repeat count (`table:number-rows-repeated`, `…-columns-repeated`): 1 when absent. One
/// calamine cannot read as a number makes it fail, so any such value may count as 1.
fn repeats(e: &BytesStart<'_>, key: &str) -> u64 {
    attribute(e, key).trim().parse().unwrap_or(1)
}

/// One sheet of an OpenDocument spreadsheet as calamine reads it: each row element as a list
/// of its cells up to its last filled one (a filled cell repeated as often as it says, up to
/// [`ODS_MAX_COLUMNS`]), then the rectangle from the first to the last row with a filled
/// cell, each row element repeated as often as it says.
struct OdsSheet {
    name: String,
    limit: u64,
    /// Cells of the row elements read, before rows are repeated.
    listed: u64,
    /// The row being read: its repeat count, the columns so far, and the end of its last
    /// filled cell.
    row: (u64, u64, u64),
    /// Sheet rows before the row being read (repeats counted).
    rows_above: u64,
    /// First and last sheet row with a filled cell.
    filled_rows: Option<(u64, u64)>,
    /// The widest row, up to its last filled cell.
    width: u64,
}

impl OdsSheet {
    fn new(name: String, limit: u64) -> OdsSheet {
        OdsSheet {
            name,
            limit,
            listed: 0,
            row: (1, 0, 0),
            rows_above: 0,
            filled_rows: None,
            width: 0,
        }
    }

    fn row_start(&mut self, repeats: u64) {
        self.row = (repeats.max(1), 0, 0);
    }

    fn cell(&mut self, repeats: u64, filled: bool) {
        let (_, columns, _) = &mut self.row;
        *columns = columns.saturating_add(repeats.max(1)).min(ODS_MAX_COLUMNS);
        if filled {
            self.row.2 = self.row.1;
        }
    }

    fn too_large(&self, cells: u64) -> String {
        format!(
            "sheet '{}' would be {} cells or more as it is written (rows and cells \
             repeated), more than the {} rimlig reads",
            self.name,
            grouped(cells),
            grouped(self.limit)
        )
    }

    fn row_end(&mut self) -> Result<(), String> {
        let (repeats, _, width) = self.row;
        self.listed = self.listed.saturating_add(width);
        if width > 0 {
            let last = self.rows_above.saturating_add(repeats - 1);
            let first = self.filled_rows.map_or(self.rows_above, |(first, _)| first);
            self.filled_rows = Some((first, last));
            self.width = self.width.max(width);
        }
        self.rows_above = self.rows_above.saturating_add(repeats);
        self.row = (1, 0, 0);
        let cells = self.listed.max(self.rectangle());
        if cells > self.limit {
            return Err(self.too_large(cells));
        }
        Ok(())
    }

    fn rectangle(&self) -> u64 {
        self.filled_rows.map_or(0, |(first, last)| {
            (last - first).saturating_add(1).saturating_mul(self.width)
        })
    }

    /// The cells calamine makes of the sheet.
    fn end(self) -> Result<u64, String> {
        let cells = self.listed.max(self.rectangle());
        if cells > self.limit {
            return Err(self.too_large(cells));
        }
        Ok(cells)
    }
}

/// `Err(reason)` if the Excel 97–2003 workbook in `bytes` (an OLE compound file) is damaged
/// or would take more than rimlig reads; `Ok` if not, and also if it has no workbook stream
/// to look at (calamine then says why).
pub(super) fn check_compound(bytes: &[u8], limits: Limits) -> Result<Scanned, Refused> {
    // Both readers read every sector the DIFAT lists into the FAT, however often it is
    // listed, before they look at what they read: the `cfb` crate took 1 GB to open a file of
    // 1 MB that lists one sector 260 000 times (and calamine as much again, which it kept).
    if let Some((listed, sectors, size)) = listed_fat_sectors(bytes)
        && listed > max_fat_sectors(sectors, size)
    {
        return Err(Refused::Damaged(too_many_fat_sectors(listed, sectors)));
    }
    // calamine follows the container's chains of sectors without looking for loops, and one
    // that loops makes it grow a buffer until memory runs out: a container the `cfb` crate
    // (which does look) cannot open is not handed on.
    let mut file = match cfb::CompoundFile::open(Cursor::new(bytes)) {
        Ok(file) => file,
        Err(e) => {
            return Err(Refused::Damaged(format!(
                "the file is damaged (the reader says: {e})"
            )));
        }
    };
    // The `cfb` crate checks a stream's chain as it reads it, not when it opens the file: a
    // workbook stream that cannot be read whole is refused here, or calamine would follow
    // its chain round and round (4 GB and more from a 6 KB file).
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|name| file.is_stream(name));
    // No larger than the file: `take` keeps a damaged size from reading on.
    let mut read_by_cfb = |into: &mut dyn std::io::Write| {
        name.map(|name| {
            file.open_stream(name).and_then(|stream| {
                std::io::copy(&mut stream.take(bytes.len() as u64), into).map(|_| ())
            })
        })
    };
    if let Some(Err(e)) = read_by_cfb(&mut std::io::sink()) {
        return Err(Refused::Damaged(format!(
            "the file is damaged: its workbook stream cannot be read (the reader says: {e})"
        )));
    }
    // calamine does not read the container as the `cfb` crate does: it follows other chains
    // (the directory's, the mini stream's, its table's) by its own reading of the FAT, and
    // finds the workbook stream by its name alone. Those chains are walked here as calamine
    // walks them, and what it would read as the workbook stream is what is looked through.
    let data = match calamine_workbook_stream(bytes) {
        Ok(Some(stream)) => stream,
        // calamine gives up with an error of its own before it reads a workbook stream: what
        // the `cfb` crate reads is looked through all the same.
        Ok(None) => {
            let mut data = Vec::new();
            match read_by_cfb(&mut data) {
                Some(Ok(())) => data,
                _ => return Ok(Scanned::default()),
            }
        }
        Err(why) => return Err(Refused::Damaged(why)),
    };
    let xls_percentages = check_biff(&data, limits)?;
    check_biff_texts(&data, limits).map_err(Refused::TooLarge)?;
    check_biff_formula_spaces(&data, MAX_FORMULA_SPACE_WORK).map_err(Refused::TooLarge)?;
    Ok(Scanned {
        xls_percentages,
        ..Scanned::default()
    })
}

/// An entry of calamine's FAT (`cfb.rs`): the end of a chain.
const CFB_END_OF_CHAIN: u32 = 0xFFFF_FFFE;
/// calamine follows a DIFAT chain while its sectors are below this.
const CFB_RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
/// calamine reads a DIFAT entry below this as a FAT sector.
const CFB_DIFAT_SECTOR: u32 = 0xFFFF_FFFC;

/// Where calamine's reading of a compound file stops without a workbook stream.
#[derive(Debug, PartialEq, Eq)]
enum Stop {
    /// calamine gives up with an error of its own, which says why.
    Fails,
    /// calamine would not survive it (a loop it follows until memory runs out, a panic):
    /// why, in words.
    Damaged(String),
}

/// calamine's `Sectors` (`cfb.rs`): the sectors of a compound file, or of its mini stream,
/// read into a buffer in order as far as the furthest one asked for. Only the buffer's length
/// is kept here: what it holds is the bytes it was read from, and zeros past their end.
struct CfbSectors<'a> {
    /// What the sectors are read from: the file after its header, or the mini stream.
    from: &'a [u8],
    size: usize,
    /// The highest sector asked for without an error.
    maxid: usize,
    /// The length of calamine's buffer.
    loaded: usize,
    /// The mini stream's sectors: past its end calamine reads on from wherever the file was
    /// left, which is not followed here.
    mini: bool,
}

impl CfbSectors<'_> {
    /// Where sector `id` is in calamine's buffer, as much of it as `Sectors::get` gives.
    fn get(&mut self, id: u32) -> Result<std::ops::Range<usize>, Stop> {
        let id = id as usize;
        if id > self.maxid {
            return Err(Stop::Fails);
        }
        let start = id * self.size;
        let end = start + self.size;
        if end <= self.loaded {
            return Ok(start..end);
        }
        if self.mini {
            return Err(Stop::Damaged(
                "the file is damaged: part of its workbook stream lies past the end of its mini \
                 stream (where small streams are kept)"
                    .to_string(),
            ));
        }
        // The file is read on from where the last read stopped, to the sector's end or the
        // file's; the buffer is grown to the sector's end all the same (with zeros).
        let read_to = self.loaded.max(end.min(self.from.len()));
        self.loaded = end;
        if read_to >= end {
            return Ok(start..end);
        }
        // At the end of the file calamine gives what it read of the sector, and if it read
        // none of it, a slice that ends before it starts: a panic.
        if read_to < start {
            return Err(Stop::Damaged(
                "the file is damaged: a chain of its sectors leads past its end".to_string(),
            ));
        }
        Ok(start..read_to)
    }

    /// The bytes of `range` of calamine's buffer.
    fn bytes(&self, range: std::ops::Range<usize>, out: &mut Vec<u8>) {
        let held = self
            .from
            .get(range.start.min(self.from.len())..range.end.min(self.from.len()))
            .unwrap_or(&[]);
        out.extend_from_slice(held);
        out.resize(out.len() + (range.len() - held.len()), 0);
    }

    /// The entries of a table (a DIFAT, a FAT) held in `range`, added to `out`. calamine
    /// asserts that a sector of it is whole entries: one cut short by the end of the file
    /// ends it with a panic.
    fn entries(&self, range: std::ops::Range<usize>, out: &mut Vec<u32>) -> Result<(), Stop> {
        let mut held = Vec::with_capacity(range.len());
        self.bytes(range, &mut held);
        le_u32s(&held, out)
    }

    /// calamine's `Sectors::get_chain`: sector `start` and those `fat` leads on to, until the
    /// end of the chain or `len` bytes. calamine does not look for a loop: it would go round
    /// one until it has `len` bytes (the size a directory entry declares, up to 2⁶⁴, or for
    /// the directory no end at all), so a chain that comes back to a sector is refused. A
    /// chain without a loop holds no more than the file's sectors.
    fn chain(&mut self, start: u32, fat: &[u32], len: usize, what: &str) -> Result<Vec<u8>, Stop> {
        let mut seen = vec![false; self.maxid.saturating_add(1)];
        let mut out = Vec::new();
        let mut id = start;
        while id != CFB_END_OF_CHAIN {
            let range = self.get(id)?;
            let Some(been) = seen.get_mut(id as usize) else {
                return Err(Stop::Fails);
            };
            if *been {
                return Err(Stop::Damaged(format!(
                    "the file is damaged: the chain of sectors that holds {what} leads back on \
                     itself"
                )));
            }
            *been = true;
            let take = range.len().min(len - out.len());
            self.bytes(range.start..range.start + take, &mut out);
            if out.len() >= len {
                break;
            }
            // calamine indexes its table with the sector: a panic past its end.
            id = *fat.get(id as usize).ok_or_else(|| {
                Stop::Damaged(format!(
                    "the file is damaged: the chain of sectors that holds {what} leads past \
                     the end of its table of sectors"
                ))
            })?;
        }
        Ok(out)
    }
}

/// `bytes` read as little-endian 32-bit entries, added to `out`; calamine's `to_u32` panics
/// on bytes that are not whole entries.
fn le_u32s(bytes: &[u8], out: &mut Vec<u32>) -> Result<(), Stop> {
    let (whole, rest) = bytes.as_chunks::<4>();
    if !rest.is_empty() {
        return Err(Stop::Damaged(
            "the file is damaged: it ends inside a table of its sectors".to_string(),
        ));
    }
    out.extend(whole.iter().map(|b| u32::from_le_bytes(*b)));
    Ok(())
}

/// A directory entry as calamine reads it (`Directory::from_slice`).
struct CfbEntry {
    name: String,
    start: u32,
    len: usize,
}

impl CfbEntry {
    fn read(entry: &[u8], large_sectors: bool) -> Result<CfbEntry, Stop> {
        let field = |at: usize, n: usize| entry.get(at..at + n).ok_or(Stop::Fails);
        // Decoded as calamine decodes it: a byte-order mark at its start switches the
        // encoding, and the name ends at its first NUL.
        let mut name = encoding_rs::UTF_16LE.decode(field(0, 64)?).0.into_owned();
        if let Some(nul) = name.as_bytes().iter().position(|b| *b == 0) {
            name.truncate(nul);
        }
        let start = u32_at(entry, 116).ok_or(Stop::Fails)? as u32;
        let len = if large_sectors {
            let b = field(120, 8)?;
            let len = u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
            // (calamine unwraps this: a panic where `usize` is 32 bits.)
            usize::try_from(len).map_err(|_| {
                Stop::Damaged("the file is damaged: a stream's size is too large".to_string())
            })?
        } else {
            u32_at(entry, 120).ok_or(Stop::Fails)? as usize
        };
        Ok(CfbEntry { name, start, len })
    }
}

/// The workbook stream calamine 0.38 reads from the compound file `bytes` (`Cfb::new`, then
/// `get_stream("Workbook")` or else `"Book"`), read here as it reads it; `None` if calamine
/// gives up with an error of its own first. `Err(reason)` where calamine would not survive
/// reading it: a chain that loops, or one that leads where it panics.
fn calamine_workbook_stream(bytes: &[u8]) -> Result<Option<Vec<u8>>, String> {
    match calamine_walk(bytes) {
        Ok(stream) => Ok(Some(stream)),
        Err(Stop::Fails) => Ok(None),
        Err(Stop::Damaged(why)) => Err(why),
    }
}

fn calamine_walk(bytes: &[u8]) -> Result<Vec<u8>, Stop> {
    let header = bytes.get(..512).ok_or(Stop::Fails)?;
    if header[..8] != *b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" {
        return Err(Stop::Fails);
    }
    let field = |at: usize| u32_at(header, at).ok_or(Stop::Fails);
    let version = u16_at(header, 26).ok_or(Stop::Fails)?;
    let size = match u16_at(header, 30) {
        Some(0x0009) => 512,
        Some(0x000C) => 4096,
        _ => return Err(Stop::Fails),
    };
    if u16_at(header, 32) != Some(0x0006) {
        return Err(Stop::Fails);
    }
    let dir_start = field(48)? as u32;
    let mini_fat_start = field(60)? as u32;
    let mini_fat_len = field(64)? as usize;
    let difat_start = field(68)? as u32;
    // The header takes the first sector (of 4 KiB sectors, its first 512 bytes are all).
    let Some(after_header) = bytes.get(size..) else {
        return Err(Stop::Fails);
    };
    let maxid = bytes.len() / size;
    let mut sectors = CfbSectors {
        from: after_header,
        size,
        maxid,
        loaded: 0,
        mini: false,
    };

    // The DIFAT: the header's 109 entries, then a chain of sectors each of which ends with
    // the next one's place. calamine bounds it by the file's sectors.
    let mut difat = Vec::new();
    le_u32s(&header[76..512], &mut difat)?;
    let mut id = difat_start;
    let mut difat_sectors = 0usize;
    while id < CFB_RESERVED_SECTORS {
        difat_sectors += 1;
        if difat_sectors > maxid.saturating_add(1) {
            return Err(Stop::Fails);
        }
        let range = sectors.get(id)?;
        sectors.entries(range, &mut difat)?;
        id = difat.pop().ok_or(Stop::Fails)?;
    }
    // The FAT: every sector the DIFAT lists, read whole, however often it is listed. A FAT
    // of more sectors than the file has (and room to spare for padding) is not read: listed
    // over and over, one sector of 4 KiB makes 4 MiB of it.
    let fat_sectors = difat.iter().filter(|&&id| id < CFB_DIFAT_SECTOR).count();
    if fat_sectors > max_fat_sectors(maxid, size) {
        return Err(Stop::Damaged(too_many_fat_sectors(fat_sectors, maxid)));
    }
    let mut fat = Vec::new();
    for &id in difat.iter().filter(|&&id| id < CFB_DIFAT_SECTOR) {
        let range = sectors.get(id)?;
        sectors.entries(range, &mut fat)?;
    }

    // The directory: its chain, read to its end, as entries of 128 bytes.
    let directory = sectors.chain(dir_start, &fat, usize::MAX, "its directory")?;
    let entries = directory
        .chunks_exact(128)
        .map(|e| CfbEntry::read(e, size == 4096))
        .collect::<Result<Vec<_>, _>>()?;
    drop(directory);
    let Some(root) = entries.first() else {
        return Err(Stop::Fails);
    };
    if version != 3 && root.start == CFB_END_OF_CHAIN {
        return Err(Stop::Fails);
    }

    // The mini stream (the root entry's stream, up to the size it declares) and its table.
    let (mini_fat, mini_stream) = if mini_fat_len > 0 {
        let stream = sectors.chain(
            root.start,
            &fat,
            root.len,
            "its mini stream (where small streams are kept)",
        )?;
        let table = sectors.chain(
            mini_fat_start,
            &fat,
            mini_fat_len.saturating_mul(size),
            "the table of its mini stream's sectors",
        )?;
        let mut mini_fat = Vec::new();
        le_u32s(&table, &mut mini_fat)?;
        (mini_fat, stream)
    } else {
        (Vec::new(), Vec::new())
    };
    let mut mini = CfbSectors {
        from: &mini_stream,
        size: 64,
        // (as calamine has it)
        maxid: (maxid * 8) as u32 as usize,
        loaded: mini_stream.len(),
        mini: true,
    };

    // The workbook stream: the first entry named so, whatever its place in the directory's
    // tree; a stream under 4 KiB is in the mini stream. calamine tries "Book" on any error.
    for name in ["Workbook", "Book"] {
        let Some(entry) = entries
            .iter()
            .find(|e| e.name.as_bytes().eq_ignore_ascii_case(name.as_bytes()))
        else {
            continue;
        };
        let read = if entry.len < 4096 {
            mini.chain(entry.start, &mini_fat, entry.len, "its workbook stream")
        } else {
            sectors.chain(entry.start, &fat, entry.len, "its workbook stream")
        };
        match read {
            Err(Stop::Fails) => continue,
            read => return read,
        }
    }
    Err(Stop::Fails)
}

/// The FAT sectors the header and the DIFAT of the compound file `bytes` list (each time it
/// is listed), the file's length in sectors (its header one of them, as calamine counts) and
/// their size; `None` if it is no compound file. The DIFAT's chain is followed as the `cfb`
/// crate follows it, up to where it refuses the file (a sector past the end, or one met
/// before): it reads no further.
fn listed_fat_sectors(bytes: &[u8]) -> Option<(usize, usize, usize)> {
    let header = bytes.get(..512)?;
    if header[..8] != *b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" {
        return None;
    }
    let size = match u16_at(header, 30)? {
        0x0009 => 512,
        0x000C => 4096,
        _ => return None,
    };
    let sectors = bytes.len() / size;
    let is_fat_sector = |entry: &u32| *entry < CFB_DIFAT_SECTOR;
    let mut entries = Vec::new();
    le_u32s(&header[76..512], &mut entries).ok()?;
    let mut listed = entries.iter().filter(|e| is_fat_sector(e)).count();
    let mut seen = vec![false; sectors];
    let mut id = u32_at(header, 68)? as u32;
    while id != CFB_END_OF_CHAIN && id != u32::MAX {
        let Some(been) = seen.get_mut(id as usize) else {
            break;
        };
        if *been {
            break;
        }
        *been = true;
        let at = (id as usize + 1) * size;
        let Some(sector) = bytes.get(at..at + size) else {
            break;
        };
        entries.clear();
        le_u32s(sector, &mut entries).ok()?;
        let Some((&next, listing)) = entries.split_last() else {
            break;
        };
        listed += listing.iter().filter(|e| is_fat_sector(e)).count();
        id = next;
    }
    Some((listed, sectors, size))
}

/// The most FAT sectors a compound file of `maxid` sectors of `size` bytes may list: one for
/// each of its sectors, and the header's 109 entries and a DIFAT sector's more, which some
/// writers pad with zeros (sector 0) rather than leave free.
fn max_fat_sectors(maxid: usize, size: usize) -> usize {
    maxid.saturating_add(109 + size / 4)
}

fn too_many_fat_sectors(listed: usize, sectors: usize) -> String {
    format!(
        "the file is damaged: its table of sectors is said to take {} sectors, but the file \
         has only {}",
        grouped(listed as u64),
        grouped(sectors as u64)
    )
}

/// The text the cells of a BIFF workbook would hold once read: a shared text (in the `SST`
/// record) once for every `LabelSst` cell that shows it, as calamine copies it, and the texts
/// written in cells. Counted as UTF-8 at three bytes a character, never less than it takes.
fn check_biff_texts(stream: &[u8], limits: Limits) -> Result<(), String> {
    let pieces = sst_records(stream).len();
    if pieces > MAX_SST_RECORDS {
        return Err(format!(
            "its list of shared texts is split into {} records, more than the {} rimlig reads",
            grouped(pieces as u64),
            grouped(MAX_SST_RECORDS as u64)
        ));
    }
    let shared = sst_lengths(stream, limits.shared_texts);
    let mut total: u64 = 0;
    for (typ, data) in records(stream, 0) {
        let chars = match typ {
            // LabelSst: the shared text it shows.
            0x00FD => u32_at(data, 6)
                .and_then(|i| shared.get(usize::try_from(i).ok()?))
                .copied()
                .unwrap_or(0),
            // Label, RString: a text of its own; String: a formula's text.
            0x0204 | 0x00D6 => u16_at(data, 6).unwrap_or(0),
            0x0207 => u16_at(data, 0).unwrap_or(0),
            _ => continue,
        };
        total = total.saturating_add(chars * 3);
        if total > limits.texts {
            return Err(too_much_text(total, limits));
        }
    }
    Ok(())
}

/// How much calamine may move text about writing out the spaces of an `.xls` workbook's
/// formulas (see [`check_biff_formula_spaces`]), at most: well under a second of copying.
/// Ten spaces in each of 100 000 formulas of 100 bytes come to 4 × 10⁸.
const MAX_FORMULA_SPACE_WORK: u64 = 1_000_000_000;

/// `Err` if writing out the spaces of the workbook's formulas would take calamine more than
/// `budget` moves of a character.
///
/// A formula's spaces are tokens of their own (`PtgAttrSpace`, up to 255 spaces each), which
/// calamine writes one space at a time in front of the text after them, moving that text
/// each time: one formula record of 64 KB filled with such tokens took it about a minute.
/// A formula's text is counted as four characters for each byte of its tokens, and its
/// spaces wherever the bytes of such a token are (also inside another token's data): never
/// fewer than calamine writes.
fn check_biff_formula_spaces(stream: &[u8], budget: u64) -> Result<(), String> {
    let mut work: u64 = 0;
    let mut spaces_in_all: u64 = 0;
    for (typ, data) in records(stream, 0) {
        // Formula: its tokens after 20 bytes of cell, value and options, and their length.
        if typ != 0x0006 {
            continue;
        }
        let Some(cce) = u16_at(data, 20) else {
            continue;
        };
        let tokens = data.get(22..).unwrap_or_default();
        let tokens = tokens.get(..cce as usize).unwrap_or(tokens);
        let spaces: u64 = tokens
            .windows(4)
            .filter(|t| t[0] == 0x19 && matches!(t[1], 0x40 | 0x41))
            .map(|t| u64::from(t[3]))
            .sum();
        spaces_in_all = spaces_in_all.saturating_add(spaces);
        work = work.saturating_add(spaces.saturating_mul(4 * cce + spaces));
        if work > budget {
            return Err(format!(
                "its formulas are padded with {} spaces or more, far more than rimlig reads",
                grouped(spaces_in_all)
            ));
        }
    }
    Ok(())
}

/// Records of a workbook's shared-string table (the `SST` record and the `CONTINUE` records
/// after it), at most. calamine takes each `CONTINUE` from the front of a list, moving the rest
/// every time: a million empty ones (4 MB) kept it busy without end. The texts rimlig reads
/// (64 MiB) fill about 8 200 records of 8 KB.
const MAX_SST_RECORDS: usize = 10_000;

/// The data of the first `SST` record and of the `CONTINUE` records after it.
fn sst_records(stream: &[u8]) -> Vec<&[u8]> {
    let mut parts: Vec<&[u8]> = Vec::new();
    for (typ, data) in records(stream, 0) {
        match typ {
            0x00FC if parts.is_empty() => parts.push(data),
            0x003C if !parts.is_empty() => parts.push(data),
            _ if !parts.is_empty() => break,
            _ => {}
        }
    }
    parts
}

/// The length in characters of each text of the workbook's shared-string table (the first
/// `SST` record and the `CONTINUE` records after it), at most `limit` of them.
fn sst_lengths(stream: &[u8], limit: u64) -> Vec<u64> {
    let mut r = Parts {
        parts: sst_records(stream),
        at: (0, 8),
    };
    let mut lengths = Vec::new();
    while (lengths.len() as u64) < limit {
        // A text: its length, its options, then its characters (which a CONTINUE record may
        // cut, starting again with one byte of options), then its formatting runs and
        // phonetic data.
        let (Some(cch), Some(flags)) = (r.u16(), r.byte()) else {
            break;
        };
        let runs = if flags & 0x08 != 0 { r.u16() } else { Some(0) };
        let ext = if flags & 0x04 != 0 { r.u32() } else { Some(0) };
        let (Some(runs), Some(ext)) = (runs, ext) else {
            break;
        };
        if !r.chars(cch, flags & 0x01 != 0) {
            break;
        }
        lengths.push(cch);
        if !r.skip(runs * 4 + ext) {
            break;
        }
    }
    lengths
}

/// A reader over the data of a record and the `CONTINUE` records after it.
struct Parts<'a> {
    parts: Vec<&'a [u8]>,
    /// The part, and the byte in it.
    at: (usize, usize),
}

impl Parts<'_> {
    /// The bytes left in the current part, moving on to the next part when none are.
    fn left(&mut self) -> usize {
        loop {
            let (p, i) = self.at;
            let Some(part) = self.parts.get(p) else {
                return 0;
            };
            if i < part.len() {
                return part.len() - i;
            }
            self.at = (p + 1, 0);
        }
    }

    fn byte(&mut self) -> Option<u8> {
        if self.left() == 0 {
            return None;
        }
        let (p, i) = self.at;
        self.at = (p, i + 1);
        Some(self.parts[p][i])
    }

    fn u16(&mut self) -> Option<u64> {
        Some(u64::from(u16::from_le_bytes([self.byte()?, self.byte()?])))
    }

    fn u32(&mut self) -> Option<u64> {
        let b = [self.byte()?, self.byte()?, self.byte()?, self.byte()?];
        Some(u64::from(u32::from_le_bytes(b)))
    }

    /// Pass over `n` bytes; `false` if there are fewer.
    fn skip(&mut self, mut n: u64) -> bool {
        while n > 0 {
            let left = self.left() as u64;
            if left == 0 {
                return false;
            }
            let step = left.min(n);
            self.at.1 += step as usize;
            n -= step;
        }
        true
    }

    /// Pass over `cch` characters of one byte each, or two with `wide`; a part that ends
    /// among them is followed by one with a byte of options first.
    fn chars(&mut self, mut cch: u64, mut wide: bool) -> bool {
        loop {
            let width = if wide { 2 } else { 1 };
            let (p, i) = self.at;
            let here = self
                .parts
                .get(p)
                .map_or(0, |part| part.len().saturating_sub(i) as u64);
            let take = (here / width).min(cch);
            self.at.1 += (take * width) as usize;
            cch -= take;
            if cch == 0 {
                return true;
            }
            // On to the next part, which starts with the options of the rest.
            if p + 1 >= self.parts.len() {
                return false;
            }
            self.at = (p + 1, 0);
            match self.byte() {
                Some(options) => wide = options & 0x01 != 0,
                None => return false,
            }
        }
    }
}

/// BIFF records from `at`: (type, data), up to the first one cut short.
fn records(stream: &[u8], at: usize) -> impl Iterator<Item = (u16, &[u8])> {
    let mut rest = stream.get(at..).unwrap_or(&[]);
    std::iter::from_fn(move || {
        let typ = u16::from_le_bytes([*rest.first()?, *rest.get(1)?]);
        let len = usize::from(u16::from_le_bytes([*rest.get(2)?, *rest.get(3)?]));
        let data = rest.get(4..4 + len)?;
        rest = rest.get(4 + len..)?;
        Some((typ, data))
    })
}

fn u16_at(data: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u16::from_le_bytes([
        *data.get(at)?,
        *data.get(at + 1)?,
    ])))
}

fn u32_at(data: &[u8], at: usize) -> Option<u64> {
    let b = data.get(at..at + 4)?;
    Some(u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
}

/// The sheets of a BIFF workbook stream, found as calamine finds them: each `BoundSheet8`
/// record of the globals gives where its sheet's records start. calamine reads every sheet
/// when it opens the file, each into the rectangle its cells span, and holds them all: the
/// rectangles count together towards [`Limits::workbook_cells`] (a few thousand records
/// pointing at one sheet would be that sheet thousands of times over). Gives the cells of
/// each sheet the globals list that have a percent number format (see
/// [`Scanned::xls_percentages`]); there are no more of them than the rectangles hold.
fn check_biff(stream: &[u8], limits: Limits) -> Result<Vec<XlsPercentages>, Refused> {
    let globals = biff_globals(stream);
    // Every `BoundSheet8` record is measured, also one past the globals (which calamine
    // does not read as a sheet). Those of the globals come first: they are the sheets
    // calamine lists, in its order (one too short to give a place makes calamine fail on
    // the workbook, so the places of the others do not matter then).
    let starts: Vec<usize> = records(stream, 0)
        .filter(|(typ, _)| *typ == 0x0085)
        .filter_map(|(_, data)| usize::try_from(u32_at(data, 0)?).ok())
        .collect();
    let mut percentages = Vec::new();
    let mut total: u64 = 0;
    for (n, at) in starts.into_iter().enumerate() {
        let listed = n < globals.sheets;
        let xfs = if listed { &globals.xfs[..] } else { &[] };
        let (cells, percent) = check_biff_sheet(stream, at, limits.sheet_cells, xfs).map_err(
            |refused| match refused {
                Refused::Damaged(why) => Refused::Damaged(format!("sheet {} {why}", n + 1)),
                Refused::TooLarge(why) => Refused::TooLarge(format!("sheet {} {why}", n + 1)),
            },
        )?;
        total = total.saturating_add(cells);
        if total > limits.workbook_cells {
            return Err(Refused::TooLarge(format!(
                "its sheets together span {} cells or more, more than the {} rimlig \
                 reads in one workbook",
                grouped(total),
                grouped(limits.workbook_cells)
            )));
        }
        if listed {
            percentages.push(percent);
        }
    }
    Ok(percentages)
}

/// What the globals of a BIFF workbook stream (its records up to the first EOF, where
/// calamine stops reading them) say about its sheets and cell formats.
#[derive(Debug, Default, PartialEq, Eq)]
struct BiffGlobals {
    /// `BoundSheet8` records: the sheets calamine lists.
    sheets: usize,
    /// For each XF record, in order (a cell names its XF by its place in this list): whether
    /// its number format shows per cent, and with how many decimals (see
    /// [`super::format::percent_decimals`]). At most [`MAX_XFS`].
    xfs: Vec<Option<Option<u8>>>,
}

/// XF records read, at most: a cell names its XF in 16 bits, so no cell names one past these.
const MAX_XFS: usize = 1 << 16;

/// Number formats built into Excel that show per cent, by id (`0%`, `0.00%`) and the
/// decimals they show. They are not written in the file.
fn builtin_percent(id: u16) -> Option<Option<u8>> {
    match id {
        9 => Some(Some(0)),
        10 => Some(Some(2)),
        _ => None,
    }
}

/// The number formats of a BIFF workbook's globals: the FORMAT records (a format code by its
/// id), and the XF records (each cell format's number format id), as calamine reads them.
fn biff_globals(stream: &[u8]) -> BiffGlobals {
    let mut biff8 = true;
    let mut old = false;
    // Whether each format written in the file shows per cent; a later record of the same
    // id takes the place of an earlier one, as in calamine. At most 65 536 ids.
    let mut formats: HashMap<u16, Option<Option<u8>>> = HashMap::new();
    let mut xf_formats: Vec<u16> = Vec::new();
    let mut sheets = 0;
    for (typ, data) in records(stream, 0) {
        match typ {
            // BOF: which BIFF, as calamine tells it. Before BIFF5 there are no XF records
            // of this kind, nor workbooks of several sheets in a compound file.
            0x0809 => {
                let version = u16_at(data, 0).unwrap_or(0x0600);
                let kind = u16_at(data, 2).unwrap_or(0);
                biff8 = !(version == 0x0500 || (version == 0 && kind == 0x1000));
                old = matches!(version, 0x0200 | 0x0002 | 0x0007 | 0x0300 | 0x0400);
            }
            0x041E => {
                if let Some(id) = u16_at(data, 0) {
                    let id = id as u16;
                    let percent = biff_format_code(data, biff8)
                        .and_then(|code| super::format::percent_decimals(&code))
                        .map(|d| d.map(|d| u8::try_from(d).unwrap_or(28)));
                    formats.insert(id, percent);
                }
            }
            0x00E0 if xf_formats.len() < MAX_XFS => {
                // (One too short to hold a format id makes calamine fail on the workbook.)
                xf_formats.push(u16_at(data, 2).map_or(0, |id| id as u16));
            }
            0x0085 => sheets += 1,
            0x000A => break,
            _ => {}
        }
    }
    if old {
        return BiffGlobals {
            sheets,
            xfs: Vec::new(),
        };
    }
    let xfs = xf_formats
        .into_iter()
        .map(|id| builtin_percent(id).or_else(|| formats.get(&id).copied().flatten()))
        .collect();
    BiffGlobals { sheets, xfs }
}

/// The format code of a FORMAT record (`data`): after its id, in BIFF8 a string of 16-bit
/// length, a byte of options and the characters (one byte each, or two if the options say
/// so); in BIFF5 a string of 8-bit length. Characters past the record are not read; only
/// ASCII ones matter to what the code means, so one byte is taken as Latin-1.
fn biff_format_code(data: &[u8], biff8: bool) -> Option<String> {
    if biff8 {
        let cch = usize::try_from(u16_at(data, 2)?).ok()?;
        let wide = data.get(4)? & 0x01 != 0;
        let chars = data.get(5..)?;
        Some(if wide {
            let units = chars
                .chunks_exact(2)
                .take(cch)
                .map(|b| u16::from_le_bytes([b[0], b[1]]));
            char::decode_utf16(units)
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect()
        } else {
            chars.iter().take(cch).map(|&b| char::from(b)).collect()
        })
    } else {
        let cch = usize::from(*data.get(2)?);
        let chars = data.get(3..)?;
        Some(chars.iter().take(cch).map(|&b| char::from(b)).collect())
    }
}

/// The key of a cell of an `.xls` sheet: `row << 16 | col`; `None` past what BIFF8 writes.
fn biff_place(row: u64, col: u64) -> Option<u32> {
    let row = u32::from(u16::try_from(row).ok()?);
    let col = u32::from(u16::try_from(col).ok()?);
    Some(row << 16 | col)
}

/// The cells of one `.xls` sheet that have a percent number format, as they are read.
struct BiffPercent<'a> {
    /// The workbook's XF records (see [`BiffGlobals::xfs`]).
    xfs: &'a [Option<Option<u8>>],
    cells: HashMap<u32, Option<u8>>,
    /// At most this many cells are kept: the sheet's limit. A sheet with more different
    /// cells spans more than that, and is refused.
    limit: u64,
}

impl BiffPercent<'_> {
    /// calamine reads a number at (`row`, `col`) whose XF is number `xf`. It keeps the last
    /// value written to a cell, so one of another format takes the place of a percentage
    /// there. (A text, a truth value or an error is shown as it is whatever the format.)
    fn number(&mut self, row: u64, col: u64, xf: u64) {
        let Some(key) = biff_place(row, col) else {
            return;
        };
        let percent = usize::try_from(xf)
            .ok()
            .and_then(|xf| self.xfs.get(xf))
            .copied()
            .flatten();
        match percent {
            Some(decimals)
                if (self.cells.len() as u64) < self.limit || self.cells.contains_key(&key) =>
            {
                self.cells.insert(key, decimals);
            }
            Some(_) => {}
            None if !self.cells.is_empty() => {
                self.cells.remove(&key);
            }
            None => {}
        }
    }

    fn sorted(self) -> XlsPercentages {
        let mut cells: Vec<_> = self.cells.into_iter().collect();
        cells.sort_unstable();
        cells
    }
}

/// One sheet's records, as calamine's `xls.rs` reads them: the room a DIMENSIONS record
/// makes it reserve, and the rectangle its cells span. Gives the cells that hold a number
/// in a percent format by `xfs`, the workbook's XF records, and the cells of the rectangle.
fn check_biff_sheet(
    stream: &[u8],
    at: usize,
    limit: u64,
    xfs: &[Option<Option<u8>>],
) -> Result<(u64, XlsPercentages), Refused> {
    let mut percent = BiffPercent {
        xfs,
        cells: HashMap::new(),
        limit,
    };
    let mut seen_bof = false;
    let mut depth = 0usize;
    // Rows and columns of the cells: (first row, last row, first column, last column).
    let mut span: Option<(u64, u64, u64, u64)> = None;
    let mut cover = |row: u64, first: u64, last: u64| {
        span = Some(match span {
            None => (row, row, first, last),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(first), c1.max(last)),
        });
    };
    for (typ, data) in records(stream, at) {
        if depth > 0 {
            match typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        match typ {
            // BOF: the sheet's own first, then those of embedded charts, skipped.
            0x0809 if seen_bof => depth += 1,
            0x0809 => seen_bof = true,
            0x000A => break,
            // DIMENSIONS: calamine reserves its rows × columns.
            0x0200 => {
                let claimed = claimed_cells(data).unwrap_or(0);
                if claimed > XLS_MAX_CLAIMED {
                    return Err(Refused::Damaged(format!(
                        "claims {claimed} cells, more than an .xls sheet can have"
                    )));
                }
            }
            // Number, Label, RString, BoolErr, Rk, LabelSst, Formula: one cell each.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                if let (Some(row), Some(col)) = (u16_at(data, 0), u16_at(data, 2)) {
                    cover(row, col, col);
                    // Number, Rk and Formula (its value, when a number) as calamine reads
                    // them, which is not at all if shorter than these.
                    let least = match typ {
                        0x0203 => 14,
                        0x027E => 10,
                        0x0006 => 20,
                        _ => usize::MAX,
                    };
                    if data.len() >= least
                        && let Some(xf) = u16_at(data, 4)
                    {
                        percent.number(row, col, xf);
                    }
                }
            }
            // MulRk: a run of cells in one row.
            0x00BD => {
                let last = data.len().checked_sub(2).and_then(|at| u16_at(data, at));
                if let (Some(row), Some(first), Some(last)) =
                    (u16_at(data, 0), u16_at(data, 2), last)
                    && first <= last
                {
                    cover(row, first, last);
                    // Each cell is an XF number and 4 bytes of value; calamine reads none
                    // unless the record holds exactly the cells it says.
                    let count = last - first + 1;
                    if data.len() as u64 == 6 + 6 * count {
                        for (i, col) in (first..=last).enumerate() {
                            if let Some(xf) = u16_at(data, 4 + 6 * i) {
                                percent.number(row, col, xf);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let mut cells = 0;
    if let Some((r0, r1, c0, c1)) = span {
        let (rows, cols) = (r1 - r0 + 1, c1 - c0 + 1);
        cells = rows.saturating_mul(cols);
        if cells > limit {
            return Err(Refused::TooLarge(format!(
                "spans {} rows and {} columns, more than the {} cells rimlig reads",
                grouped(rows),
                grouped(cols),
                grouped(limit)
            )));
        }
    }
    Ok((cells, percent.sorted()))
}

/// The cells a DIMENSIONS record makes calamine reserve (`parse_dimensions` and the
/// `reserve` after it, in `u32` arithmetic that wraps); `None` for a record it refuses.
fn claimed_cells(data: &[u8]) -> Option<u64> {
    let (first_row, last_row, mut first_col, last_col) = match data.len() {
        10 => (
            u16_at(data, 0)?,
            u16_at(data, 2)?,
            u16_at(data, 4)?,
            u16_at(data, 6)?,
        ),
        14 | 16 => (
            u32_at(data, 0)?,
            u32_at(data, 4)?,
            u16_at(data, 8)?,
            u16_at(data, 10)?,
        ),
        _ => return None,
    };
    if first_col > 0xFF || last_col < first_col {
        first_col = 0;
    }
    if last_row == 0 || last_col == 0 {
        return Some(1);
    }
    let rows = (last_row as u32)
        .wrapping_sub(1)
        .wrapping_sub(first_row as u32)
        .wrapping_add(1);
    Some(u64::from(rows).saturating_mul(last_col - first_col))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// The reason a workbook is refused as too large.
    fn too_large<T: std::fmt::Debug>(r: Result<T, Refused>) -> String {
        match r {
            Err(Refused::TooLarge(why)) => why,
            other => panic!("{other:?}"),
        }
    }

    const SMALL: Limits = Limits {
        unzipped: 1 << 20,
        shared_texts: 10,
        formats: 10,
        sheet_cells: 1_000,
        workbook_cells: 2_000,
        cell_text: 100,
        texts: 1_000,
    };

    /// A zip archive of `parts` (name, content).
    fn zipped(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, content) in parts {
            w.start_file(*name, deflated).unwrap();
            w.write_all(content).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn ods(rows: &str) -> Vec<u8> {
        let content = format!(
            "<office:document-content xmlns:office=\"o\" xmlns:table=\"t\" xmlns:text=\"x\">\
             <office:body><office:spreadsheet><table:table table:name=\"drift\">{rows}\
             </table:table></office:spreadsheet></office:body></office:document-content>"
        );
        zipped(&[("content.xml", content.as_bytes())])
    }

    #[test]
    fn a_claim_of_far_more_shared_texts_than_there_are_is_refused() {
        let sst = |claimed: &str| {
            let xml = format!("<sst uniqueCount=\"{claimed}\"><si><t>x</t></si></sst>");
            check_zipped(&zipped(&[("xl/sharedStrings.xml", xml.as_bytes())]), SMALL)
        };
        match sst("4294967295") {
            Err(Refused::Damaged(why)) => assert!(
                why.contains("says it holds 4 294 967 295, but it holds 1"),
                "{why}"
            ),
            other => panic!("not refused: {:?}", other.err()),
        }
        // A count a little off, or none, is no reason to refuse.
        for claimed in ["1", "7", "1000000", "", "many"] {
            assert!(sst(claimed).is_ok(), "{claimed}");
        }
        // A second list after the first does not hide its claim (calamine goes by the first).
        let two = "<sst uniqueCount=\"4000000000\"></sst><sst uniqueCount=\"0\"/>";
        assert!(matches!(
            check_zipped(&zipped(&[("xl/sharedStrings.xml", two.as_bytes())]), SMALL),
            Err(Refused::Damaged(_))
        ));
    }

    fn shared_texts(n: usize) -> Vec<u8> {
        let sst = format!("<sst>{}</sst>", "<si><t>x</t></si>".repeat(n));
        zipped(&[("xl/sharedStrings.xml", sst.as_bytes())])
    }

    #[test]
    fn an_ods_row_repeated_past_the_limit_is_refused() {
        let filled = "<table:table-cell office:value-type=\"float\" office:value=\"5\"><text:p>5</text:p></table:table-cell>";
        // 40 rows of a cell repeated 30 times: 1 200 cells laid out, from 70 bytes.
        let row = "<table:table-row table:number-rows-repeated=\"40\"><table:table-cell \
             table:number-columns-repeated=\"30\" office:value-type=\"float\" \
             office:value=\"5\"><text:p>5</text:p></table:table-cell></table:table-row>";
        let err = too_large(check_zipped(&ods(row), SMALL));
        assert!(
            err.contains("sheet 'drift'") && err.contains("1 200 cells"),
            "{err}"
        );
        // Two filled rows a million empty rows apart: the rectangle between them counts.
        let apart = format!(
            "<table:table-row>{filled}</table:table-row>\
             <table:table-row table:number-rows-repeated=\"1000000\"><table:table-cell/></table:table-row>\
             <table:table-row>{filled}</table:table-row>"
        );
        too_large(check_zipped(&ods(&apart), SMALL));
        // As LibreOffice writes a sheet: empty cells and rows repeated to the sheet's edge.
        let usual = format!(
            "<table:table-row>{filled}{filled}<table:table-cell table:number-columns-repeated=\"16382\"/></table:table-row>\
             <table:table-row table:number-rows-repeated=\"1048575\"><table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row>"
        );
        assert_eq!(check_zipped(&ods(&usual), SMALL), Ok(Scanned::default()));
    }

    /// calamine reads a sheet until its end tag and a comment until its own; a content part
    /// that ends first (cut short) it waited on without end. Such a part is refused first.
    #[test]
    fn an_ods_content_cut_short_inside_a_sheet_or_comment_is_refused() {
        let damaged = |r: Result<Scanned, Refused>| match r {
            Err(Refused::Damaged(why)) => why,
            other => panic!("{other:?}"),
        };
        let head = "<office:document-content xmlns:office=\"o\" xmlns:table=\"t\" \
                    xmlns:text=\"x\"><office:body><office:spreadsheet>";
        let row = "<table:table-row><table:table-cell office:value-type=\"float\" \
                   office:value=\"5\"><text:p>5</text:p></table:table-cell></table:table-row>";
        let sheet_open = format!("{head}<table:table table:name=\"drift\">{row}");
        let why = damaged(check_zipped(
            &zipped(&[("content.xml", sheet_open.as_bytes())]),
            SMALL,
        ));
        assert!(why.contains("ends inside sheet 'drift', before"), "{why}");
        assert!(!why.contains("  "), "{why}");
        // Closed by another name: the sheet is still open to calamine.
        let misnamed = format!("{sheet_open}</table:other></office:spreadsheet>");
        damaged(check_zipped(
            &zipped(&[("content.xml", misnamed.as_bytes())]),
            SMALL,
        ));
        let comment = "<table:table-row><table:table-cell office:value-type=\"string\">\
                       <office:annotation><text:p>note";
        let why = damaged(check_zipped(&ods(comment), SMALL));
        assert!(why.contains("ends inside a comment"), "{why}");
        // Closed, both are read as ever.
        let closed = "<table:table-row><table:table-cell office:value-type=\"string\">\
                      <office:annotation><text:p>note</text:p></office:annotation>\
                      <text:p>Summa</text:p></table:table-cell></table:table-row>";
        assert_eq!(check_zipped(&ods(closed), SMALL), Ok(Scanned::default()));
    }

    /// `<text:s text:c="n"/>` is n spaces, which calamine writes out: four billion of them
    /// from a few bytes.
    #[test]
    fn a_run_of_spaces_longer_than_a_cell_is_refused() {
        let cell = |n: &str| {
            format!(
                "<table:table-row><table:table-cell office:value-type=\"string\"><text:p>a\
                 <text:s text:c=\"{n}\"/>b</text:p></table:table-cell></table:table-row>"
            )
        };
        let why = too_large(check_zipped(&ods(&cell("4294967295")), SMALL));
        assert!(why.contains("a cell holds a text of"), "{why}");
        // Within a cell's text the spaces count towards it.
        too_large(check_zipped(&ods(&cell("99")), SMALL));
        assert_eq!(
            check_zipped(&ods(&cell("3")), SMALL),
            Ok(Scanned::default())
        );
    }

    /// Sheets of a filled row, empty rows repeated, a filled row: each under the limit of a
    /// sheet, together over that of a workbook (20 such sheets of a million rows took 2,9 GB
    /// from 1,2 KB).
    #[test]
    fn ods_sheets_count_together_towards_the_workbook() {
        let filled = "<table:table-row><table:table-cell office:value-type=\"float\" \
             office:value=\"5\"/><table:table-cell office:value-type=\"float\" \
             office:value=\"5\"/></table:table-row>";
        let sheets = |n: usize| {
            let sheet = format!(
                "<table:table table:name=\"s\">{filled}<table:table-row \
                 table:number-rows-repeated=\"298\"><table:table-cell/></table:table-row>\
                 {filled}</table:table>"
            );
            let content = format!(
                "<office:document-content xmlns:office=\"o\" xmlns:table=\"t\"><office:body>\
                 <office:spreadsheet>{}</office:spreadsheet></office:body>\
                 </office:document-content>",
                sheet.repeat(n)
            );
            zipped(&[("content.xml", content.as_bytes())])
        };
        // 300 rows of 2 cells each.
        assert_eq!(check_zipped(&sheets(3), SMALL), Ok(Scanned::default()));
        let err = too_large(check_zipped(&sheets(4), SMALL));
        assert!(
            err.contains("its sheets together would be 2 400 cells"),
            "{err}"
        );
    }

    #[test]
    fn the_parts_of_a_zip_are_counted_from_its_end_record() {
        let names: Vec<String> = (0..3).map(|i| format!("p{i}")).collect();
        let parts: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
        assert_eq!(declared_parts(&zipped(&parts)), Some(3));
        assert_eq!(declared_parts(b"not a zip"), None);
    }

    #[test]
    fn shared_texts_formats_and_unzipped_bytes_are_counted() {
        assert_eq!(
            check_zipped(&shared_texts(10), SMALL),
            Ok(Scanned::default())
        );
        let err = too_large(check_zipped(&shared_texts(11), SMALL));
        assert!(err.contains("more than 10 shared texts"), "{err}");
        let styles = format!(
            "<styleSheet><cellXfs>{}</cellXfs></styleSheet>",
            "<xf/>".repeat(11)
        );
        let err = too_large(check_zipped(
            &zipped(&[("xl/styles.xml", styles.as_bytes())]),
            SMALL,
        ));
        assert!(err.contains("more than 10 formats"), "{err}");
        // Two parts of 600 KiB each: together past 1 MiB unzipped, not XML at all.
        let part = vec![0u8; 600 << 10];
        let two = zipped(&[("a.bin", &part), ("b.bin", &part)]);
        assert!(two.len() < 10 << 10);
        let err = too_large(check_zipped(&two, SMALL));
        assert!(err.contains("more than 1 MiB"), "{err}");
        assert_eq!(
            check_zipped(&zipped(&[("a.bin", &part)]), SMALL),
            Ok(Scanned::default())
        );
        // Not an archive after all (no list of parts at its end): damaged or cut short.
        assert!(matches!(
            check_zipped(b"PK\x03\x04 broken", SMALL),
            Err(Refused::Damaged(why)) if why.contains("cut short")
        ));
    }

    #[test]
    fn texts_count_once_for_every_cell_that_holds_them() {
        // A shared text of 60 bytes, and a sheet using it `uses` times (the sheet's part
        // first, as Excel writes them).
        let book = |uses: usize| {
            let sst = format!(
                "<sst><si><t>{}</t></si><si><t>x</t></si></sst>",
                "a".repeat(60)
            );
            let cells =
                "<c r=\"A1\" t=\"s\"><f>X</f><v>0</v></c><c t=\"n\"><v>12345</v></c>".repeat(uses);
            let sheet = format!("<worksheet><sheetData><row>{cells}</row></sheetData></worksheet>");
            zipped(&[
                ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
                ("xl/sharedStrings.xml", sst.as_bytes()),
            ])
        };
        assert_eq!(check_zipped(&book(16), SMALL), Ok(Scanned::default()));
        let err = too_large(check_zipped(&book(17), SMALL));
        assert!(err.contains("text that fills several cells"), "{err}");
        // One text longer than a cell holds.
        let sst = format!("<sst><si><r><t>{}</t></r></si></sst>", "a".repeat(101));
        let err = too_large(check_zipped(
            &zipped(&[("xl/sharedStrings.xml", sst.as_bytes())]),
            SMALL,
        ));
        assert!(err.contains("a cell holds a text"), "{err}");
        // Texts written in cells count as well.
        let inline = |n: usize| {
            let cells = "<c t=\"inlineStr\"><is><t>0123456789</t></is></c>".repeat(n);
            let sheet = format!("<worksheet><sheetData><row>{cells}</row></sheetData></worksheet>");
            zipped(&[("xl/worksheets/sheet1.xml", sheet.as_bytes())])
        };
        assert_eq!(check_zipped(&inline(100), SMALL), Ok(Scanned::default()));
        too_large(check_zipped(&inline(101), SMALL));
    }

    #[test]
    fn formulas_without_a_computed_value_are_counted() {
        let sheet = "<worksheet><sheetData><row r=\"6\">\
             <c r=\"B6\"><v>5</v></c><c r=\"C6\"><f>B6*2</f><v>10</v></c>\
             <c r=\"D6\" s=\"2\"><f>B6-C6</f></c><c r=\"E6\"><f>1+1</f></c>\
             </row></sheetData></worksheet>";
        let seen = check_zipped(
            &zipped(&[("xl/worksheets/sheet6.xml", sheet.as_bytes())]),
            SMALL,
        )
        .map(|s| s.uncomputed);
        assert_eq!(
            seen,
            Ok(Uncomputed {
                cells: 2,
                first: Some(("xl/worksheets/sheet6.xml".into(), "D6".into())),
            })
        );
    }

    #[test]
    fn an_ods_text_counts_in_every_column_and_row_it_is_repeated_over() {
        let row = |columns: u64, rows: u64| {
            format!(
                "<table:table-row table:number-rows-repeated=\"{rows}\"><table:table-cell \
                 table:number-columns-repeated=\"{columns}\" office:value-type=\"string\">\
                 <text:p>0123456789</text:p></table:table-cell></table:table-row>"
            )
        };
        assert_eq!(
            check_zipped(&ods(&row(10, 10)), SMALL),
            Ok(Scanned::default())
        );
        let err = too_large(check_zipped(&ods(&row(11, 10)), SMALL));
        assert!(err.contains("text that fills several cells"), "{err}");
        let long = format!(
            "<table:table-row><table:table-cell office:value-type=\"string\"><text:p>{}</text:p>\
             </table:table-cell></table:table-row>",
            "a".repeat(101)
        );
        let err = too_large(check_zipped(&ods(&long), SMALL));
        assert!(err.contains("a cell holds a text"), "{err}");
    }

    /// A BIFF record.
    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend((data.len() as u16).to_le_bytes());
        r.extend(data);
        r
    }

    /// A Number record at (row, col).
    fn number(row: u16, col: u16) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend([0; 10]);
        record(0x0203, &d)
    }

    /// A workbook stream of one sheet whose records are `sheet`.
    fn biff(sheet: &[Vec<u8>]) -> Vec<u8> {
        biff_with(&[], sheet)
    }

    /// A workbook stream whose globals hold `globals` (formats) and one sheet whose records
    /// are `sheet`.
    fn biff_with(globals: &[Vec<u8>], sheet: &[Vec<u8>]) -> Vec<u8> {
        let bound_sheet = |at: u32| {
            record(
                0x0085,
                &[at.to_le_bytes().as_slice(), &[0, 0, 1, 0, b's']].concat(),
            )
        };
        let globals_len = (record(0x0809, &[0; 4]).len()
            + globals.iter().map(Vec::len).sum::<usize>()
            + bound_sheet(0).len()
            + record(0x000A, &[]).len()) as u32;
        let mut s = record(0x0809, &[0; 4]);
        for r in globals {
            s.extend(r);
        }
        s.extend(bound_sheet(globals_len));
        s.extend(record(0x000A, &[]));
        s.extend(record(0x0809, &[0; 4]));
        for r in sheet {
            s.extend(r);
        }
        s.extend(record(0x000A, &[]));
        s
    }

    #[test]
    fn an_xls_sheet_is_measured_by_its_cells_and_its_dimensions() {
        assert_eq!(
            check_biff(&biff(&[number(0, 0), number(30, 30)]), SMALL),
            Ok(vec![vec![]])
        );
        let err = too_large(check_biff(&biff(&[number(0, 0), number(40, 30)]), SMALL));
        assert!(
            err.contains("sheet 1 spans 41 rows and 31 columns"),
            "{err}"
        );
        // Cells of a chart embedded in the sheet are not the sheet's.
        let chart = [
            record(0x0809, &[0; 4]),
            number(60_000, 200),
            record(0x000A, &[]),
        ];
        let with_chart: Vec<Vec<u8>> = [number(0, 0)].into_iter().chain(chart).collect();
        assert_eq!(check_biff(&biff(&with_chart), SMALL), Ok(vec![vec![]]));
        let mut dims = 0u32.to_le_bytes().to_vec();
        dims.extend(0x7FFF_FFFFu32.to_le_bytes());
        dims.extend([0, 0, 0, 0x40, 0, 0]);
        let err = check_biff(&biff(&[record(0x0200, &dims)]), SMALL);
        assert!(
            matches!(&err, Err(Refused::Damaged(why)) if why.contains("more than an .xls sheet can have")),
            "{err:?}"
        );
    }

    /// A FORMAT record: `id`, and `code` in one byte a character or (`wide`) two.
    fn format_record(id: u16, code: &str, wide: bool) -> Vec<u8> {
        let mut d = id.to_le_bytes().to_vec();
        d.extend((code.chars().count() as u16).to_le_bytes());
        d.push(u8::from(wide));
        if wide {
            d.extend(code.encode_utf16().flat_map(u16::to_le_bytes));
        } else {
            d.extend(code.bytes());
        }
        record(0x041E, &d)
    }

    /// An XF record of number format `format`.
    fn xf(format: u16) -> Vec<u8> {
        let mut d = vec![0, 0];
        d.extend(format.to_le_bytes());
        d.extend([0; 16]);
        record(0x00E0, &d)
    }

    /// A cell record of type `typ` at (row, col) of XF `xf`, `len` bytes long.
    fn cell(typ: u16, row: u16, col: u16, xf: u16, len: usize) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend(xf.to_le_bytes());
        d.resize(len, 0);
        record(typ, &d)
    }

    /// A MULRK record of cells from (row, first), one for each XF of `xfs`.
    fn mulrk(row: u16, first: u16, xfs: &[u16]) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(first.to_le_bytes());
        for xf in xfs {
            d.extend(xf.to_le_bytes());
            d.extend([0; 4]);
        }
        d.extend((first + xfs.len() as u16 - 1).to_le_bytes());
        record(0x00BD, &d)
    }

    #[test]
    fn xls_cells_with_a_percent_format_are_found() {
        // XF 0 General, 1 `0%`, 2 `0.00%`, 3 custom `0.0%` (wide), 4 custom `0.0"%"`,
        // 5 custom redefined from a percentage to `0.0`.
        let globals = [
            format_record(164, "0.0%", true),
            format_record(165, "0.0\"%\"", false),
            format_record(166, "0%", false),
            format_record(166, "0.0", false),
            xf(0),
            xf(9),
            xf(10),
            xf(164),
            xf(165),
            xf(166),
        ];
        assert_eq!(
            biff_globals(&biff_with(&globals, &[])),
            BiffGlobals {
                sheets: 1,
                xfs: vec![
                    None,
                    Some(Some(0)),
                    Some(Some(2)),
                    Some(Some(1)),
                    None,
                    None
                ],
            }
        );
        let sheet = [
            // Number, Rk, Formula, a MulRk of three.
            cell(0x0203, 1, 1, 1, 14),
            cell(0x027E, 1, 2, 2, 10),
            cell(0x0006, 2, 1, 3, 20),
            mulrk(3, 0, &[0, 1, 3]),
            // Not per cent, or cut short as calamine reads none.
            cell(0x0203, 4, 0, 4, 14),
            cell(0x0203, 4, 1, 5, 14),
            cell(0x0203, 4, 2, 1, 13),
            cell(0x0006, 4, 3, 1, 19),
            // An XF past the list.
            cell(0x0203, 4, 4, 99, 14),
            // A later value of another format takes the place of a percentage.
            cell(0x0203, 5, 0, 1, 14),
            cell(0x027E, 5, 0, 0, 10),
            // A MulRk whose length is not that of its cells.
            {
                let mut r = mulrk(6, 0, &[1, 1]);
                let last = r.len() - 2;
                r[last] = 2;
                r
            },
        ];
        let key = |row: u32, col: u32| row << 16 | col;
        let found = check_biff(&biff_with(&globals, &sheet), SMALL).unwrap();
        assert_eq!(
            found,
            [vec![
                (key(1, 1), Some(0)),
                (key(1, 2), Some(2)),
                (key(2, 1), Some(1)),
                (key(3, 1), Some(0)),
                (key(3, 2), Some(1)),
            ]]
        );
        let scanned = Scanned {
            xls_percentages: found,
            ..Scanned::default()
        };
        assert_eq!(scanned.xls_percentage_at(0, 2, 1), Some(Some(1)));
        assert_eq!(scanned.xls_percentage_at(0, 2, 2), None);
        assert_eq!(scanned.xls_percentage_at(1, 2, 1), None);
        assert_eq!(scanned.xls_percentage_at(0, 70_000, 1), None);
        // Cut anywhere, the stream is no panic.
        let whole = biff_with(&globals, &sheet);
        for end in 0..whole.len() {
            let _ = check_biff(&whole[..end], SMALL);
        }
    }

    /// calamine holds every sheet of an `.xls` at once: sheet records that all point at one
    /// sheet of 961 cells make it that many times over.
    #[test]
    fn xls_sheets_count_together_towards_the_workbook() {
        let book = |k: usize| {
            let bound_sheet = |at: u32| {
                record(
                    0x0085,
                    &[at.to_le_bytes().as_slice(), &[0, 0, 1, 0, b's']].concat(),
                )
            };
            let globals_len = record(0x0809, &[0; 4]).len()
                + k * bound_sheet(0).len()
                + record(0x000A, &[]).len();
            let mut s = record(0x0809, &[0; 4]);
            for _ in 0..k {
                s.extend(bound_sheet(globals_len as u32));
            }
            s.extend(record(0x000A, &[]));
            s.extend(record(0x0809, &[0; 4]));
            s.extend(number(0, 0));
            s.extend(number(30, 30));
            s.extend(record(0x000A, &[]));
            s
        };
        assert_eq!(check_biff(&book(2), SMALL).map(|p| p.len()), Ok(2));
        let err = too_large(check_biff(&book(3), SMALL));
        assert!(
            err.contains("its sheets together span 2 883 cells or more"),
            "{err}"
        );
    }

    /// A sheet with more cells than its limit is refused, and no more percentages than that
    /// are kept on the way.
    #[test]
    fn xls_percentages_kept_are_bounded_by_the_sheet() {
        let globals = [xf(9)];
        let cells: Vec<Vec<u8>> = (0..20).map(|c| cell(0x0203, 0, c, 0, 14)).collect();
        let twenty = Limits {
            sheet_cells: 20,
            ..SMALL
        };
        assert_eq!(
            check_biff(&biff_with(&globals, &cells), twenty).unwrap()[0].len(),
            20
        );
        let nineteen = Limits {
            sheet_cells: 19,
            ..SMALL
        };
        too_large(check_biff(&biff_with(&globals, &cells), nineteen));
        let mut percent = BiffPercent {
            xfs: &[Some(None)],
            cells: HashMap::new(),
            limit: 3,
        };
        for col in 0..10 {
            percent.number(0, col, 0);
        }
        // The same cell again is kept in its place.
        percent.number(0, 1, 0);
        assert_eq!(percent.sorted(), [(0, None), (1, None), (2, None)]);
    }

    #[test]
    fn ods_covered_cells_that_are_filled_are_found() {
        let filled = "<table:table-cell office:value-type=\"float\" office:value=\"5\"/>";
        let rows = format!(
            "<table:table-row>{filled}<table:covered-table-cell table:number-columns-repeated=\"2\" \
             office:value-type=\"float\" office:value=\"7\"/><table:covered-table-cell/>\
             <table:covered-table-cell><text:p>x</text:p></table:covered-table-cell></table:table-row>\
             <table:table-row table:number-rows-repeated=\"2\"><table:covered-table-cell \
             office:value-type=\"string\"><text:p>y</text:p></table:covered-table-cell>{filled}\
             </table:table-row>"
        );
        let scanned = check_zipped(&ods(&rows), SMALL).unwrap();
        let run = |row, rows, col, cols| CellRun {
            row,
            rows,
            col,
            cols,
        };
        assert_eq!(
            scanned.covered["drift"],
            [run(0, 1, 1, 2), run(0, 1, 4, 1), run(1, 2, 0, 1)]
        );
        for (row, col, covered) in [
            (0, 0, false),
            (0, 1, true),
            (0, 2, true),
            (0, 3, false),
            (0, 4, true),
            (2, 0, true),
            (2, 1, false),
            (3, 0, false),
        ] {
            assert_eq!(
                scanned.covered_at("drift", row, col),
                covered,
                "{row} {col}"
            );
        }
        assert!(!scanned.covered_at("other", 0, 1));
    }

    #[test]
    fn an_xls_shared_text_counts_once_for_every_cell_that_shows_it() {
        // An SST of two texts: 100 characters cut by a CONTINUE record after 60 (the rest
        // wide, after its byte of options), then "abcde".
        let mut sst = vec![0u8; 8];
        sst.extend(100u16.to_le_bytes());
        sst.push(0);
        sst.extend([b'a'; 60]);
        let mut more = vec![1u8];
        more.extend([b'a', 0].repeat(40));
        more.extend(5u16.to_le_bytes());
        more.push(0);
        more.extend(b"abcde");
        let globals = [record(0x00FC, &sst), record(0x003C, &more)].concat();
        assert_eq!(sst_lengths(&globals, 10), [100, 5]);
        let label_sst = |isst: u32| {
            let mut d = vec![0u8; 6];
            d.extend(isst.to_le_bytes());
            record(0x00FD, &d)
        };
        // Three characters' room each: 100 characters shown three times take 900 bytes.
        let book = |uses: usize| {
            let mut s = globals.clone();
            for _ in 0..uses {
                s.extend(label_sst(0));
            }
            s.extend(label_sst(1));
            s
        };
        assert_eq!(check_biff_texts(&book(3), SMALL), Ok(()));
        let err = check_biff_texts(&book(4), SMALL).unwrap_err();
        assert!(err.contains("text that fills several cells"), "{err}");
    }

    /// calamine copies a cell format's number format and font into its style: a long code
    /// or name used by many formats took gigabytes, though each count was within its limit.
    #[test]
    fn long_formats_and_fonts_copied_into_many_cell_formats_are_refused() {
        let long = "0".repeat(70_000);
        let styles = |xfs: usize, xf: &str| {
            let xml = format!(
                "<styleSheet><numFmts><numFmt numFmtId=\"200\" formatCode=\"{long}\"/>\
                 </numFmts><fonts><font><sz val=\"11\"/><name val=\"{long}\"/></font>\
                 </fonts><cellXfs>{}</cellXfs></styleSheet>",
                xf.repeat(xfs)
            );
            check_zipped(&zipped(&[("xl/styles.xml", xml.as_bytes())]), Limits::READ)
        };
        for xf in [
            "<xf numFmtId=\"200\"/>",
            "<xf numFmtId=\"0\" fontId=\"0\"/>",
        ] {
            assert!(styles(900, xf).is_ok(), "{xf}");
            let why = too_large(styles(1_000, xf));
            assert!(why.contains("more than 64 MiB"), "{why}");
        }
    }

    #[test]
    fn formulas_padded_with_too_many_spaces_are_refused() {
        // A Formula record: 20 bytes of cell, value and options, the tokens' length, then
        // `n` space tokens of 255 spaces each and a number.
        let formula = |n: usize| {
            let mut tokens = [0x19u8, 0x40, 0x00, 0xFF].repeat(n);
            tokens.extend([0x1E, 0x05, 0x00]);
            let mut d = vec![0u8; 20];
            d.extend((tokens.len() as u16).to_le_bytes());
            d.extend(tokens);
            record(0x0006, &d)
        };
        // A few spaces in many formulas are read.
        let usual = formula(1).repeat(1_000);
        assert_eq!(check_biff_formula_spaces(&usual, 1_000_000_000), Ok(()));
        let padded = formula(16_000);
        let err = check_biff_formula_spaces(&padded, 1_000_000_000).unwrap_err();
        assert!(err.contains("4 080 000 spaces"), "{err}");
        // The work of all formulas counts together: 255 spaces in a formula of 7 bytes is
        // counted as 255 × (28 + 255) = 72 165 moves.
        assert!(check_biff_formula_spaces(&formula(1).repeat(13_000), 1_000_000_000).is_ok());
        assert!(check_biff_formula_spaces(&formula(1).repeat(14_000), 1_000_000_000).is_err());
    }

    #[test]
    fn a_list_of_shared_texts_in_too_many_records_is_refused() {
        let sst = |continues: usize| {
            let mut s = record(0x00FC, &[0u8; 8]);
            s.extend(record(0x003C, &[]).repeat(continues));
            s
        };
        assert_eq!(check_biff_texts(&sst(MAX_SST_RECORDS - 1), SMALL), Ok(()));
        let err = check_biff_texts(&sst(MAX_SST_RECORDS), SMALL).unwrap_err();
        assert!(err.contains("split into 10 001 records"), "{err}");
    }

    #[test]
    fn dimensions_claim_what_calamine_reserves() {
        let biff8 = |r0: u32, r1: u32, c0: u16, c1: u16| {
            let mut d = Vec::new();
            d.extend(r0.to_le_bytes());
            d.extend(r1.to_le_bytes());
            d.extend(c0.to_le_bytes());
            d.extend(c1.to_le_bytes());
            d.extend([0, 0]);
            d
        };
        assert_eq!(claimed_cells(&biff8(0, 4, 0, 4)), Some(16));
        assert_eq!(
            claimed_cells(&biff8(0, 0x7FFF_FFFF, 0, 0x4000)),
            Some(0x7FFF_FFFF * 0x4000)
        );
        // A last row before the first wraps, as calamine's arithmetic does.
        assert!(claimed_cells(&biff8(10, 5, 0, 2)).unwrap() > XLS_MAX_CLAIMED);
        // Nothing used: one cell.
        assert_eq!(claimed_cells(&biff8(0, 0, 0, 0)), Some(1));
        assert_eq!(claimed_cells(&[0; 3]), None);
    }

    #[test]
    fn records_stop_at_one_cut_short() {
        let stream = [0x09, 0x08, 2, 0, 1, 2, 0x0A, 0, 0, 0, 0x03, 0x02, 9, 0, 1];
        let got: Vec<(u16, Vec<u8>)> = records(&stream, 0).map(|(t, d)| (t, d.to_vec())).collect();
        assert_eq!(got, [(0x0809, vec![1, 2]), (0x000A, vec![])]);
        assert_eq!(records(&stream, 99).count(), 0);
    }

    /// A fixture of `tests/data/workbook/`.
    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/workbook")
                .join(name),
        )
        .unwrap()
    }

    /// What the `cfb` crate reads as the workbook stream of `bytes`.
    fn read_by_cfb(bytes: &[u8]) -> Vec<u8> {
        let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).unwrap();
        let mut data = Vec::new();
        file.open_stream("/Workbook")
            .unwrap()
            .read_to_end(&mut data)
            .unwrap();
        data
    }

    #[test]
    fn calamine_reads_the_workbook_stream_of_a_sound_file_as_the_cfb_crate_does() {
        for name in ["legacy.xls", "percent.xls"] {
            let bytes = fixture(name);
            let stream = calamine_workbook_stream(&bytes).unwrap().unwrap();
            assert_eq!(stream, read_by_cfb(&bytes), "{name}");
            assert!(check_compound(&bytes, Limits::READ).is_ok(), "{name}");
            // Cut anywhere, the file is no panic.
            for end in (0..bytes.len()).step_by(61) {
                let _ = calamine_workbook_stream(&bytes[..end]);
            }
        }
    }

    /// The chains calamine follows without looking for loops (see
    /// `tests/data/workbook/make_chain_xls.py`) are walked as it walks them, also where the
    /// `cfb` crate refuses the file first.
    #[test]
    fn chains_calamine_would_follow_round_are_refused() {
        for (name, says) in [
            ("root-chain-loop.xls", "holds its mini stream (where"),
            ("root-chain-loop-v4.xls", "holds its mini stream (where"),
            (
                "minifat-chain-loop.xls",
                "holds the table of its mini stream's",
            ),
            (
                "minifat-chain-past-end.xls",
                "holds the table of its mini stream's",
            ),
            ("dir-chain-loop.xls", "holds its directory"),
            ("dir-chain-past-end.xls", "holds its directory"),
            ("mini-stream-loop.xls", "holds its workbook stream"),
            ("orphan-workbook-loop.xls", "holds its workbook stream"),
            ("stream-chain-loop.xls", "holds its workbook stream"),
        ] {
            let why = calamine_workbook_stream(&fixture(name)).unwrap_err();
            assert!(why.contains(says), "{name}: {why}");
            assert!(why.ends_with("leads back on itself"), "{name}: {why}");
        }
        let why = calamine_workbook_stream(&fixture("chain-past-eof.xls")).unwrap_err();
        assert_eq!(
            why,
            "the file is damaged: a chain of its sectors leads past its end"
        );
    }

    /// A DIFAT that lists one sector over and over is refused before either reader builds
    /// the FAT from it: before the `cfb` crate opens the file (which reads them all, then
    /// refuses the one listing a sector of the workbook), and in calamine's reading (the `cfb`
    /// crate strips the one listing a sector of free entries, and opens the file).
    #[test]
    fn a_fat_listed_over_and_over_is_not_read() {
        let legacy = fixture("legacy.xls");
        let (listed, sectors, size) = listed_fat_sectors(&legacy).unwrap();
        assert_eq!((listed, size), (1, 512));
        assert!(listed <= max_fat_sectors(sectors, size));
        let says = "its table of sectors is said to take 1 125 sectors, but the file has only 20";
        let repeats = fixture("difat-repeats.xls");
        assert_eq!(listed_fat_sectors(&repeats), Some((1_125, 20, 512)));
        let err = check_compound(&repeats, Limits::READ).unwrap_err();
        assert!(
            matches!(&err, Refused::Damaged(why) if why.ends_with(says)),
            "{err:?}"
        );
        let free = fixture("difat-repeats-free.xls");
        assert!(cfb::CompoundFile::open(Cursor::new(&free)).is_ok());
        let why = calamine_workbook_stream(&free).unwrap_err();
        assert!(why.ends_with(says), "{why}");
    }

    /// calamine's buffer of sectors at the end of the file: the sector cut short by it is
    /// given as far as it goes, once; one wholly past it is a panic, unless the buffer already
    /// reaches it (then zeros).
    #[test]
    fn sectors_at_the_end_of_the_file_are_read_as_calamine_reads_them() {
        let file = [7u8; 1000];
        let mut sectors = CfbSectors {
            from: &file,
            size: 512,
            maxid: 3,
            loaded: 0,
            mini: false,
        };
        assert_eq!(sectors.get(1), Ok(512..1000));
        assert_eq!(sectors.get(1), Ok(512..1024));
        assert_eq!(sectors.get(2), Ok(1024..1024));
        assert_eq!(sectors.get(4), Err(Stop::Fails));
        let mut out = Vec::new();
        sectors.bytes(900..1100, &mut out);
        assert_eq!(out, [[7u8; 100], [0u8; 100]].concat());
        let mut fresh = CfbSectors {
            from: &file,
            size: 512,
            maxid: 3,
            loaded: 0,
            mini: false,
        };
        assert!(matches!(fresh.get(3), Err(Stop::Damaged(_))));
    }
}
