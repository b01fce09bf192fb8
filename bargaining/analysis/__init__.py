"""Analyses: one concept per module, each with its result class beside it.

``nash`` (every Nash equilibrium of a normal-form game), ``subgame`` (subgame-perfect play of a
tree), ``deal`` (bargaining solutions of a package deal), ``threshold`` and ``signs``
(conditionality thresholds and comparative statics), ``sweep`` (outcomes over a parameter grid),
``record`` (the model against the observed record), ``cascade`` (the signing lattice) and
``dispatch`` (the one place that branches on a game's kind). Every analysis accepts a
:class:`~bargaining.scenario.Scenario` or a bare game with values. Import the verbs from the
top-level package (``bargaining.equilibria`` and so on).
"""
