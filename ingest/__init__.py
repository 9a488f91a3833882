"""Ingest: find input files, sniff their format and encoding, read them into Documents."""
