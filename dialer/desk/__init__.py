"""The operator's desk: what the operator's page shows of a call (the contact's card, the script
filled with the contact's fields, the campaign's disposition codes, survey answers) and of their
shift. Pushed in the ``call_connected`` event and answered by ``GET /desk``."""
