"""Quality gates for a built site: valid, accessible, light and whole.

Each gate is a function that takes an output folder and returns the problems it found,
each naming the page and what is wrong, so the same gates check the bundled site in the
test suite, a broken copy in the gates' own tests, or any site an editor builds
(``python -m quality output/``).
"""

from .site import BuiltSite, Problem, report

__all__ = ["BuiltSite", "Problem", "report"]
