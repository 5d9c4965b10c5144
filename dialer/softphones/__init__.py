"""Operators' softphones: the PJSIP endpoint, auth and AOR the product provisions for each enabled
operator (a generated include file Asterisk reloads), and the settings a softphone is set up with."""
