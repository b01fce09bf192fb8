"""Root test configuration: the deprecated old module paths are not collected for doctests
(importing them warns on purpose; tests/test_namespace.py checks them)."""

collect_ignore = [
    "bargaining/cascade.py",
    "bargaining/conditionality.py",
    "bargaining/history.py",
    "bargaining/model.py",
    "bargaining/package.py",
    "bargaining/results.py",
    "bargaining/solvers",
    "bargaining/subgame.py",
    "bargaining/sweep.py",
    "bargaining/threshold.py",
]
