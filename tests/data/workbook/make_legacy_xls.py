"""Writes legacy.xls (an Excel 97-2003 workbook) and the same file named legacy-as.xlsx.

rust_xlsxwriter writes .xlsx only, so this fixture comes from xlwt (pip install xlwt):

    python3 tests/data/workbook/make_legacy_xls.py

password.xlsx is far.xlsx (from `cargo run --example make_workbooks`) encrypted with the
password "hemligt" by msoffcrypto-tool (pip install msoffcrypto-tool):

    msoffcrypto-tool -e -p hemligt tests/data/workbook/far.xlsx tests/data/workbook/password.xlsx
"""

import shutil
from pathlib import Path

import xlwt

here = Path(__file__).resolve().parent
book = xlwt.Workbook(encoding="utf-8")
grouped = xlwt.easyxf(num_format_str="#,##0")
bold = xlwt.easyxf("font: bold on; align: horiz center")

s = book.add_sheet("prognos")
for c, t in enumerate(["Verksamhet", "Prognos helår", "Budget 2020", "Avvikelse"]):
    s.write(0, c, t, bold)
rows = [("HR service", 200, 0, 200), ("Kontakt Linköping", 1000, 0, 995), ("Sjukfrånvaro", 4.3, "I.U.", "1 000")]
for r, row in enumerate(rows, start=1):
    for c, v in enumerate(row):
        s.write(r, c, v, grouped if isinstance(v, (int, float)) else xlwt.Style.default_style)

s = book.add_sheet("sammanslagen")
s.write_merge(0, 1, 0, 0, "Projekt", bold)
s.write_merge(0, 0, 1, 2, "Redovisat jan-okt 2020", bold)
s.write(1, 1, "Utgifter", bold)
s.write(1, 2, "Inkomster", bold)
s.write(2, 0, "IT-utrustning")
s.write(2, 1, 32054, grouped)
s.write(2, 2, 0, grouped)

s = book.add_sheet("dold")
s.write(0, 0, "Hemligt")
s.visibility = 1

book.save(str(here / "legacy.xls"))
shutil.copyfile(here / "legacy.xls", here / "legacy-as.xlsx")
