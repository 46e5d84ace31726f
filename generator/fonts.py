"""Font roles and font discovery.

This module is the one place that says which font each part of a disclosure uses:

* the DOCX names the fonts Chinese government offices have on Windows (仿宋_GB2312, 黑体, …),
  so that a reviewer opening the file in Word or WPS sees the expected font names;
* the PDF is typeset with open substitutes (FandolFang, Noto CJK, LXGW WenKai, Liberation Serif)
  that WeasyPrint embeds as subsets, unless the user points ``--font-dir`` at licensed fonts.

It also finds the font files for each role (``find_cjk_fonts``), reports missing fonts in
Chinese (``check_fonts``), tells whether WeasyPrint can use HarfBuzz for subsetting
(``harfbuzz_subset_available``) and which characters a font cannot show (``missing_glyphs``).

Docstrings are in English; every message meant for users is in Chinese.
"""

from __future__ import annotations

import array
import bisect
import functools
import hashlib
import os
import shutil
import subprocess
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "FONT_SUFFIXES",
    "HARFBUZZ_SUBSET_WARNING",
    "LATIN_ROLE",
    "ROLES",
    "ROLE_KEYS",
    "FontMatch",
    "FontRole",
    "check_fonts",
    "clear_caches",
    "css_font_family",
    "docx_rfonts",
    "fc_match",
    "find_cjk_fonts",
    "font_family_names",
    "harfbuzz_subset_available",
    "harfbuzz_subset_warning",
    "installed_coverage",
    "missing_glyphs",
    "resolve_fonts",
    "undrawable",
]


# --------------------------------------------------------------------------------------------
# Roles (the data)


@dataclass(frozen=True)
class FontRole:
    """One typographic role of the document and the fonts that serve it.

    Attributes:
        key: role identifier used across the code ("body", "title", …).
        label: the generic Chinese name of the face, used in messages ("仿宋").
        kind: "中文" or "西文"; used in messages.
        docx_name: the font name written to the DOCX (``w:rFonts/@w:eastAsia`` for CJK roles,
            ``w:ascii``/``w:hAnsi``/``w:cs`` for the Latin role).
        docx_aliases: other names of the same Windows face (English name, the non-GB2312
            variant…); used to recognise a bureau's own font files in ``--font-dir``.
        pdf_families: open font families for the PDF, best first. The first one is the
            intended substitute; later ones are fallbacks.
        bold: whether the role is set in bold (the title).
        generic: CSS generic family closing the stack.
    """

    key: str
    label: str
    kind: str
    docx_name: str
    docx_aliases: tuple[str, ...]
    pdf_families: tuple[str, ...]
    bold: bool = False
    generic: str = "serif"

    @property
    def windows_names(self) -> tuple[str, ...]:
        """The DOCX name followed by its aliases."""
        return (self.docx_name, *self.docx_aliases)

    @property
    def primary_family(self) -> str:
        """The intended open substitute (first of ``pdf_families``)."""
        return self.pdf_families[0]

    @property
    def css_weight(self) -> str:
        return "bold" if self.bold else "normal"


