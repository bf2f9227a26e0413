#!/usr/bin/env python3
"""Write the Linköping example reports as Markdown and JSON documents.

    python3 examples/make-md-json.py

reads examples/linkoping-vss/2020-08/ and 2020-10/ (semicolon-separated CSV without quotes,
one file per table, report.toml) and writes

    examples/linkoping-vss-md/2020-08.md, 2020-10.md
    examples/linkoping-vss-json/2020-08.json, 2020-10.json

with the same tables, in file-name order, and every cell as written in the CSV. In Markdown a
`|` or `\\` in a cell is escaped; in JSON an empty cell is null, a whole number without
spaces (`995`, `-1100`… none has leading zeros) is a JSON number, and everything else is a
string. `tests/markdown.rs` and `tests/json_report.rs` check that the documents hold the same
tables and give the same findings as the CSV folders.
"""

import json
import pathlib
import re
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent
CSV = ROOT / "linkoping-vss"
PERIODS = ["2020-08", "2020-10"]

TITLES = {
    "2020-08": "Delårsrapport per 31 augusti 2020",
    "2020-10": "Månadsrapport per 31 oktober 2020",
}

# One sentence of prose under each table's heading.
PROSE = {
    "basuppdrag": "Volymmått för basuppdraget: ärenden hittills i år mot helårsprognosen och samma period förra året.",
    "driftsammandrag": "Nettoresultat per verksamhet hittills i år mot den periodiserade budgeten och samma period förra året, i tkr.",
    "ekonomi": "Sammanfattning av ekonomin: helårsprognosen mot budget, i tkr.",
    "indikatorer_ekonomi": "Nämndindikatorer för målområdet Ekonomi.",
    "indikatorer_medarbetare": "Nämndindikatorer för målområdet Medarbetare, med män och kvinnor under varje indikator.",
    "indikatorer_medborgare": "Nämndindikatorer för målområdet Medborgare.",
    "indikatorer_verksamhet": "Nämndindikatorer för målområdet Verksamhet.",
    "investeringar": "Investeringar hittills i år och prognosen för helåret mot investeringsramen, i tkr.",
    "personal": "Antal anställda, sjukfrånvaro och personalomsättning mot förra året och målvärdet för helåret.",
    "prognos": "Helårsprognos per verksamhet mot budget och bokslutet 2019, i tkr.",
}

WHOLE_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)")


def read_tables(folder):
    tables = []
    for path in sorted(folder.glob("*.csv")):
        lines = path.read_text(encoding="utf-8").splitlines()
        records = [line.split(";") for line in lines if line.strip(" ;")]
        header, rows = records[0], records[1:]
        assert header[-1].strip(), f"{path}: trailing empty header"
        width = len(header)
        for row in rows:
            assert not any(c.strip() for c in row[width:]), f"{path}: ragged row {row}"
        rows = [(row + [""] * width)[:width] for row in rows]
        tables.append((path.stem, header, rows))
    return tables


def md_cell(text):
    return text.strip().replace("\\", "\\\\").replace("|", "\\|")


def markdown(period, meta, tables):
    out = ["+++"]
    for key in ("unit", "period"):
        out.append(f'{key} = "{meta[key]}"')
    if "previous" in meta:
        out.append(f'previous = "{pathlib.Path(meta["previous"]).name}.md"')
    out += ["+++", "", f"# {meta['unit']}: {TITLES[period]}", ""]
    out += [
        "Verksamhetsstöd och service, Linköpings kommun. Tabellerna är avskrivna ur den "
        "publicerade rapporten; se examples/linkoping-vss/README.md.",
        "",
    ]
    for name, header, rows in tables:
        out += [f"## {name}", "", PROSE[name], ""]
        cells = [[md_cell(c) for c in header]] + [[md_cell(c) for c in r] for r in rows]
        widths = [max(3, *(len(r[i]) for r in cells)) for i in range(len(header))]

        def line(row):
            return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |"

        out.append(line(cells[0]))
        rule = ["-" * widths[0]] + ["-" * (w - 1) + ":" for w in widths[1:]]
        out.append("| " + " | ".join(rule) + " |")
        out += [line(r) for r in cells[1:]]
        out.append("")
    return "\n".join(out)


def json_cell(text):
    if not text.strip():
        return None
    if WHOLE_NUMBER.fullmatch(text):
        return int(text)
    return text


def json_document(meta, tables):
    doc = {"unit": meta["unit"], "period": meta["period"]}
    if "previous" in meta:
        doc["previous"] = pathlib.Path(meta["previous"]).name + ".json"
    lines = ["{"]
    for key, value in doc.items():
        lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},")
    lines.append('  "tables": {')
    for t, (name, header, rows) in enumerate(tables):
        lines.append(f"    {json.dumps(name)}: {{")
        lines.append(f'      "columns": {json.dumps(header, ensure_ascii=False)},')
        lines.append('      "rows": [')
        for r, row in enumerate(rows):
            cells = json.dumps([json_cell(c) for c in row], ensure_ascii=False)
            lines.append(f"        {cells}" + ("," if r + 1 < len(rows) else ""))
        lines.append("      ]")
        lines.append("    }" + ("," if t + 1 < len(tables) else ""))
    lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    (ROOT / "linkoping-vss-md").mkdir(exist_ok=True)
    (ROOT / "linkoping-vss-json").mkdir(exist_ok=True)
    for period in PERIODS:
        folder = CSV / period
        meta = tomllib.loads((folder / "report.toml").read_text(encoding="utf-8"))
        tables = read_tables(folder)
        (ROOT / "linkoping-vss-md" / f"{period}.md").write_text(
            markdown(period, meta, tables), encoding="utf-8"
        )
        (ROOT / "linkoping-vss-json" / f"{period}.json").write_text(
            json_document(meta, tables), encoding="utf-8"
        )


if __name__ == "__main__":
    main()
