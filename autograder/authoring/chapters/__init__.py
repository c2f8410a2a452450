"""One module per chapter notebook: ``CELLS``, the notebook's cells in order."""
