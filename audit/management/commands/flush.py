"""Django's `flush`, able to empty the append-only audit log on SQLite.

Flushing removes every row of every table, the audit log's included. On
PostgreSQL Django flushes with TRUNCATE, which the row triggers do not see.
On SQLite it uses DELETE, which the triggers reject, so this command drops
them, flushes and creates them again in one transaction. The test suite
flushes after every test that commits to the database.
"""

from django.core.management.commands import flush
from django.db import connections, transaction

from audit import triggers


class Command(flush.Command):
    def handle(self, **options) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            super().handle(**options)
            return
        with transaction.atomic(using=connection.alias):
            triggers.drop_triggers(connection)
            super().handle(**options)
            triggers.create_triggers(connection)
