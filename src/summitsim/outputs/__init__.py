"""The files the commands write, each atomically (:mod:`summitsim.atomic`): a sweep's
``summary.csv``, ``manifest.json`` and figure (:mod:`summitsim.outputs.sweep`), the
analysis commands' tables, manifests and figures (:mod:`summitsim.outputs.analysis`)."""