ROLES: dict[str, FontRole] = {
    role.key: role
    for role in (
        FontRole(
            key="title",
            label="小标宋",
            kind="中文",
            docx_name="方正小标宋简体",
            docx_aliases=("方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "FZXiaoBiaoSong-B05"),
            pdf_families=("Noto Serif CJK SC",),
            bold=True,
        ),
        FontRole(
            key="heading1",
            label="黑体",
            kind="中文",
            docx_name="黑体",
            docx_aliases=("SimHei",),
            pdf_families=("Noto Sans CJK SC",),
            generic="sans-serif",
        ),
        FontRole(
            key="heading2",
            label="楷体",
            kind="中文",
            docx_name="楷体_GB2312",
            docx_aliases=("KaiTi_GB2312", "楷体", "KaiTi"),
            pdf_families=("LXGW WenKai",),
        ),
        FontRole(
            key="body",
            label="仿宋",
            kind="中文",
            docx_name="仿宋_GB2312",
            docx_aliases=("FangSong_GB2312", "仿宋", "FangSong"),
            pdf_families=("FandolFang", "Noto Serif CJK SC"),
        ),
        FontRole(
            key="table",
            label="宋体",
            kind="中文",
            docx_name="宋体",
            docx_aliases=("SimSun",),
            pdf_families=("Noto Serif CJK SC",),
        ),
        FontRole(
            key="latin",
            label="Times New Roman",
            kind="西文",
            docx_name="Times New Roman",
            docx_aliases=(),
            pdf_families=("Liberation Serif",),
        ),
    )
}

ROLE_KEYS: tuple[str, ...] = tuple(ROLES)
LATIN_ROLE = "latin"

FONT_SUFFIXES: frozenset[str] = frozenset({".ttf", ".otf", ".ttc", ".otc"})

# fontconfig weights (FC_WEIGHT_REGULAR, FC_WEIGHT_BOLD) and OS/2 usWeightClass equivalents
_FC_REGULAR, _FC_BOLD = 80, 200
_OS2_REGULAR, _OS2_BOLD = 400, 700


def _role(role: str | FontRole) -> FontRole:
    if isinstance(role, FontRole):
        return role
    try:
        return ROLES[role]
    except KeyError:
        raise KeyError(f"unknown font role {role!r}; known: {', '.join(ROLE_KEYS)}") from None


def _css_quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def css_font_family(role: str | FontRole, *, latin_first: bool = True) -> str:
    """Return the CSS ``font-family`` value for a role.

    The stack is: the Latin font (Times New Roman, then Liberation Serif) so that digits and
    Latin letters do not come from the CJK font; the Windows names as written in the DOCX
    (a machine that has them, or a ``--font-dir`` font registered under that name, wins);
    the open substitutes; the generic family.
    """
    r = _role(role)
    names: list[str] = []
    if latin_first or r.key == LATIN_ROLE:
        latin = ROLES[LATIN_ROLE]
        names += [latin.docx_name, *latin.pdf_families]
    if r.key != LATIN_ROLE:
        names += [r.docx_name, *r.docx_aliases, *r.pdf_families]
    unique = list(dict.fromkeys(names))
    return ", ".join([*map(_css_quote, unique), r.generic])


def docx_rfonts(role: str | FontRole) -> dict[str, str]:
    """Return the ``w:rFonts`` attributes (without the ``w:`` prefix) for a role.

    CJK roles get their Windows name in ``eastAsia`` and Times New Roman for the Latin slots,
    as GB/T 9704 documents do. Callers must also drop the theme attributes
    (``asciiTheme``, ``eastAsiaTheme``…), which would otherwise take precedence.
    """
    r = _role(role)
    latin = ROLES[LATIN_ROLE].docx_name
    attrs = {"ascii": latin, "hAnsi": latin, "cs": latin}
    attrs["eastAsia"] = r.docx_name if r.key != LATIN_ROLE else latin
    return attrs


# --------------------------------------------------------------------------------------------
# Finding font files


@dataclass(frozen=True)
class FontMatch:
    """A font file chosen for a role.

    Attributes:
        role: role key.
        path: font file (may be a .ttc collection).
        index: face index inside the file.
        family: the family name that matched (a Windows name or an open family).
        source: "font_dir" (the user's directory) or "system" (fontconfig).
        primary: True when this is the intended face for the role (a Windows font, a font from
            ``font_dir``, or the first open substitute); False for a fallback such as
            Noto Serif CJK SC standing in for 仿宋.
    """

    role: str
    path: Path
    index: int
    family: str
    source: str
    primary: bool


@dataclass(frozen=True)
class _Face:
    path: Path
    index: int
    families: tuple[str, ...]
    weight: float  # OS/2 scale for font_dir faces, fontconfig scale for system faces
    italic: bool


def _norm(name: str) -> str:
    return "".join(name.split()).casefold()


def _run(args: list[str]) -> str | None:
    """Run a fontconfig tool; None when it is missing or fails."""
    if shutil.which(args[0]) is None:
        return None
    try:
        proc = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    return proc.stdout


def _split_fc_list(value: str) -> list[str]:
    """Split a fontconfig list value ("A,B\\,C") on unescaped commas."""
    out, cur, esc = [], [], False
    for ch in value:
        if esc:
            cur.append(ch)
            esc = False
        elif ch == "\\":
            esc = True
        elif ch == ",":
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return [s.strip() for s in out if s.strip()]


def _fc_weight(value: str) -> float:
    value = value.strip()
    if value.startswith("["):  # variable font: "[min max]"
        parts = value.strip("[]").split()
        try:
            lo, hi = float(parts[0]), float(parts[-1])
        except (ValueError, IndexError):
            return _FC_REGULAR
        return min(max(_FC_REGULAR, lo), hi)
    try:
        return float(value)
    except ValueError:
        return _FC_REGULAR


@functools.lru_cache(maxsize=1)
def _system_faces() -> tuple[_Face, ...]:
    """All faces fontconfig knows, from a single ``fc-list`` call (cached)."""
    out = _run(["fc-list", "-f", "%{file}\t%{index}\t%{family}\t%{weight}\t%{slant}\n"])
    if out is None:
        return ()
    faces = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 5 or not parts[0]:
            continue
        file, index, family, weight, slant = parts
        try:
            idx = int(index or 0)
        except ValueError:
            idx = 0
        try:
            italic = int(float(slant or 0)) != 0
        except ValueError:
            italic = False
        faces.append(
            _Face(Path(file), idx, tuple(_split_fc_list(family)), _fc_weight(weight), italic)
        )
    return tuple(faces)


def fc_match(pattern: str) -> tuple[Path, str] | None:
    """Return (file, first family) that ``fc-match`` picks for a pattern, or None.

    Unlike :func:`find_cjk_fonts` this follows fontconfig's aliases and fallbacks, so it tells
    what LibreOffice or WeasyPrint will get for a Windows font name such as ``仿宋_GB2312``.
    """
    out = _run(["fc-match", "-f", "%{file}\n%{family[0]}", pattern])
    if not out:
        return None
    file, _, family = out.partition("\n")
    if not file:
        return None
    return Path(file), family.strip()


def _read_name_table(font) -> tuple[tuple[str, ...], float, bool]:
    names: list[str] = []
    if "name" in font:
        for rec in font["name"].names:
            if rec.nameID not in (1, 4, 16):
                continue
            try:
                text = rec.toUnicode()
            except Exception:
                continue
            text = text.strip()
            if text and text not in names:
                names.append(text)
    weight, italic = float(_OS2_REGULAR), False
    if "OS/2" in font:
        os2 = font["OS/2"]
        weight = float(getattr(os2, "usWeightClass", _OS2_REGULAR) or _OS2_REGULAR)
        italic = bool(getattr(os2, "fsSelection", 0) & 0x01)
    return tuple(names), weight, italic


def _faces_in_file(path: Path) -> list[_Face]:
    from fontTools.ttLib import TTCollection, TTFont

    faces: list[_Face] = []
    try:
        with path.open("rb") as fh:
            tag = fh.read(4)
        if tag == b"ttcf":
            coll = TTCollection(str(path), lazy=True)
            try:
                fonts = list(coll.fonts)
                for i, font in enumerate(fonts):
                    names, weight, italic = _read_name_table(font)
                    faces.append(_Face(path, i, names, weight, italic))
            finally:
                coll.close()
        else:
            font = TTFont(str(path), lazy=True)
            try:
                names, weight, italic = _read_name_table(font)
                faces.append(_Face(path, 0, names, weight, italic))
            finally:
                font.close()
    except Exception:  # unreadable or not a font: ignore it
        return []
    return faces


def _file_key(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return (str(path.resolve()), st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=256)
def _cached_faces(key: tuple[str, int, int]) -> tuple[_Face, ...]:
    return tuple(_faces_in_file(Path(key[0])))


def _dir_faces(font_dir: Path) -> list[_Face]:
    faces: list[_Face] = []
    for p in sorted(font_dir.rglob("*")):
        if p.suffix.lower() in FONT_SUFFIXES and p.is_file():
            try:
                faces.extend(_cached_faces(_file_key(p)))
            except OSError:
                continue
    return faces


def font_family_names(path: Path) -> list[str]:
    """Family and full names of every face in a font file, read with fontTools.

    Includes all languages, so a Windows 仿宋_GB2312 file yields both "仿宋_GB2312" and
    "FangSong_GB2312".
    """
    out: list[str] = []
    for face in _cached_faces(_file_key(Path(path))):
        out += [n for n in face.families if n not in out]
    return out


def _best_face(
    faces: list[_Face] | tuple[_Face, ...], family: str, *, bold: bool, regular: float, boldw: float
) -> _Face | None:
    want = _norm(family)
    cands = [f for f in faces if any(_norm(n) == want for n in f.families)]
    if not cands:
        return None
    target = boldw if bold else regular
    return min(cands, key=lambda f: (f.italic, abs(f.weight - target), str(f.path), f.index))


def resolve_fonts(font_dir: Path | str | None = None) -> dict[str, FontMatch | None]:
    """Choose a font file for every role; see :func:`find_cjk_fonts`.

    Order for each role: faces in ``font_dir`` whose family is one of the role's Windows names
    or open families; then installed faces of a Windows name (the real font), then of the open
    families in order. Aliases are not followed, so the result is the face itself, not
    whatever fontconfig would fall back to.

    Raises:
        FileNotFoundError: ``font_dir`` is given but is not a directory.
    """
    dir_faces: list[_Face] = []
    if font_dir is not None:
        font_dir = Path(font_dir).expanduser()
        if not font_dir.is_dir():
            raise FileNotFoundError(f"字体目录不存在或不是目录：{font_dir}")
        dir_faces = _dir_faces(font_dir)
    system = _system_faces()

    result: dict[str, FontMatch | None] = {}
    for key, role in ROLES.items():
        match: FontMatch | None = None
        if dir_faces:
            for fam in (*role.windows_names, *role.pdf_families):
                face = _best_face(dir_faces, fam, bold=role.bold, regular=_OS2_REGULAR, boldw=_OS2_BOLD)
                if face:
                    match = FontMatch(key, face.path, face.index, fam, "font_dir", True)
                    break
        if match is None:
            for i, fam in enumerate((*role.windows_names, *role.pdf_families)):
                face = _best_face(system, fam, bold=role.bold, regular=_FC_REGULAR, boldw=_FC_BOLD)
                if face:
                    primary = i <= len(role.windows_names)  # Windows names or the first open family
                    match = FontMatch(key, face.path, face.index, fam, "system", primary)
                    break
        result[key] = match
    return result


def find_cjk_fonts(font_dir: Path | None = None) -> dict[str, Path | None]:
    """Return the font file for each role (keys as in :data:`ROLES`), or None when not found.

    When ``font_dir`` is given, fonts in it come first: a bureau may point at its own licensed
    仿宋_GB2312, 方正小标宋简体… files. They are matched by the family names stored in the
    files (read with fontTools). Everything else is looked up with fontconfig (``fc-list``).
    The title role prefers a bold face.

    Raises:
        FileNotFoundError: ``font_dir`` is given but is not a directory.
    """
    return {k: (m.path if m else None) for k, m in resolve_fonts(font_dir).items()}


_SETUP_HINT = "请先运行 make setup，或用 --font-dir 指定字体目录"


def check_fonts(font_dir: Path | None = None) -> list[str]:
    """Return Chinese messages about missing fonts (empty when every role has its font).

    A role served only by a fallback (e.g. 仿宋 by Noto Serif CJK SC when FandolFang is not
    installed) is reported too, with the name of the stand-in.
    """
    messages: list[str] = []
    try:
        matches = resolve_fonts(font_dir)
    except FileNotFoundError as exc:
        messages.append(f"{exc}；将只使用系统字体")
        matches = resolve_fonts(None)
    if not shutil.which("fc-list"):
        messages.append("未找到 fc-list（fontconfig）：无法查找系统字体，请安装 fontconfig")
    for key, role in ROLES.items():
        m = matches[key]
        if m is not None and m.primary:
            continue
        text = f"未找到{role.kind}字体“{role.label}”（{role.primary_family} / {role.docx_name}）：{_SETUP_HINT}"
        if m is not None:
            text += f"（暂用 {m.family} 代替）"
        messages.append(text)
    return messages


# --------------------------------------------------------------------------------------------
# HarfBuzz subsetting in WeasyPrint

HARFBUZZ_SUBSET_WARNING = (
    "未检测到 HarfBuzz 字体子集库（libharfbuzz-subset0）：生成 PDF 时只能用较慢的 fontTools "
    "裁剪中文字体，每份文件约慢 4 倍。请运行 make setup，或以 root 身份执行 "
    "apt-get install libharfbuzz-subset0。"
)


def harfbuzz_subset_available() -> bool:
    """Whether WeasyPrint can subset fonts with HarfBuzz (``weasyprint.text.ffi.harfbuzz_subset``).

    WeasyPrint ≥ 63 uses it when the library loads and HarfBuzz is ≥ 4.1; otherwise it falls
    back to fontTools, which is about four times slower with CJK fonts. WeasyPrint is imported
    lazily here; False when it cannot be imported.
    """
    try:
        from weasyprint.text import ffi as wp_ffi
    except Exception:
        return False
    if getattr(wp_ffi, "harfbuzz_subset", None) is None:
        return False
    hb = getattr(wp_ffi, "harfbuzz", None)
    try:
        if hb is not None and hasattr(hb, "hb_version_atleast"):
            return bool(hb.hb_version_atleast(4, 1, 0))
    except Exception:
        return False
    return True


def harfbuzz_subset_warning() -> str | None:
    """:data:`HARFBUZZ_SUBSET_WARNING` when HarfBuzz subsetting is unavailable, else None."""
    return None if harfbuzz_subset_available() else HARFBUZZ_SUBSET_WARNING


# --------------------------------------------------------------------------------------------
# Glyph coverage


def cache_dir() -> Path:
    """Where derived font data is kept between runs (``$JUESUAN_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/juesuan-gen``, else ``~/.cache/juesuan-gen``)."""
    explicit = os.environ.get("JUESUAN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "juesuan-gen"


def _cmap_cache_file(key: tuple[str, int, int]) -> Path:
    digest = hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:32]
    return cache_dir() / "cmaps" / f"{digest}.u32"


@functools.lru_cache(maxsize=32)
def _cmap_codepoints(key: tuple[str, int, int]) -> frozenset[int]:
    """Union of the cmaps of all faces in a font file (cached by path, mtime and size: in
    this process, and on disk for the next one — reading the cmaps of a CJK collection
    costs a second or more; the cached list loads in milliseconds)."""
    cache = _cmap_cache_file(key)
    try:
        data = array.array("I")
        data.frombytes(cache.read_bytes())
        if data:
            return frozenset(data)
    except (OSError, ValueError):
        pass
    codepoints = _read_cmaps(key[0])
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
        tmp.write_bytes(array.array("I", sorted(codepoints)).tobytes())
        os.replace(tmp, cache)
    except OSError:  # a read-only home: no cache, same result
        pass
    return codepoints


def prepare_cache(font_dir: Path | None = None) -> int:
    """Read the cmaps of the fonts the roles resolve to into the disk cache (run once by the
    set-up, so that the first unit of every later run skips it); returns how many fonts."""
    paths = {m.path for m in resolve_fonts(font_dir).values() if m is not None}
    for path in paths:
        _cmap_codepoints(_file_key(Path(path)))
    return len(paths)


def _read_cmaps(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont

    codepoints: set[int] = set()
    with open(path, "rb") as fh:
        tag = fh.read(4)
    if tag == b"ttcf":
        coll = TTCollection(path, lazy=True)
        try:
            seen_offsets: set[int] = set()
            for font in coll.fonts:
                # faces of a collection often share one cmap table: read it once
                try:
                    off = font.reader.tables["cmap"].offset
                except (AttributeError, KeyError):
                    off = None
                if off is not None and off in seen_offsets:
                    continue
                if off is not None:
                    seen_offsets.add(off)
                cmap = font.getBestCmap() or {}
                codepoints.update(cmap)
        finally:
            coll.close()
    else:
        font = TTFont(path, lazy=True)
        try:
            codepoints.update(font.getBestCmap() or {})
        finally:
            font.close()
    return frozenset(codepoints)


def _ignorable(ch: str) -> bool:
    # whitespace, control and format characters and variation selectors are not drawn with
    # a glyph of their own
    return not _drawn(ch)


def missing_glyphs(text: str, font_path: Path) -> set[str]:
    """Characters of ``text`` that the font cannot show (whitespace and controls are ignored).

    For a .ttc/.otc collection a character counts as present when any face has it. Cmaps are
    read with fontTools and cached per file.
    """
    cps = _cmap_codepoints(_file_key(Path(font_path)))
    return {ch for ch in set(text) if not _ignorable(ch) and ord(ch) not in cps}


# Characters that are never drawn with a glyph: whitespace, controls, format characters
# (zero-width joiners…), line/paragraph separators, and what XML cannot carry (lone
# surrogates, U+FFFE/U+FFFF), which the renderers drop.
_NOT_DRAWN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp", "Zs"})


def _drawn(ch: str) -> bool:
    """Whether ``ch`` is drawn with a glyph of its own (a variation selector picks the form of
    the character before it; the fonts' cmaps do not list it)."""
    cp = ord(ch)
    return not (
        ch.isspace()
        or unicodedata.category(ch) in _NOT_DRAWN_CATEGORIES
        or ch in "\ufffe\uffff"
        or 0xFE00 <= cp <= 0xFE0F
        or 0xE0100 <= cp <= 0xE01EF
    )


@functools.lru_cache(maxsize=1)
def installed_coverage() -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """The code points some installed font can draw, as merged ranges ``(starts, ends)``.

    Read from fontconfig's own cache (one ``fc-list`` call, tens of milliseconds), not from
    the font files; None when fontconfig cannot be asked.
    """
    out = _run(["fc-list", "-f", "%{charset}\n"])
    if out is None:
        return None
    ranges: list[tuple[int, int]] = []
    for token in set(out.split()):  # fonts share most ranges: each once
        first, _, last = token.partition("-")
        try:
            ranges.append((int(first, 16), int(last or first, 16)))
        except ValueError:
            continue
    ranges.sort()
    starts: list[int] = []
    ends: list[int] = []
    for lo, hi in ranges:
        if ends and lo <= ends[-1] + 1:
            ends[-1] = max(ends[-1], hi)
        else:
            starts.append(lo)
            ends.append(hi)
    return tuple(starts), tuple(ends)


_coverage_lock = threading.Lock()


def prefetch_coverage() -> None:
    """Start asking fontconfig for :func:`installed_coverage` now, in a thread, so that the
    answer is ready when the text check needs it (``--check`` reads the workbook meanwhile:
    the ``fc-list`` process runs on another core)."""
    if _coverage_lock.acquire(blocking=False):
        threading.Thread(target=_fetch_coverage, daemon=True).start()


def _fetch_coverage() -> None:
    try:
        installed_coverage()
    finally:
        _coverage_lock.release()


def undrawable(chars: Iterable[str]) -> list[str]:
    """The characters of ``chars`` that no installed font can draw (sorted, each once).

    A PDF would show them as empty boxes (the renderer refuses to write it).  Characters that
    are not drawn (spaces, controls, format characters) are left out; private-use and
    unassigned code points are included unless a font maps them.  Empty when fontconfig
    cannot be asked (nothing can be said then).
    """
    with _coverage_lock:  # a prefetch under way: wait for it rather than ask twice
        coverage = installed_coverage()
    if coverage is None:
        return []
    starts, ends = coverage
    out = set()
    for ch in set(chars):
        if not _drawn(ch):
            continue
        i = bisect.bisect_right(starts, ord(ch)) - 1
        if i < 0 or ord(ch) > ends[i]:
            out.add(ch)
    return sorted(out)


def clear_caches() -> None:
    """Forget cached font lists and cmaps (after installing fonts, or in tests)."""
    _system_faces.cache_clear()
    _cached_faces.cache_clear()
    _cmap_codepoints.cache_clear()
    installed_coverage.cache_clear()

