"""Every rule and every query of the program, one module per domain.

Services take the database session first (`db`) and keyword arguments after, raise
CoopError kinds with a message a person can act on, flush when they need ids and never
commit: the command's unit of work commits once.
"""
