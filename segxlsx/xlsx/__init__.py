"""The writing engine: a workbook's parts as XML, zipped, the same inputs giving the same bytes.

The sheets (`segxlsx.sheets`) say what each cell holds and how it looks; this package turns
that into the .xlsx file's parts.
"""
