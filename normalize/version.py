"""The parser's version, kept with every report: a new version parses every stored file again.

A module of its own so that a resumed batch can read it without importing the parser.
"""

PARSER_VERSION = "0.1.0"
