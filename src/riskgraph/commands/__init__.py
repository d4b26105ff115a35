"""Every riskgraph command, in the order ``--help`` lists them."""

from riskgraph.commands.build import build_command, reason_command
from riskgraph.commands.demo import demo_command

COMMANDS = [demo_command, build_command, reason_command]
