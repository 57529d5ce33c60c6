"""The sandbox clearinghouse-payer: the practice reaches it only through X12 files in a mailbox.

``process_inbox(mailbox, today=...)`` answers each new 837 under ``mailbox/outbound/`` with a
999, a 277CA and an 835 under ``mailbox/inbound/``, adjudicating like a payer from core's
Medicare fee schedule (``oncobill.codes.fees``) and the payers' records in ``mailbox/sandbox_config.json``.
See docs/sandbox-payer.md.

No OncoBill database, no stage imports: only the X12 engine, code sets (and their fee schedule) and money.
"""

from oncobill.sandbox_payer.config import ConfigError, SandboxConfig, load_config, parse_config
from oncobill.sandbox_payer.inbox import ClaimOutcome, FileResult, ProcessReport, process_inbox

__all__ = ["ClaimOutcome", "ConfigError", "FileResult", "ProcessReport", "SandboxConfig", "load_config",
           "parse_config", "process_inbox"]
