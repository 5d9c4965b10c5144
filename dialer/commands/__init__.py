"""Subcommands of ``dialer``. Each module has ``register(subparsers)`` that adds its parser and sets
``handler`` (a function of the parsed arguments returning the exit code).

``COMMANDS`` is the catalogue: every command's one-line help, so that ``dialer --help`` lists them
without importing any (each imports what its work needs: SQLAlchemy, FastAPI, openpyxl...), and a
command imports only its own module. A new command is a module here plus its line below.
"""

COMMANDS: dict[str, str] = {
    "billing": "contracts' billing",
    "config": "show the settings in force (secrets masked)",
    "contacts": "contact bases of campaigns",
    "db": "database schema",
    "demo": "run a demo campaign against the PBX simulator and print what happened",
    "dnc": "do-not-call lists",
    "jobs": "daily scheduled jobs",
    "keys": "API keys for machines",
    "operators": "operators and their softphones' PJSIP endpoints",
    "pbxsim": "run the PBX simulator (AMI server + FastAGI client) from a scenario file",
    "reports": "daily and monthly reports",
    "serve": "run the service",
    "trace": "replay an AMI capture and print each call's facts",
    "users": "people who sign in",
}
