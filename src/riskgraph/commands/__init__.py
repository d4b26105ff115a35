"""Every riskgraph command, in the order ``--help`` lists them."""

from riskgraph.commands.build import build_command, reason_command
from riskgraph.commands.demo import demo_command
from riskgraph.commands.graph import graph_command
from riskgraph.commands.push import push_command
from riskgraph.commands.query import query_command
from riskgraph.commands.validate import validate_command

COMMANDS = [demo_command, build_command, reason_command, validate_command, query_command,
            push_command, graph_command]
