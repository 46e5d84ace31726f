#!/usr/bin/env bash
# Prepare a machine for juesuan-gen: system packages, fonts, font aliases and .venv.
#
# Safe to re-run: every step checks first and does nothing when it is already done,
# so a second run takes about a second. Exits non-zero when something could not be done.
#
# Environment:
#   PYTHON        interpreter used to create .venv (default: python3)
#   SETUP_NO_VENV set to 1 to skip the .venv step (system part only)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

APT_PACKAGES=(
    poppler-utils            # pdftotext / pdffonts / pdftoppm in tests
    libharfbuzz-subset0      # fast font subsetting in WeasyPrint (about 4x faster PDFs)
    fonts-noto-cjk           # Noto Serif/Sans CJK SC: 宋体, 黑体, 小标宋 substitutes
    fonts-lxgw-wenkai        # LXGW WenKai: 楷体 substitute
    fonts-liberation2        # Liberation Serif: Times New Roman substitute
    libreoffice-writer-nogui # tests/bench check that the DOCX opens
    libreoffice-calc-nogui   # tests check that the standard workbook opens
    python3-uno              # tests update the DOCX 目录 in LibreOffice (tests/lo_update_toc.py)
    chromium                 # tests check the HTML page and the web pages in a real browser (headless)
    postgresql               # storage tests on a real PostgreSQL (a throwaway cluster per test run)
)
FANDOL_PKG=texlive-lang-chinese
ALIAS_NAME=61-juesuan-aliases.conf
ALIAS_SRC="$ROOT/templates/fonts/$ALIAS_NAME"
VENV="$ROOT/.venv"
STAMP="$VENV/.juesuan-setup-stamp"
PYTHON="${PYTHON:-python3}"

