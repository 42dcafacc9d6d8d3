"""Files in, the model out: offers, guides, exchange rates, read as untrusted input.

Each loader turns a file into frozen model objects (`model.py`) and says precisely what is
wrong with what it cannot use: the file, the row or offer, the candidate and the field.
"""
