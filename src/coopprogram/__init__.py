"""coopprogram: the `coop` command that runs a movement co-op pilot program."""

__version__ = "0.2.0"
