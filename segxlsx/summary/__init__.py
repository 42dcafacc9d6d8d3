"""summary.xlsx: one row for every workbook in an output folder.

`row` says what a row holds and how the manifest keeps it, `sheet` draws the workbook, `write`
writes it into a folder, and `merge` makes one from the manifests of many builds (shards).
"""
