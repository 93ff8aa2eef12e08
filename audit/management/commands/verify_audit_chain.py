from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.verify import verify_chain


class Command(BaseCommand):
    help = (
        "Check every audit log entry against the hash chain and list each entry "
        "that was edited, inserted or deleted. Exits with status 1 on any problem."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            help="Entries read per database query (default 1000).",
        )

    def handle(self, *args, batch_size: int, **options) -> None:
        if batch_size < 1:
            raise CommandError(
                f"Invalid --batch-size {batch_size}: give a whole number of 1 or more."
            )
        report = verify_chain(batch_size)
        if not report.problems:
            self.stdout.write(
                f"Verified {report.verified} audit entries: the chain is intact."
            )
            return
        self.stderr.write(f"First problem: {report.problems[0]}")
        for problem in report.problems:
            self.stderr.write(str(problem))
        broken = ", ".join(str(seq) for seq in report.broken_seqs)
        raise CommandError(
            f"The audit chain is broken at seq {broken} "
            f"({len(report.problems)} problems in {report.verified} entries checked)."
        )
