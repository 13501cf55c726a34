"""Reading a register export as rows of cells: CSV (UTF-8 with or without BOM, UTF-16; `,` `;` tab or `|`) or XLSX."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from scanflow.errors import InputError
from scanflow.register.mapping import CANONICAL_COLUMNS, Mapping

Cell = object  # CSV gives str; XLSX gives str, int, float, datetime or None
_DELIMITERS = (",", ";", "\t", "|")
_BLOCK = 8 << 20


@dataclass
class Layout:
    """Where the canonical columns are in the file's rows.

    `positions` maps each canonical column found to its index in a row; `ignored` lists the headers
    that feed nothing; `missing` the canonical columns the file does not have (left as they are on
    update, empty on insert).
    """

    positions: dict[str, int]
    headers: list[str]
    ignored: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


class _CountingReader(io.RawIOBase):
    """A raw binary reader that counts the bytes it hands out, for a progress bar over a text stream."""

    def __init__(self, raw: io.BufferedReader) -> None:
        self._raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001 - writable buffer
        n = self._raw.readinto(buffer)
        self.count += n or 0
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


def _layout(path: Path, header: list[Cell], mapping: Mapping) -> Layout:
    positions: dict[str, int] = {}
    ignored: list[str] = []
    headers = ["" if h is None else str(h).strip() for h in header]
    for index, name in enumerate(headers):
        if not name:
            continue
        target = mapping.target(name)
        if not target:
            ignored.append(name)
            continue
        if target in positions:
            raise InputError(f"{path.name}: two columns feed {target}: {headers[positions[target]]!r} and {name!r}")
        positions[target] = index
    if "ma_ho_so" not in positions:
        found = ", ".join(h for h in headers if h) or "none"
        raise InputError(
            f"{path.name}: no ma_ho_so column in row {mapping.header_row} (columns: {found}); "
            "give a --mapping file that names it"
        )
    missing = [c for c in CANONICAL_COLUMNS if c not in positions]
    return Layout(positions, headers, ignored, missing)


class RegisterFile:
    """An open register export: its layout, its data rows with line numbers, and progress through it.

    `rows()` yields (line, cells) for every non-empty data row; `line` is the 1-based line (CSV: the
    first physical line of the record) or sheet row (XLSX) a person finds it on. `total` and
    `position()` are in `unit` ("B" for CSV bytes, "dòng" for XLSX rows), for a progress bar.
    """

    def __init__(self, path: Path, mapping: Mapping | None = None) -> None:
        self.path = path
        self.mapping = mapping or Mapping()
        self._close = lambda: None
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        kind = _kind(path)
        self.kind = kind
        if kind == "xlsx":
            self._open_xlsx()
        else:
            self._open_csv()

    # -- CSV -----------------------------------------------------------------------------------------------

    def _open_csv(self) -> None:
        encoding = _csv_encoding(self.path)
        self.unit = "B"
        self.total = self.path.stat().st_size
        counter = _CountingReader(self.path.open("rb", buffering=0))
        text = io.TextIOWrapper(io.BufferedReader(counter, _BLOCK), encoding=encoding, newline="")
        self._counter = counter
        self._close = text.close
        header_row = self.mapping.header_row
        try:
            for _ in range(header_row - 1):
                text.readline()
            header_line = text.readline()
            if not header_line.strip():
                raise InputError(f"{self.path.name}: empty file, or no header in row {header_row}")
            delimiter = self.mapping.delimiter or _sniff_delimiter(header_line)
            header = next(csv.reader([header_line], delimiter=delimiter))
            self.layout = _layout(self.path, header, self.mapping)
        except BaseException:
            text.close()
            raise
        self.delimiter = delimiter
        self._reader = csv.reader(text, delimiter=delimiter)
        self._line_offset = header_row

    def _csv_rows(self) -> Iterator[tuple[int, list[Cell]]]:
        reader = self._reader
        offset = self._line_offset
        previous = 0
        try:
            for cells in reader:
                start = previous + 1 + offset
                previous = reader.line_num
                if any(cells):
                    yield start, cells
        except csv.Error as exc:
            raise InputError(f"{self.path.name}: line {previous + 1 + offset}: broken CSV ({exc})") from None

    # -- XLSX ----------------------------------------------------------------------------------------------

    def _open_xlsx(self) -> None:
        from openpyxl import load_workbook

        try:
            book = load_workbook(self.path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
            raise InputError(f"{self.path.name}: not a readable XLSX workbook ({exc})") from None
        self._close = book.close
        try:
            name = self.mapping.sheet
            if name is not None and name not in book.sheetnames:
                raise InputError(f"{self.path.name}: no sheet {name!r} (sheets: {', '.join(book.sheetnames)})")
            sheet = book[name] if name is not None else book.worksheets[0]
            self.unit = "dòng"
            self.total = sheet.max_row or 0
            self._sheet_rows = sheet.iter_rows(values_only=True)
            self._row_number = 0
            header: tuple[Cell, ...] = ()
            for cells in self._sheet_rows:
                self._row_number += 1
                if self._row_number == self.mapping.header_row:
                    header = cells
                    break
            if not any(c not in (None, "") for c in header):
                raise InputError(f"{self.path.name}: empty sheet, or no header in row {self.mapping.header_row}")
            self.layout = _layout(self.path, list(header), self.mapping)
        except BaseException:
            book.close()
            raise

    def _xlsx_rows(self) -> Iterator[tuple[int, list[Cell]]]:
        for cells in self._sheet_rows:
            self._row_number += 1
            if any(c not in (None, "") for c in cells):
                yield self._row_number, list(cells)

    # -- common --------------------------------------------------------------------------------------------

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        return self._xlsx_rows() if self.kind == "xlsx" else self._csv_rows()

    def position(self) -> int:
        return self._row_number if self.kind == "xlsx" else self._counter.count

    def close(self) -> None:
        self._close()

    def __enter__(self) -> RegisterFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _kind(path: Path) -> str:
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic == b"PK\x03\x04":
        return "xlsx"
    if path.suffix.lower() in (".xls", ".xlsb", ".ods"):
        raise InputError(f"{path.name}: only .xlsx workbooks and CSV are read; save it as .xlsx or CSV UTF-8")
    return "csv"


def _csv_encoding(path: Path) -> str:
    """UTF-8 (a BOM is dropped) or UTF-16 by its BOM; the whole file is checked first, so a file that
    is not UTF-8 (e.g. Windows-1258) is refused before anything is imported."""
    with path.open("rb") as fh:
        head = fh.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = "utf-16"
        else:
            encoding = "utf-8-sig"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        offset = 0
        try:
            while block := fh.read(_BLOCK):
                decoder.decode(block)
                offset += len(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            where = offset + exc.start
            raise InputError(
                f"{path.name}: not UTF-8 text (byte {where}); save it as 'CSV UTF-8' and import again"
            ) from None
    return encoding


def _sniff_delimiter(header_line: str) -> str:
    """The delimiter of a CSV file from its header line: the most frequent of , ; tab | outside quotes."""
    outside = []
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted:
            outside.append(ch)
    text = "".join(outside)
    counts = {d: text.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","