LOG="$(mktemp -t juesuan-setup.XXXXXX.log)"
WORK=""
cleanup() {
    rm -f "$LOG"
    if [[ -n "$WORK" ]]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

say() { printf '[setup] %s\n' "$*"; }
warn() { printf '[setup] 警告：%s\n' "$*" >&2; }
die() { printf '[setup] 错误：%s\n' "$*" >&2; exit 1; }

# Run a command quietly; on failure show the end of its output and stop.
quiet() {
    if ! "$@" >"$LOG" 2>&1; then
        tail -n 40 "$LOG" >&2
        die "命令失败：$*"
    fi
}

# ---------------------------------------------------------------- privileges
# "root": run directly; "sudo": prefix with sudo; "none": cannot change the system.
if [[ ${EUID:-$(id -u)} -eq 0 ]]; then
    PRIV=root
elif command -v sudo >/dev/null 2>&1; then
    PRIV=sudo
else
    PRIV=none
fi
as_root() {
    if [[ $PRIV == sudo ]]; then sudo "$@"; else "$@"; fi
}

MANUAL=()   # things the user has to do by hand (printed at the end, exit 1)

HAVE_DPKG=0
command -v dpkg >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && HAVE_DPKG=1

pkg_installed() {
    dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'
}

APT_UPDATED=0
apt_update() {
    if [[ $APT_UPDATED -eq 0 ]]; then
        say "apt-get update"
        quiet as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
        APT_UPDATED=1
    fi
}

# ---------------------------------------------------------------- 1. Debian packages
missing=()
if [[ $HAVE_DPKG -eq 1 ]]; then
    for p in "${APT_PACKAGES[@]}"; do
        pkg_installed "$p" || missing+=("$p")
    done
    # npm installs axe-core (the accessibility checker) for the browser tests; a Node.js
    # installation that brings its own npm is fine
    command -v npm >/dev/null 2>&1 || missing+=(npm)
    # Debian's own python3 needs python3-venv for "python3 -m venv".
    if [[ -z ${SETUP_NO_VENV:-} && ! -x "$VENV/bin/python" ]] \
        && command -v "$PYTHON" >/dev/null 2>&1 \
        && ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1 \
        && [[ "$(command -v "$PYTHON")" == /usr/bin/* ]]; then
        missing+=(python3-venv)
    fi
    if [[ ${#missing[@]} -gt 0 ]]; then
        if [[ $PRIV == none ]]; then
            MANUAL+=("以 root 身份安装系统软件包：apt-get install --no-install-recommends ${missing[*]}")
        else
            apt_update
            say "安装系统软件包：${missing[*]}"
            quiet as_root env DEBIAN_FRONTEND=noninteractive \
                apt-get install -y -q --no-install-recommends "${missing[@]}"
        fi
    fi
else
    MANUAL+=("本机不是 Debian/Ubuntu，无法自动安装系统软件包。请自行安装：HarfBuzz subset 库（libharfbuzz-subset）、poppler 工具、Noto Serif/Sans CJK SC、LXGW WenKai（霞鹜文楷）、Liberation Serif、LibreOffice Writer，以及 FandolFang 仿宋字体")
fi

# ---------------------------------------------------------------- 2. FandolFang (仿宋)
# Only inside texlive-lang-chinese; take the font files out of the .deb instead of
# installing the package and its large TeX dependencies.
if [[ $PRIV == none ]]; then
    FANDOL_DIR="${XDG_DATA_HOME:-$HOME/.local/share}/fonts/fandol"
else
    FANDOL_DIR=/usr/local/share/fonts/fandol
fi

font_cache_changed=0
if [[ -f "$FANDOL_DIR/FandolFang-Regular.otf" ]] \
    || { command -v fc-list >/dev/null 2>&1 && [[ -n "$(fc-list 'FandolFang' file 2>/dev/null)" ]]; }; then
    : # already there
elif [[ $HAVE_DPKG -eq 0 ]]; then
    MANUAL+=("安装 FandolFang 仿宋字体（TeX Live 的 fandol 字体包中的 FandolFang-Regular.otf）")
else
    say "从 $FANDOL_PKG 中提取 FandolFang 仿宋字体"
    WORK="$(mktemp -d -t juesuan-fandol.XXXXXX)"
    # apt-get download as root drops to user _apt, which must be able to write here.
    if [[ $EUID -eq 0 ]] && id _apt >/dev/null 2>&1; then chown _apt "$WORK"; fi
    if ! apt-cache show "$FANDOL_PKG" >/dev/null 2>&1; then
        if [[ $PRIV == none ]]; then
            die "软件包索引中没有 $FANDOL_PKG，请先以 root 身份运行 apt-get update"
        fi
        apt_update
    fi
    if ! (cd "$WORK" && apt-get download -q "$FANDOL_PKG" >"$LOG" 2>&1); then
        # A stale package index gives 404: refresh it once and try again.
        if [[ $PRIV == none || $APT_UPDATED -eq 1 ]]; then
            tail -n 20 "$LOG" >&2
            die "无法下载 $FANDOL_PKG"
        fi
        apt_update
        (cd "$WORK" && quiet apt-get download -q "$FANDOL_PKG")
    fi
    deb=("$WORK"/${FANDOL_PKG}_*.deb)
    [[ -f "${deb[0]}" ]] || die "没有找到下载的 $FANDOL_PKG 软件包"
    quiet dpkg-deb -x "${deb[0]}" "$WORK/x"
    src_fonts="$WORK/x/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"
    src_doc="$WORK/x/usr/share/doc/texlive-doc/fonts/fandol"
    [[ -f "$src_fonts/FandolFang-Regular.otf" ]] || die "$FANDOL_PKG 中没有 FandolFang-Regular.otf"
    as_root install -d -m 755 "$FANDOL_DIR"
    for f in FandolFang-Regular.otf FandolFang-Bold.otf; do
        if [[ -f "$src_fonts/$f" ]]; then as_root install -m 644 "$src_fonts/$f" "$FANDOL_DIR/$f"; fi
    done
    if [[ -f "$src_doc/README" ]]; then as_root install -m 644 "$src_doc/README" "$FANDOL_DIR/README"; fi
    if [[ -f "$src_doc/COPYING.gz" ]]; then
        gzip -dc "$src_doc/COPYING.gz" >"$WORK/COPYING"
        as_root install -m 644 "$WORK/COPYING" "$FANDOL_DIR/COPYING"
    elif [[ -f "$src_doc/COPYING" ]]; then
        as_root install -m 644 "$src_doc/COPYING" "$FANDOL_DIR/COPYING"
    fi
    cat >"$WORK/LICENSE.txt" <<'EOF'
Fandol fonts (FandolFang) by the Fandol team (Clerk Ma, Jie Su).
License: GNU GPL version 3 with the GPL font exception (see README and COPYING).
Taken unmodified from the Debian package texlive-lang-chinese
(usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/).
EOF
    as_root install -m 644 "$WORK/LICENSE.txt" "$FANDOL_DIR/LICENSE.txt"
    rm -rf "$WORK"; WORK=""
    font_cache_changed=1
fi

if [[ $font_cache_changed -eq 1 ]]; then
    say "刷新字体缓存（fc-cache）"
    quiet as_root fc-cache -f
fi

# ---------------------------------------------------------------- 3. fontconfig aliases
if [[ $PRIV == none ]]; then
    ALIAS_DST="${XDG_CONFIG_HOME:-$HOME/.config}/fontconfig/conf.d/$ALIAS_NAME"
else
    ALIAS_DST="/etc/fonts/conf.d/$ALIAS_NAME"
fi
[[ -f "$ALIAS_SRC" ]] || die "缺少 $ALIAS_SRC"
if ! cmp -s "$ALIAS_SRC" "$ALIAS_DST"; then
    say "安装字体别名 $ALIAS_DST"
    as_root install -d -m 755 "$(dirname "$ALIAS_DST")"
    as_root install -m 644 "$ALIAS_SRC" "$ALIAS_DST"
fi

if command -v fc-match >/dev/null 2>&1; then
    got="$(fc-match -f '%{family[0]}' '仿宋_GB2312' 2>/dev/null || true)"
    if [[ "$got" != FandolFang ]]; then
        MANUAL+=("字体检查失败：fc-match 仿宋_GB2312 得到“${got:-无}”，应为 FandolFang。请确认 FandolFang-Regular.otf 在 $FANDOL_DIR 且 $ALIAS_DST 已安装，然后运行 fc-cache -f")
    fi
else
    MANUAL+=("未找到 fc-match：请安装 fontconfig")
fi

# ---------------------------------------------------------------- 4. Python virtualenv
if [[ -z ${SETUP_NO_VENV:-} ]]; then
    command -v "$PYTHON" >/dev/null 2>&1 || die "未找到 $PYTHON：需要 Python 3.11 或更高版本"
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
        || die "$PYTHON 版本过低：需要 Python 3.11 或更高版本"
    if [[ -x "$VENV/bin/python" ]] && ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
        warn ".venv 已损坏（其 Python 已不存在），重新创建"
        "$PYTHON" -m venv --clear "$VENV" >"$LOG" 2>&1 || { cat "$LOG" >&2; die "无法创建 .venv"; }
        rm -f "$STAMP"
    fi
    if [[ ! -x "$VENV/bin/python" ]]; then
        say "创建虚拟环境 .venv"
        "$PYTHON" -m venv "$VENV" >"$LOG" 2>&1 || {
            cat "$LOG" >&2
            die "无法创建 .venv（Debian 上请安装 python3-venv）"
        }
        rm -f "$STAMP"
    fi
    if [[ ! -f "$STAMP" || "$ROOT/pyproject.toml" -nt "$STAMP" || ! -x "$VENV/bin/juesuan-gen" ]]; then
        say "安装 Python 依赖：pip install -e '.[dev,web,dask]'"
        quiet "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$ROOT[dev,web,dask]"
        touch "$STAMP"
    fi
fi

# ---------------------------------------------------------------- 4b. font cache
# The glyph check of the PDF reads the cmaps of the CJK fonts (a second or more per run);
# read them once here into ~/.cache/juesuan-gen, so that a cold run starts faster.
if [[ -z ${SETUP_NO_VENV:-} && -x "$VENV/bin/python" ]]; then
    "$VENV/bin/python" -c 'from generator.fonts import prepare_cache; prepare_cache()' >/dev/null 2>&1 || true
fi

# ---------------------------------------------------------------- 5. axe-core for the browser tests
# From the npm registry, pinned by tests/a11y/package-lock.json, into tests/a11y/node_modules
# (git-ignored).  Playwright drives the system's Chromium; its own browser download is never used.
A11Y="$ROOT/tests/a11y"
if [[ -f "$A11Y/package-lock.json" && ! -f "$A11Y/node_modules/axe-core/axe.min.js" ]]; then
    if command -v npm >/dev/null 2>&1; then
        say "安装 axe-core（npm ci，用于网页无障碍测试）"
        (cd "$A11Y" && quiet npm ci --no-audit --no-fund)
    else
        MANUAL+=("安装 npm 后重新运行（网页无障碍测试需要 axe-core）")
    fi
fi

# ---------------------------------------------------------------- done
if [[ ${#MANUAL[@]} -gt 0 ]]; then
    {
        printf '[setup] 以下步骤未能自动完成'
        if [[ $PRIV == none ]]; then printf '（当前不是 root，且没有 sudo）'; fi
        printf '，请手动处理后重新运行 scripts/setup.sh：\n'
        for m in "${MANUAL[@]}"; do printf '  - %s\n' "$m"; done
    } >&2
    exit 1
fi
say "环境已就绪"
