"""Typst templates for the PDF documents; data arrives as JSON in `sys.inputs.data`."""
