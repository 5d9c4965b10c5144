"""The PBX simulator: an AMI server and FastAGI client that behave as the captured Asterisk 22 does.

Start one with ``PbxSim(scenario, ami_port=..., agi_port=...)``; see ``pbxsim.sim``.
"""

from pbxsim.clock import Clock, RealClock, ScaledClock, VirtualClock
from pbxsim.scenario import CustomerScript, OperatorScript, RandomCustomers, Scenario, load_scenario
from pbxsim.sim import PbxSim

__all__ = [
    "Clock",
    "CustomerScript",
    "OperatorScript",
    "PbxSim",
    "RandomCustomers",
    "RealClock",
    "ScaledClock",
    "Scenario",
    "VirtualClock",
    "load_scenario",
]
