"""`python -m coopprogram` runs the `coop` command."""

from coopprogram.cli import main

main()
