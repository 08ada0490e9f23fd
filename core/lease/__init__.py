"""Servers of a data dir shared by the processes that lease them (the embedded database,
the local box-office server): started on demand, stopped by themselves a few seconds
after the last leaseholder exits or crashes. See :mod:`core.lease.server`."""
