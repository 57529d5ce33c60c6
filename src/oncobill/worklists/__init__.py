"""Work queues: every queue's table, its routing at posting, assignment, due dates and the shared
operations on its items, behind one interface each stage feeds and the CLI reads.

- ``models``: the queue tables (denial, remit and underpayment work items) and the roles that own them;
- ``feed``: :class:`~oncobill.worklists.feed.WorklistFeed`, what the 835 poster calls per chunk; the
  stages' routers are found through the ``oncobill.worklists`` entry-point group;
- ``queues``: list with filters and totals, get/show, assign, days left, the item's log, close and
  resolve; the remit work queue and the underpayment queue;
- ``underpayments``: a paid line's allowed amount against the contract.

Imports only the core (``db``, ``money``, ``errors``, ``x12``): the stages import worklists, never the
other way. See docs/denials.md.
"""
