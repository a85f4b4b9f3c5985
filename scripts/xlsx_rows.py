#!/usr/bin/env python3
"""Reads an XLSX file with nothing but Python's standard library and prints its rows as JSON:
{"sheet name": [[cell, ...], ...]}, every cell as text, dates (cells whose number format shows days) as
AAAA-MM-JJ. Used by the tests to read back the spreadsheets Passerelle writes with another implementation
than the writer's.

Usage: python3 scripts/xlsx_rows.py FILE.xlsx
"""

import datetime
import json
import posixpath
import sys
import zipfile
import xml.etree.ElementTree as ET

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# ECMA-376 18.8.30: the built-in number formats that show dates.
BUILTIN_DATES = set(range(14, 18)) | {22}


def date_styles(book):
    styles = ET.fromstring(book.read("xl/styles.xml"))
    custom = {
        int(f.get("numFmtId")): f.get("formatCode")
        for f in styles.iter(MAIN + "numFmt")
    }
    dated = set()
    xfs = styles.find(MAIN + "cellXfs")
    for index, xf in enumerate(xfs if xfs is not None else []):
        fmt = int(xf.get("numFmtId", "0"))
        if fmt in BUILTIN_DATES or "yy" in custom.get(fmt, "").lower():
            dated.add(index)
    return dated


def shared_strings(book):
    if "xl/sharedStrings.xml" not in book.namelist():
        return []
    table = ET.fromstring(book.read("xl/sharedStrings.xml"))
    return ["".join(t.text or "" for t in si.iter(MAIN + "t")) for si in table.iter(MAIN + "si")]


def cell_text(cell, dated, strings):
    kind = cell.get("t")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(MAIN + "t"))
    value = cell.find(MAIN + "v")
    if value is None:
        return ""
    if kind == "s":
        return strings[int(value.text)]
    if int(cell.get("s", "0")) in dated:
        day = datetime.date(1899, 12, 30) + datetime.timedelta(days=int(float(value.text)))
        return day.isoformat()
    number = float(value.text)
    return str(int(number)) if number.is_integer() else str(number)


def main(path):
    with zipfile.ZipFile(path) as book:
        assert book.testzip() is None, "corrupt entry"
        dated = date_styles(book)
        strings = shared_strings(book)
        workbook = ET.fromstring(book.read("xl/workbook.xml"))
        rels = ET.fromstring(book.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels.iter(PKG + "Relationship")}
        out = {}
        for sheet in workbook.iter(MAIN + "sheet"):
            target = targets[sheet.get(REL + "id")]
            target = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            data = ET.fromstring(book.read(target))
            out[sheet.get("name")] = [
                [cell_text(c, dated, strings) for c in row.iter(MAIN + "c")]
                for row in data.iter(MAIN + "row")
            ]
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
