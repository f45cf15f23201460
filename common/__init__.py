"""What every layer shares and nothing else: the project's error tree (`common.errors`).

`extract`, `graph`, `kg` and `ui` all import it; it imports nothing of theirs.
"""
