"""Settings shared by the remote client and the ``push`` command.

Kept apart from ``riskgraph.store.remote`` (which imports urllib and http.client) so
that building the command line does not pay for the HTTP stack.
"""

PASSWORD_ENV = "RISKGRAPH_PASSWORD"
USER_ENV = "RISKGRAPH_USER"
