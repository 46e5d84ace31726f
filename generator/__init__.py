"""juesuan-gen: writes a unit's annual final-accounts disclosure (单位决算公开说明).

The pipeline is: workbook or JSON → :class:`generator.model.Disclosure` → checks →
derived figures → one render-neutral document → DOCX and PDF.
"""

__version__ = "0.1.0"
