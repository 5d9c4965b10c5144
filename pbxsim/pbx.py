"""The simulated Asterisk put together: the core with its endpoints, queues and conferences."""

from __future__ import annotations

from pbxsim.clock import Clock
from pbxsim.conference import Conference
from pbxsim.core import Call, PbxConfig, PbxCore, Redirected
from pbxsim.endpoints import Endpoints
from pbxsim.queue_members import Queues
from pbxsim.scenario import Scenario

__all__ = ["Call", "Pbx", "PbxConfig", "Redirected"]


class Pbx(PbxCore):
    """The core, and the features the AMI actions, the dialplan and the call flows reach through it."""

    def __init__(self, clock: Clock, scenario: Scenario, config: PbxConfig) -> None:
        super().__init__(clock, scenario, config)
        self.conferences: dict[str, Conference] = {}
        self.queues = Queues(config.queues, self.booted_at)
        self.endpoints = Endpoints(self, scenario, self.queues)

    def conference(self, name: str) -> Conference:
        conf = self.conferences.get(name)
        if conf is None:
            conf = Conference(self, name, on_end=self.drop_conference)
            self.conferences[name] = conf
        return conf

    def drop_conference(self, conf: Conference) -> None:
        if self.conferences.get(conf.name) is conf:
            del self.conferences[conf.name]
