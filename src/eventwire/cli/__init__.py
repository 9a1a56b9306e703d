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


def _broken(name: str, exc: BaseException) -> click.Command:
    """A stand-in command that reports why its module failed to import, only when used."""

    @click.command(name, context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
                   help=f"(unavailable: {type(exc).__name__})")
    def cmd() -> None:
        raise click.ClickException(f"the '{name}' commands failed to load: {type(exc).__name__}: {exc}")

    return cmd


for _name in _COMMAND_MODULES:
    _full = f"{__name__}.{_name}"
    try:
        _mod = importlib.import_module(_full)
    except ModuleNotFoundError as _exc:
        if _exc.name == _full:
            continue
        main.add_command(_broken(_name, _exc))
        continue
    except Exception as _exc:  # noqa: BLE001 - one broken optional part must not take down `extract`
        if _name == "extract":
            raise
        main.add_command(_broken(_name, _exc))
        continue
    _mod.register(main)
