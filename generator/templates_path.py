"""Where the packaged templates are: in the installed package, or in the source tree.

The project keeps its templates in the top-level ``templates/`` folder.  A built wheel carries
them inside the package as ``generator/_templates`` (see ``[tool.hatch.build]`` in
pyproject.toml); an editable install or a source checkout has only the top-level folder.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

_SOURCE_TREE = Path(__file__).resolve().parent.parent / "templates"


@functools.cache
def packaged_templates() -> Path:
    """The packaged ``templates`` directory (``formats/``, ``pdf/``, ``html/``, ``fonts/``)."""
    try:
        installed = Path(str(resources.files("generator") / "_templates"))
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - generator is always importable
        installed = None
    if installed is not None and (installed / "formats").is_dir():
        return installed
    return _SOURCE_TREE
