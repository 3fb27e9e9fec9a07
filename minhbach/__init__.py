"""Minh bạch: a bilingual static site generator for public smart-city programmes.

The build is a pipeline, one module per stage:
``config`` → ``load`` → ``validate`` → ``resolve`` → ``plan`` → ``render`` → ``write``,
orchestrated by ``pipeline.build_site``.
"""

__version__ = "0.1.0"
