"""Command-line interface (Typer + Rich): thin commands over service functions."""
