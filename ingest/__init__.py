"""Getting cases in: reading files, validating them and the anonymity guard."""
