"""The web server: ``juesuan-gen serve --data DIR``.

Clerks upload their unit's workbook, see the findings, generate and download the documents in
a browser; the bureau sees all its units, uploads many workbooks at once and downloads every
document with a summary.  A JSON API under ``/api`` (OpenAPI at ``/docs``) serves the pages and
other systems alike.

Modules: :mod:`.config` (settings), :mod:`.db` (SQLAlchemy models, Alembic upgrade),
:mod:`.files` (stored files), :mod:`.security` (passwords, tokens, sessions, CSRF, rate limits),
:mod:`.jobs` (the generation queue on a warm process pool), :mod:`.app` (routes),
:mod:`.cli` (the ``serve`` command).
"""
