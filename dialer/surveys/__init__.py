"""IVR surveys: a campaign's recorded questions, their DTMF answers per call and contact, and the
rules a survey campaign dials under (no operators, but "press N to talk to us" reaches one)."""
