"""Synthetic scanned pages (Vietnamese enforcement papers) with known skew, orientation and defects."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_DIRS = ("/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/dejavu",
             "/usr/share/fonts/truetype/noto")
FONT_FAMILIES = (
    ("liberation2/LiberationSerif-Regular.ttf", "liberation2/LiberationSerif-Bold.ttf",
     "liberation2/LiberationSerif-Italic.ttf"),
    ("liberation2/LiberationSans-Regular.ttf", "liberation2/LiberationSans-Bold.ttf",
     "liberation2/LiberationSans-Italic.ttf"),
    ("dejavu/DejaVuSerif.ttf", "dejavu/DejaVuSerif-Bold.ttf", "dejavu/DejaVuSerif-Italic.ttf"),
    ("noto/NotoSerif-Regular.ttf", "noto/NotoSerif-Bold.ttf", "noto/NotoSerif-Italic.ttf"),
    ("dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf", "dejavu/DejaVuSans-Oblique.ttf"),
)
FONT_ROOT = "/usr/share/fonts/truetype/"

BODY_TEXT = (
    "Căn cứ Luật Thi hành án dân sự ngày 14 tháng 11 năm 2008 đã được sửa đổi, bổ sung một số điều; "
    "căn cứ Bản án số 07/2025/DS-ST ngày 11 tháng 3 năm 2025 của Tòa án nhân dân khu vực 2 - Tuyên Quang; "
    "xét đơn yêu cầu thi hành án của bà Nguyễn Thị Thu Hà, sinh năm 1978, trú tại thôn Đồng Xuân, "
    "xã Phúc Ứng, tỉnh Tuyên Quang. Cho thi hành án đối với ông Trần Văn Hưởng, địa chỉ tổ dân phố "
    "Tân Hà, phường Minh Xuân. Các khoản phải thi hành: trả cho bà Nguyễn Thị Thu Hà số tiền "
    "một trăm hai mươi lăm triệu đồng cùng lãi chậm thi hành án theo quy định của pháp luật. "
    "Chấp hành viên có trách nhiệm tổ chức việc thi hành quyết định này. Trong thời hạn mười ngày, "
    "kể từ ngày nhận được quyết định hoặc được thông báo hợp lệ, người phải thi hành án có trách nhiệm "
    "tự nguyện thi hành. Hết thời hạn trên mà không tự nguyện thi hành thì bị cưỡng chế thi hành án. "
    "Biên bản xác minh điều kiện thi hành án được lập vào hồi chín giờ ngày hai mươi tháng tư, "
    "có sự chứng kiến của đại diện Ủy ban nhân dân xã, công an xã và những người có quyền lợi, "
    "nghĩa vụ liên quan. Tài sản kê biên gồm quyền sử dụng đất thửa số 125, tờ bản đồ số 18, "
    "diện tích 312,5 mét vuông cùng nhà ở và các công trình xây dựng gắn liền với đất. "
    "Quyết định này có hiệu lực kể từ ngày ký; nơi nhận: như trên, Viện kiểm sát nhân dân, lưu hồ sơ. "
    "Đương sự được quyền khiếu nại đối với quyết định, hành vi của Thủ trưởng cơ quan thi hành án dân sự "
    "và Chấp hành viên nếu có căn cứ cho rằng quyết định, hành vi đó trái pháp luật, xâm phạm quyền, "
    "lợi ích hợp pháp của mình. Giấy triệu tập yêu cầu ông Lê Quang Dũng có mặt tại trụ sở để giải quyết "
    "việc thi hành án; khi đến mang theo giấy tờ tùy thân và các tài liệu có liên quan. Phiếu thu số 0045 "
    "xác nhận đã nộp khoản tiền án phí dân sự sơ thẩm là ba triệu hai trăm nghìn đồng."
)
WORDS = BODY_TEXT.split()
HEAD_LEFT = ("THI HÀNH ÁN DÂN SỰ", "TỈNH TUYÊN QUANG")
HEAD_RIGHT = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
TITLES = (("QUYẾT ĐỊNH", "Về việc thi hành án"), ("BIÊN BẢN", "Xác minh điều kiện thi hành án"),
          ("THÔNG BÁO", "Về việc thi hành án"), ("GIẤY TRIỆU TẬP", "Về việc giải quyết thi hành án"))
NAMES = ("Nguyễn Thị Thu Hà", "Trần Văn Hưởng", "Lê Quang Dũng", "Phạm Thị Ngọc Ánh", "Đỗ Mạnh Cường")


@lru_cache(maxsize=64)
def _font(path: str, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT_ROOT + path, px)


def _words(rng: np.random.Generator, n: int) -> list[str]:
    # Drawn independently: two pages never share their line breaks (a cyclic text would re-synchronise).
    return [WORDS[i] for i in rng.integers(0, len(WORDS), n)]


def _signature(draw: ImageDraw.ImageDraw, rng: np.random.Generator, x: float, y: float, scale: float,
               width: int) -> None:
    t = np.linspace(0, 1, 200)
    for _ in range(int(rng.integers(2, 4))):
        a = rng.uniform(0.5, 1.5, 4)
        xs = x + scale * (t * 2.2 + 0.25 * np.sin(2 * np.pi * (a[0] * 3 * t + a[1])))
        ys = y + scale * 0.35 * np.sin(2 * np.pi * (a[2] * 4 * t + a[3])) * (1 - 0.5 * t)
        draw.line(list(zip(xs.tolist(), ys.tolist(), strict=True)), fill=20, width=width)


@dataclass(frozen=True)
class PageSpec:
    """How to draw one clean page: layout kind, font family and size, line spacing, seed."""

    seed: int
    dpi: int = 300
    kind: str = "decision"  # decision | continuation | sparse | signature | one_line | blank
    family: int = 0
    pt: float = 13.0
    spacing: float = 1.3


def render_page(spec: PageSpec) -> np.ndarray:
    """A clean A4 grey page (white paper, black text) drawn from `spec`."""
    rng = np.random.default_rng(spec.seed)
    dpi = spec.dpi
    w, h = round(8.27 * dpi), round(11.69 * dpi)
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    regular, bold, italic = FONT_FAMILIES[spec.family % len(FONT_FAMILIES)]
    px = round(spec.pt / 72 * dpi)
    body = _font(regular, px)
    fbold = _font(bold, px)
    fsmall_bold = _font(bold, round(px * 0.92))
    fital = _font(italic, px)
    left, right = round(1.18 * dpi), w - round(0.79 * dpi)
    top = round(0.79 * dpi)
    line_h = round(px * spec.spacing)
    y = top
    if spec.kind == "blank":
        return np.asarray(img)
    if spec.kind == "signature":
        _signature(draw, rng, rng.uniform(0.3, 0.6) * w, rng.uniform(0.3, 0.7) * h, 0.4 * dpi,
                   max(2, dpi // 100))
        return np.asarray(img)
    if spec.kind == "one_line":
        text = " ".join(_words(rng, int(rng.integers(3, 7))))
        draw.text((left, rng.uniform(0.1, 0.8) * h), text, font=body, fill=0)
        return np.asarray(img)
    if spec.kind == "decision":
        mid_left = left + (w * 0.36 - left) / 2
        mid_right = w * 0.36 + (right - w * 0.36) / 2
        for i, (tl, tr) in enumerate(zip(HEAD_LEFT, HEAD_RIGHT, strict=True)):
            draw.text((mid_left, y), tl, font=fsmall_bold if i else body, fill=0, anchor="ma")
            draw.text((mid_right, y), tr, font=fsmall_bold, fill=0, anchor="ma")
            y += line_h
        draw.line([(mid_right - 3 * px, y + px // 8), (mid_right + 3 * px, y + px // 8)], fill=0,
                  width=max(1, dpi // 150))
        y += line_h // 2
        number = f"Số: {int(rng.integers(1, 300)):02d}/QĐ-THADS"
        draw.text((mid_left, y), number, font=body, fill=0, anchor="ma")
        draw.text((mid_right, y), f"Tuyên Quang, ngày {int(rng.integers(1, 29)):02d} tháng "
                  f"{int(rng.integers(1, 13)):02d} năm 2025", font=fital, fill=0, anchor="ma")
        y += 2 * line_h
        title, sub = TITLES[int(rng.integers(0, len(TITLES)))]
        draw.text((w / 2, y), title, font=_font(bold, round(px * 1.1)), fill=0, anchor="ma")
        y += line_h
        draw.text((w / 2, y), sub, font=fbold, fill=0, anchor="ma")
        y += 2 * line_h
    n_lines = {"decision": 60, "continuation": 80, "sparse": int(rng.integers(4, 12))}[spec.kind]
    bottom = h - round(1.5 * dpi)
    indent = round(0.5 * dpi)
    x = left + indent
    words = _words(rng, 2000)
    wi = 0
    lines_done = 0
    space = draw.textlength(" ", font=body)
    while y < bottom and lines_done < n_lines:
        word = words[wi % len(words)]
        wi += 1
        wl = draw.textlength(word, font=body)
        if x + wl > right:
            y += line_h
            x = left
            lines_done += 1
            if rng.random() < 0.12:  # paragraph break
                y += line_h // 3
                x = left + indent
            continue
        draw.text((x, y), word, font=body, fill=0)
        x += wl + space
    if spec.kind != "sparse" and y < h - 2.2 * dpi:
        y += line_h
        sx = w * 0.62
        draw.text((sx, y), "CHẤP HÀNH VIÊN", font=fbold, fill=0, anchor="ma")
        _signature(draw, rng, sx - 0.4 * dpi, y + 1.8 * line_h, 0.35 * dpi, max(2, dpi // 100))
        draw.text((sx, y + 4 * line_h), NAMES[int(rng.integers(0, len(NAMES)))], font=fbold, fill=0,
                  anchor="ma")
    return np.asarray(img)


@dataclass(frozen=True)
class Scan:
    """Defects a scanner adds: skew (deg, + = counter-clockwise), clockwise quarter turns, noise..."""

    skew: float = 0.0
    shift: tuple[int, int] = (0, 0)  # (dx, dy) in pixels of the output
    quarter_turns_cw: int = 0
    paper: tuple[int, int, int] = (255, 255, 255)
    lighting: float = 0.0  # depth of a smooth brightness fall-off, 0..0.3
    blur: float = 0.0  # Gaussian sigma in pixels
    noise: float = 0.0  # Gaussian noise sigma in grey levels
    speckles: int = 0  # number of dark specks
    border: int = 0  # width in px of dark scanner border strips (left and top)
    fold: float = 0.0  # darkening (0..1) of a fold line across the middle of the sheet
    jpeg: int = 0  # JPEG quality, 0 = none
    dpi: int | None = None  # resample to this dpi (from the page's 300)
    colour: bool = False
    stamp: bool = True  # colour pages get a red stamp ring
    seed: int = 0


def scan(page: np.ndarray, s: Scan, page_dpi: int = 300) -> np.ndarray:
    """Apply `s` to a clean grey page: returns grey (H×W) or RGB (H×W×3) uint8."""
    rng = np.random.default_rng(s.seed)
    img = page
    if s.dpi and s.dpi != page_dpi:
        f = s.dpi / page_dpi
        img = cv2.resize(img, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    h, w = img.shape
    if s.skew or s.shift != (0, 0):
        m = cv2.getRotationMatrix2D((w / 2, h / 2), s.skew, 1.0)  # OpenCV: + = counter-clockwise
        m[:, 2] += s.shift
        img = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    if s.quarter_turns_cw:
        img = np.ascontiguousarray(np.rot90(img, -s.quarter_turns_cw))
    h, w = img.shape
    f = img.astype(np.float32) / 255.0
    if s.blur:
        f = cv2.GaussianBlur(f, (0, 0), s.blur)
    if s.colour:
        f = np.dstack([f, f, f])
        ink = 1.0 - f
        paper = np.array(s.paper, np.float32) / 255.0
        f = paper - ink * paper
    else:
        f = f * (sum(s.paper) / 765.0)
    if s.colour and s.stamp:  # a red stamp ring, partly over text
        cx, cy, r = int(w * 0.62), int(h * 0.8), int(min(w, h) * 0.09)
        ring = np.zeros((h, w), np.uint8)
        cv2.circle(ring, (cx, cy), r, 255, max(3, w // 300))
        cv2.circle(ring, (cx, cy), int(r * 0.7), 255, max(2, w // 500))
        red = np.array([0.8, 0.15, 0.15], np.float32)
        sel = ring > 0
        f[sel] = f[sel] * 0.3 + red * paper * 0.7
    if s.lighting:
        yy, xx = np.mgrid[0:h:64, 0:w:64].astype(np.float32)
        field = 1.0 - s.lighting * ((xx / w) ** 2 * 0.7 + (yy / h) * 0.3)
        field = cv2.resize(field, (w, h), interpolation=cv2.INTER_LINEAR)
        f = f * (field[..., None] if f.ndim == 3 else field)
    if s.fold:
        y = h // 2 + int(rng.integers(-h // 10, h // 10))
        band = slice(y - max(1, h // 1000), y + max(2, h // 1000))
        f[band] = f[band] * (1.0 - s.fold)
    if s.noise:
        f = f + rng.standard_normal(f.shape, dtype=np.float32) * (s.noise / 255.0)
    out = np.clip(f * 255.0 + 0.5, 0, 255).astype(np.uint8)
    if s.speckles:
        ys = rng.integers(0, h, s.speckles)
        xs = rng.integers(0, w, s.speckles)
        for y, x, r in zip(ys, xs, rng.integers(1, 3, s.speckles), strict=True):
            cv2.circle(out, (int(x), int(y)), int(r), (30, 30, 30) if out.ndim == 3 else 30, -1)
    if s.border:
        b = s.border
        dark = (25, 25, 25) if out.ndim == 3 else 25
        out[:, :b] = dark
        out[: b // 2] = dark
    if s.jpeg:
        code = cv2.COLOR_RGB2BGR if out.ndim == 3 else None
        enc = cv2.cvtColor(out, code) if code is not None else out
        ok, buf = cv2.imencode(".jpg", enc, [cv2.IMWRITE_JPEG_QUALITY, s.jpeg])
        assert ok
        dec = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
        out = cv2.cvtColor(dec, cv2.COLOR_BGR2RGB) if code is not None else dec
    return out


def random_scan(rng: np.random.Generator, *, max_skew: float = 6.0, turns: bool = False,
                colour: bool = False) -> Scan:
    """A plausible scanner defect mix: skew up to ±max_skew, noise, blur, sometimes 200 dpi."""
    return Scan(
        skew=float(rng.uniform(-max_skew, max_skew)),
        quarter_turns_cw=int(rng.integers(0, 4)) if turns else 0,
        paper=tuple(int(v) for v in rng.integers((225, 215, 185), (256, 256, 256))),
        lighting=float(rng.uniform(0, 0.2)),
        blur=float(rng.uniform(0, 1.3)),
        noise=float(rng.uniform(0, 12)),
        speckles=int(rng.integers(0, 300)),
        border=int(rng.choice([0, 0, 0, 40])),
        jpeg=int(rng.choice([0, 75, 90])),
        dpi=int(rng.choice([300, 200])),
        colour=colour,
        seed=int(rng.integers(0, 2**31)),
    )


def random_spec(rng: np.random.Generator, seed: int, kinds: tuple[str, ...] = ("decision", "continuation",
                "sparse")) -> PageSpec:
    """A text page spec with random kind, font family, 11–14 pt and 1.0–1.5 line spacing."""
    return PageSpec(seed=seed, kind=str(rng.choice(kinds)), family=int(rng.integers(0, len(FONT_FAMILIES))),
                    pt=float(rng.uniform(11, 14)), spacing=float(rng.uniform(1.0, 1.5)))
