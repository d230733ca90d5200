"""The exit codes of the ``periodize`` commands, in one place (plan.md, "Command line").

The command line and the batch both answer with these, so a script can tell the outcomes
apart whichever command it ran.
"""

EXIT_OK = 0
"""A plan (optimal or feasible), a passing check, or a command that did what it was told."""
EXIT_VIOLATIONS = 1
"""``periodize check`` found violations of a hard rule."""
EXIT_INPUT = 2
"""Bad input: a file, an argument or an option; one line per problem on stderr."""
EXIT_INFEASIBLE = 3
"""The scenario cannot be planned; the conflicting rules are on stderr."""
EXIT_NO_PLAN = 4
"""No plan was found within the time limit."""
EXIT_INCOMPLETE = 5
"""``periodize batch`` could not run every scenario (a worker died on every attempt, a
solve failed unexpectedly, or the cluster could not be reached)."""
EXIT_INTERRUPTED = 130
"""Ctrl-C (128 + SIGINT)."""
