"""The package installs from a built wheel and renders a sample from there.

``pip wheel .`` (with the build back-end already in .venv, so no download), then the wheel is
installed with ``--no-deps`` into a fresh virtual environment that borrows the dependencies
of .venv (a .pth line pointing at its site-packages; .venv's own editable install is not
processed from there, so ``generator`` can only come from the wheel).  The installed
command writes all four formats of a sample in a folder outside the source tree.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from generator.written import RECORDS

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "data" / "乌鲁木齐市政务服务中心.json"


def _run(cmd, **kw):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=600, **kw)


@pytest.mark.slow
def test_wheel_installs_into_a_fresh_venv_and_renders_a_sample(tmp_path):
    pytest.importorskip("hatchling")
    wheels = tmp_path / "wheels"
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", wheels, ROOT])
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("juesuan_gen-*.whl")

    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    for needed in (
        "generator/_templates/formats/乌鲁木齐/narrative/document.j2",
        "generator/_templates/formats/乌鲁木齐/sections.toml",
        "generator/_templates/pdf/report.css.j2",
        "generator/_templates/html/page.html.j2",
        "generator/years/2024.toml",
    ):
        assert needed in names

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    (site / "borrowed-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    installed = _run([sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", wheel])
    assert installed.returncode == 0, installed.stderr

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    where = _run(
        [python, "-c", "import generator, generator.templates_path as t; print(generator.__file__); "
         "print(t.packaged_templates())"],
        cwd=work, env=env,
    )
    module_file, templates = where.stdout.split()
    assert Path(module_file).is_relative_to(env_dir)
    assert Path(templates) == Path(module_file).parent / "_templates"

    exe = env_dir / "bin" / "juesuan-gen"
    version = _run([exe, "--version"], cwd=work, env=env)
    from generator import __version__

    assert version.returncode == 0 and version.stdout.strip() == f"juesuan-gen {__version__}"
    result = _run([exe, SAMPLE, "-o", work / "out", "--format", "docx,pdf,html,xlsx"], cwd=work, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    suffixes = sorted(p.suffix for p in (work / "out").iterdir() if p.name != RECORDS)
    assert suffixes == [".docx", ".html", ".pdf", ".xlsx"]
    html = next((work / "out").glob("*.html")).read_text(encoding="utf-8")
    assert "乌鲁木齐市政务服务中心" in html and "<table" in html
