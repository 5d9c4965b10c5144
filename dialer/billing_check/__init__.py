"""The bill checked call by call against Asterisk's own record (the CEL lines of ``ami.cel``).

``compare`` is the pure comparison of one call's billed talk with the record's; ``service`` reads a
contract's month of calls and the record (in a thread, in batches) and tallies them; ``text``
prints the result for a person at the console.
"""
