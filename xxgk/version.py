"""xxgk's version, the one place it is written (pyproject.toml reads it from here).

It is kept with every report as its parser version: a new version parses every stored file again.
A module of its own so that a resumed batch can read it without importing the parser.
"""

PARSER_VERSION = "0.3.4"
