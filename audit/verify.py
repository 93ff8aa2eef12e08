"""Check the audit log's hash chain for edited, inserted and deleted entries."""

from collections.abc import Iterator
from dataclasses import dataclass, field

from audit.models import GENESIS_HASH, AuditChainHead, AuditEntry


@dataclass(frozen=True)
class Problem:
    seq: int
    message: str

    def __str__(self) -> str:
        return f"seq {self.seq}: {self.message}"


@dataclass
class ChainReport:
    verified: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def broken_seqs(self) -> list[int]:
        return sorted({problem.seq for problem in self.problems})


def _entries(batch_size: int) -> Iterator[AuditEntry]:
    """Yield every entry in seq order, reading `batch_size` rows per query."""
    last_seq = 0
    while True:
        batch = list(
            AuditEntry.objects.filter(seq__gt=last_seq).order_by("seq")[:batch_size]
        )
        yield from batch
        if len(batch) < batch_size:
            return
        last_seq = batch[-1].seq


def verify_chain(batch_size: int = 1000) -> ChainReport:
    """Walk the chain in seq order and list every entry that does not check out.

    An edited entry no longer matches its own hash. An inserted or deleted
    entry breaks the link: the next entry's prev_hash is not the hash of the
    entry before it, or its seq skips numbers. Entries deleted from the end
    show as the chain head naming a later seq than the last entry.
    """
    report = ChainReport()
    expected_seq = 1
    previous_hash = GENESIS_HASH
    for entry in _entries(batch_size):
        if entry.seq != expected_seq:
            report.problems.append(
                Problem(entry.seq, _gap_message(expected_seq, entry.seq))
            )
        if entry.prev_hash != previous_hash:
            report.problems.append(
                Problem(
                    entry.seq,
                    "prev_hash does not match the hash of the entry before it "
                    "(an entry was inserted or deleted before this one)",
                )
            )
        if entry.hash != entry.compute_hash():
            report.problems.append(
                Problem(
                    entry.seq,
                    "hash does not match the entry's contents (the entry was "
                    "changed after it was written)",
                )
            )
        report.verified += 1
        expected_seq = entry.seq + 1
        previous_hash = entry.hash

    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.seq >= expected_seq:
        report.problems.append(
            Problem(
                head.seq,
                f"the chain head names seq {head.seq}, but the last entry is seq "
                f"{expected_seq - 1} (entries were deleted from the end)",
            )
        )
    return report


def _gap_message(expected_seq: int, seq: int) -> str:
    if seq < expected_seq:
        return f"expected seq {expected_seq} (entries were renumbered)"
    if seq == expected_seq + 1:
        return f"seq {expected_seq} is missing (an entry was deleted)"
    return f"seq {expected_seq} to {seq - 1} are missing (entries were deleted)"
