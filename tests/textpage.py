"""A small real text page (Vietnamese, rendered with a system font) for tests that need OCR-able input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
LINES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Số: 125/QĐ-THADS",
    "Tuyên Quang, ngày 05 tháng 01 năm 2025",
    "QUYẾT ĐỊNH",
    "Về việc thi hành án",
    "Căn cứ Bản án số 07/2025/DS-ST ngày 11/10/2025",
    "của Tòa án nhân dân khu vực 2 - Tuyên Quang;",
    "Ông Nguyễn Văn An phải trả cho Bà Trần Thị Thu Hà",
    "số tiền 150.000.000 đồng.",
]


def render(
    path: Path, *, dpi: int = 200, angle: float = 0.0, lines: list[str] | None = None, fmt: str | None = None
) -> Path:
    """Write an A4 page of LINES at DPI, rotated by ANGLE degrees counter-clockwise, on light grey paper."""
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    img = Image.new("L", (width, height), 238)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, round(dpi * 14 / 72))
    y = round(dpi * 0.9)
    for line in lines or LINES:
        draw.text((round(dpi * 0.9), y), line, font=font, fill=25)
        y += round(dpi * 0.32)
    if angle:
        img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=238, expand=False)
    noise = np.random.default_rng(1).normal(0, 6, (height, width))
    pixels = np.clip(np.asarray(img, dtype=np.float32) + noise, 0, 255).astype(np.uint8)
    Image.fromarray(pixels).save(path, format=fmt, dpi=(dpi, dpi))
    return path
