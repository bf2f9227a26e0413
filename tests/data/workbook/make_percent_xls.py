"""Writes percent.xls: an Excel 97-2003 workbook whose figures have percent number formats.

Written with xlwt (pip install xlwt):

    python3 tests/data/workbook/make_percent_xls.py

Sheet "tal" comes first and holds 0.08 in a plain number format, so that a sheet's
percentages are known to be its own; sheet "andel" holds figures in the built-in formats
0% and 0.00%, in custom formats with a percent sign, and in custom formats whose percent
sign is quoted or escaped (no percentages).
"""

from pathlib import Path

import xlwt

here = Path(__file__).resolve().parent
book = xlwt.Workbook(encoding="utf-8")


def style(code):
    return xlwt.easyxf(num_format_str=code)


s = book.add_sheet("tal")
s.write(0, 0, "Grupp")
s.write(0, 1, "Andel")
s.write(1, 0, "Kvinnor")
s.write(1, 1, 0.08, style("0.00"))

s = book.add_sheet("andel")
for c, t in enumerate(["Grupp", "Andel", "Mål", "Ram", "Kvot"]):
    s.write(0, c, t)
s.write(1, 0, "Kvinnor")
s.write(1, 1, 0.08, style("0%"))
s.write(1, 2, 0.05, style("0.00%"))
s.write(1, 3, 0.5)
s.write(1, 4, 0.125, style("0.0%"))
s.write(2, 0, "Män")
s.write(2, 1, 0.0425, style("#,##0.0%;[Red]-#,##0.0%"))
s.write(2, 2, -0.012, style("0.0 %"))
s.write(2, 3, 0.3, style('0.0"%"'))
s.write(2, 4, 0.2, style("0\\%"))
s.write(3, 0, "Summa")
s.write(3, 1, 7, style("0%"))

book.save(str(here / "percent.xls"))
