"""Commented templates that ``bargaining new`` writes: a starting point that loads as it is."""

from __future__ import annotations

__all__ = ["TEMPLATES"]

NORMAL = '''\
# A normal-form game in the bargaining/1 format (see the README and docs/format.md).
# Every payoff is an arithmetic expression in the parameters below: numbers, parameter names,
# + - * / **, parentheses, and min, max, abs, exp, log, sqrt. Nothing in this file is executed.
format = "bargaining/1"
title = "A conditional reward"
summary = """
The principal promises a reward r, paid with probability p if the target complies; complying costs
the target c. The target's best reply to the promise switches to compliance when r >= c / p.
"""
game = "normal"

[[actors]]
id = "P"                          # an identifier: letters, digits, _
name = "Principal"
strategies = ["reward", "withhold"]

[[actors]]
id = "T"
name = "Target"
strategies = ["comply", "defy"]

[parameters.r]
value = 2.0                       # the default value; `--set r=3` changes it for one run
min = 0.0
max = 10.0
description = "reward promised for compliance"
source = "illustrative assumption"   # required: a citation for data, or say it is an assumption
# kind = "assumption"             # optional: "assumption" (varied by `history --region`), "data" (held),
                                  # or "switch" (a 0/1 choice, drawn as 0 or 1); by default "data"
                                  # unless the source says "assumption"

[parameters.c]
value = 1.3
min = 0.0
max = 10.0
description = "target's cost of complying"
source = "illustrative assumption"

[parameters.p]
value = 0.8
min = 0.0
max = 1.0
description = "credibility: probability that the reward is paid"
source = "illustrative assumption"

[parameters.B]
value = 3.0
min = 0.0
max = 10.0
description = "principal's benefit from compliance"
source = "illustrative assumption"

# One [[payoffs]] table per strategy profile, every profile exactly once.
# (Alternatively, one formula per actor under [payoff_formulas], using indicators such as
#  T = "T.comply * (p * r * P.reward - c)", where T.comply is 1 when T complies and 0 otherwise.)
[[payoffs]]
profile = { P = "reward", T = "comply" }
P = "B - p * r"
T = "p * r - c"

[[payoffs]]
profile = { P = "reward", T = "defy" }
P = "0"
T = "0"

[[payoffs]]
profile = { P = "withhold", T = "comply" }
P = "B"
T = "-c"

[[payoffs]]
profile = { P = "withhold", T = "defy" }
P = "0"
T = "0"

# Optional: what really happened, to hold the model against (`bargaining solve` reports it).
# Entries of one date must be explained by one equilibrium; `set` gives the values of that date.
# [[observed]]
# what = { T = "comply" }
# date = 2007-07-04
# source = "where you read it"
# set = { p = 0.9 }

# Optional: a claim of the model, checked like an observation (`bargaining history` reports it).
# [[claims]]
# what = { T = "defy" }
# set = { r = 1.0 }
# text = "with a reward of 1 the target defies"
# source = "model claim"
'''

TREE = '''\
# A game tree with perfect information in the bargaining/1 format (see the README and docs/format.md).
# Nodes are decision nodes (an actor picks a move), chance nodes (probabilities instead of an
# actor) or offer nodes (an actor sets a parameter within bounds). Moves lead to nodes or outcomes;
# every outcome gives every actor a payoff. An indifferent actor takes the move listed first.
format = "bargaining/1"
title = "An offer and a reply"
summary = """
The proposer offers a share v of a surplus; the responder accepts or rejects. The responder
accepts any v at least its outside option, so the proposer offers exactly that.
"""
game = "tree"
root = "proposer"

[[actors]]
id = "P"
name = "Proposer"

[[actors]]
id = "R"
name = "Responder"

[nodes.proposer]
actor = "P"
offer = "v"                  # P chooses the parameter v ...
within = ["0", "1"]          # ... between these bounds (expressions)
next = "responder"

[nodes.responder]
actor = "R"
moves = { accept = "deal", reject = "no_deal" }   # accept first: an indifferent R accepts

# A chance node would read:
# [nodes.luck]
# moves = { ratified = "deal", blocked = "no_deal" }
# probabilities = { ratified = "q", blocked = "1 - q" }

[outcomes.deal]
P = "1 - v"
R = "v"

[outcomes.no_deal]
P = "0"
R = "w"

[parameters.v]
value = 0.5
min = 0.0
max = 1.0
description = "the share offered (chosen by P in the game)"
source = "chosen in the game"

[parameters.w]
value = 0.2
min = 0.0
max = 1.0
description = "the responder's outside option"
source = "illustrative assumption"

# Optional: what really happened, and a claim of the model, to hold it against
# (`bargaining history`). A claim is judged at the defaults updated by its `set`.
# [[observed]]
# what = { R = "accept" }
# date = 2007-06-01
# source = "where you read it"
#
# [[claims]]
# what = { R = "accept" }
# set = { w = 0.9 }
# text = "even with an outside option of 0.9 the proposer offers enough to be accepted"
# source = "model claim"
'''

BARGAIN = '''\
# A package deal in the bargaining/1 format (see the README and docs/format.md): two actors, issues with
# options; a package picks one option per issue; lotteries over packages are allowed. The first
# option of each issue is its status quo. Utilities are expressions in the parameters.
format = "bargaining/1"
title = "Two issues, linked"
summary = """
Each issue alone hurts one side, so separate talks fail; linked, the package helps both when
a * b > k * c (Tollison and Willett 1979).
"""
game = "bargain"

[[actors]]
id = "A"
name = "First actor"

[[actors]]
id = "B"
name = "Second actor"

[[issues]]
id = "visa"
name = "Visa regime"
options.none = { A = "0", B = "0" }
options.facilitation = { A = "-k", B = "a" }

[[issues]]
id = "readmission"
name = "Readmission"
options.none = { A = "0", B = "0" }
options.agreement = { A = "b", B = "-c" }

# [[interactions]]                     # utility that only a combination brings
# when = { visa = "facilitation", readmission = "agreement" }
# A = "0.1"

[disagreement]
A = "0"
B = "0"

[discount]                             # per-round discount factors, for alternating offers
A = "0.9"
B = "0.9"

[power]                                # bargaining weights for the asymmetric Nash solution
A = "0.5"
B = "0.5"

[parameters.a]
value = 5.0
min = 0.0
max = 10.0
description = "B's value of facilitation"
source = "illustrative assumption"

[parameters.b]
value = 3.0
min = 0.0
max = 10.0
description = "A's value of readmission"
source = "illustrative assumption"

[parameters.c]
value = 2.0
min = 0.0
max = 10.0
description = "B's cost of readmission"
source = "illustrative assumption"

[parameters.k]
value = 2.0
min = 0.0
max = 10.0
description = "A's cost of facilitation"
source = "illustrative assumption"

# Optional: what really happened (the package signed), to hold the model against: it agrees when
# the Nash solution puts the most weight on that package.
# [[observed]]
# what = { visa = "facilitation", readmission = "agreement" }
# date = 2007-06-01
# source = "where you read it"
'''

TEMPLATES = {"normal": NORMAL, "tree": TREE, "bargain": BARGAIN}
