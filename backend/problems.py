"""Old home of the problem handlers, kept only for bot/combined.py (moved to backend.core.problems).

Delete this module once bot/combined.py imports `backend.core.problems`.
"""

from backend.core.problems import install_problem_handlers

__all__ = ["install_problem_handlers"]
