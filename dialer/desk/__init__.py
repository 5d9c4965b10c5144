"""The operator's desk: what the operator's page shows of a call (the contact's card, the script
filled with the contact's fields, the campaign's disposition codes, survey answers) and of their
shift, pushed in the desk's live events (``events``). It sits below calls, operators and surveys,
which publish those events; ``GET /desk`` is answered by ``dialer.operators.desk``."""
