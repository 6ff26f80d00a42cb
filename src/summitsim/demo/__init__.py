"""The classroom page: a Mesa SolaraViz page over one scenario, served on 127.0.0.1.

``summitsim demo`` calls :func:`summitsim.demo.serve.serve`; the page itself is
:mod:`summitsim.demo.app` and its figures are built in :mod:`summitsim.figures.panels`.
Solara is imported only inside this package, and matplotlib only by the figures it
shows, so the command line starts fast.
"""
