"""`cxjourney lsp`: the language server, for editors (its code lives in `cxjourney.lsp`)."""

from __future__ import annotations

import sys

import click

INSTALL_HINT = "pip install 'cxjourney[lsp]'"


@click.command("lsp", context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--stdio", is_flag=True, help="Speak over stdin/stdout (the default; for editors that pass it)."
)
def lsp(stdio: bool) -> None:
    """Run the language server over stdin/stdout for an editor.

    Diagnostics as you type (the same as `check`), hover, completion, go to
    definition, references, rename, outline, folding and formatting (`fmt`).
    Editors start it themselves; see editors/vscode/README.md for VS Code,
    Neovim, Helix, Emacs and Zed. Needs the optional pygls dependency.

    \b
    Examples:
      cxjourney lsp
      pip install 'cxjourney[lsp]'    # when the server is not installed
    """
    try:
        from ..lsp.server import main
    except ImportError as err:
        click.echo(
            f"error: the language server needs pygls ({err.name or err}); install it with:",
            err=True,
        )
        click.echo(f"  {INSTALL_HINT}", err=True)
        sys.exit(1)
    sys.exit(main())
