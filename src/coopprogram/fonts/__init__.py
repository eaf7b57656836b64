"""Fallback fonts shipped with coopprogram for the characters Typst's bundled fonts lack (CJK, emoji,
most scripts): GNU Unifont, under the SIL Open Font License 1.1 (LICENSE-Unifont.txt)."""
