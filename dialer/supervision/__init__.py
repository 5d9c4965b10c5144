"""Read models for supervisors: what the floor and its campaigns are doing, and why."""
