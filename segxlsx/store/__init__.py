"""The output folder and what segxlsx keeps there and while it builds.

Its manifest and journal (which file segxlsx wrote, for whom, from which inputs), its lock, the
build's scratch ledger, and the rules for naming files in it.
"""
