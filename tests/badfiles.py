"""Makers of bad inputs for tests: empty, truncated, not-an-image, decompression bomb, encrypted PDF."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pikepdf
from PIL import Image


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(path: Path, width: int = 40000, height: int = 40000) -> Path:
    """A small file that decodes to WIDTH×HEIGHT 1-bit pixels (streamed, never held in memory here)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    comp = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)
    parts = [comp.compress(row) for _ in range(height)]
    parts.append(comp.flush())
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", b"".join(parts)) + _chunk(b"IEND", b"")
    )
    return path


def page_image(path: Path, text_rows: int = 20, size: tuple[int, int] = (1654, 2339), fmt: str | None = None) -> Path:
    """A plain grey page with dark bars standing in for text lines (no OCR expected)."""
    pixels = np.full((size[1], size[0]), 235, np.uint8)
    for i in range(text_rows):
        y = 200 + i * 90
        pixels[y : y + 25, 150 : size[0] - 150] = 30
    Image.fromarray(pixels).save(path, format=fmt, dpi=(200, 200))
    return path


def truncated(source: Path, path: Path) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def encrypted_pdf(path: Path) -> Path:
    with pikepdf.Pdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        pdf.save(path, encryption=pikepdf.Encryption(owner="chu", user="mat-khau", R=6))
    return path
