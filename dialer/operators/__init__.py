"""Operators as people of the centre, their softphones and their campaign assignments."""
