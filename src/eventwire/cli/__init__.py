"""Command line: a thin layer over the library. Each sub-command lives in its own module."""

from __future__ import annotations

import importlib

import click

from .. import __version__

# sub-command modules; each defines `register(group)`. A module that is not present
# (e.g. an optional part not built yet) is skipped; any other import error is real.
_COMMAND_MODULES = ("extract", "actors", "store", "serve", "spark")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="eventwire")
def main() -> None:
    """eventwire: turn news text into coded political event data."""


for _name in _COMMAND_MODULES:
    _full = f"{__name__}.{_name}"
    try:
        _mod = importlib.import_module(_full)
    except ModuleNotFoundError as _exc:
        if _exc.name != _full:
            raise
        continue
    _mod.register(main)
