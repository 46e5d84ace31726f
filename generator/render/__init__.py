"""Renderers: lay one :class:`generator.document.Document` out as DOCX and as PDF.

* :mod:`generator.render.style` — the typographic standard both renderers read (GB/T 9704
  page, fonts by role, sizes, spacing);
* :mod:`generator.render.layout` — decisions shared by both (anchors, 目录 targets, table
  grids, alignment of amounts), so the two files carry the same text in the same order;
* :mod:`generator.render.paginate` — page estimate for the prefilled DOCX 目录;
* :mod:`generator.render.docx` — ``write_docx(doc, path)`` (python-docx);
* :mod:`generator.render.pdf` — ``PdfRenderer(font_dir, templates_dir).write(doc, path)``
  (Jinja2 + WeasyPrint);
* :mod:`generator.render.outputs` — ``write_documents(doc, targets, …)``: the PDF laid out
  first, the DOCX's 目录 prefilled with its real page numbers;
* :mod:`generator.render.result` — ``RenderResult``, what each write returns: the file, the
  notes about that document, its pages.

Nothing is imported here, so importing the package does not load python-docx or WeasyPrint.
"""
