"""Pure functions from views to documents (CSV, JSON, later .ics, Markdown and PDF).

No database, no Rich, no files: text or bytes in, text or bytes out.
"""
